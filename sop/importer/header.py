"""Reading the identity block of an SOP document (the part above the procedure table).

The export writes the block as rows of tab-separated cells:
- a title block of lines without tabs ("**DINAS KESEHATAN\\nKABUPATEN MUSI BANYUASIN**");
- key/value rows: a label cell ("NOMOR SOP", "TGL. REVISI / REVISI KE-", "DISAHKAN OLEH",
  "NAMA SOP") followed by its value in the next cell, optionally starting with ":"; the first
  cell of such a row, when it is not a label, names the unit;
- the same labels written one per line without tabs ("Nomor SOP : 445/12/PKM/2023"), or with
  the value on the next line ("Nama SOP :" then "PELAYANAN GAWAT DARURAT"); a line with one
  text and no label right after the name or the approving officer continues it ("DISAHKAN OLEH
  : Kepala Puskesmas", then "dr. Ani", then "NIP. …"), unless it looks like a label of its own
  ("Halaman : 1/2") or a caption ("STANDAR OPERASIONAL PROSEDUR");
- label spellings: "NOMOR SOP"/"No. SOP"/"Nomor"/"No. Dokumen", "TGL. PEMBUATAN"/"Tgl
  Pembuatan"/"Tanggal Dibuat", "TANGGAL EFEKTIF"/"Tanggal Berlaku", "DISAHKAN OLEH"/
  "Ditetapkan oleh"/"Mengesahkan", "NAMA SOP"/"Judul SOP"; "TANGGAL PENGESAHAN"/"Tanggal
  Ditetapkan" is the effective date when the document gives none;
- list labels ("DASAR HUKUM :", "KUALIFIKASI PELAKSANAAN :", "KETERKAITAN", "PERALATAN /
  PERLENGKAPAN", "PERINGATAN", "PENCATATAN DAN PENDATAAN") in a two-column grid: each column is
  read on its own, and a cell below a label (in the same column) is that label's value, so a
  row may hold the value of one label next to the next label of the other column; a list
  label alone in its row with a text beside it ("Dasar Hukum" | "1. … 2. …", as Word tables
  write it) has that text as its value.
Without a "NAMA SOP" the title names the SOP: "SOP PENANGANAN PENGADUAN MASYARAKAT DI DINAS
KESEHATAN PROVINSI JAMBI" gives the name before " DI " and the unit after it. Without a unit
cell and such a title, the title lines name the unit: captions ("STANDAR OPERASIONAL
PROSEDUR"), the government line ("PEMERINTAH KABUPATEN …") and address lines are left out,
and a service unit under an office ("UPTD PUSKESMAS …", "RSUD …", "INSTALASI …") is the unit
from its line on. Names and units written in capitals are title-cased.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from sop.definition import Approval
from sop.importer.text import clean, split_list, title_case

_DATE = r"(?:TANGGAL|TGL\.?) ?"
_KEY_LABELS: dict[str, re.Pattern[str]] = {
    "number": re.compile(r"NO(?:MOR)?\.? ?(?:SOP|DOKUMEN|DOK\.?)|NOMOR"),
    "created": re.compile(rf"{_DATE}(?:PEMBUATAN|DIBUAT|PENYUSUNAN)"),
    "revised": re.compile(rf"{_DATE}REVISI(?: ?/ ?REVISI KE ?-?)?"),
    "effective": re.compile(rf"{_DATE}(?:EFEKTIF|(?:MULAI )?BERLAKU)"),
    "approved_on": re.compile(rf"{_DATE}(?:PENGESAHAN|DISAHKAN|DITETAPKAN|PENETAPAN|TERBIT)"),
    "approved_by": re.compile(r"DISAHKAN(?: OLEH)?|DITETAPKAN OLEH|MENGESAHKAN"),
    "name": re.compile(r"(?:NAMA|JUDUL) (?:SOP|PROSEDUR)|JUDUL"),
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
_CONTINUED = frozenset({"name", "approved_by"})  # values that may go on over several lines
_OTHER_LABEL = re.compile(r"^(?!NIP\b)[A-Za-z][A-Za-z .()/-]{0,30}:")
_CAPTION = re.compile(r"^(?:SOP|STANDA?R OPERASIONAL PROSEDUR|S\.?O\.?P\.?)(?:\s*\(SOP\))?$", re.I)
_NOT_UNIT = re.compile(
    r"^(?:PEMERINTAH|JL\.?|JALAN|TELP|TELEPON|FAX|E-?MAIL|WEBSITE|KODE POS)\b", re.I
)
_SERVICE_UNIT = re.compile(
    r"^(?:UPTD?|PUSKESMAS|RSUD|RSU|RUMAH SAKIT|INSTALASI|LABORATORIUM|LABKESDA|GUDANG FARMASI)\b",
    re.IGNORECASE,
)
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
        if _value(block.values.get(name, "")):
            fields[name] = _value(block.values[name])
    if "effective" not in fields and _value(block.values.get("approved_on", "")):
        fields["effective"] = _value(block.values["approved_on"])
    if _value(block.values.get("approved_by", "")):
        fields["approved_by"] = parse_approval(block.values["approved_by"])
    name, unit = _value(block.values.get("name", "")), block.unit
    title_name, title_unit = _split_title(title)
    if title_unit == title:
        title_unit = _unit_from_title_lines(title_lines)
    fields["unit"] = title_case(unit or title_unit or "") or None
    if name or title_name:
        fields["name"] = title_case(name or title_name)
    return fields, title


def _read_block(rows: Sequence[list[str]]) -> _Block:
    block = _Block()
    column_label: dict[int, str | None] = {}
    open_key: str | None = None  # a key whose value the next one-text row gives or continues
    for cells in rows:
        labels = {index: label_of(cell) for index, cell in enumerate(cells)}
        texts = [cell for cell in cells if clean(cell)]
        if open_key and _continues(block, open_key, texts, labels):
            _continue_value(block, open_key, texts[0])
            continue
        open_key = None
        has_key_label = any(found and found[0] in _KEY_LABELS for found in labels.values())
        consumed: set[int] = set()
        for index, cell in enumerate(cells):
            if index in consumed:
                continue
            found = labels[index]
            if found:
                taken = _take_label(block, cells, labels, index, found, column_label)
                consumed |= taken
                if found[0] in _KEY_LABELS and _ends_row(cells, {index, *taken}):
                    open_key = found[0]
            elif clean(cell):
                _take_value(block, index, cell, column_label, has_key_label)
    return block


def _ends_row(cells: list[str], indexes: set[int]) -> bool:
    """Whether the row's last text is in one of `indexes` (a label or its value)."""
    last = max((i for i, cell in enumerate(cells) if clean(cell).strip(":")), default=-1)
    return last in indexes


