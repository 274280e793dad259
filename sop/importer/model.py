"""The importer's neutral form of an SOP document: what the document says, before anyone has
decided what it means for Alur (that is `sop.importer.draft`)."""

from __future__ import annotations

from dataclasses import dataclass

from sop.definition import Header
from sop.duration import Duration


@dataclass(frozen=True)
class WrittenBranch:
    """An answer of a decision as the document writes it, and where it leads."""

    answer: str  # lower case, as written ("ya", "tidak lengkap")
    goto: int | str | None  # a step number, "end", or None for the next step


@dataclass(frozen=True)
class ImportedRow:
    """One step row of the procedure table."""

    number: int
    activity: str
    line: int  # 1-based line of the source text
    symbol_actors: tuple[str, ...] = ()  # actor columns holding a flowchart symbol
    symbol_kind: str | None = None  # the kind the symbols give (a diamond wins)
    # Why the row's own cells show its symbol cells may be shifted (None: its layout is intact).
    layout_fault: str | None = None
    documents: tuple[str, ...] = ()  # the kelengkapan items
    waktu: str = ""
    duration: Duration | None = None
    output: str | None = None
    remarks: str | None = None
    branches: tuple[WrittenBranch, ...] = ()  # answers the remarks name (a decision's)
    # Filled in by `read_document`: who does the step and what kind of step it is.
    actors: tuple[str, ...] = ()
    kind: str = "process"


@dataclass(frozen=True)
class ImportedDocument:
    source: str
    header: Header
    title: str
    actors: tuple[str, ...]  # actor header names, then actors discovered in the text
    rows: tuple[ImportedRow, ...]
    notes: tuple[str, ...] = ()  # free text after the table
    warnings: tuple[str, ...] = ()  # what the importer inferred or could not tell
    column_actors: tuple[str, ...] = ()  # the actors with a column in the table

    @property
    def name(self) -> str:
        return self.header.name

    @property
    def number(self) -> str | None:
        return self.header.number

    @property
    def unit(self) -> str | None:
        return self.header.unit
