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

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from services.projections import sla_compliance

router = APIRouter()


def _refused(status: int, error: str, message: str, field: str | None = None) -> JSONResponse:
    body = {"error": error, "message": message}
    if field:
        body["field"] = field
    return JSONResponse(body, status_code=status)


async def _officer(request: Request) -> bool:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return False
    return await request.app.state.directory.by_token(token.strip()) is not None


UNAUTHORIZED = (401, "unauthorized", "perlu token petugas yang valid (Authorization: Bearer TOKEN)")


def _json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _rows(records: list[Any]) -> JSONResponse:
    return JSONResponse([{k: _json(v) for k, v in dict(r).items()} for r in records])


@router.get("/api/guest-book")
async def guest_book(
    request: Request, limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0)
) -> JSONResponse:
    if not await _officer(request):
        return _refused(*UNAUTHORIZED)
    rows = await request.app.state.pool.fetch(
        "SELECT case_id, arrived_at, visitor_name, institution, purpose, meets, phone, left_at,"
        " current_step, closed FROM guest_book ORDER BY arrived_at DESC, case_id"
        " LIMIT $1 OFFSET $2",
        limit,
        offset,
    )
    return _rows(rows)


@router.get("/api/archive")
async def archive(
    request: Request, limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0)
) -> JSONResponse:
    if not await _officer(request):
        return _refused(*UNAUTHORIZED)
    rows = await request.app.state.pool.fetch(
        "SELECT case_id, case_type, sop_id, sop_version, reference, record_type, opened_at,"
        " closed_at, active_until, inactive_until, final_disposition FROM case_archive"
        " ORDER BY closed_at DESC, case_id LIMIT $1 OFFSET $2",
        limit,
        offset,
    )
    return _rows(rows)


@router.get("/api/cases/{case_id}/timeline")
async def timeline(request: Request, case_id: str) -> JSONResponse:
    if not await _officer(request):
        return _refused(*UNAUTHORIZED)
    try:
        case = uuid.UUID(case_id)
    except ValueError:
        return _refused(404, "not_found", "kasus tidak ditemukan", "case_id")
    rows = await request.app.state.pool.fetch(
        "SELECT position, occurred_at, type, label, actor_id, role, sop_id, sop_version, step,"
        " next_step FROM case_timeline WHERE case_id = $1 ORDER BY position",
        case,
    )
    if not rows:
        return _refused(404, "not_found", "kasus tidak ditemukan", "case_id")
    return _rows(rows)


@router.get("/api/sla/compliance")
async def compliance(
    request: Request, sop: str | None = None, as_of: str | None = None
) -> JSONResponse:
    if not await _officer(request):
        return _refused(*UNAUTHORIZED)
    now = request.app.state.clock.now()
    if as_of is not None:
        try:
            now = datetime.fromisoformat(as_of)
        except ValueError:
            now = None
        if now is None or now.tzinfo is None:
            return _refused(
                422, "invalid_input", "as_of harus waktu ISO 8601 dengan zona waktu", "as_of"
            )
    steps = await sla_compliance.compliance(request.app.state.pool, now, sop)
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
    request: Request, by: str = "officer", sop: str | None = None, step: str | None = None
) -> JSONResponse:
    if not await _officer(request):
        return _refused(*UNAUTHORIZED)
    if by not in ("officer", "unit"):
        return _refused(422, "invalid_input", "by harus 'officer' atau 'unit'", "by")
    rows = await sla_compliance.time_in_step(request.app.state.pool, by, sop, step)  # type: ignore[arg-type]
    return JSONResponse([dataclasses.asdict(r) for r in rows])
