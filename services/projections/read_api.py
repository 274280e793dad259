"""HTTP read side of the registers: `GET /api/register` (JSON) and `GET /register` (HTML)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import asyncpg
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates

from runtime.settings import REPO_ROOT
from services.projections.read_models_api import router as read_models_router
from services.projections.register_filters import STATUSES, RegisterFilters, register_filters

router = APIRouter()
templates = Jinja2Templates(
    directory=[Path(__file__).parent / "templates", REPO_ROOT / "runtime" / "templates"]
)

CHANNELS = {
    "web": "Formulir web",
    "email": "Surel",
    "post": "Pos",
    "box": "Kotak pengaduan",
    "lapor": "SP4N-LAPOR!",
}
HIDDEN = "Dirahasiakan"
NO_FILTERS = RegisterFilters()
Filtered = Annotated[RegisterFilters, Depends(register_filters)]


async def _rows(
    pool: asyncpg.Pool,
    limit: int,
    offset: int,
    tz: ZoneInfo,
    filters: RegisterFilters = NO_FILTERS,
) -> list[dict[str, Any]]:
    where, args = filters.where(tz, first_arg=3)
    rows = await pool.fetch(
        "SELECT case_id, tracking_number, received_at, channel, anonymous, confidential,"  # noqa: S608
        " reporter_name, subject, category, status, sop_id, sop_version, current_step,"
        f" current_activity, closed FROM complaint_register WHERE {where}"
        " ORDER BY received_at DESC, tracking_number DESC LIMIT $1 OFFSET $2",
        limit,
        offset,
        *args,
    )
    return [
        {
            "case_id": str(r["case_id"]),
            "tracking_number": r["tracking_number"],
            "received_at": r["received_at"].astimezone(tz),
            "channel": r["channel"],
            "anonymous": r["anonymous"],
            "confidential": r["confidential"],
            "reporter": None if r["anonymous"] else r["reporter_name"],
            "subject": HIDDEN if r["confidential"] else r["subject"],
            "category": r["category"],
            "status": r["status"],
            "sop": r["sop_id"],
            "sop_version": r["sop_version"],
            "current_step": r["current_step"],
            "current_activity": r["current_activity"],
            "closed": r["closed"],
        }
        for r in rows
    ]


@router.get("/api/register")
async def register_json(
    request: Request,
    filters: Filtered,
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0),
) -> Any:
    if filters.problems:
        problem = filters.problems[0]
        return JSONResponse(
            {"error": "invalid_input", "message": problem.reason, "field": problem.field},
            status_code=422,
        )
    return await _rows(request.app.state.pool, limit, offset, request.app.state.time_zone, filters)


@router.get("/register", response_class=HTMLResponse)
async def register_page(
    request: Request,
    filters: Filtered,
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0),
) -> HTMLResponse:
    usable = NO_FILTERS if filters.problems else filters
    rows = await _rows(request.app.state.pool, limit, offset, request.app.state.time_zone, usable)
    return templates.TemplateResponse(
        request,
        "register.html",
        {"rows": rows, "channels": CHANNELS, "filters": filters, "statuses": STATUSES},
        status_code=422 if filters.problems else 200,
    )


# The other read models' JSON endpoints (guest book, archive, timelines, SLA compliance).
router.include_router(read_models_router)
