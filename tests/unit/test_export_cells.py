"""What the exports write in a cell: never a formula, never a character XLSX cannot hold; and
the XLSX file (write-only) reads back as written."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from services.projections.cells import csv_cell, neutral, xlsx_cell
from services.projections.exports import Sheet, as_csv, listed, workbook

WIB = ZoneInfo("Asia/Jakarta")


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ('=HYPERLINK("http://x","klik")', '\'=HYPERLINK("http://x","klik")'),
        ("+62 812 3456", "'+62 812 3456"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("\x01=1+1", "'=1+1"),  # the illegal character goes first, then the formula is seen
        ("Obat\x00 habis\x0b", "Obat habis"),
        ("-", "-"),  # the exports' "nothing here"
        ("Obat habis = mahal", "Obat habis = mahal"),
        ("Antrean\npanjang", "Antrean\npanjang"),
    ],
)
def test_no_text_is_written_as_a_formula_or_with_a_character_xlsx_cannot_hold(
    text: str, written: str
) -> None:
    assert neutral(text) == written
    assert csv_cell(text) == written
    assert xlsx_cell(text) == written


def test_numbers_and_times_stay_what_they_are() -> None:
    moment = datetime(2026, 3, 17, 9, 30, tzinfo=WIB)
    assert csv_cell(-5) == -5
    assert xlsx_cell(3.5) == 3.5
    assert csv_cell(moment) == "2026-03-17 09:30"
    assert xlsx_cell(moment) == datetime(2026, 3, 17, 9, 30)


HOSTILE = ["=cmd|' /C calc'!A0", "Obat\x1bhabis", "+1", "@x"]


def test_an_xlsx_of_hostile_text_opens_with_every_cell_as_text() -> None:
    content = workbook("buku-register-pengaduan", ["No.", "Perihal"], [[1, t] for t in HOSTILE])
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.title == "buku-register-pengaduan"
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    cells = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == ["'=cmd|' /C calc'!A0", "Obathabis", "'+1", "'@x"]
    assert {c.data_type for c in cells} == {"s"}  # no formula


async def test_a_csv_of_hostile_text_starts_each_formula_with_a_quote() -> None:
    response = await as_csv(Sheet("ikm", ["No.", "Perihal"], listed([[1, t] for t in HOSTILE])))
    body = b"".join([chunk async for chunk in response.body_iterator]).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[1:] == [["1", "'=cmd|' /C calc'!A0"], ["1", "Obathabis"], ["1", "'+1"],
                        ["1", "'@x"]]  # fmt: skip
