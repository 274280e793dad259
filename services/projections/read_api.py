"""HTTP read side of the registers: `GET /api/register` (JSON) and `GET /register` (HTML)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from alur.settings import REPO_ROOT

router = APIRouter()
templates = Jinja2Templates(
    directory=[Path(__file__).parent / "templates", REPO_ROOT / "alur" / "templates"]
)

CHANNELS = {
    "web": "Formulir web",
    "email": "Surel",
    "post": "Pos",
    "box": "Kotak pengaduan",
    "lapor": "SP4N-LAPOR!",
}
HIDDEN = "Dirahasiakan"


async def _rows(pool: asyncpg.Pool, limit: int, offset: int, tz: ZoneInfo) -> list[dict[str, Any]]:
    rows = await pool.fetch(
        "SELECT case_id, tracking_number, received_at, channel, anonymous, confidential,"
        " reporter_name, subject, category, status, sop_id, sop_version, current_step,"
        " current_activity, closed FROM complaint_register"
        " ORDER BY received_at DESC, tracking_number DESC LIMIT $1 OFFSET $2",
        limit,
        offset,
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
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0),
) -> list[dict[str, Any]]:
    return await _rows(request.app.state.pool, limit, offset, request.app.state.time_zone)


@router.get("/register", response_class=HTMLResponse)
async def register_page(
    request: Request,
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0),
) -> HTMLResponse:
    rows = await _rows(request.app.state.pool, limit, offset, request.app.state.time_zone)
    return templates.TemplateResponse(
        request, "register.html", {"rows": rows, "channels": CHANNELS}
    )
