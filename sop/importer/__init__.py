"""The SOP document importer: reads the text export of an SOP document into an
ImportedDocument (`read_document`; a Word .docx or the text as bytes: `read_bytes`),
summarises it (`summary`, the CLI's JSON) and drafts an executable SopDefinition from it
(`draft_definition`), carrying over the reviewed choices of the previous version.

Modules, one job each: `text` (cleaning cells, splitting lists), `header` (the identity
block), `lines` (table rows from text lines), `table` (the procedure table), `document` (the
whole text), `mentions` (actor names in activity texts), `actors` (who does each step),
`branches` (a decision's written answers), `kinds` (terminator/process/decision), `summary`,
`draft`, `word` (a .docx as that text). Pure Python: no I/O besides the text or bytes given.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sop.importer.actors import infer_actors
from sop.importer.branches import read_branches, returned_to
from sop.importer.document import parse_document
from sop.importer.draft import draft_definition
from sop.importer.errors import UnreadableDocument
from sop.importer.kinds import infer_kinds
from sop.importer.mentions import ActorMatcher
from sop.importer.model import ImportedDocument, ImportedRow, WrittenBranch
from sop.importer.summary import summary
from sop.importer.word import word_text

__all__ = [
    "ImportedDocument",
    "ImportedRow",
    "UnreadableDocument",
    "draft_definition",
    "read_bytes",
    "read_document",
    "summary",
]


def read_bytes(data: bytes, source: str = "<bytes>") -> ImportedDocument:
    """A document as stored: a Word file (.docx, a ZIP package: `sop.importer.word`) or the
    seed text format in UTF-8 (a BOM allowed); raises UnreadableDocument."""
    if data.startswith(b"PK\x03\x04"):
        return read_document(word_text(data, source), source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableDocument(
            source, 1, f"neither UTF-8 text nor a .docx file: {error}"
        ) from error
    return read_document(text, source)


def read_document(text: str, source: str = "<text>") -> ImportedDocument:
    """The document with every step's actors and kind inferred; raises UnreadableDocument
    ("SOURCE:LINE: reason") for anything it cannot read."""
    doc = parse_document(text, source)
    written = tuple(
        replace(row, branches=read_branches(row.remarks, row.activity)) for row in doc.rows
    )
    inference = infer_actors(doc.column_actors, written)
    actors = doc.column_actors + inference.discovered
    with_actors = [
        replace(row, actors=step_actors)
        for row, step_actors in zip(written, inference.step_actors, strict=True)
    ]
    returns = _returns_to_actors(with_actors, actors)
    kinds, kind_warnings = infer_kinds(returns.rows)
    rows = tuple(replace(row, kind=kind) for row, kind in zip(returns.rows, kinds, strict=True))
    return replace(
        doc,
        rows=rows,
        actors=actors,
        warnings=(*doc.warnings, *inference.warnings, *returns.warnings, *kind_warnings),
    )


@dataclass(frozen=True)
class _Returns:
    rows: list[ImportedRow]
    warnings: list[str]


def _returns_to_actors(rows: list[ImportedRow], actors: tuple[str, ...]) -> _Returns:
    """Rows without written answers whose text sends the file back to an actor ("apabila tidak
    lengkap dikembalikan ke Pemohon") get that answer, going back to the last earlier step of
    that actor, with a warning."""
    matcher = ActorMatcher(actors)
    result: list[ImportedRow] = []
    warnings: list[str] = []
    for index, row in enumerate(rows):
        found = None if row.branches else returned_to(row.remarks) or returned_to(row.activity)
        mentions = matcher.read(found[1]).mentions if found else ()
        earlier = [
            other.number for other in rows[:index] if mentions and mentions[0].actor in other.actors
        ]
        if found and earlier:
            answer, goto = found[0], earlier[-1]
            row = replace(row, branches=(WrittenBranch(answer, goto),))
            warnings.append(
                f"step {row.number}: answer {answer!r} goes back to step {goto}, the last step "
                f"of {mentions[0].actor} before it ('dikembalikan ke {found[1]}')"
            )
        result.append(row)
    return _Returns(result, warnings)
