"""Reading the identity block of an SOP document (the part above the procedure table).

The export writes the block as rows of tab-separated cells:
- a title block of lines without tabs ("**DINAS KESEHATAN\\nKABUPATEN MUSI BANYUASIN**");
- key/value rows: a label cell ("NOMOR SOP", "TGL. REVISI / REVISI KE-", "DISAHKAN OLEH",
  "NAMA SOP") followed by its value in the next cell, optionally starting with ":"; the first
  cell of such a row, when it is not a label, names the unit;
- list labels ("DASAR HUKUM :", "KUALIFIKASI PELAKSANAAN :", "KETERKAITAN", "PERALATAN /
  PERLENGKAPAN", "PERINGATAN", "PENCATATAN DAN PENDATAAN") in a two-column grid: each column is
  read on its own, and a cell below a label (in the same column) is that label's value, so a
  row may hold the value of one label next to the next label of the other column.
Without a "NAMA SOP" the title names the SOP: "SOP PENANGANAN PENGADUAN MASYARAKAT DI DINAS
KESEHATAN PROVINSI JAMBI" gives the name before " DI " and the unit after it. Names and units
written in capitals are title-cased.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from sop.definition import Approval
from sop.importer.text import clean, split_list, title_case

_KEY_LABELS: dict[str, re.Pattern[str]] = {
    "number": re.compile(r"NO(?:MOR)?\.? SOP"),
    "created": re.compile(r"(?:TANGGAL|TGL\.?) PEMBUATAN"),
    "revised": re.compile(r"(?:TANGGAL|TGL\.?) REVISI(?: ?/ ?REVISI KE ?-?)?"),
    "effective": re.compile(r"(?:TANGGAL|TGL\.?) (?:EFEKTIF|BERLAKU)"),
    "approved_by": re.compile(r"DISAHKAN(?: OLEH)?"),
    "name": re.compile(r"NAMA SOP"),
}
_LIST_LABELS: dict[str, re.Pattern[str]] = {
    "legal_basis": re.compile(r"DASAR HUKUM"),
    "qualifications": re.compile(r"KUALIFIKASI PELAKSANA(?:AN)?"),
    "related_sops": re.compile(r"KETERKAITAN(?: (?:DENGAN )?SOP(?: LAIN)?)?"),
    "equipment": re.compile(r"PERALATAN ?(?:/|DAN)? ?PERLENGKAPAN|PERALATAN|PERLENGKAPAN"),
    "warnings": re.compile(r"PERINGATAN"),
    "records": re.compile(r"PENCATATAN(?: DAN PENDATAAN)?"),
}
_NIP = re.compile(r"\bNIP\b\.?\s*:?\s*([\d ]{18,24})\s*$|(\d{18})\s*$", re.IGNORECASE)
_HONORIFIC = re.compile(r"\s(?=(?:dr|drg|Dr|Drs|Dra|Ir|H|Hj|Prof)\.\s)")
_TITLE_SPLIT = re.compile(r"\s(?:DI|PADA)\s", re.IGNORECASE)
_TITLE_PREFIX = re.compile(r"^(?:SOP|STANDAR OPERASIONAL PROSEDUR)\b\s*", re.IGNORECASE)


@dataclass
class _Block:
    values: dict[str, str] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=dict)
    unit: str | None = None


def label_of(cell: str) -> tuple[str, str] | None:
    """(field, inline value) when the cell is a header label, else None."""
    text = clean(cell).upper()
    for name, pattern in (_KEY_LABELS | _LIST_LABELS).items():
        match = re.match(rf"(?:{pattern.pattern})\s*(?::\s*|$)", text)
        if match:
            return name, clean(cell)[match.end() :].strip()
    return None


def read_header(title_lines: Sequence[str], rows: Sequence[list[str]]) -> tuple[dict, str]:
    """The Header fields (without `name` when the document gives none) and the title."""
    title = clean(" ".join(title_lines)).strip("* ")
    block = _read_block(rows)
    fields: dict = {name: items for name, items in block.lists.items() if items}
    for name in ("number", "created", "revised", "effective"):
        if block.values.get(name):
            fields[name] = _value(block.values[name])
    if block.values.get("approved_by"):
        fields["approved_by"] = parse_approval(block.values["approved_by"])
    name, unit = _value(block.values.get("name", "")), block.unit
    title_name, title_unit = _split_title(title)
    fields["unit"] = title_case(unit or title_unit or "") or None
    if name or title_name:
        fields["name"] = title_case(name or title_name)
    return fields, title


def _read_block(rows: Sequence[list[str]]) -> _Block:
    block = _Block()
    column_label: dict[int, str | None] = {}
    for cells in rows:
        labels = {index: label_of(cell) for index, cell in enumerate(cells)}
        has_key_label = any(found and found[0] in _KEY_LABELS for found in labels.values())
        consumed: set[int] = set()
        for index, cell in enumerate(cells):
            if index in consumed:
                continue
            found = labels[index]
            if found:
                consumed |= _take_label(block, cells, labels, index, found, column_label)
            elif clean(cell):
                _take_value(block, index, cell, column_label, has_key_label)
    return block


def _take_label(
    block: _Block,
    cells: list[str],
    labels: dict[int, tuple[str, str] | None],
    index: int,
    found: tuple[str, str],
    column_label: dict[int, str | None],
) -> set[int]:
    name, inline = found
    if name in _LIST_LABELS:
        column_label[index] = name
        block.lists.setdefault(name, [])
        if inline:
            block.lists[name].extend(split_list(inline))
        return set()
    column_label[index] = None
    if inline.strip(": "):
        block.values[name] = inline
        return set()
    for later in range(index + 1, len(cells)):
        if labels[later]:
            break
        if clean(cells[later]).lstrip(":").strip():
            block.values[name] = cells[later]
            return {later}
    return set()


def _take_value(
    block: _Block,
    index: int,
    cell: str,
    column_label: dict[int, str | None],
    has_key_label: bool,
) -> None:
    label = column_label.get(index)
    if label:
        block.lists[label].extend(split_list(cell))
    elif block.unit is None and has_key_label:
        block.unit = clean(cell)


def _value(cell: str) -> str:
    return clean(cell).lstrip(":").strip()


def parse_approval(cell: str) -> Approval:
    """Position, name and NIP of "DISAHKAN OLEH"; the whole text is the position when the
    position and the name cannot be told apart (no double space, no honorific like "dr.")."""
    text = re.sub(r"<[^>]*>", " ", cell).replace("\u00a0", " ").strip().lstrip(":").strip()
    nip = None
    match = _NIP.search(text)
    if match:
        nip = " ".join((match.group(1) or match.group(2)).split())
        text = text[: match.start()].strip(" ,")
    raw = text
    parts = re.split(r"\s{2,}", raw, maxsplit=1)
    if len(parts) < 2:
        parts = _HONORIFIC.split(raw, maxsplit=1)
    position, name = (parts[0], parts[1]) if len(parts) == 2 else (raw, None)
    return Approval(position=clean(position) or None, name=clean(name) or None, nip=nip)


def _split_title(title: str) -> tuple[str | None, str | None]:
    """(name, unit) read from a title: "SOP <name> DI <unit>", or the whole title as unit."""
    if not title:
        return None, None
    if _TITLE_PREFIX.match(title):
        rest = _TITLE_PREFIX.sub("", title)
        parts = _TITLE_SPLIT.split(rest, maxsplit=1)
        return parts[0].strip() or None, (parts[1].strip() if len(parts) == 2 else None)
    return None, title
