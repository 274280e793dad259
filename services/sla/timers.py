"""The durable timers: one row per clock that runs for a case, in PostgreSQL (`sla_timers`).

A row is a clock of some `kind`: 'step' (an SOP step's time standard) here; other kinds (the
SP4N-LAPOR! clocks) use the same columns. `status` says whether it runs ('open'), is stopped
('suspended'), ended because the work was done ('done'), or has raised everything it had to
('fired'). `stage` says what it has raised so far. `next_fire_at` is when the SLA worker must
look at it next; the partial index on it is the whole polling query.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

import asyncpg

from runtime.database import create_once

SCHEMA = """
CREATE TABLE IF NOT EXISTS sla_timers (
    id uuid PRIMARY KEY,
    case_id uuid NOT NULL,
    case_type text NOT NULL,
    sop_id text NOT NULL,
    sop_version integer NOT NULL,
    step text NOT NULL,
    kind text NOT NULL DEFAULT 'step',
    activity text NOT NULL,
    roles text[] NOT NULL,
    assignee text,
    started_event_id uuid NOT NULL,
    started_position bigint NOT NULL,
    started_at timestamptz NOT NULL,
    due_at timestamptz NOT NULL,
    warn_at timestamptz,
    duration_value double precision,
    duration_unit text NOT NULL,
    status text NOT NULL DEFAULT 'open'
        CHECK (status IN ('open', 'suspended', 'done', 'fired')),
    stage text NOT NULL DEFAULT 'pending'
        CHECK (stage IN ('pending', 'warned', 'breached', 'escalated')),
    next_fire_at timestamptz,
    suspended_at timestamptz,
    suspended_total interval NOT NULL DEFAULT interval '0',
    calendar_fingerprint text,
    completed_event_id uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (started_event_id, kind)
);
CREATE INDEX IF NOT EXISTS sla_timers_due ON sla_timers (next_fire_at) WHERE status = 'open';
CREATE INDEX IF NOT EXISTS sla_timers_running ON sla_timers (case_id)
    WHERE status IN ('open', 'suspended');
"""

# Timer ids are derived from what started them, so a rebuilt table gives a timer the same
# id, and the causation ids of what it raises (`sla:{id}:breach`) stay the same.
_TIMER_IDS = uuid.UUID("5b1a3c52-0f1e-4d7e-9a57-3a1f8f0c2d11")


def timer_id(started_event_id: UUID, kind: str) -> UUID:
    return uuid.uuid5(_TIMER_IDS, f"{started_event_id}:{kind}")


@dataclass(frozen=True)
class TimerTerms:
    """What a timer is started with: the columns of `sla_timers` its start sets."""

    case_id: UUID
    case_type: str
    sop_id: str
    sop_version: int
    step: str
    kind: str
    activity: str
    roles: list[str]
    assignee: str | None
    started_event_id: UUID
    started_position: int
    started_at: datetime
    due_at: datetime
    warn_at: datetime | None
    duration_value: float | None
    duration_unit: str
    calendar_fingerprint: str | None


@dataclass(frozen=True)
class Timer(TimerTerms):
    """One row of `sla_timers`, as the firing side reads it."""

    id: UUID
    status: str
    stage: str
    next_fire_at: datetime | None
    suspended_total: timedelta

    @classmethod
    def of(cls, row: asyncpg.Record) -> Timer:
        return cls(**{name: row[name] for name in cls.__dataclass_fields__})

    @property
    def role(self) -> str:
        """The role that must act (the first officer role of the step)."""
        return self.roles[0] if self.roles else ""


async def create(conn: asyncpg.Connection) -> None:
    await create_once(conn, "sla_timers", SCHEMA)


async def start(conn: asyncpg.Connection, timer: TimerTerms) -> bool:
    """Store a new running timer; False if the event already started it (a redelivery)."""
    created = await conn.fetchval(
        """
        INSERT INTO sla_timers (id, case_id, case_type, sop_id, sop_version, step, kind,
            activity, roles, assignee, started_event_id, started_position, started_at, due_at,
            warn_at, duration_value, duration_unit, next_fire_at, calendar_fingerprint)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
            coalesce($15::timestamptz, $14::timestamptz), $18)
        ON CONFLICT (started_event_id, kind) DO NOTHING
        RETURNING true
        """,
        timer_id(timer.started_event_id, timer.kind),
        *(getattr(timer, name) for name in TimerTerms.__dataclass_fields__),
    )
    return bool(created)


async def complete(
    conn: asyncpg.Connection,
    *,
    case_id: UUID,
    kinds: list[str],
    completed_event_id: UUID,
    before_position: int,
) -> list[UUID]:
    """End the case's running timers of `kinds` started before `before_position`."""
    rows = await conn.fetch(
        """
        UPDATE sla_timers SET status = 'done', completed_event_id = $3, next_fire_at = NULL,
            updated_at = now()
        WHERE case_id = $1 AND kind = ANY($2) AND status IN ('open', 'suspended')
            AND started_position < $4
        RETURNING id
        """,
        case_id,
        kinds,
        completed_event_id,
        before_position,
    )
    return [r["id"] for r in rows]


async def assign(
    conn: asyncpg.Connection, *, case_id: UUID, step: str, assignee: str, kinds: list[str]
) -> list[UUID]:
    """Name the officer of the case's running timers of `step`."""
    rows = await conn.fetch(
        """
        UPDATE sla_timers SET assignee = $3, updated_at = now()
        WHERE case_id = $1 AND step = $2 AND kind = ANY($4) AND status IN ('open', 'suspended')
        RETURNING id
        """,
        case_id,
        step,
        assignee,
        kinds,
    )
    return [r["id"] for r in rows]


async def running(conn: asyncpg.Connection, case_id: UUID) -> list[Timer]:
    """The case's open and suspended timers (for planners that move or stop them)."""
    rows = await conn.fetch(
        "SELECT * FROM sla_timers WHERE case_id = $1 AND status IN ('open', 'suspended')"
        " ORDER BY started_position",
        case_id,
    )
    return [Timer.of(r) for r in rows]


async def take_due(conn: asyncpg.Connection, now: datetime, limit: int) -> list[Timer]:
    """Lock up to `limit` open timers due at `now`; rows another worker holds are skipped.

    Call inside a transaction: the locks last until it ends.
    """
    rows = await conn.fetch(
        """
        SELECT * FROM sla_timers
        WHERE status = 'open' AND next_fire_at <= $1
        ORDER BY next_fire_at
        LIMIT $2
        FOR UPDATE SKIP LOCKED
        """,
        now,
        limit,
    )
    return [Timer.of(r) for r in rows]


async def advance_many(
    conn: asyncpg.Connection,
    changes: list[tuple[UUID, str, str, datetime | None]],
) -> None:
    """Move timers to their next (stage, status, next_fire_at) in one statement."""
    if not changes:
        return
    ids, stages, statuses, next_fire = (list(column) for column in zip(*changes, strict=True))
    await conn.execute(
        """
        UPDATE sla_timers AS t SET stage = u.stage, status = u.status,
            next_fire_at = u.next_fire_at, updated_at = clock_timestamp()
        FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[])
            AS u(id, stage, status, next_fire_at)
        WHERE t.id = u.id
        """,
        ids,
        stages,
        statuses,
        next_fire,
    )
