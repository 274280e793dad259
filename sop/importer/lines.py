"""Putting the physical lines of a procedure table back together into its rows.

A text export writes one table row per line, its cells separated by tabs, but a cell that holds
a line break splits its row over several lines, and some exports wrap a long activity onto a
line of its own. The rules:
- a line whose number cell holds a step number ("1", "1.", "1)", "(1)"), or something close
  to one ("2a", for the row reader to reject), starts a row;
- before the first step, a row of column numbers ("1 2 3 4 …", "(1) (2) (3) …") is skipped;
- a line without a step number continues the row before it (the row reader warns): a line
  without tabs is more of the activity; a line whose first cell has text while the row stops
  short of the table's width completes a cell broken in two (its first cell joins the row's
  last cell, its other cells follow); any other line adds its cells, column by column, to the
  row's text columns (activity, kelengkapan, output, remarks — never to the actor columns), a
  kelengkapan cell as a further item;
- lines without tabs after the last step are notes, not continuations;
- a line without a step number before the first step is left for the row reader to reject.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sop.importer.text import clean

STEP_NUMBER = re.compile(r"^\(?(\d+)[.)]?$")
_NUMBER_LIKE = re.compile(r"^\(?\d+\S{0,3}$")  # "2a", "3.1": a malformed step number


@dataclass
class Line:
    """A row of the table as read so far: its cells and where it starts."""

    number: int  # 1-based source line of the row's first line
    cells: list[str]
    continued_at: list[int] = field(default_factory=list)  # source lines joined to it


@dataclass(frozen=True)
class Assembled:
    rows: tuple[Line, ...]
    notes: tuple[tuple[int, str], ...]  # (source line, text) after the last step


def starts_row(cell: str) -> bool:
    """Whether a number cell starts a row: a step number, or what tries to be one ("2a")."""
    return bool(_NUMBER_LIKE.match(clean(cell)))


def is_column_numbers(cells: list[str]) -> bool:
    """Whether the filled cells read 1, 2, 3, … (or (1), (2), …), at least three of them."""
    filled = [clean(cell).strip("()") for cell in cells if clean(cell)]
    return len(filled) >= 3 and filled == [str(n) for n in range(1, len(filled) + 1)]


def assemble(
    lines: list[str],
    start: int,
    number_column: int,
    text_columns: list[int],
    width: int,
    list_columns: frozenset[int] = frozenset(),
) -> Assembled:
    """The table's rows from `lines[start:]` (see the module docstring)."""
    rows: list[Line] = []
    pending: list[tuple[int, str]] = []
    for index in range(start, len(lines)):
        line = lines[index]
        if not line.strip():
            continue
        cells = line.split("\t")
        filled = [clean(cell) for cell in cells if clean(cell)]
        new_row = starts_row(cells[number_column] if number_column < len(cells) else "")
        if not rows and is_column_numbers(cells):
            continue
        if rows and not new_row and len(cells) == 1:
            pending.append((index + 1, filled[0]))
            continue
        _flush(rows, pending, text_columns, width)
        if new_row or not rows:
            rows.append(Line(index + 1, cells))
        else:
            _continue(rows[-1], index + 1, cells, text_columns, width, list_columns)
    return Assembled(tuple(rows), tuple(pending))


def _flush(
    rows: list[Line], pending: list[tuple[int, str]], text_columns: list[int], width: int
) -> None:
    """Join the tab-less lines seen since the last row to it: a row follows them."""
    for number, text in pending:
        _continue(rows[-1], number, [text], text_columns, width)
    pending.clear()


def _continue(
    row: Line,
    number: int,
    cells: list[str],
    text_columns: list[int],
    width: int,
    list_columns: frozenset[int] = frozenset(),
) -> None:
    row.continued_at.append(number)
    if len(cells) > 1 and clean(cells[0]) and len(row.cells) < width:
        row.cells[-1] = f"{row.cells[-1]} {cells[0]}"
        row.cells.extend(cells[1:])
        return
    if len(cells) == 1:
        cells = [""] * text_columns[0] + cells  # text_columns[0] is the activity
    for column in text_columns:
        if column < len(cells) and clean(cells[column]):
            while len(row.cells) <= column:
                row.cells.append("")
            separator = "; " if column in list_columns and clean(row.cells[column]) else " "
            row.cells[column] = f"{row.cells[column]}{separator}{cells[column]}".strip()
