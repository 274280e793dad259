"""Reading the procedure table of an SOP export.

The table starts at a header row whose first cell is "NO"/"No."/"Nomor" and which names the
activity ("URAIAN KEGIATAN", "KEGIATAN", "URAIAN PROSEDUR", "AKTIVITAS", "LANGKAH") and the
actors ("PELAKSANA"/"PELAKSANAAN"/"PELAKU"), usually also "MUTU BAKU". The next non-blank row
names the columns under those spans: the actor names under PELAKSANA, then KELENGKAPAN
("PERSYARATAN/KELENGKAPAN", "PERSYARATAN", "INPUT"), WAKTU ("Waktu (menit)", "WAKTU (JAM)",
"Waktu (hari)": bare numbers are in that unit), OUTPUT ("HASIL", "OUTPUT/HASIL", "KELUARAN"),
maybe KET/KETERANGAN. Columns are located from these two rows, never by position:
- a column named in the second row is what it says, even when the first row's spans are off
  by one (seed 002);
- actor columns are the named cells from the PELAKSANA span's start up to the first column of
  the quality standard (MUTU BAKU's start or the first named KELENGKAPAN/WAKTU/OUTPUT);
- a quality-standard column without a name takes the first role of KELENGKAPAN, WAKTU, OUTPUT
  not named elsewhere, in that order (seed 004's empty KELENGKAPAN cell).
Rows are put together from the lines by `sop.importer.lines` (wrapped cells, continuation
lines, a row of column numbers). Step rows start with a number ("1", "1.", "(1)"), numbered
1, 2, 3, … in order. Blank lines are skipped; free text (a line without tabs) after the last
step is a note, not a step. Any text in an actor cell marks that actor: a flowchart shape
("(Red Circle)", "(Blue Square)", "(Diamond)", "belah ketupat") also gives the row's kind (a
diamond wins over a circle, a circle over a square); a tick or other mark ("√", "v", "X", "●")
gives none. A row with symbols whose own cells show they may be shifted gets a `layout_fault`
(fewer cells than the header's columns, text beyond them, markers of different shapes): its
symbols are then only evidence (`sop.importer.actors`), not the answer. The waktu text is read
by `sop.duration`; a range, an approximation, a week or a month, a schedule is warned about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sop.duration import UnreadableDuration, approximations, parse_duration
from sop.importer.errors import UnreadableDocument
from sop.importer.lines import STEP_NUMBER, Line, assemble
from sop.importer.model import ImportedRow
from sop.importer.text import clean, marker_shapes, split_items, without_symbols

_NUMBER_HEAD = re.compile(r"^(?:no|nomor|no\.?\s*urut)\.?$", re.IGNORECASE)
_ACTIVITY_HEAD = re.compile(
    r"\b(?:kegiatan|aktivitas|aktifitas|prosedur|langkah|tahapan|uraian)\b", re.IGNORECASE
)
_ACTORS_HEAD = re.compile(r"^(?:pelaksana(?:an)?|pelaku)(?:\s+kegiatan)?\s*:?$", re.IGNORECASE)
_STANDARD_HEAD = re.compile(r"^mutu\s+baku$", re.IGNORECASE)
_COLUMN_NAMES: dict[str, re.Pattern[str]] = {
    "documents": re.compile(
        r"^(?:kelengkapan|persyaratan|syarat|input|bahan|dokumen|berkas)\b", re.IGNORECASE
    ),
    "waktu": re.compile(r"^(?:waktu|lama|durasi|standar\s+waktu)\b", re.IGNORECASE),
    "output": re.compile(r"^(?:output|keluaran|hasil|produk)\b", re.IGNORECASE),
    "remarks": re.compile(r"^(?:ket|keterangan|catatan)\.?$", re.IGNORECASE),
}
_STANDARD_ORDER = ("documents", "waktu", "output")
_WAKTU_UNIT = re.compile(r"\(\s*(menit|mnt|jam|hari\s+kerja|hari)\s*\)", re.IGNORECASE)
_SHAPE_KIND = {
    "circle": "terminator",
    "oval": "terminator",
    "ellipse": "terminator",
    "capsule": "terminator",
    "square": "process",
    "rectangle": "process",
    "box": "process",
    "diamond": "decision",
    "rhombus": "decision",
}
_KIND_RANK = {"decision": 0, "terminator": 1, "process": 2}
_NO_KIND = 3  # a tick or other mark without a shape
_TEXT_COLUMNS = ("documents", "output", "remarks")


@dataclass
class Columns:
    number: int
    activity: int
    actors: list[tuple[int, str]]
    named: dict[str, int] = field(default_factory=dict)  # documents/waktu/output/remarks
    waktu_unit: str | None = None  # "menit" for "Waktu (menit)"

    @property
    def extent(self) -> int:
        """How many cells an intact row has: up to the last column the header names."""
        indices = [self.number, self.activity, *(i for i, _ in self.actors)]
        return 1 + max([*indices, *self.named.values()])


@dataclass(frozen=True)
class Table:
    actors: tuple[str, ...]
    rows: tuple[ImportedRow, ...]
    notes: tuple[str, ...]
    warnings: tuple[str, ...] = ()


def _cells(line: str) -> list[str]:
    return [clean(cell) for cell in line.split("\t")]


def find_table(lines: list[str]) -> int | None:
    """The index of the table's header row, or None."""
    for index, line in enumerate(lines):
        cells = [cell for cell in _cells(line) if cell]
        if (
            len(cells) >= 3
            and _NUMBER_HEAD.match(cells[0])
            and any(_ACTIVITY_HEAD.search(cell) for cell in cells)
            and any(_ACTORS_HEAD.match(cell) for cell in cells)
        ):
            return index
    return None


