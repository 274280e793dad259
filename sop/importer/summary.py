"""The JSON-ready summary of an import: the output of `alur sop import PATH --json`.

A public contract: {"name", "number", "unit", "actors", "steps": [{"number", "activity",
"actors", "kind", "documents", "duration": {"value", "unit"} | null, "output", "branches":
[{"answer", "goto"}]}], "warnings"}. A decision's branches are its answers and the step each
leads to (`goto`: a step number, or "end"); other steps have none. Given the drafted
definition, the branches are the definition's (written ones, and those the draft assumed or a
reviewed previous version carried over); without it, the ones the document writes.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from sop.definition import END, SopDefinition
from sop.importer.model import ImportedDocument, ImportedRow


def summary(doc: ImportedDocument, definition: SopDefinition | None = None) -> dict[str, Any]:
    """The summary of an imported document (see the module docstring)."""
    steps = []
    for index, row in enumerate(doc.rows):
        step = _step(row)
        if definition is not None and index < len(definition.steps):
            written = [(b.answer, b.goto) for b in definition.steps[index].branches]
        else:
            written = [(b.answer, b.goto) for b in row.branches] if row.kind == "decision" else []
        step["branches"] = [
            {"answer": answer, "goto": _goto(goto, row.number, len(doc.rows))}
            for answer, goto in written
        ]
        steps.append(step)
    return {
        "name": doc.name,
        "number": doc.number,
        "unit": doc.unit,
        "actors": list(doc.actors),
        "steps": steps,
        "warnings": list(doc.warnings),
    }


def _goto(goto: int | str | None, step: int, steps: int) -> int | str:
    """Where an answer leads: "next step" (None) written as the step's number, or "end"."""
    if goto is None:
        return step + 1 if step < steps else END
    return goto


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
