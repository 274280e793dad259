"""Open deadlines follow the office calendar: a closure or a changed holiday list moves them
(issue 4 §4).

Each polling pass, `CalendarWatch` builds the office calendar (configuration + closures stored
by `alur calendar close`), rebuilding it only when the closures table changed, and compares
its fingerprint with the last one recorded in `calendar_changes`. The first run records the
initial calendar. On a change it records the new fingerprint with its reason (what
`WorkingCalendar.differences` names: the closure and its reason, holidays added or removed,
changed hours) and recomputes every open or suspended timer computed on another calendar:

- the deadline is `deadline(started_at, duration)` then `extend` by the time the clock was
  suspended so far; the warning is the configured share of the time, moved the same way;
- a timer that has not warned yet fires next at its (new) warning, one that warned at its
  (new) deadline; a suspended timer stays unpolled; timers that breached are not touched;
- each timer whose deadline moved gets `SlaDeadlineChanged` with the reason (causation
  `sla:{timer}:calendar:{fingerprint}`), through the notes of services/sla/deadline_changes.py.

Two SLA workers may watch at once: an advisory lock serialises the recording, and the
fingerprint recorded last decides whether there is anything left to do.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

import asyncpg
import structlog

from cases import EventStore
from office import OfficeConfig
from office.calendar import Closure, WorkingCalendar
from runtime.clock import Clock
from runtime.database import create_once
from services.sla.deadline_changes import DeadlineMove, note, record_pending
from sop.duration import Duration

log = structlog.get_logger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS calendar_changes (
    id bigserial PRIMARY KEY,
    fingerprint text NOT NULL,
    closures_up_to bigint NOT NULL DEFAULT 0,
    reason text NOT NULL,
    timers_moved integer NOT NULL DEFAULT 0,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
"""
INITIAL = "Kalender awal kantor"
# After a change, timers a batch started on the old calendar may still be committing: the
# pass looks for timers on an older calendar for this long after each change.
SWEEP_SECONDS = 60.0
# The days a change is described over (reason text), around today.
_BEFORE, _AFTER = timedelta(days=31), timedelta(days=400)


class Recalculable(Protocol):
    def deadline(self, start: datetime, duration: Duration) -> datetime: ...

    def share_elapsed_at(
        self, start: datetime, due: datetime, duration: Duration, share: float
    ) -> datetime: ...

    def extend(self, due: datetime, by: timedelta, duration: Duration) -> datetime: ...


@dataclass(frozen=True)
class Recomputed:
    due_at: datetime
    warn_at: datetime | None
    next_fire_at: datetime | None


def recomputed(
    calendar: Recalculable,
    *,
    started_at: datetime,
    duration: Duration,
    suspended_total: timedelta,
    warns: bool,
    share: float,
    stage: str,
    suspended: bool,
) -> Recomputed:
    """A running timer's deadline, warning and next firing on `calendar` (pure)."""
    due = calendar.deadline(started_at, duration)
    warn = calendar.share_elapsed_at(started_at, due, duration, share) if warns else None
    if suspended_total > timedelta():
        due = calendar.extend(due, suspended_total, duration)
        warn = calendar.extend(warn, suspended_total, duration) if warn is not None else None
    if warn is not None and warn >= due:
        warn = None
    if suspended:
        next_fire = None
    elif stage == "pending" and warn is not None:
        next_fire = warn
    else:
        next_fire = due
    return Recomputed(due, warn, next_fire)


def change_reason(before: WorkingCalendar | None, after: WorkingCalendar, today: date) -> str:
    """Why the calendar changed, in Bahasa Indonesia, for `SlaDeadlineChanged.reason`."""
    lines = before.differences(after, today - _BEFORE, today + _AFTER) if before else []
    if not lines:
        lines = ["konfigurasi kalender atau daftar hari libur nasional diperbarui"]
    return "Kalender kantor berubah: " + "; ".join(lines)