def read_table(lines: list[str], at: int, source: str) -> Table:
    """The actors, step rows and trailing notes of the table whose header row is `lines[at]`."""
    second = next((i for i in range(at + 1, len(lines)) if lines[i].strip()), None)
    if second is None:
        raise UnreadableDocument(source, at + 1, "the procedure table has no rows")
    first_cells, second_cells = _cells(lines[at]), _cells(lines[second])
    columns = locate_columns(first_cells, second_cells)
    if not columns.actors:
        raise UnreadableDocument(
            source, second + 1, "the procedure table has no actor columns under PELAKSANA"
        )
    width = max(len(first_cells), len(second_cells))
    named = [columns.named[name] for name in _TEXT_COLUMNS if name in columns.named]
    lists = frozenset({columns.named["documents"]} if "documents" in columns.named else ())
    assembled = assemble(
        lines, second + 1, columns.number, [columns.activity, *named], width, lists
    )
    if not assembled.rows:
        raise UnreadableDocument(source, second + 1, "the procedure table has no step rows")
    rows, warnings = [], []
    for line in assembled.rows:
        row, notes = _read_row(line, len(rows) + 1, columns, source)
        rows.append(row)
        warnings.extend(notes)
    return Table(
        actors=tuple(name for _, name in columns.actors),
        rows=tuple(rows),
        notes=tuple(text for _, text in assembled.notes),
        warnings=tuple(warnings),
    )


def locate_columns(first: list[str], second: list[str]) -> Columns:
    """The table's columns, from its two header rows (see the module docstring)."""
    width = max(len(first), len(second))
    first = first + [""] * (width - len(first))
    second = second + [""] * (width - len(second))
    number = next(i for i, cell in enumerate(first) if cell)
    activity = next(i for i, cell in enumerate(first) if _ACTIVITY_HEAD.search(cell))
    actors_start = next(i for i, cell in enumerate(first) if _ACTORS_HEAD.match(cell))
    named = _named_columns(first, second)
    standard_start = next((i for i, c in enumerate(first) if _STANDARD_HEAD.match(c)), None)
    starts = [i for i in [standard_start, *named.values()] if i is not None and i > actors_start]
    actors_end = min(starts, default=width)
    actors = [
        (i, second[i])
        for i in range(actors_start, actors_end)
        if second[i] and i not in (number, activity)
    ]
    _name_unnamed_standard_columns(named, actors_end, width)
    waktu_unit = None
    if "waktu" in named:
        unit = _WAKTU_UNIT.search(f"{first[named['waktu']]} {second[named['waktu']]}")
        waktu_unit = unit and " ".join(unit.group(1).lower().split())
    return Columns(number, activity, actors, named, waktu_unit)


def _named_columns(first: list[str], second: list[str]) -> dict[str, int]:
    named: dict[str, int] = {}
    for row in (second, first):
        for index, cell in enumerate(row):
            for name, pattern in _COLUMN_NAMES.items():
                if name not in named and pattern.match(cell):
                    named[name] = index
    return named


