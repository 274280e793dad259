"""Reading the text of an SOP export into an ImportedDocument (header, actors, rows).

`parse_document` splits the text into the title block (leading lines without tabs that are
not header labels; blank and space-only lines skipped), the identity block
(`sop.importer.header`) and the procedure table (`sop.importer.table`). A UTF-8 BOM is
dropped; CRLF and CR line ends read as LF. Actors and kinds of the steps are filled in
afterwards by `sop.importer.actors` and `sop.importer.kinds` (see
`sop.importer.read_document`).
"""

from __future__ import annotations

from sop.definition import Header
from sop.importer.errors import UnreadableDocument
from sop.importer.header import label_of, read_header
from sop.importer.model import ImportedDocument
from sop.importer.table import Table, find_table, read_table


def parse_document(text: str, source: str = "<text>") -> ImportedDocument:
    """The document's header, actor columns and rows; raises UnreadableDocument."""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not any(line.strip() for line in lines):
        raise UnreadableDocument(source, 1, "the document is empty")
    table_at = find_table(lines)
    if table_at is None:
        raise UnreadableDocument(
            source,
            len(lines),
            "no procedure table: no row starting with NO that names KEGIATAN and PELAKSANA",
        )
    title_lines, header_rows = _split_top(lines[:table_at])
    fields, title = read_header(title_lines, header_rows)
    if not fields.get("name"):
        raise UnreadableDocument(source, 1, "the document names no SOP (no NAMA SOP, no title)")
    table = read_table(lines, table_at, source)
    return _document(source, Header(**fields), title, table)


def _split_top(lines: list[str]) -> tuple[list[str], list[list[str]]]:
    """Title lines (no tabs, before the first row with tabs or a header label) and the header
    rows."""
    title: list[str] = []
    rows: list[list[str]] = []
    for line in lines:
        if not line.strip():
            continue
        if "\t" in line:
            rows.append(line.split("\t"))
        elif not rows and not label_of(line):
            title.append(line)
        else:
            rows.append([line])
    return title, rows


def _document(source: str, header: Header, title: str, table: Table) -> ImportedDocument:
    return ImportedDocument(
        source=source,
        header=header,
        title=title,
        actors=table.actors,
        rows=table.rows,
        notes=table.notes,
        warnings=table.warnings,
        column_actors=table.actors,
    )
