"""Registers and the IKM report as files the office prints: CSV and XLSX (openpyxl).

- `GET /register.csv|.xlsx` — the complaint register, with the page's filters
  (`from`, `to`, `channel`, `status`, `category`, `q`) and its privacy rules.
- `GET /buku-tamu.csv|.xlsx` — the guest book (`from`, `to`, `q`).
- `GET /ikm.csv|.xlsx` — the IKM per service unit (`year`, `semester`|`quarter`|`month`).

Column headers are in Bahasa Indonesia; times in the office's time zone. CSV is UTF-8 with a
byte-order mark (so spreadsheet programs read the accents), comma-separated.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from openpyxl import Workbook
from openpyxl.styles import Font

from runtime.http.errors import error_response, invalid_input
from runtime.http.requests import Page
from services.projections.dependencies import ReadModels, Tables
from services.projections.guest_book_api import GuestBookFilters, Guests, guest_rows
from services.projections.ikm_api import Ikm, IkmQuery, IkmReports, Reports
from services.projections.read_api import CHANNELS, Filtered, register_rows
from services.projections.register_filters import RegisterFilters
from skm import ELEMENTS

router = APIRouter()
EVERYTHING = 100_000  # rows in one export


@dataclass(frozen=True)
class Sheet:
    name: str  # the file's base name and the worksheet's title
    headers: list[str]
    rows: list[list[Any]]


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)  # spreadsheets have no time zones; already office time
    return value


def as_csv(sheet: Sheet) -> Response:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(sheet.headers)
    for row in sheet.rows:
        writer.writerow(
            [v.strftime("%Y-%m-%d %H:%M") if isinstance(v, datetime) else v for v in row]
        )
    return Response(
        out.getvalue().encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{sheet.name}.csv"'},
    )


def as_xlsx(sheet: Sheet) -> Response:
    book = Workbook()
    page = book.active
    page.title = sheet.name[:31]
    page.append(sheet.headers)
    for cell in page[1]:
        cell.font = Font(bold=True)
    for row in sheet.rows:
        page.append([_cell(v) for v in row])
    for column in page.columns:
        width = max(len(str(c.value or "")) for c in column)
        page.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
    page.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return Response(
        out.getvalue(),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{sheet.name}.xlsx"'},
    )


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


def _step(row: dict[str, Any]) -> str:
    if row["closed"]:
        return "Selesai"
    if not row["current_step"]:
        return "-"
    where = "Penutupan" if row["current_step"] == "closing" else f"Langkah {row['current_step']}"
    return f"{where}: {row['current_activity']}" if row["current_activity"] else where


async def register_sheet(tables: ReadModels, filters: RegisterFilters) -> Sheet:
    rows = await register_rows(tables, Page(EVERYTHING, 0), filters)
    return Sheet(
        "buku-register-pengaduan",
        REGISTER_HEADERS,
        [
            [
                number,
                r["tracking_number"],
                r["received_at"],
                CHANNELS.get(r["channel"], r["channel"]),
                r["reporter"] or "Anonim",
                r["subject"],
                r["category"] or "-",
                r["status"],
                _step(r),
            ]
            for number, r in enumerate(rows, 1)
        ],
    )


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


async def guest_book_sheet(tables: ReadModels, filters: GuestBookFilters) -> Sheet:
    rows = await guest_rows(tables, filters, EVERYTHING)
    return Sheet(
        "buku-tamu",
        GUEST_HEADERS,
        [
            [
                number,
                r["arrived_at"].strftime("%d-%m-%Y"),
                r["arrived_at"].strftime("%H:%M"),
                r["visitor_name"] or "-",
                r["institution"] or "-",
                r["purpose"] or "-",
                r["meets"] or "-",
                r["phone"] or "-",
                r["left_at"].strftime("%H:%M") if r["left_at"] else "-",
            ]
            for number, r in enumerate(rows, 1)
        ],
    )


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
    return Sheet(
        "ikm",
        IKM_HEADERS,
        [
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
        ],
    )


@router.get("/register.{kind}")
async def register_export(kind: str, filters: Filtered, tables: Tables) -> Response:
    if filters.problems:
        return filters.problems[0].response()
    return await _file(kind, register_sheet(tables, filters))


@router.get("/buku-tamu.{kind}")
async def guest_book_export(kind: str, filters: Guests, tables: Tables) -> Response:
    if filters.problems:
        return filters.problems[0].response()
    return await _file(kind, guest_book_sheet(tables, filters))


@router.get("/ikm.{kind}")
async def ikm_export(kind: str, query: Ikm, reports: Reports) -> Response:
    if query.problem:
        return invalid_input(query.problem.field, query.problem.reason)
    return await _file(kind, ikm_sheet(reports, query))


async def _file(kind: str, sheet: Any) -> Response:
    if kind not in ("csv", "xlsx"):
        sheet.close()
        return error_response(404, "not_found", "format unduhan: csv atau xlsx")
    built = await sheet
    return as_csv(built) if kind == "csv" else as_xlsx(built)
