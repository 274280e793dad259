"""What an export writes in a cell: text that no spreadsheet runs as a formula and that an XLSX
file can hold.

A text starting with `=`, `+`, `-`, `@`, a tab or a carriage return could be run as a formula
(CSV injection): it gets a single quote in front, in CSV and XLSX alike. The control characters
XLSX cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE) are left out, in both, before that check.
A lone `-` (the exports' "nothing here") stays as it is: it is no formula.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutral(text: str) -> str:
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if text.startswith(FORMULA_STARTS) and text != "-":
        return "'" + text
    return text


def csv_cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return neutral(value) if isinstance(value, str) else value


def xlsx_cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)  # spreadsheets have no time zones; already office time
    return neutral(value) if isinstance(value, str) else value
