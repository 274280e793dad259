"""Closures the office adds at run time (`alur calendar close`), kept in PostgreSQL.

Table `office_closures` is append-only: a row is never edited or deleted, so the calendar a
deadline was computed on can always be reconstructed. The SLA worker notices a new closure
through the calendar's fingerprint (office/calendar.py) and recomputes open deadlines.
"""

from __future__ import annotations

from datetime import date

import asyncpg
import structlog

from office.calendar import Closure, WorkingCalendar
from office.config import OfficeConfig
from runtime.database import create_once

log = structlog.get_logger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS office_closures (
    id bigserial PRIMARY KEY,
    first_day date NOT NULL,
    last_day date NOT NULL,
    reason text NOT NULL CHECK (btrim(reason) <> ''),
    added_by text,
    added_at timestamptz NOT NULL DEFAULT now(),
    CHECK (last_day >= first_day)
);
"""


class ClosureBook:
    """The closures the office added, in the order they were added."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def create(self) -> None:
        async with self._pool.acquire() as conn:
            await create_once(conn, "office_closures", SCHEMA)

    async def add(
        self, first_day: date, last_day: date, reason: str, added_by: str | None = None
    ) -> Closure:
        closure = Closure(first_day, last_day, reason.strip())  # checks order and reason
        await self.create()
        closure_id = await self._pool.fetchval(
            "INSERT INTO office_closures (first_day, last_day, reason, added_by)"
            " VALUES ($1, $2, $3, $4) RETURNING id",
            closure.first_day,
            closure.last_day,
            closure.reason,
            added_by,
        )
        log.info(
            "office_closure_added",
            closure_id=closure_id,
            first_day=first_day.isoformat(),
            last_day=last_day.isoformat(),
            reason=closure.reason,
            added_by=added_by,
        )
        return closure

    async def all(self) -> list[Closure]:
        try:
            rows = await self._pool.fetch(
                "SELECT first_day, last_day, reason FROM office_closures ORDER BY id"
            )
        except asyncpg.UndefinedTableError:  # nobody added a closure yet
            return []
        return [Closure(row["first_day"], row["last_day"], row["reason"]) for row in rows]


async def office_calendar(office: OfficeConfig, pool: asyncpg.Pool) -> WorkingCalendar:
    """The calendar of the office configuration plus the closures stored in the database."""
    return WorkingCalendar.of(office, await ClosureBook(pool).all())
