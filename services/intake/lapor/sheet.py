"""Reading the report spreadsheet an office downloads from the SP4N-LAPOR! admin panel.

LAPOR! publishes no format, and its exports have changed names over the years, so columns are
found by their header, matched tolerantly: case, accents, punctuation and extra spaces do not
matter, and each field has several names (`COLUMNS`; the README lists them). Only the report's
id and its text are required. A sheet is read whole before anything is recorded: a bad row
refuses the file, naming the row and the column (`SheetRefused`).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl import load_workbook

# Each field, and the header names it is known by (normalised: lower case, letters, digits
# and single spaces).
COLUMNS: dict[str, tuple[str, ...]] = {
    "lapor_id": (
        "id laporan", "id", "nomor laporan", "no laporan", "kode laporan", "nomor tracking",
        "no tracking", "tracking id", "id tracking", "tracking", "report id",
    ),
    "reported_at": (
        "tanggal", "tanggal laporan", "tgl laporan", "tgl", "waktu", "waktu laporan",
        "tanggal masuk", "tanggal dibuat", "created at", "date",
    ),
    "title": ("judul", "judul laporan", "perihal", "title", "subjek"),
    "content": ("isi laporan", "isi", "laporan", "uraian", "deskripsi", "content", "keterangan"),
    "category": ("kategori", "kategori laporan", "topik", "category", "klasifikasi"),
    "anonymous": ("anonim", "anonymous", "laporan anonim", "identitas dirahasiakan"),
    "confidential": ("rahasia", "confidential", "laporan rahasia", "private", "tersembunyi"),
    "attachments": (
        "lampiran", "tautan lampiran", "link lampiran", "attachment", "attachments", "berkas",
    ),
    "reporter_name": ("nama pelapor", "pelapor", "nama"),
    "reporter_email": ("email pelapor", "email", "surel", "e mail"),
    "reporter_phone": ("telepon pelapor", "telepon", "no hp", "nomor hp", "no telepon", "hp"),
}  # fmt: skip
REQUIRED = ("lapor_id", "content")
LABELS = {"lapor_id": "ID laporan", "content": "isi laporan"}
YES = {"ya", "y", "yes", "true", "1", "benar", "anonim", "rahasia", "x"}
NO = {"tidak", "t", "no", "n", "false", "0", "bukan", "publik", ""}
DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S",
    "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
)  # fmt: skip
MOST_ROWS = 5_000
ZIP_MAGIC = b"PK\x03\x04"  # an XLSX is a ZIP archive
LAPOR_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")
_URL = re.compile(r"https?://\S+")


class SheetRefused(ValueError):
    """The file is not a report sheet Alur can read; `where` names the row or column."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.where = where
        self.reason = reason


@dataclass(frozen=True)
class LaporReport:
    """One report of the sheet, as LAPOR! gave it."""

    lapor_id: str
    content: str
    row: int  # the sheet's row number (the header is row 1)
    title: str = ""
    reported_at: datetime | None = None
    category: str | None = None
    anonymous: bool = False
    confidential: bool = False
    attachment_links: tuple[str, ...] = ()
    reporter: dict[str, str | None] = field(default_factory=dict)


def normal_header(text: object) -> str:
    folded = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", folded.lower()).split())


def read_sheet(data: bytes) -> list[LaporReport]:
    """The reports of a CSV or XLSX file (told apart by content, not by name)."""
    return _reports(_xlsx_rows(data) if data.startswith(ZIP_MAGIC) else _csv_rows(data))


def _reports(rows: Iterator[Sequence[object]]) -> list[LaporReport]:
    header = next(rows, None)
    if header is None:
        raise SheetRefused("berkas", "kosong: tidak ada baris judul kolom")
    columns = _columns(header)
    reports: list[LaporReport] = []
    seen: dict[str, int] = {}
    for number, cells in enumerate(rows, start=2):
        if all(_text(cell) == "" for cell in cells):
            continue
        if len(reports) >= MOST_ROWS:
            raise SheetRefused("berkas", f"lebih dari {MOST_ROWS} laporan; bagi berkasnya")
        report = _report(number, {name: _cell(cells, i) for name, i in columns.items()})
        if report.lapor_id in seen:  # the same report twice in one file is recorded once
            continue
        seen[report.lapor_id] = number
        reports.append(report)
    if not reports:
        raise SheetRefused("berkas", "tidak ada laporan di bawah baris judul kolom")
    return reports


