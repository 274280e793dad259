"""What the dashboard shows, read from the projections' tables (step_times, complaint_register).

Every query answers with nothing rather than failing while a table does not exist yet (a
projection that has not started), so the dashboard always renders.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from services.projections.sla_compliance import StepCompliance, compliance

MISSING = (asyncpg.UndefinedTableError, asyncpg.UndefinedColumnError)


@dataclass(frozen=True)
class OpenStep:
    sop_id: str
    step: str
    activity: str | None
    cases: int
    overdue: int


@dataclass(frozen=True)
class LateCase:
    case_id: UUID
    case_type: str
    sop_id: str
    step: str
    activity: str | None
    due_at: datetime
    performer_unit: str | None
    tracking_number: str | None


async def _fetch(pool: asyncpg.Pool, sql: str, *args: Any) -> list[asyncpg.Record]:
    try:
        return await pool.fetch(sql, *args)
    except MISSING:
        return []


async def open_by_step(pool: asyncpg.Pool, now: datetime) -> list[OpenStep]:
    """Open cases per SOP step: those waiting at it, and how many of them are past due."""
    rows = await _fetch(
        pool,
        "SELECT sop_id, step, min(activity) AS activity, count(DISTINCT case_id)::int AS cases,"
        " (count(DISTINCT case_id) FILTER (WHERE due_at < $1))::int AS overdue"
        " FROM step_times WHERE completed_at IS NULL GROUP BY sop_id, step"
        " ORDER BY sop_id, NULLIF(regexp_replace(step, '\\D', '', 'g'), '')::int NULLS LAST",
        now,
    )
    return [OpenStep(**dict(r)) for r in rows]


async def late_cases(pool: asyncpg.Pool, now: datetime, limit: int = 100) -> list[LateCase]:
    """Steps still open past their deadline, the most overdue first."""
    rows = await _fetch(
        pool,
        "SELECT case_id, case_type, sop_id, step, activity, due_at, performer_unit"
        " FROM step_times WHERE completed_at IS NULL AND due_at < $1"
        " ORDER BY due_at LIMIT $2",
        now,
        limit,
    )
    numbers = {
        r["case_id"]: r["tracking_number"]
        for r in await _fetch(
            pool,
            "SELECT case_id, tracking_number FROM complaint_register"
            " WHERE case_id = ANY($1::uuid[])",
            [r["case_id"] for r in rows],
        )
    }
    return [LateCase(**dict(r), tracking_number=numbers.get(r["case_id"])) for r in rows]


async def compliance_by_step(pool: asyncpg.Pool, now: datetime) -> list[StepCompliance]:
    """SLA compliance of the timed steps that count (done, or open past the deadline)."""
    try:
        rows = await compliance(pool, now)
    except MISSING:
        return []
    return [row for row in rows if row.completed + row.open_overdue]


async def open_complaints_by_step(pool: asyncpg.Pool) -> list[OpenStep]:
    """Open complaints per step from the register (before step_times has rows)."""
    rows = await _fetch(
        pool,
        "SELECT sop_id, current_step AS step, min(current_activity) AS activity,"
        " count(*)::int AS cases, 0 AS overdue FROM complaint_register"
        " WHERE NOT closed AND current_step IS NOT NULL GROUP BY sop_id, current_step"
        " ORDER BY sop_id, NULLIF(regexp_replace(current_step, '\\D', '', 'g'), '')::int"
        " NULLS LAST",
    )
    return [OpenStep(**dict(r)) for r in rows]
