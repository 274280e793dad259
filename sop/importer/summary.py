"""The JSON-ready summary of an import: the output of `alur sop import PATH --json`.

A public contract: {"name", "number", "unit", "actors", "steps": [{"number", "activity",
"actors", "kind", "documents", "duration": {"value", "unit"} | null, "output"}], "warnings"}.
"""

from __future__ import annotations

from typing import Any

from sop.importer.model import ImportedDocument, ImportedRow


def summary(doc: ImportedDocument) -> dict[str, Any]:
    """The summary of an imported document (see the module docstring)."""
    return {
        "name": doc.name,
        "number": doc.number,
        "unit": doc.unit,
        "actors": list(doc.actors),
        "steps": [_step(row) for row in doc.rows],
        "warnings": list(doc.warnings),
    }


def _step(row: ImportedRow) -> dict[str, Any]:
    return {
        "number": row.number,
        "activity": row.activity,
        "actors": list(row.actors),
        "kind": row.kind,
        "documents": list(row.documents),
        "duration": row.duration.model_dump(mode="json") if row.duration else None,
        "output": row.output,
    }
