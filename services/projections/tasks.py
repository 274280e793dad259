"""Tugas Saya: `GET /tugas`, the officer's queues (the page after login).

Query parameters (no JavaScript needed): `antrean` (perlu, ditugaskan, mendekati, terlambat,
dihentikan), `sop` (an SOP id), `q` (text in the tracking number or SOP name), `urut` (tenggat,
terbaru, terlama, nomor), `halaman` (page number, 25 rows a page). An unknown value is named
on the page (422) and the default used.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from office.closures import office_calendar
from runtime.http.dependencies import CurrentClock, Office, Registry
from runtime.http.navigation import Navigation
from runtime.http.templates import templates_in
from services.projections.dependencies import Tables
from services.projections.queues import QUEUES, SORTS, QueueQuery, queue_counts, queue_sql
from sop.duration import Duration

router = APIRouter()
templates = templates_in(Path(__file__).parent / "templates")

PAGE_ROWS = 25
HIDDEN = "Dirahasiakan"
OFFICE_TIME = Duration(value=1, unit="hours")  # counted in office hours (the calendar's)


@router.get("/tugas", response_class=HTMLResponse)
async def tasks_page(
    request: Request,
    nav: Navigation,
    tables: Tables,
    clock: CurrentClock,
    office: Office,
    registry: Registry,
    antrean: str = "perlu",
    sop: str = "",
    q: str = "",
    urut: str = "tenggat",
    halaman: str = "1",
) -> HTMLResponse:
    problems: list[str] = []
    if antrean not in QUEUES:
        problems.append(f"antrean {antrean!r} tidak dikenal")
        antrean = "perlu"
    if urut not in SORTS:
        problems.append(f"urutan {urut!r} tidak dikenal")
        urut = "tenggat"
    page = int(halaman) if halaman.isdigit() and 1 <= int(halaman) <= 100_000 else 0
    if not page:
        problems.append("halaman harus bilangan 1 sampai 100000")
        page = 1
    query = QueueQuery(
        antrean, sop.strip() or None, q.strip()[:100] or None, urut, PAGE_ROWS,
        (page - 1) * PAGE_ROWS,
    )  # fmt: skip
    now = clock.now()
    sql, count_sql, args = queue_sql(tables.viewer, query, now)
    async with tables.pool.acquire() as conn:
        found = [dict(r) for r in await conn.fetch(sql, *args)]
        total = int(await conn.fetchval(count_sql, *args))
        names = await _names(conn, {r["assignee"] for r in found if r["assignee"]})
    counts = await queue_counts(tables.pool, tables.viewer, now)
    calendar = await office_calendar(office, tables.pool)
    revealed = await tables.keys.reveal_tree(found)
    rows = [_row(r, names, now, calendar, tables.time_zone) for r in revealed]
    context = {
        **nav,
        "active": "tugas",
        "queues": QUEUES,
        "sorts": SORTS,
        "queue_counts": counts,
        "sops": [(s.id, s.header.name) for s in await registry.all_latest()],
        "query": query,
        "rows": rows,
        "total": total,
        "page": page,
        "pages": max(1, -(-total // PAGE_ROWS)),
        "problems": problems,
    }
    response = templates.TemplateResponse(
        request, "tugas.html", context, status_code=422 if problems else 200
    )
    response.headers["Cache-Control"] = "no-store"
    return response


async def _names(conn: Any, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    rows = await conn.fetch("SELECT id, name FROM officers WHERE id = ANY($1::text[])", list(ids))
    return {r["id"]: r["name"] for r in rows}


def _row(
    r: dict[str, Any], names: dict[str, str], now: datetime, calendar: Any, tz: Any
) -> dict[str, Any]:
    badge, text = time_left(r, now, calendar)
    return {
        "case_id": str(r["case_id"]),
        "number": r["tracking_number"] or f"KASUS-{str(r['case_id'])[:8].upper()}",
        "subject": HIDDEN if r["confidential"] else (r["subject"] or "-"),
        "sop": r["sop_name"] or r["sop_id"],
        "sop_version": r["sop_version"],
        "step": "Penutupan" if r["step"] == "closing" else f"Langkah {r['step']}",
        "activity": r["activity"] or "",
        "assignee": names.get(r["assignee"], r["assignee"]) if r["assignee"] else "-",
        "due_at": r["due_at"].astimezone(tz) if r["due_at"] else None,
        "badge": badge,
        "time_left": text,
    }


def time_left(r: dict[str, Any], now: datetime, calendar: Any) -> tuple[str, str]:
    """The badge's class and its words: the office time left, or how late, or why none."""
    if r["suspended"]:
        return "badge-stopped", "Waktu dihentikan"
    due = r["due_at"]
    if due is None:
        return "badge-none", "Tanpa tenggat"
    if due < now:
        return "badge-late", f"Terlambat {_span(calendar.counted(due, now, OFFICE_TIME))}"
    left = f"Sisa {_span(calendar.counted(now, due, OFFICE_TIME))}"
    near = r["warned"] or (r["warn_at"] is not None and r["warn_at"] <= now)
    return ("badge-near" if near else "badge-ok"), left


def _span(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{hours} jam {minutes} menit kerja"
    if hours:
        return f"{hours} jam kerja"
    return f"{minutes} menit kerja"
