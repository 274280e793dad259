"""HTTP read side of the registers: `GET /api/register` (JSON) and `GET /register` (HTML)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import tzinfo
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from events.complaint import CHANNEL_LABELS
from runtime.http.navigation import Navigation
from runtime.http.requests import Page, Paged
from runtime.http.templates import templates_in
from services.projections.dependencies import ReadModels, Tables
from services.projections.read_models_api import router as read_models_router
from services.projections.register_filters import STATUSES, RegisterFilters, register_filters

router = APIRouter()
templates = templates_in(Path(__file__).parent / "templates")

CHANNELS = CHANNEL_LABELS
HIDDEN = "Dirahasiakan"
NO_FILTERS = RegisterFilters()
Filtered = Annotated[RegisterFilters, Depends(register_filters)]


def register_query(
    tables: ReadModels, page: Page, filters: RegisterFilters = NO_FILTERS
) -> tuple[str, list[Any]]:
    """The SQL of the register's rows (newest first) and its arguments; `register_view` turns
    each row into what officers see."""
    where, args = filters.where(tables.time_zone, first_arg=3)
    visible, more = tables.viewer.where(first_arg=3 + len(args))
    sql = (
        "SELECT case_id, tracking_number, received_at, channel, anonymous, confidential,"  # noqa: S608
        " reporter_name, subject, category, status, sop_id, sop_version, current_step,"
        f" current_activity, closed FROM complaint_register WHERE {where} AND {visible}"
        " ORDER BY received_at DESC, tracking_number DESC LIMIT $1 OFFSET $2"
    )
    return sql, [page.limit, page.offset, *args, *more]


def register_view(r: Mapping[str, Any], tz: tzinfo) -> dict[str, Any]:
    """A register row as an officer sees it: confidential subjects and reporters and anonymous
    names hidden, times in office time."""
    return {
        "case_id": str(r["case_id"]),
        "tracking_number": r["tracking_number"],
        "received_at": r["received_at"].astimezone(tz),
        "channel": r["channel"],
        "anonymous": r["anonymous"],
        "confidential": r["confidential"],
        "reporter": _reporter(r),
        "subject": HIDDEN if r["confidential"] else r["subject"],
        "category": r["category"],
        "status": r["status"],
        "sop": r["sop_id"],
        "sop_version": r["sop_version"],
        "current_step": r["current_step"],
        "current_activity": r["current_activity"],
        "closed": r["closed"],
    }


async def register_rows(
    tables: ReadModels, page: Page, filters: RegisterFilters = NO_FILTERS
) -> list[dict[str, Any]]:
    """The register's rows of the cases in the officer's scope (`register_view`)."""
    sql, args = register_query(tables, page, filters)
    rows = await tables.keys.reveal_tree([dict(r) for r in await tables.pool.fetch(sql, *args)])
    return [register_view(r, tables.time_zone) for r in rows]


def _reporter(row: Any) -> str | None:
    """The register never names a confidential case's reporter (the case page may, to the
    roles the office names, and records that it did)."""
    if row["anonymous"]:
        return None
    return HIDDEN if row["confidential"] else row["reporter_name"]


@router.get("/api/register")
async def register_json(filters: Filtered, tables: Tables, page: Paged) -> Any:
    if filters.problems:
        return filters.problems[0].response()
    return await register_rows(tables, page, filters)


@router.get("/register", response_class=HTMLResponse)
async def register_page(
    request: Request, filters: Filtered, tables: Tables, page: Paged, nav: Navigation
) -> HTMLResponse:
    usable = NO_FILTERS if filters.problems else filters
    rows = await register_rows(tables, page, usable)
    return templates.TemplateResponse(
        request,
        "register.html",
        {
            **nav,
            "active": "register",
            "rows": rows,
            "channels": CHANNELS,
            "filters": filters,
            "statuses": STATUSES,
        },
        status_code=422 if filters.problems else 200,
    )


# The other read models' JSON endpoints (guest book, archive, timelines, SLA compliance).
router.include_router(read_models_router)
