"""Moved deadlines, noted in PostgreSQL with the timer change and recorded on the case after.

When a suspended clock resumes (services/sla/suspension.py) or the office calendar changes
(services/sla/recompute.py), the timer row moves and a note of the move is inserted in the
same transaction (`sla_deadline_changes`, keyed by its causation id, so a redelivered event
or a second worker notes it once). The polling pass then records each pending note on its case
as `SlaDeadlineChanged` (once: the case's history is checked for the causation id) and marks it
recorded. The case may have moved on meanwhile: the fact carries the step the case waits at
when it is recorded, never an older one.
"""

from __future__ import annotations

import uuid
from dataclasses import astuple, dataclass
from datetime import datetime
from uuid import UUID

import asyncpg
import structlog

from cases import CaseConflict, CaseNotFound, Change, EventStore
from events import Actor, Fact, SopRef
from events.sla import SlaDeadlineChanged
from runtime.database import create_once

log = structlog.get_logger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS sla_deadline_changes (
    causation_id text PRIMARY KEY,
    timer_id uuid NOT NULL,
    case_id uuid NOT NULL,
    case_type text NOT NULL,
    sop_id text NOT NULL,
    sop_version integer NOT NULL,
    step text NOT NULL,
    activity text NOT NULL,
    clock text NOT NULL,
    previous_due_at timestamptz NOT NULL,
    due_at timestamptz NOT NULL,
    reason text NOT NULL,
    occurred_at timestamptz NOT NULL,
    noted_at timestamptz NOT NULL DEFAULT now(),
    recorded_at timestamptz
);
CREATE INDEX IF NOT EXISTS sla_deadline_changes_pending ON sla_deadline_changes (noted_at)
    WHERE recorded_at IS NULL;
"""

SLA_ACTOR = Actor(id="sla", role="sistem")
_FACT_IDS = uuid.UUID("9c3e0a51-61f2-4f0e-bb0c-2b4f3d6a7e15")


@dataclass(frozen=True)
class DeadlineMove:
    """A timer's deadline moved, and why (Bahasa Indonesia)."""

    causation_id: str
    timer_id: UUID
    case_id: UUID
    case_type: str
    sop_id: str
    sop_version: int
    step: str
    activity: str
    clock: str  # the timer kind: "step", "lapor_verification", …
    previous_due_at: datetime
    due_at: datetime
    reason: str
    occurred_at: datetime

    @classmethod
    def of_timer(
        cls,
        timer: asyncpg.Record,
        *,
        causation_id: str,
        due_at: datetime,
        reason: str,
        occurred_at: datetime,
    ) -> DeadlineMove:
        """The move of the deadline of `timer` (a row of `sla_timers`) to `due_at`."""
        return cls(
            causation_id=causation_id,
            timer_id=timer["id"],
            case_id=timer["case_id"],
            case_type=timer["case_type"],
            sop_id=timer["sop_id"],
            sop_version=timer["sop_version"],
            step=timer["step"],
            activity=timer["activity"],
            clock=timer["kind"],
            previous_due_at=timer["due_at"],
            due_at=due_at,
            reason=reason,
            occurred_at=occurred_at,
        )


async def create(conn: asyncpg.Connection) -> None:
    await create_once(conn, "sla_deadline_changes", SCHEMA)


async def note(conn: asyncpg.Connection, moves: list[DeadlineMove]) -> None:
    """Note moves in the caller's transaction; a move already noted is kept as it was."""
    if not moves:
        return
    await conn.executemany(
        """
        INSERT INTO sla_deadline_changes (causation_id, timer_id, case_id, case_type, sop_id,
            sop_version, step, activity, clock, previous_due_at, due_at, reason, occurred_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
        ON CONFLICT (causation_id) DO NOTHING
        """,
        [astuple(move) for move in moves],
    )


def fact_of(move: DeadlineMove, waiting_step: str | None) -> Fact:
    return Fact(
        event_id=uuid.uuid5(_FACT_IDS, move.causation_id),
        type=SlaDeadlineChanged.type,
        schema_version=SlaDeadlineChanged.schema_version,
        case_type=move.case_type,
        occurred_at=move.occurred_at,
        actor=SLA_ACTOR,
        sop=SopRef(id=move.sop_id, version=move.sop_version, step=None, next_step=waiting_step),
        causation_id=move.causation_id,
        # The move says everything the payload says (step, activity, deadlines, reason, clock).
        payload=SlaDeadlineChanged(
            **{name: getattr(move, name) for name in SlaDeadlineChanged.model_fields}
        ).model_dump(mode="json"),
    )


async def record_move(store: EventStore, move: DeadlineMove) -> bool:
    """Append the move's `SlaDeadlineChanged` to its case unless it is there."""
    case = await store.load(move.case_id)
    if any(f.causation_id == move.causation_id for f in case.history):
        return False
    waiting = next((f.sop.next_step for f in reversed(case.history) if f.sop is not None), None)
    fact = fact_of(move, waiting)
    case.record(fact)
    await store.commit(Change(case.collect_events()))
    log.info(
        "deadline_change_recorded",
        case_id=str(move.case_id),
        event_id=str(fact.event_id),
        timer_id=str(move.timer_id),
        clock=move.clock,
        due_at=move.due_at.isoformat(),
    )
    return True


async def record_pending(pool: asyncpg.Pool, store: EventStore, limit: int = 200) -> int:
    """Record pending notes on their cases; returns how many were settled this pass.

    Rows are held (`FOR UPDATE SKIP LOCKED`) while recording, so two workers never both try
    one; a case that changed under us (`CaseConflict`) is tried again on the next pass.
    """
    settled = 0
    async with pool.acquire() as conn, conn.transaction():
        rows = await conn.fetch(
            "SELECT * FROM sla_deadline_changes WHERE recorded_at IS NULL"
            " ORDER BY noted_at LIMIT $1 FOR UPDATE SKIP LOCKED",
            limit,
        )
        done: list[str] = []
        for row in rows:
            move = DeadlineMove(**{k: row[k] for k in DeadlineMove.__dataclass_fields__})
            try:
                await record_move(store, move)
            except CaseConflict:
                continue
            except CaseNotFound:
                log.error("deadline_change_case_missing", case_id=str(move.case_id))
            done.append(move.causation_id)
        if done:
            await conn.execute(
                "UPDATE sla_deadline_changes SET recorded_at = now()"
                " WHERE causation_id = ANY($1::text[])",
                done,
            )
            settled = len(done)
    return settled
