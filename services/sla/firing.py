"""Firing due timers: a warning at the configured share of the time, then the breach and the
escalation to the direct superior at the deadline.

One pass takes the due timers in batches, each batch in one transaction that holds their rows
(`FOR UPDATE SKIP LOCKED`): a second SLA worker skips them, so a timer fires once. The facts
are appended to the case while the row is held; then the row moves to its next stage. A crash
between the two is healed by the causation ids (`sla:{timer}:{warning|breach|escalation}`).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping
from dataclasses import KW_ONLY, dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import asyncpg
import structlog
from pydantic import BaseModel

from cases import EventStore
from events import Actor, Fact, SopRef
from events.sla import EscalationRaised, SlaBreached, SlaWarningRaised
from office import OfficeConfig
from runtime.clock import Clock
from runtime.polling import every
from services.sla import lapor, timers
from services.sla.changes import STEP
from services.sla.escalation import LateStep, Officers, Target, escalation_target
from services.sla.recording import (
    Outcome,
    Raised,
    StillRunning,
    record_all,
    step_still_waiting,
)
from services.sla.timers import Timer

log = structlog.get_logger(__name__)

SLA_ACTOR = Actor(id="sla", role="sistem")
_FACT_IDS = uuid.UUID("0d6f1c9e-8b8a-4a4e-a1b8-6d2f5e7c9a30")

# Whether a timer of each kind still counts when it fires; kinds not named always do.
STILL_RUNNING: dict[str, StillRunning] = {STEP: step_still_waiting}


@dataclass(frozen=True)
class Due:
    """What a due timer raises now, and where it goes next."""

    raises: tuple[str, ...]  # "warning", "breach"
    stage: str
    status: str
    next_fire_at: datetime | None


def due(timer: Timer, now: datetime) -> Due:
    if timer.stage == "pending" and now < timer.due_at:
        return Due(("warning",), "warned", "open", timer.due_at)
    if timer.stage in ("pending", "warned"):
        # Past the deadline: no warning any more, the breach (and its escalation).
        return Due(("breach",), "breached", "fired", None)
    return Due((), timer.stage, "fired", None)


@dataclass(frozen=True)
class Firing:
    pool: asyncpg.Pool
    store: EventStore
    clock: Clock
    officers: Officers
    office: OfficeConfig
    _: KW_ONLY
    batch: int = 200
    concurrency: int = 4
    still_running: Mapping[str, StillRunning] = field(default_factory=lambda: STILL_RUNNING)

    async def run(self, poll_seconds: float) -> None:
        """Fire due timers every `poll_seconds`, until cancelled."""
        await every(poll_seconds, self.pass_once, "sla")

    async def pass_once(self) -> int:
        """Fire every timer due now; returns how many moved on."""
        await self.clock.refresh()
        now = self.clock.now()
        moved = 0
        while True:
            async with self.pool.acquire() as conn, conn.transaction():
                taken = await timers.take_due(conn, now, self.batch)
                decided = await asyncio.gather(*(self._decide_safely(t, now) for t in taken))
                outcomes = await self._record(
                    [
                        Raised(t, facts, self.still_running.get(t.kind, _always))
                        for t, (_, facts) in zip(taken, decided, strict=True)
                        if facts
                    ]
                )
                changes = []
                for timer, (next_stage, facts) in zip(taken, decided, strict=True):
                    if next_stage is None:
                        continue
                    outcome = outcomes.get(timer.id) if facts else "recorded"
                    after = self._after(timer, next_stage, facts, outcome, now)
                    if after is not None:
                        changes.append((timer.id, after.stage, after.status, after.next_fire_at))
                await timers.advance_many(conn, changes)
            moved += len(changes)
            if len(taken) < self.batch or not changes:
                return moved

    async def _decide_safely(self, timer: Timer, now: datetime) -> tuple[Due | None, list[Fact]]:
        """`_decide`, or (None, []) — try again next pass — if the timer cannot be decided."""
        try:
            return await self._decide(timer, now)
        except Exception:  # one bad timer must not hold back the others
            log.exception("timer_failed", **_ids(timer))
            return None, []

    async def _decide(self, timer: Timer, now: datetime) -> tuple[Due, list[Fact]]:
        """What the timer raises now (not yet recorded), and its next stage."""
        next_stage = due(timer, now)
        facts: list[Fact] = []
        if "warning" in next_stage.raises:
            facts.append(self._fact(timer, "warning", SlaWarningRaised(**_late(timer)), now))
        if "breach" in next_stage.raises and timer.kind == lapor.AUTO_CLOSE:
            # The LAPOR! report closes by itself: no breach, nobody to escalate to.
            facts.append(self._fact(timer, "auto_close", lapor.report_closed(timer), now))
        elif "breach" in next_stage.raises:
            facts.append(self._fact(timer, "breach", SlaBreached(**_late(timer)), now))
            target = await self._target(timer)
            if target is None:
                log.warning("escalation_target_missing", roles=timer.roles, **_ids(timer))
            else:
                facts.append(self._fact(timer, "escalation", _escalation(timer, target), now))
                next_stage = Due(next_stage.raises, "escalated", "fired", None)
        return next_stage, facts

    async def _record(self, raised: list[Raised]) -> dict[uuid.UUID, Outcome]:
        """Append the facts, a case's timers together, in `concurrency` commits at once."""
        chunks: list[list[Raised]] = [[] for _ in range(self.concurrency)]
        for item in raised:
            chunks[hash(item.timer.case_id) % self.concurrency].append(item)
        chunks = [c for c in chunks if c]
        results = await asyncio.gather(
            *(record_all(self.store, chunk) for chunk in chunks),
            return_exceptions=True,
        )
        outcomes: dict[uuid.UUID, Outcome] = {}
        for chunk, chunk_outcomes in zip(chunks, results, strict=True):
            if isinstance(chunk_outcomes, BaseException):  # the store failed: next pass
                log.warning("timers_not_recorded", size=len(chunk), error=repr(chunk_outcomes))
                continue
            for item, outcome in zip(chunk, chunk_outcomes, strict=True):
                outcomes[item.timer.id] = outcome
        return outcomes

    def _after(
        self,
        timer: Timer,
        next_stage: Due,
        facts: list[Fact],
        outcome: Outcome | None,
        now: datetime,
    ) -> Due | None:
        """Where the timer goes after recording; None to try again on the next pass."""
        with structlog.contextvars.bound_contextvars(step=timer.step, **_ids(timer)):
            if outcome in (None, "case_changed"):
                log.info("timer_deferred", reason="case changed while firing")
                return None
            if outcome == "case_missing":
                log.error("timer_case_missing")
                return Due((), timer.stage, "done", None)
            if outcome == "no_longer_running":
                log.info("timer_ended_before_firing")
                return Due((), timer.stage, "done", None)
            lag = (self.clock.now() - (timer.next_fire_at or now)).total_seconds()
            for fact in facts:
                log.info(
                    "timer_fired",
                    event_id=str(fact.event_id),
                    type=fact.type,
                    outcome=outcome,
                    lag_seconds=round(lag, 3),
                )
            return next_stage

    async def _target(self, timer: Timer) -> Target | None:
        late = LateStep(timer.sop_id, timer.step, timer.roles, timer.assignee)
        day = timer.due_at.astimezone(ZoneInfo(self.office.time_zone)).date()
        return await escalation_target(late, self.officers, self.office.org_chart, day)

    def _fact(self, timer: Timer, what: str, payload: BaseModel, now: datetime) -> Fact:
        causation = f"sla:{timer.id}:{what}"
        return Fact(
            event_id=uuid.uuid5(_FACT_IDS, causation),
            type=payload.type,  # type: ignore[attr-defined]
            schema_version=payload.schema_version,  # type: ignore[attr-defined]
            case_type=timer.case_type,
            occurred_at=now,
            actor=SLA_ACTOR,
            sop=SopRef(id=timer.sop_id, version=timer.sop_version, step=None, next_step=timer.step),
            causation_id=causation,
            payload=payload.model_dump(mode="json"),
        )


def _escalation(timer: Timer, target: Target) -> EscalationRaised:
    return EscalationRaised(
        step=timer.step,
        activity=timer.activity,
        due_at=timer.due_at,
        escalated_to=target.officer_id,
        reason=f"Batas waktu langkah {timer.step} terlampaui; {target.reason}",
    )


def _ids(timer: Timer) -> dict[str, str]:
    """What every log line about a timer carries."""
    return {"case_id": str(timer.case_id), "timer_id": str(timer.id)}


def _late(timer: Timer) -> dict[str, object]:
    """What a warning and a breach say about the timer's step."""
    return {
        "step": timer.step,
        "activity": timer.activity,
        "due_at": timer.due_at,
        "role": timer.role,
        "assignee": timer.assignee,
    }


def _always(_timer: Timer, _history: object) -> bool:
    return True