def _name_unnamed_standard_columns(named: dict[str, int], start: int, width: int) -> None:
    end = named.get("remarks", width)
    taken = set(named.values())
    free = [i for i in range(start, end) if i not in taken]
    for name in _STANDARD_ORDER:
        if name in named:
            continue
        # The free column where this role belongs in the KELENGKAPAN, WAKTU, OUTPUT order.
        after = max(
            (named[n] for n in _STANDARD_ORDER[: _STANDARD_ORDER.index(name)] if n in named),
            default=start - 1,
        )
        candidates = [i for i in free if i > after]
        if candidates:
            named[name] = candidates[0]
            free.remove(candidates[0])


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index] if index is not None and index < len(cells) else ""


def _read_row(
    line: Line, expected: int, columns: Columns, source: str
) -> tuple[ImportedRow, list[str]]:
    cells = line.cells
    number = _number(cells, line.number, expected, columns, source)
    activity = without_symbols(clean(_cell(cells, columns.activity)))
    if not activity:
        raise UnreadableDocument(source, line.number, f"step {number} has no activity")
    symbol_actors, symbol_kind, notes = _symbols(cells, columns, number)
    fault = _layout_fault(cells, columns) if symbol_actors else None
    waktu = without_symbols(clean(_cell(cells, columns.named.get("waktu"))))
    try:
        duration = parse_duration(waktu, columns.waktu_unit)
    except UnreadableDuration as error:
        raise UnreadableDocument(source, line.number, f"step {number}: {error}") from error
    notes += [f"step {number}: waktu {waktu!r}: {note}" for note in approximations(waktu)]
    notes += [
        f"step {number}: line {at} has no step number; joined to step {number} as a "
        "continuation — review"
        for at in line.continued_at
    ]
    row = ImportedRow(
        number=number,
        activity=activity,
        line=line.number,
        symbol_actors=symbol_actors,
        symbol_kind=symbol_kind,
        layout_fault=fault,
        documents=tuple(split_items(without_symbols(_text(cells, columns, "documents") or ""))),
        waktu=waktu,
        duration=duration,
        output=_text(cells, columns, "output"),
        remarks=_text(cells, columns, "remarks"),
    )
    return row, notes


def _number(cells: list[str], line: int, expected: int, columns: Columns, source: str) -> int:
    raw_number = clean(_cell(cells, columns.number))
    match = STEP_NUMBER.match(raw_number)
    if not raw_number:
        raise UnreadableDocument(source, line, "a row of the procedure table has no step number")
    if not match:
        raise UnreadableDocument(source, line, f"step number {raw_number!r} is not a number")
    number = int(match.group(1))
    if number != expected:
        raise UnreadableDocument(
            source, line, f"step {number} is out of order: step {expected} was expected here"
        )
    return number


def _text(cells: list[str], columns: Columns, name: str) -> str | None:
    return without_symbols(clean(_cell(cells, columns.named.get(name)))) or None


def _layout_fault(cells: list[str], columns: Columns) -> str | None:
    """Why the row's own cells show that its symbol cells may be shifted, or None: fewer cells
    than the header's columns (a lost cell moves the markers after it), text beyond them, or
    markers of different shapes (one step has one symbol)."""
    extent = columns.extent
    if len(cells) < extent:
        return f"{len(cells)} cells where the header has {extent} columns"
    if any(clean(cell) for cell in cells[extent:]):
        return f"text beyond the header's {extent} columns"
    kinds = {
        _SHAPE_KIND[shape]
        for index, _ in columns.actors
        for shape in marker_shapes(_cell(cells, index)) or ()
    }
    if len(kinds) > 1:
        return f"markers of different shapes ({', '.join(sorted(kinds))})"
    return None


def _symbols(
    cells: list[str], columns: Columns, step: int
) -> tuple[tuple[str, ...], str | None, list[str]]:
    """The actors whose columns hold a marker (the kind-giving one first), the kind the
    shapes give (None for ticks only) and warnings for long texts read as markers."""
    marked: list[tuple[int, int, str]] = []
    notes: list[str] = []
    for position, (index, name) in enumerate(columns.actors):
        shapes = marker_shapes(_cell(cells, index))
        if shapes is None:
            continue
        text = clean(_cell(cells, index))
        if not shapes and len(text.split()) > 3:
            notes.append(f"step {step}: the text {text!r} in the column of {name} marks {name}")
        ranks = [_KIND_RANK[_SHAPE_KIND[shape]] for shape in shapes] or [_NO_KIND]
        marked.append((min(ranks), position, name))
    if not marked:
        return (), None, notes
    marked.sort()
    rank = marked[0][0]
    actors = tuple(dict.fromkeys(name for _, _, name in marked))
    kind = next((k for k, r in _KIND_RANK.items() if r == rank), None)
    return actors, kind, notes
