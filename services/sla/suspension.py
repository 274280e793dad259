"""A suspended clock, on the timers: `ClockSuspended` stops the step's timer, `ClockResumed`
starts it again with its deadline moved by the working time it stood still (issue 4 §3).

- ClockSuspended: the case's open timer of that step becomes 'suspended' (it is not polled);
  the period is kept in `sla_clock_suspensions` with its reason.
- ClockResumed: the period ends; `counted(suspended_at, resumed_at)` of the step's kind of
  time (office time for minutes/hours/working days, wall time for calendar days and N×24 jam)
  moves the deadline and the warning with `extend`, grows `suspended_total`, and the timer is
  open again (next firing: the warning if it has not come yet, else the deadline). The move is
  noted for `SlaDeadlineChanged` (causation `sla:{timer}:resumed:{event_id}`).

A timer that already breached ('fired') or ended ('done') is left alone: a suspension cannot
undo a breach. Only step timers stop; the SP4N-LAPOR! clocks are national and keep running.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from uuid import UUID

import asyncpg
import structlog

from events import CATALOG, Envelope
from events.sla import ClockResumed, ClockSuspended
from runtime.database import create_once
from services.sla.changes import STEP, Change, Context
from services.sla.deadline_changes import DeadlineMove, note
from sop.duration import Duration

log = structlog.get_logger(__name__)

SUSPENDED_REASON = "waktu layanan dihentikan sementara oleh petugas"

SCHEMA = """
CREATE TABLE IF NOT EXISTS sla_clock_suspensions (
    suspended_event_id uuid PRIMARY KEY,
    timer_id uuid NOT NULL,
    case_id uuid NOT NULL,
    suspended_at timestamptz NOT NULL,
    reason text NOT NULL,
    resumed_event_id uuid,
    resumed_at timestamptz,
    counted interval
);
CREATE INDEX IF NOT EXISTS sla_clock_suspensions_open ON sla_clock_suspensions (timer_id)
    WHERE resumed_at IS NULL;
"""


async def create(conn: asyncpg.Connection) -> None:
    await create_once(conn, "sla_clock_suspensions", SCHEMA)


class Stretchable(Protocol):
    """What resuming needs from the office calendar (office/calendar.py)."""

    def counted(self, start: datetime, end: datetime, duration: Duration) -> timedelta: ...

    def extend(self, due: datetime, by: timedelta, duration: Duration) -> datetime: ...


@dataclass(frozen=True)
class Moved:
    due_at: datetime
    warn_at: datetime | None
    next_fire_at: datetime
    by: timedelta


def resumed_times(
    calendar: Stretchable,
    *,
    duration: Duration,
    due_at: datetime,
    warn_at: datetime | None,
    stage: str,
    suspended_at: datetime,
    resumed_at: datetime,
) -> Moved:
    """Where a timer's deadline and warning go when its clock resumes (pure)."""
    by = calendar.counted(suspended_at, resumed_at, duration)
    due = calendar.extend(due_at, by, duration)
    warn = calendar.extend(warn_at, by, duration) if warn_at is not None else None
    next_fire = warn if stage == "pending" and warn is not None else due
    return Moved(due, warn, next_fire, by)


@dataclass(frozen=True)
class StepClockChange:
    """Event `event_id` stopped or restarted, at `at`, the clock of the case's step `step`."""

    case_id: UUID
    event_id: UUID
    at: datetime
    step: str


@dataclass(frozen=True)
class SuspendStepTimer(StepClockChange):
    reason: str

    async def apply(self, conn: asyncpg.Connection) -> None:
        rows = await conn.fetch(
            """
            UPDATE sla_timers SET status = 'suspended', suspended_at = $3, next_fire_at = NULL,
                updated_at = now()
            WHERE case_id = $1 AND step = $2 AND kind = $4 AND status = 'open'
            RETURNING id
            """,
            self.case_id,
            self.step,
            self.at,
            STEP,
        )
        for row in rows:
            await conn.execute(
                "INSERT INTO sla_clock_suspensions (suspended_event_id, timer_id, case_id,"
                " suspended_at, reason) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                self.event_id,
                row["id"],
                self.case_id,
                self.at,
                self.reason,
            )
            log.info(
                "timer_suspended",
                case_id=str(self.case_id),
                event_id=str(self.event_id),
                timer_id=str(row["id"]),
            )


@dataclass(frozen=True)
class ResumeStepTimer(StepClockChange):
    calendar: Stretchable

    async def apply(self, conn: asyncpg.Connection) -> None:
        timers = await conn.fetch(
            "SELECT * FROM sla_timers WHERE case_id = $1 AND step = $2 AND kind = $3"
            " AND status = 'suspended' FOR UPDATE",
            self.case_id,
            self.step,
            STEP,
        )
        for timer in timers:
            await self._resume(conn, timer)

    async def _resume(self, conn: asyncpg.Connection, timer: asyncpg.Record) -> None:
        suspended_at = timer["suspended_at"] or self.at
        moved = resumed_times(
            self.calendar,
            duration=Duration(value=timer["duration_value"], unit=timer["duration_unit"]),
            due_at=timer["due_at"],
            warn_at=timer["warn_at"],
            stage=timer["stage"],
            suspended_at=suspended_at,
            resumed_at=max(self.at, suspended_at),
        )
        await conn.execute(
            """
            UPDATE sla_timers SET status = 'open', due_at = $2, warn_at = $3, next_fire_at = $4,
                suspended_at = NULL, suspended_total = suspended_total + $5, updated_at = now()
            WHERE id = $1
            """,
            timer["id"],
            moved.due_at,
            moved.warn_at,
            moved.next_fire_at,
            moved.by,
        )
        await conn.execute(
            """
            UPDATE sla_clock_suspensions SET resumed_event_id = $2, resumed_at = $3, counted = $4
            WHERE timer_id = $1 AND resumed_at IS NULL
            """,
            timer["id"],
            self.event_id,
            self.at,
            moved.by,
        )
        move = DeadlineMove.of_timer(
            timer,
            causation_id=f"sla:{timer['id']}:resumed:{self.event_id}",
            due_at=moved.due_at,
            # The officer's own words stay on the (sealed) ClockSuspended event only.
            reason=SUSPENDED_REASON,
            occurred_at=self.at,
        )
        await note(conn, [move])
        log.info(
            "timer_resumed",
            case_id=str(self.case_id),
            event_id=str(self.event_id),
            timer_id=str(timer["id"]),
            suspended_seconds=moved.by.total_seconds(),
            due_at=moved.due_at.isoformat(),
        )


def clock_suspension(envelope: Envelope, context: Context) -> list[Change]:
    """The planner: an officer stopped or restarted the waiting step's clock."""
    at = (envelope.case_id, envelope.event_id, envelope.occurred_at)
    if envelope.type == ClockSuspended.type:
        suspended = CATALOG.payload(envelope, ClockSuspended)
        return [SuspendStepTimer(*at, suspended.step, suspended.reason)]
    if envelope.type == ClockResumed.type:
        resumed = CATALOG.payload(envelope, ClockResumed)
        calendar: Stretchable = context.calendar  # type: ignore[assignment]  # a WorkingCalendar
        return [ResumeStepTimer(*at, resumed.step, calendar)]
    return []
