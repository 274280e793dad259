"""The SOP document importer: reads the text export of an SOP document into an
ImportedDocument (`read_document`), summarises it (`summary`, the CLI's JSON) and drafts an
executable SopDefinition from it (`draft_definition`), carrying over the reviewed choices of
the previous version.

Modules, one job each: `text` (cleaning cells, splitting lists), `header` (the identity
block), `lines` (table rows from text lines), `table` (the procedure table), `document` (the
whole text), `mentions` (actor names in activity texts), `actors` (who does each step),
`branches` (a decision's written answers), `kinds` (terminator/process/decision), `summary`,
`draft`. Pure Python: no I/O besides the text given.
"""

from __future__ import annotations

from dataclasses import replace

from sop.importer.actors import infer_actors
from sop.importer.branches import read_branches
from sop.importer.document import parse_document
from sop.importer.draft import draft_definition
from sop.importer.errors import UnreadableDocument
from sop.importer.kinds import infer_kinds
from sop.importer.model import ImportedDocument, ImportedRow
from sop.importer.summary import summary

__all__ = [
    "ImportedDocument",
    "ImportedRow",
    "UnreadableDocument",
    "draft_definition",
    "read_document",
    "summary",
]


def read_document(text: str, source: str = "<text>") -> ImportedDocument:
    """The document with every step's actors and kind inferred; raises UnreadableDocument
    ("SOURCE:LINE: reason") for anything it cannot read."""
    doc = parse_document(text, source)
    written = tuple(
        replace(row, branches=read_branches(row.remarks, row.activity)) for row in doc.rows
    )
    inference = infer_actors(doc.column_actors, written)
    kinds, kind_warnings = infer_kinds(written)
    rows = tuple(
        replace(row, actors=actors, kind=kind)
        for row, actors, kind in zip(written, inference.step_actors, kinds, strict=True)
    )
    return replace(
        doc,
        rows=rows,
        actors=doc.column_actors + inference.discovered,
        warnings=(*doc.warnings, *inference.warnings, *kind_warnings),
    )
