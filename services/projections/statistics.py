"""Public statistics: `GET /statistik` (HTML) and `GET /api/statistik` (JSON).

Aggregates only, for anyone: complaints by category and status, SLA compliance per SOP, and the
IKM per service unit this year. No names, no tracking numbers, no subjects. A category counts
under its own name only when the office's routing rules name it (a reporter may type anything
there); every other category counts as "Lainnya".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse

from office import OfficeConfig
from office.routing_rules import category_key
from runtime.http.access import PUBLIC
from runtime.http.dependencies import CurrentClock, Office, Pool, Registry, TimeZone
from runtime.http.templates import templates_in
from services.projections.skm import ikm_by_unit
from services.projections.sla_compliance import compliance
from skm.period import period

router = APIRouter()
templates = templates_in(Path(__file__).parent / "templates")
OTHER = "Lainnya"
NONE = "Tanpa kategori"
MISSING = (asyncpg.UndefinedTableError,)  # the projections have not started yet


@dataclass(frozen=True)
class CategoryCount:
    category: str
    received: int
    closed: int


async def by_category(pool: asyncpg.Pool, office: OfficeConfig) -> list[CategoryCount]:
    try:
        rows = await pool.fetch(
            "SELECT category, count(*)::int AS received,"
            " count(*) FILTER (WHERE closed)::int AS closed"
            " FROM complaint_register GROUP BY category"
        )
    except MISSING:
        return []
    named = office.routing.categories  # keyed by category_key
    totals: dict[str, list[int]] = {}
    for row in rows:
        key = category_key(row["category"]) if row["category"] else None
        label = NONE if key is None else key.capitalize() if key in named else OTHER
        total = totals.setdefault(label, [0, 0])
        total[0] += row["received"]
        total[1] += row["closed"]
    return [CategoryCount(c, r, d) for c, (r, d) in sorted(totals.items())]


async def statistics(
    pool: asyncpg.Pool, office: OfficeConfig, now: Any, tz: Any, sop_names: dict[str, str]
) -> dict[str, Any]:
    categories = await by_category(pool, office)
    try:
        steps = await compliance(pool, now)
    except MISSING:
        steps = []
    per_sop: dict[str, list[int]] = {}
    for step in steps:
        counted = per_sop.setdefault(step.sop_id, [0, 0])
        counted[0] += step.on_time
        counted[1] += step.completed + step.open_overdue
    year = now.astimezone(tz).year
    units = await ikm_by_unit(pool, office.survey, period(year), tz)
    return {
        "complaints": {
            "received": sum(c.received for c in categories),
            "closed": sum(c.closed for c in categories),
            "open": sum(c.received - c.closed for c in categories),
            "by_category": [c.__dict__ for c in categories],
        },
        "sla": [
            {
                "sop": sop_names.get(sop_id, sop_id),
                "counted": counted,
                "on_time": on_time,
                "percent_on_time": round(100 * on_time / counted, 1) if counted else None,
            }
            for sop_id, (on_time, counted) in sorted(per_sop.items())
        ],
        "ikm": {"year": year, "units": [u.as_dict() for u in units]},
    }


async def _current(
    pool: Pool, office: Office, clock: CurrentClock, tz: TimeZone, registry: Registry
) -> dict[str, Any]:
    names = {sop.id: sop.header.name for sop in await registry.all_latest()}
    return await statistics(pool, office, clock.now(), tz, names)


@router.get("/api/statistik", dependencies=[PUBLIC])
async def statistics_json(
    pool: Pool, office: Office, clock: CurrentClock, tz: TimeZone, registry: Registry
) -> JSONResponse:
    return JSONResponse(await _current(pool, office, clock, tz, registry))


@router.get("/statistik", response_class=HTMLResponse, dependencies=[PUBLIC])
async def statistics_page(
    request: Request,
    pool: Pool,
    office: Office,
    clock: CurrentClock,
    tz: TimeZone,
    registry: Registry,
) -> HTMLResponse:
    figures = await _current(pool, office, clock, tz, registry)
    return templates.TemplateResponse(
        request, "statistics.html", {"figures": figures, "office": office.name}
    )
