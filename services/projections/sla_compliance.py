"""Queries over `step_times`: SLA compliance per SOP step, and time in step per officer or unit.

% on time = steps done on time / (steps done + open steps already past their deadline), so a
backlog nobody completes counts against the office instead of vanishing from the figure.
Only steps with a time standard (a deadline) count for compliance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import asyncpg

Executor = asyncpg.Pool | asyncpg.Connection


@dataclass(frozen=True)
class StepCompliance:
    sop_id: str
    step: str
    activity: str | None
    completed: int
    on_time: int
    late: int
    open: int
    open_overdue: int  # open at `now` and past the deadline

    @property
    def percent_on_time(self) -> float | None:
        counted = self.completed + self.open_overdue
        return round(100 * self.on_time / counted, 1) if counted else None


@dataclass(frozen=True)
class TimeInStep:
    who: str | None  # an officer id, or a unit (None: performers without a unit)
    steps: int
    average_seconds: float
    p50_seconds: float
    p90_seconds: float


# Steps in SOP order: numbers numerically, the closing action last.
STEP_ORDER = "nullif(regexp_replace(step, '\\D', '', 'g'), '')::integer NULLS LAST"


async def compliance(
    db: Executor, now: datetime, sop_id: str | None = None
) -> list[StepCompliance]:
    rows = await db.fetch(
        "SELECT sop_id, step, max(activity) AS activity,"  # noqa: S608 - fixed text
        " count(*) FILTER (WHERE completed_at IS NOT NULL) AS completed,"
        " count(*) FILTER (WHERE on_time) AS on_time,"
        " count(*) FILTER (WHERE NOT on_time) AS late,"
        " count(*) FILTER (WHERE completed_at IS NULL) AS open,"
        " count(*) FILTER (WHERE completed_at IS NULL AND due_at < $1) AS open_overdue"
        " FROM step_times WHERE due_at IS NOT NULL AND ($2::text IS NULL OR sop_id = $2)"
        f" GROUP BY sop_id, step ORDER BY sop_id, {STEP_ORDER}",
        now,
        sop_id,
    )
    return [StepCompliance(**dict(r)) for r in rows]


async def time_in_step(
    db: Executor,
    by: Literal["officer", "unit"],
    sop_id: str | None = None,
    step: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[TimeInStep]:
    """Completed steps grouped by who did them (or their unit), started in [since, until)."""
    column = {"officer": "performer", "unit": "performer_unit"}[by]
    rows = await db.fetch(
        f"SELECT {column} AS who, count(*) AS steps,"  # noqa: S608 - a fixed column name
        " avg(seconds) AS average_seconds,"
        " percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) AS p50_seconds,"
        " percentile_cont(0.9) WITHIN GROUP (ORDER BY seconds) AS p90_seconds"
        " FROM (SELECT *, extract(epoch FROM completed_at - started_at)::float8 AS seconds"
        "       FROM step_times WHERE completed_at IS NOT NULL) AS done"
        " WHERE ($1::text IS NULL OR sop_id = $1) AND ($2::text IS NULL OR step = $2)"
        " AND ($3::timestamptz IS NULL OR started_at >= $3)"
        " AND ($4::timestamptz IS NULL OR started_at < $4)"
        f" GROUP BY {column} ORDER BY {column} NULLS LAST",
        sop_id,
        step,
        since,
        until,
    )
    return [TimeInStep(**dict(r)) for r in rows]
