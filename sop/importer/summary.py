"""The JSON-ready summary of an import: the output of `alur sop import PATH --json`.

A public contract: {"name", "number", "unit", "actors", "steps": [{"number", "activity",
"actors", "kind", "documents", "duration": {"value", "unit"} | null, "output"}], "warnings"}.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

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


# A step's keys, in the order the summary writes them.
_STEP_KEYS = ("number", "activity", "actors", "kind", "documents", "duration", "output")


def _step(row: ImportedRow) -> dict[str, Any]:
    return {key: _json(getattr(row, key)) for key in _STEP_KEYS}


def _json(value: Any) -> Any:
    """A row's value as JSON has it: a tuple as a list, a duration as {"value", "unit"}."""
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return value
