"""Open311 GeoReport v2, read side (README "Open311 GeoReport v2"), from the complaint
register; public, so it shows nothing personal:

- `GET /open311/v2/requests.{json|xml}`: filters `service_request_id` (comma list: the others
  are then ignored), `service_code` (comma list), `start_date`/`end_date` (ISO 8601; a window of
  at most 90 days, the last 90 by default), `status` (`open`, `closed` or both, comma list);
  newest first, at most 1,000.
- `GET /open311/v2/requests/{id}.{json|xml}`: one request, by its tracking number.
- `GET /open311/v2/tokens/{token}.{json|xml}`: requests are created at once, so a token is the
  request's own id; it answers the id when that request exists.

A request shows its id (the tracking number), status (`open`/`closed`), a fixed phrase of its
latest step as `status_notes` (the register's status label), its service, and when it was
received and last changed. Never the reporter (name, contacts), the subject, the description,
the location or media (they are sealed in the description). A confidential complaint is left
out of every answer (a lookup reads as an unknown id).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import asyncpg
from fastapi import APIRouter, Request
from fastapi.responses import Response

from office.open311_services import open311_services, service_of
from runtime.http.access import PUBLIC
from runtime.http.dependencies import CurrentClock, Office, Pool, TimeZone
from runtime.http.open311 import SERVICE_REQUESTS, Open311Refused, answer, known_format

router = APIRouter(prefix="/open311/v2")

MAX_REQUESTS = 1_000
WINDOW = timedelta(days=90)
MISSING = (asyncpg.UndefinedTableError, asyncpg.UndefinedColumnError)  # projections not started
STATUSES = ("open", "closed")
# A category as office/routing_rules.category_key compares it (case and spacing do not matter).
CATEGORY = r"lower(regexp_replace(btrim(category), '\s+', ' ', 'g'))"
NOT_FOUND = "service_request_id tidak ditemukan"
COLUMNS = (
    "SELECT tracking_number, received_at, updated_at, category, status, closed"
    " FROM complaint_register WHERE NOT confidential"
)


@router.get("/requests.{format}", dependencies=[PUBLIC], include_in_schema=False)
async def requests(
    request: Request, format: str, pool: Pool, office: Office, tz: TimeZone, clock: CurrentClock
) -> Response:
    fmt = known_format(format)
    query = request.query_params
    ids = _list(query.get("service_request_id"))
    if ids:
        if len(ids) > MAX_REQUESTS:
            raise Open311Refused(400, f"service_request_id: paling banyak {MAX_REQUESTS}", fmt)
        sql = f"{COLUMNS} AND tracking_number = ANY($1::text[])"
        rows = await _rows(pool, sql + " ORDER BY received_at DESC", ids)
    else:
        sql, args = _filtered(query, office, tz, clock.now(), fmt)
        rows = await _rows(pool, sql, *args)
    return answer(fmt, [_request(r, office, tz) for r in rows], SERVICE_REQUESTS)


@router.get(
    "/requests/{service_request_id}.{format}", dependencies=[PUBLIC], include_in_schema=False
)
async def one_request(
    service_request_id: str, format: str, pool: Pool, office: Office, tz: TimeZone
) -> Response:
    fmt = known_format(format)
    rows = await _rows(pool, f"{COLUMNS} AND tracking_number = $1", service_request_id)
    if not rows:
        raise Open311Refused(404, NOT_FOUND, fmt)
    return answer(fmt, [_request(rows[0], office, tz)], SERVICE_REQUESTS)


@router.get("/tokens/{token_id}.{format}", dependencies=[PUBLIC], include_in_schema=False)
async def token(token_id: str, format: str, pool: Pool) -> Response:
    fmt = known_format(format)
    rows = await _rows(pool, f"{COLUMNS} AND tracking_number = $1", token_id)
    if not rows:
        raise Open311Refused(404, "token tidak ditemukan", fmt)
    number = rows[0]["tracking_number"]
    return answer(fmt, [{"service_request_id": number, "token": number}], SERVICE_REQUESTS)


def _list(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def _filtered(query: Any, office: Any, tz: Any, now: datetime, fmt: str) -> tuple[str, list[Any]]:
    """The SQL of the filters `service_code`, `start_date`, `end_date`, `status`."""
    start = _moment(query.get("start_date"), "start_date", tz, fmt)
    end = _moment(query.get("end_date"), "end_date", tz, fmt)
    if start and end and end < start:
        raise Open311Refused(400, "end_date: sebelum start_date", fmt)
    if start and end and end - start > WINDOW:
        raise Open311Refused(400, "end_date: rentang paling lama 90 hari", fmt)
    end = end or (start + WINDOW if start else now)
    start = start or end - WINDOW
    sql, args = f"{COLUMNS} AND received_at >= $1 AND received_at <= $2", [start, end]
    statuses = _list(query.get("status"))
    if any(s not in STATUSES for s in statuses):
        raise Open311Refused(400, "status: harus open atau closed", fmt)
    if len(set(statuses)) == 1:
        args.append(statuses[0] == "closed")
        sql += f" AND closed = ${len(args)}"
    codes = _list(query.get("service_code"))
    if codes:
        services = {s.code: s for s in open311_services(office)}
        unknown = [c for c in codes if c not in services]
        if unknown:
            raise Open311Refused(400, f"service_code tidak dikenal: {unknown[0][:100]}", fmt)
        wanted = {c: services[c] for c in codes}
        # Categories are compared by service code: "lainnya" is every other category.
        named = [s.category for s in services.values() if s.category]
        clauses = []
        if any(s.category for s in wanted.values()):
            args.append([s.category for s in wanted.values() if s.category])
            clauses.append(f"{CATEGORY} = ANY(${len(args)}::text[])")
        if "lainnya" in wanted:
            args.append(named)
            clauses.append(f"(category IS NULL OR NOT {CATEGORY} = ANY(${len(args)}::text[]))")
        sql += " AND (" + " OR ".join(clauses) + ")"
    args.append(MAX_REQUESTS)
    return sql + f" ORDER BY received_at DESC LIMIT ${len(args)}", args


def _moment(value: str | None, field: str, tz: Any, fmt: str) -> datetime | None:
    if not value or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise Open311Refused(400, f"{field}: harus waktu ISO 8601", fmt) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


async def _rows(pool: asyncpg.Pool, sql: str, *args: Any) -> list[asyncpg.Record]:
    try:
        return await pool.fetch(sql, *args)
    except MISSING:
        return []


def _request(row: Any, office: Any, tz: Any) -> dict[str, Any]:
    service = service_of(office, row["category"])
    return {
        "service_request_id": row["tracking_number"],
        "status": "closed" if row["closed"] else "open",
        "status_notes": row["status"],
        "service_name": service.name,
        "service_code": service.code,
        "agency_responsible": service.group,
        "requested_datetime": row["received_at"].astimezone(tz),
        "updated_datetime": (row["updated_at"] or row["received_at"]).astimezone(tz),
    }
