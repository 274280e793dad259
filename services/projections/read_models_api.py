"""JSON read endpoints of the guest book, the archive, case timelines, SLA compliance and time
in step (officers only: they show visitors, officers and case histories).

- `GET /api/guest-book?limit&offset` — newest arrival first
- `GET /api/archive?limit&offset` — newest closure first, with retention dates
- `GET /api/cases/{id}/timeline` — every event of the case, in order
- `GET /api/sla/compliance?sop&as_of` — per SOP step; `as_of` (ISO 8601) defaults to now
- `GET /api/time-in-step?by=officer|unit&sop&step`
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from runtime.http.access import OfficerOnly, Officers
from runtime.http.case_scope import Scope, in_scope
from runtime.http.dependencies import CurrentClock, Pool
from runtime.http.errors import error_response, invalid_input
from runtime.http.requests import Page, Paged, uuid_or_none
from services.projections import sla_compliance
from services.projections.dependencies import ReadModels, Tables

# Every endpoint here is for officers only.
router = APIRouter(dependencies=[Depends(Officers())])

NOT_FOUND = (404, "not_found", "kasus tidak ditemukan", "case_id")
GUEST_BOOK = (
    "SELECT case_id, arrived_at, visitor_name, institution, purpose, meets, phone, left_at,"
    " current_step, closed FROM guest_book WHERE {visible}"
    " ORDER BY arrived_at DESC, case_id LIMIT $1 OFFSET $2"
)
ARCHIVE = (
    "SELECT case_id, case_type, sop_id, sop_version, reference, record_type, opened_at,"
    " closed_at, active_until, inactive_until, final_disposition FROM case_archive"
    " WHERE {visible} ORDER BY closed_at DESC, case_id LIMIT $1 OFFSET $2"
)


def _json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _rows(records: list[Any]) -> JSONResponse:
    return JSONResponse([{k: _json(v) for k, v in dict(r).items()} for r in records])


async def _visible(query: str, tables: ReadModels, page: Page) -> JSONResponse:
    visible, more = tables.viewer.where(first_arg=3)
    sql = query.format(visible=visible)
    rows = await tables.pool.fetch(sql, page.limit, page.offset, *more)
    return _rows(await tables.keys.reveal_tree([dict(r) for r in rows]))


@router.get("/api/guest-book")
async def guest_book(tables: Tables, page: Paged) -> JSONResponse:
    return await _visible(GUEST_BOOK, tables, page)


@router.get("/api/archive")
async def archive(tables: Tables, page: Paged) -> JSONResponse:
    return await _visible(ARCHIVE, tables, page)


@router.get("/api/cases/{case_id}/timeline")
async def timeline(case_id: str, pool: Pool, officer: OfficerOnly, scope: Scope) -> JSONResponse:
    case = uuid_or_none(case_id)
    if case is None or not await in_scope(scope, officer, case):
        return error_response(*NOT_FOUND)
    rows = await pool.fetch(
        "SELECT position, occurred_at, type, label, actor_id, role, sop_id, sop_version, step,"
        " next_step FROM case_timeline WHERE case_id = $1 ORDER BY position",
        case,
    )
    if not rows:
        return error_response(*NOT_FOUND)
    return _rows(rows)


@router.get("/api/sla/compliance")
async def compliance(
    pool: Pool, clock: CurrentClock, sop: str | None = None, as_of: str | None = None
) -> JSONResponse:
    now = clock.now()
    if as_of is not None:
        try:
            now = datetime.fromisoformat(as_of)
        except ValueError:
            now = None
        if now is None or now.tzinfo is None:
            return invalid_input("as_of", "as_of harus waktu ISO 8601 dengan zona waktu")
    steps = await sla_compliance.compliance(pool, now, sop)
    return JSONResponse(
        {
            "as_of": now.isoformat(),
            "steps": [
                {**dataclasses.asdict(s), "percent_on_time": s.percent_on_time} for s in steps
            ],
        }
    )


@router.get("/api/time-in-step")
async def time_in_step(
    pool: Pool, by: str = "officer", sop: str | None = None, step: str | None = None
) -> JSONResponse:
    if by not in ("officer", "unit"):
        return invalid_input("by", "by harus 'officer' atau 'unit'")
    rows = await sla_compliance.time_in_step(pool, by, sop, step)  # type: ignore[arg-type]
    return JSONResponse([dataclasses.asdict(r) for r in rows])