class CalendarWatch:
    def __init__(self, pool: asyncpg.Pool, office: OfficeConfig, clock: Clock) -> None:
        self._pool = pool
        self._office = office
        self._clock = clock
        self._closures_key: tuple[int, int] | None = None
        self._calendar: WorkingCalendar | None = None
        self._recorded: str | None = None  # the fingerprint this process knows is recorded
        self._sweep_until = 0.0

    async def create(self) -> None:
        async with self._pool.acquire() as conn:
            await create_once(conn, "calendar_changes", SCHEMA)

    async def calendar(self) -> WorkingCalendar:
        """The office calendar now; rebuilt only when the stored closures changed."""
        key, closures = await self._closures_key_now(), None
        if self._calendar is None or key != self._closures_key:
            closures = await self._closures(up_to=key[0])
            self._calendar = WorkingCalendar.of(self._office, closures)
            self._closures_key = key
        return self._calendar

    async def pass_once(self) -> int:
        """Record a calendar change and move the deadlines it moves; returns timers moved."""
        calendar = await self.calendar()
        fingerprint = calendar.fingerprint()
        if fingerprint == self._recorded and time.monotonic() > self._sweep_until:
            return 0
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext('calendar_changes'))")
            last = await conn.fetchrow(
                "SELECT fingerprint, closures_up_to, reason FROM calendar_changes"
                " ORDER BY id DESC LIMIT 1"
            )
            now = self._clock.now()
            if last is not None and last["fingerprint"] == fingerprint:
                reason = last["reason"]
            else:
                if last is None:
                    reason = INITIAL
                else:
                    before = await self._calendar_up_to(last["closures_up_to"])
                    reason = change_reason(before, calendar, now.date())
                    self._sweep_until = time.monotonic() + SWEEP_SECONDS
                await conn.execute(
                    "INSERT INTO calendar_changes (fingerprint, closures_up_to, reason)"
                    " VALUES ($1, $2, $3)",
                    fingerprint,
                    self._closures_key[0] if self._closures_key else 0,
                    reason,
                )
                log.info(
                    "calendar_recorded" if last is None else "calendar_changed",
                    fingerprint=fingerprint,
                    reason=reason,
                )
            moved = await self._recompute(conn, calendar, fingerprint, reason, now)
            if moved:
                await conn.execute(
                    "UPDATE calendar_changes SET timers_moved = timers_moved + $2"
                    " WHERE id = (SELECT max(id) FROM calendar_changes WHERE fingerprint = $1)",
                    fingerprint,
                    moved,
                )
        self._recorded = fingerprint
        return moved

    async def _recompute(
        self,
        conn: asyncpg.Connection,
        calendar: WorkingCalendar,
        fingerprint: str,
        reason: str,
        now: datetime,
    ) -> int:
        rows = await conn.fetch(
            """
            SELECT * FROM sla_timers
            WHERE status IN ('open', 'suspended') AND calendar_fingerprint IS DISTINCT FROM $1
            FOR UPDATE
            """,
            fingerprint,
        )
        updates, moves = [], []
        for row in rows:
            new = recomputed(
                calendar,
                started_at=row["started_at"],
                duration=Duration(value=row["duration_value"], unit=row["duration_unit"]),
                suspended_total=row["suspended_total"],
                warns=row["warn_at"] is not None,
                share=self._office.sla.warning_share,
                stage=row["stage"],
                suspended=row["status"] == "suspended",
            )
            updates.append((row["id"], new.due_at, new.warn_at, new.next_fire_at))
            if new.due_at != row["due_at"]:
                moves.append(_move(row, new, fingerprint, reason, now))
        if updates:
            await conn.executemany(
                """
                UPDATE sla_timers SET due_at = $2, warn_at = $3, next_fire_at = $4,
                    calendar_fingerprint = $5, updated_at = now()
                WHERE id = $1
                """,
                [(*u, fingerprint) for u in updates],
            )
        await note(conn, moves)
        if updates:
            log.info("timers_recomputed", timers=len(updates), moved=len(moves))
        return len(moves)

    async def _closures_key_now(self) -> tuple[int, int]:
        try:
            row = await self._pool.fetchrow(
                "SELECT coalesce(max(id), 0) AS up_to, count(*) AS n FROM office_closures"
            )
        except asyncpg.UndefinedTableError:  # nobody added a closure yet
            return (0, 0)
        return (row["up_to"], row["n"])

    async def _closures(self, up_to: int) -> list[Closure]:
        try:
            rows = await self._pool.fetch(
                "SELECT first_day, last_day, reason FROM office_closures WHERE id <= $1"
                " ORDER BY id",
                up_to,
            )
        except asyncpg.UndefinedTableError:
            return []
        return [Closure(r["first_day"], r["last_day"], r["reason"]) for r in rows]

    async def _calendar_up_to(self, up_to: int) -> WorkingCalendar:
        """The calendar as it was when closures up to `up_to` were the stored ones."""
        return WorkingCalendar.of(self._office, await self._closures(up_to))


def _move(
    row: asyncpg.Record, new: Recomputed, fingerprint: str, reason: str, now: datetime
) -> DeadlineMove:
    return DeadlineMove.of_timer(
        row,
        causation_id=f"sla:{row['id']}:calendar:{fingerprint}",
        due_at=new.due_at,
        reason=reason,
        occurred_at=now,
    )


async def keep_deadlines(
    watch: CalendarWatch, pool: asyncpg.Pool, store: EventStore, poll_seconds: float
) -> None:
    """Each pass: follow the calendar, then record the moved deadlines on their cases."""
    while True:
        try:
            await watch.pass_once()
            await record_pending(pool, store)
        except (
            OSError,
            asyncpg.PostgresError,
            asyncpg.InterfaceError,
            asyncpg.InternalClientError,  # a connection cut mid-query (PostgreSQL restarting)
        ) as error:
            log.warning("deadline_pass_failed", error=repr(error))
        await asyncio.sleep(poll_seconds)