def reports_in_records(records: Sequence[dict[str, object]]) -> list[LaporReport]:
    """The reports of JSON records (the LAPOR! API's answer), their keys matched as a
    sheet's headers are."""
    header: list[str] = []
    for record in records:
        header.extend(key for key in record if key not in header)
    rows = iter([header, *([record.get(key) for key in header] for record in records)])
    return _reports(rows)


def _columns(header: Sequence[object]) -> dict[str, int]:
    names = [normal_header(cell) for cell in header]
    found: dict[str, int] = {}
    for name, aliases in COLUMNS.items():
        for alias in aliases:  # the first alias present wins, in the order listed
            if alias in names and names.index(alias) not in found.values():
                found[name] = names.index(alias)
                break
    missing = [LABELS[name] for name in REQUIRED if name not in found]
    if missing:
        raise SheetRefused(
            "baris judul kolom",
            f"kolom {' dan '.join(missing)} tidak ditemukan (lihat README, SP4N-LAPOR!)",
        )
    return found


def _report(row: int, cells: dict[str, object]) -> LaporReport:
    lapor_id = _text(cells.get("lapor_id"))
    if not LAPOR_ID.match(lapor_id):
        raise SheetRefused(f"baris {row}, kolom ID laporan", "kosong atau bukan ID LAPOR!")
    content = _text(cells.get("content"))
    if not content:
        raise SheetRefused(f"baris {row}, kolom isi laporan", "kosong")
    return LaporReport(
        lapor_id=lapor_id,
        content=content,
        row=row,
        title=_text(cells.get("title")),
        reported_at=_when(cells.get("reported_at"), row),
        category=_text(cells.get("category")) or None,
        anonymous=_flag(cells.get("anonymous"), row, "anonim"),
        confidential=_flag(cells.get("confidential"), row, "rahasia"),
        attachment_links=tuple(_URL.findall(_text(cells.get("attachments")))),
        reporter={
            "name": _text(cells.get("reporter_name")) or None,
            "email": _text(cells.get("reporter_email")) or None,
            "phone": _text(cells.get("reporter_phone")) or None,
        },
    )


def _flag(value: object, row: int, column: str) -> bool:
    if isinstance(value, bool):
        return value
    text = normal_header(value)
    if text in YES:
        return True
    if text in NO:
        return False
    raise SheetRefused(f"baris {row}, kolom {column}", f"{_text(value)!r} bukan ya/tidak")


def _when(value: object, row: int) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    text = _text(value)
    if not text:
        return None
    for layout in DATE_FORMATS:
        try:
            return datetime.strptime(text, layout)
        except ValueError:
            continue
    raise SheetRefused(f"baris {row}, kolom tanggal", f"{text!r} bukan tanggal (YYYY-MM-DD)")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # an id typed as a number in a spreadsheet
    return str(value).replace("\r\n", "\n").strip()


def _cell(cells: Sequence[object], index: int) -> object:
    return cells[index] if index < len(cells) else None


def _csv_rows(data: bytes) -> Iterator[Sequence[object]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # a sheet saved by an old Excel
    if "\x00" in text:
        raise SheetRefused("berkas", "bukan CSV atau XLSX")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # type: ignore[assignment]
    yield from csv.reader(io.StringIO(text), dialect)


def _xlsx_rows(data: bytes) -> Iterator[Sequence[object]]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise SheetRefused("berkas", f"XLSX tidak dapat dibaca ({type(error).__name__})") from None
    try:
        sheet = book.worksheets[0]
        for cells in sheet.iter_rows(values_only=True):
            yield list(cells)
    finally:
        book.close()
