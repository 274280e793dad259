"""The dashboard `/dasbor` (HTML, Bahasa Indonesia, office time; no JavaScript, no build step).

Open cases per SOP step, overdue cases, SLA compliance per step (an inline SVG bar chart), the
IKM per service unit for a period (`year`, `semester`|`quarter`|`month`), and links to the
registers with their filters and exports.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from runtime.http.dependencies import CurrentClock, Registry
from runtime.http.navigation import Navigation
from runtime.http.templates import templates_in
from services.projections import dashboard_queries as queries
from services.projections.dependencies import Tables
from services.projections.ikm_api import Ikm, Reports
from services.projections.read_api import CHANNELS
from services.projections.register_filters import STATUSES, RegisterFilters

router = APIRouter()
templates = templates_in(Path(__file__).parent / "templates")
CASE_TYPES = {"complaint": "Pengaduan", "visit": "Kunjungan", "service": "Layanan"}


def step_label(step: str) -> str:
    return "Penutupan" if step == "closing" else f"Langkah {step}"


@router.get("/dasbor", response_class=HTMLResponse)
async def dashboard(
    request: Request,
    ikm: Ikm,
    reports: Reports,
    tables: Tables,
    clock: CurrentClock,
    registry: Registry,
    nav: Navigation,
) -> HTMLResponse:
    pool, tz = tables.pool, tables.time_zone
    now = clock.now()
    open_steps = await queries.open_by_step(pool, now)
    if not open_steps:
        open_steps = await queries.open_complaints_by_step(pool)
    sops = {sop.id: sop.header.name for sop in await registry.all_latest()}
    context: dict[str, Any] = {
        **nav,
        "active": "dasbor",
        "now": now.astimezone(tz),
        "open_steps": open_steps,
        "late": await queries.late_cases(pool, now),
        "compliance": await queries.compliance_by_step(pool, now),
        "ikm": None if ikm.problem else await reports.report(ikm),
        "ikm_query": ikm,
        "sops": sops,
        "case_types": CASE_TYPES,
        "step_label": step_label,
        "tz": tz,
        "filters": RegisterFilters(),
        "channels": CHANNELS,
        "statuses": STATUSES,
    }
    return templates.TemplateResponse(
        request, "dashboard.html", context, status_code=422 if ikm.problem else 200
    )
