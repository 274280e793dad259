"""Registers and the IKM report as files the office prints: CSV and XLSX (openpyxl), for
officers.

- `GET /register.csv|.xlsx` — the complaint register, with the page's filters
  (`from`, `to`, `channel`, `status`, `category`, `q`) and its privacy rules.
- `GET /buku-tamu.csv|.xlsx` — the guest book (`from`, `to`, `q`).
- `GET /ikm.csv|.xlsx` — the IKM per service unit (`year`, `semester`|`quarter`|`month`).

Column headers are in Bahasa Indonesia; times in the office's time zone. CSV is UTF-8 with a
byte-order mark (so spreadsheet programs read the accents), comma-separated.

What a reporter or a visitor wrote is never read as a formula: a text cell starting with `=`,
`+`, `-`, `@`, a tab or a carriage return starts with a single quote instead, and characters an
XLSX file cannot hold are left out (cells.py). The register and the guest book are read from a
database cursor in one snapshot: CSV is streamed as it is read, XLSX is written in a worker
thread (openpyxl's write-only mode), so a 100,000-row export never holds up the event loop.
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import asyncpg
from fastapi import APIRouter
from fastapi.responses import Response, StreamingResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from runtime.http.access import OfficerOnly
from runtime.http.errors import error_response, invalid_input
from runtime.http.requests import Page
from services.projections.cells import csv_cell, xlsx_cell
from services.projections.dependencies import ReadModels, Tables
from services.projections.guest_book_api import GuestBookFilters, Guests, guest_query, guest_view
from services.projections.ikm_api import Ikm, IkmQuery, IkmReports, Reports
from services.projections.read_api import CHANNELS, Filtered, register_query, register_view
from services.projections.register_filters import RegisterFilters
from skm import ELEMENTS

router = APIRouter()
EVERYTHING = 100_000  # rows in one export
CHUNK = 1_000  # rows per CSV chunk and per cursor fetch
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILES = {200: {"description": "the file", "content": {"text/csv": {}, XLSX: {}}}}

Rows = AsyncIterator[list[Any]]


@dataclass(frozen=True)
class Sheet:
    name: str  # the file's base name and the worksheet's title
    headers: list[str]
    rows: Rows


async def listed(rows: Iterable[list[Any]]) -> Rows:
    for row in rows:
        yield row


async def from_cursor(
    tables: ReadModels, sql: str, args: list[Any], row: Callable[[Mapping[str, Any]], list[Any]]
) -> Rows:
    """Rows read through a cursor in one read-only snapshot; none when the projection's table
    does not exist yet."""
    async with (
        tables.pool.acquire() as conn,
        conn.transaction(isolation="repeatable_read", readonly=True),
    ):
        try:
            cursor = conn.cursor(sql, *args, prefetch=CHUNK)
            async for record in cursor:
                yield row(await tables.keys.reveal_tree(dict(record)))
        except asyncpg.UndefinedTableError:
            return


async def as_csv(sheet: Sheet) -> Response:
    """Streamed in chunks; the first chunk is read before answering, so a database that cannot
    be read is an error, not a cut-off file."""
    chunks = _csv_chunks(sheet)
    first = await anext(chunks)

    async def body() -> AsyncIterator[bytes]:
        yield first
        async for chunk in chunks:
            yield chunk

    return StreamingResponse(
        body(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{sheet.name}.csv"'},
    )


async def _csv_chunks(sheet: Sheet) -> AsyncIterator[bytes]:
    out = io.StringIO()
    writer = csv.writer(out)
    out.write("\ufeff")
    writer.writerow(sheet.headers)
    count = 0
    async for row in sheet.rows:
        writer.writerow([csv_cell(v) for v in row])
        count += 1
        if count % CHUNK == 0:
            yield _taken(out)
            await asyncio.sleep(0)  # other requests go on between chunks
    yield _taken(out)


def _taken(out: io.StringIO) -> bytes:
    text = out.getvalue()
    out.seek(0)
    out.truncate()
    return text.encode("utf-8")


async def as_xlsx(sheet: Sheet) -> Response:
    rows = [row async for row in sheet.rows]
    content = await asyncio.to_thread(workbook, sheet.name, sheet.headers, rows)
    return Response(
        content,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{sheet.name}.xlsx"'},
    )


def workbook(name: str, headers: list[str], rows: list[list[Any]]) -> bytes:
    """The XLSX file (write-only: rows go straight to the file, none is kept as a cell)."""
    book = Workbook(write_only=True)
    page = book.create_sheet(name[:31])
    cells = [[xlsx_cell(v) for v in row] for row in rows]
    for index, header in enumerate(headers):
        width = max((len(str(row[index] or "")) for row in cells), default=0)
        page.column_dimensions[get_column_letter(index + 1)].width = min(
            max(width, len(header)) + 2, 60
        )
    page.freeze_panes = "A2"
    bold = []
    for header in headers:
        cell = WriteOnlyCell(page, value=xlsx_cell(header))
        cell.font = Font(bold=True)
        bold.append(cell)
    page.append(bold)
    for row in cells:
        page.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


REGISTER_HEADERS = [
    "No.",
    "Nomor Registrasi",
    "Tanggal Diterima",
    "Saluran",
    "Pelapor",
    "Perihal",
    "Kategori",
    "Status",
    "Langkah Saat Ini",
]


def _step(row: Mapping[str, Any]) -> str:
    if row["closed"]:
        return "Selesai"
    if not row["current_step"]:
        return "-"
    where = "Penutupan" if row["current_step"] == "closing" else f"Langkah {row['current_step']}"
    return f"{where}: {row['current_activity']}" if row["current_activity"] else where


def register_sheet(tables: ReadModels, filters: RegisterFilters) -> Sheet:
    sql, args = register_query(tables, Page(EVERYTHING, 0), filters)
    numbers = iter(range(1, EVERYTHING + 1))

    def line(record: Mapping[str, Any]) -> list[Any]:
        r = register_view(record, tables.time_zone)
        return [
            next(numbers),
            r["tracking_number"],
            r["received_at"],
            CHANNELS.get(r["channel"], r["channel"]),
            r["reporter"] or "Anonim",
            r["subject"],
            r["category"] or "-",
            r["status"],
            _step(r),
        ]

    return Sheet("buku-register-pengaduan", REGISTER_HEADERS, from_cursor(tables, sql, args, line))


GUEST_HEADERS = [
    "No.",
    "Tanggal",
    "Jam Datang",
    "Nama Tamu",
    "Instansi/Alamat",
    "Keperluan",
    "Bertemu Dengan",
    "Nomor Telepon",
    "Jam Pulang",
]


def guest_book_sheet(tables: ReadModels, filters: GuestBookFilters) -> Sheet:
    sql, args = guest_query(tables, filters, EVERYTHING)
    numbers = iter(range(1, EVERYTHING + 1))

    def line(record: Mapping[str, Any]) -> list[Any]:
        r = guest_view(record, tables.time_zone)
        return [
            next(numbers),
            r["arrived_at"].strftime("%d-%m-%Y"),
            r["arrived_at"].strftime("%H:%M"),
            r["visitor_name"] or "-",
            r["institution"] or "-",
            r["purpose"] or "-",
            r["meets"] or "-",
            r["phone"] or "-",
            r["left_at"].strftime("%H:%M") if r["left_at"] else "-",
        ]

    return Sheet("buku-tamu", GUEST_HEADERS, from_cursor(tables, sql, args, line))


IKM_HEADERS = [
    "Unit Layanan",
    "Periode",
    "Jumlah Responden",
    *(f"NRR U{i} {e.name}" for i, e in enumerate(ELEMENTS, 1)),
    "IKM",
    "IKM Konversi",
    "Mutu Pelayanan",
    "Kinerja Unit Pelayanan",
]


async def ikm_sheet(reports: IkmReports, query: IkmQuery) -> Sheet:
    report = await reports.report(query)
    rows = [
        [
            u["unit"],
            report["period"],
            u["respondents"],
            *(u["nrr"][e.code] for e in ELEMENTS),
            u["ikm"],
            u["converted"],
            u["grade"],
            u["grade_label"],
        ]
        for u in report["units"]
    ]
    return Sheet("ikm", IKM_HEADERS, listed(rows))


@router.get("/register.{kind}", responses=FILES)
async def register_export(
    officer: OfficerOnly, kind: str, filters: Filtered, tables: Tables
) -> Response:
    if filters.problems:
        return filters.problems[0].response()
    if kind not in KINDS:
        return _no_such_kind()
    return await KINDS[kind](register_sheet(tables, filters))


@router.get("/buku-tamu.{kind}", responses=FILES)
async def guest_book_export(
    officer: OfficerOnly, kind: str, filters: Guests, tables: Tables
) -> Response:
    if filters.problems:
        return filters.problems[0].response()
    if kind not in KINDS:
        return _no_such_kind()
    return await KINDS[kind](guest_book_sheet(tables, filters))


@router.get("/ikm.{kind}", responses=FILES)
async def ikm_export(officer: OfficerOnly, kind: str, query: Ikm, reports: Reports) -> Response:
    if query.problem:
        return invalid_input(query.problem.field, query.problem.reason)
    if kind not in KINDS:
        return _no_such_kind()
    return await KINDS[kind](await ikm_sheet(reports, query))


KINDS: dict[str, Callable[[Sheet], Any]] = {"csv": as_csv, "xlsx": as_xlsx}


def _no_such_kind() -> Response:
    return error_response(404, "not_found", "format unduhan: csv atau xlsx")
