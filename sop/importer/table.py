"""Reading the procedure table of an SOP export.

The table starts at a header row whose first cell is "NO"/"No" and which names the activity
("URAIAN KEGIATAN"/"KEGIATAN") and the actors ("PELAKSANA"/"PELAKSANAAN"), usually also
"MUTU BAKU". The next non-blank row names the columns under those spans: the actor names under
PELAKSANA, then KELENGKAPAN, WAKTU ("Waktu (menit)": bare numbers are minutes), OUTPUT, maybe
KET. Columns are located from these two rows, never by position:
- a column named in the second row is what it says, even when the first row's spans are off
  by one (seed 002);
- actor columns are the named cells from the PELAKSANA span's start up to the first column of
  the quality standard (MUTU BAKU's start or the first named KELENGKAPAN/WAKTU/OUTPUT);
- a quality-standard column without a name takes the first role of KELENGKAPAN, WAKTU, OUTPUT
  not named elsewhere, in that order (seed 004's empty KELENGKAPAN cell).
Step rows start with a number ("1", "1."), numbered 1, 2, 3, … in order. Blank lines are
skipped; free text (a line without tabs) after the last step is a note, not a step. Flowchart
markers in actor cells ("(Red Circle)", "(Red Square)", "(Red Diamond)") give the row's symbol
actors and kind (a diamond wins over a circle, a circle over a square).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sop.duration import UnreadableDuration, parse_duration
from sop.importer.errors import UnreadableDocument
from sop.importer.model import ImportedRow
from sop.importer.text import clean, split_items, symbol_shapes, without_symbols

_NUMBER_HEAD = re.compile(r"^no\.?$", re.IGNORECASE)
_ACTIVITY_HEAD = re.compile(r"\bkegiatan\b", re.IGNORECASE)
_ACTORS_HEAD = re.compile(r"^pelaksana(?:an)?$", re.IGNORECASE)
_STANDARD_HEAD = re.compile(r"^mutu\s+baku$", re.IGNORECASE)
_COLUMN_NAMES: dict[str, re.Pattern[str]] = {
    "documents": re.compile(r"^(?:kelengkapan|persyaratan|persyaratan/kelengkapan|input)\b", re.I),
    "waktu": re.compile(r"^waktu\b", re.IGNORECASE),
    "output": re.compile(r"^(?:output|keluaran)\b", re.IGNORECASE),
    "remarks": re.compile(r"^(?:ket|keterangan)\.?$", re.IGNORECASE),
}
_STANDARD_ORDER = ("documents", "waktu", "output")
_STEP_NUMBER = re.compile(r"^(\d+)[.)]?$")
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


@dataclass
class Columns:
    number: int
    activity: int
    actors: list[tuple[int, str]]
    named: dict[str, int] = field(default_factory=dict)  # documents/waktu/output/remarks
    waktu_unit: str | None = None  # "menit" for "Waktu (menit)"


@dataclass(frozen=True)
class Table:
    actors: tuple[str, ...]
    rows: tuple[ImportedRow, ...]
    notes: tuple[str, ...]


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
    columns = locate_columns(_cells(lines[at]), _cells(lines[second]))
    if not columns.actors:
        raise UnreadableDocument(
            source, second + 1, "the procedure table has no actor columns under PELAKSANA"
        )
    rows, notes = _read_rows(lines, second + 1, columns, source)
    return Table(actors=tuple(name for _, name in columns.actors), rows=rows, notes=notes)


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
        unit = re.search(r"\((menit|jam|hari)\)", second[named["waktu"]] or first[named["waktu"]])
        waktu_unit = unit and unit.group(1).lower()
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


def _read_rows(
    lines: list[str], start: int, columns: Columns, source: str
) -> tuple[tuple[ImportedRow, ...], tuple[str, ...]]:
    rows: list[ImportedRow] = []
    pending_notes: list[tuple[int, str]] = []
    for index in range(start, len(lines)):
        line = lines[index]
        if not line.strip():
            continue
        cells = line.split("\t")
        filled = [clean(cell) for cell in cells if clean(cell)]
        if len(filled) == 1 and not _STEP_NUMBER.match(filled[0]):
            pending_notes.append((index + 1, filled[0]))
            continue
        if pending_notes:
            raise UnreadableDocument(
                source, pending_notes[0][0], "text between step rows is not a step row"
            )
        rows.append(_read_row(cells, index + 1, len(rows) + 1, columns, source))
    if not rows:
        raise UnreadableDocument(source, start, "the procedure table has no step rows")
    return tuple(rows), tuple(note for _, note in pending_notes)


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index] if index is not None and index < len(cells) else ""


def _read_row(
    cells: list[str], line: int, expected: int, columns: Columns, source: str
) -> ImportedRow:
    raw_number = clean(_cell(cells, columns.number))
    match = _STEP_NUMBER.match(raw_number)
    if not raw_number:
        raise UnreadableDocument(source, line, "a row of the procedure table has no step number")
    if not match:
        raise UnreadableDocument(source, line, f"step number {raw_number!r} is not a number")
    number = int(match.group(1))
    if number != expected:
        raise UnreadableDocument(
            source, line, f"step {number} is out of order: step {expected} was expected here"
        )
    activity = without_symbols(clean(_cell(cells, columns.activity)))
    if not activity:
        raise UnreadableDocument(source, line, f"step {number} has no activity")
    symbol_actors, symbol_kind = _symbols(cells, columns)
    waktu = without_symbols(clean(_cell(cells, columns.named.get("waktu"))))
    try:
        duration = parse_duration(waktu, columns.waktu_unit)
    except UnreadableDuration as error:
        raise UnreadableDocument(source, line, f"step {number}: {error}") from error
    return ImportedRow(
        number=number,
        activity=activity,
        line=line,
        symbol_actors=symbol_actors,
        symbol_kind=symbol_kind,
        documents=tuple(split_items(without_symbols(_text(cells, columns, "documents") or ""))),
        waktu=waktu,
        duration=duration,
        output=_text(cells, columns, "output"),
        remarks=_text(cells, columns, "remarks"),
    )


def _text(cells: list[str], columns: Columns, name: str) -> str | None:
    return without_symbols(clean(_cell(cells, columns.named.get(name)))) or None


def _symbols(cells: list[str], columns: Columns) -> tuple[tuple[str, ...], str | None]:
    """The actors whose columns hold a symbol (the kind-giving one first) and the kind."""
    marked: list[tuple[int, int, str]] = []
    for position, (index, name) in enumerate(columns.actors):
        for shape in symbol_shapes(_cell(cells, index)):
            kind = _SHAPE_KIND[shape]
            marked.append((_KIND_RANK[kind], position, name))
    if not marked:
        return (), None
    marked.sort()
    kind = min(marked)[0]
    actors = tuple(dict.fromkeys(name for _, _, name in marked))
    return actors, next(k for k, rank in _KIND_RANK.items() if rank == kind)