def _continues(
    block: _Block, key: str, texts: list[str], labels: dict[int, tuple[str, str] | None]
) -> bool:
    """Whether a row gives an open key's value (one text, no label) or, for a name or an
    approving officer, continues it."""
    if len(texts) != 1 or any(labels.values()):
        return False
    text = clean(texts[0])
    if _OTHER_LABEL.match(text) or _CAPTION.match(text):
        return False
    return not _value(block.values.get(key, "")) or key in _CONTINUED


def _continue_value(block: _Block, key: str, text: str) -> None:
    """A key's value on the line after its label, or the next line of that value."""
    before = block.values.get(key, "")
    if not _value(before):
        block.values[key] = text
    else:
        separator = "  " if key == "approved_by" else " "  # parse_approval splits on "  "
        block.values[key] = f"{before.rstrip()}{separator}{clean(text)}"


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
        beside = index + 1
        alone = sum(1 for found in labels.values() if found) == 1
        if alone and beside < len(cells) and _value(cells[beside]):
            block.lists[name].extend(split_list(_value(cells[beside])))
            return {beside}
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
    """The text of a value cell without a leading ":"; "" for "-" (nothing given)."""
    value = clean(cell).lstrip(":").strip()
    return "" if value in {"-", "–", "—"} else value


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


def _unit_from_title_lines(lines: Sequence[str]) -> str | None:
    """The unit the title lines name (see the module docstring), or None."""
    kept = [text for text in (clean(line).strip("* ") for line in lines) if text]
    kept = [text for text in kept if not _CAPTION.match(text) and not _NOT_UNIT.match(text)]
    services = [index for index, text in enumerate(kept) if _SERVICE_UNIT.match(text)]
    if services:
        kept = kept[services[-1] :]
    return " ".join(kept) or None


def _split_title(title: str) -> tuple[str | None, str | None]:
    """(name, unit) read from a title: "SOP <name> DI <unit>", or the whole title as unit."""
    if not title:
        return None, None
    if _TITLE_PREFIX.match(title):
        rest = _TITLE_PREFIX.sub("", title)
        parts = _TITLE_SPLIT.split(rest, maxsplit=1)
        return parts[0].strip() or None, (parts[1].strip() if len(parts) == 2 else None)
    return None, title
