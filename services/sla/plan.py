"""What an event does to the SLA timers: the one place that decides it.

`plan(envelope, context)` asks each planner in `PLANNERS` and returns the changes to make;
the worker applies them (`Change.apply`) in the same transaction as its ledger entry, so an
event changes the timers once. Planners are pure: they read the event and the context (the
office, its calendar, the event's SOP version) and never touch the database.

To give timers another behaviour (stopping a clock, other clocks than the step's), write a
planner and its changes in their own module and add the planner to `PLANNERS`.

- An SOP step event (`sop.step` set) ends the case's running step timers and, if the step the
  case now waits at has a time standard, starts that step's timer at the event's time.
- Events that are not SOP steps (SLA, routing, clock events: `sop.step` None) end nothing.
  `CaseRouted` names the officer of the waiting step's timer.
- A step only the public does gets no timer unless the office says so
  (`sla.public_steps_timed`): nobody in the office can be late for it, nobody to escalate to.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

import asyncpg

from events import CATALOG, Envelope
from events.routing import CaseRouted
from office import OfficeConfig
from services.sla import timers
from services.sla.lapor import lapor_clocks
from services.sla.suspension import clock_suspension
from services.sla.timers import StartTimer
from sop.definition import SopDefinition, Step
from sop.duration import Duration
from sop.roles import is_public, recording_roles

STEP = "step"  # the kind of timer that runs an SOP step's time standard


class Calendar(Protocol):
    """What planning needs from the office calendar (office/calendar.py)."""

    def deadline(self, start: datetime, duration: Duration) -> datetime: ...

    def share_elapsed_at(
        self, start: datetime, due: datetime, duration: Duration, share: float
    ) -> datetime: ...

    def fingerprint(self) -> str: ...


@dataclass(frozen=True)
class Context:
    office: OfficeConfig
    calendar: Calendar
    sop: SopDefinition | None  # the event's SOP version, if it has one
    # The time standard of a step on this office's terms (None: no timer).
    durations: Callable[[SopDefinition, Step], Duration | None]


class Change(Protocol):
    async def apply(self, conn: asyncpg.Connection) -> None: ...


Planner = Callable[[Envelope, Context], Sequence[Change]]


@dataclass(frozen=True)
class CompleteTimers:
    case_id: UUID
    kinds: list[str]
    completed_event_id: UUID
    before_position: int

    async def apply(self, conn: asyncpg.Connection) -> None:
        await timers.complete(conn, **asdict(self))


@dataclass(frozen=True)
class AssignTimers:
    case_id: UUID
    step: str
    assignee: str
    kinds: list[str]

    async def apply(self, conn: asyncpg.Connection) -> None:
        await timers.assign(conn, **asdict(self))


def step_timers(envelope: Envelope, context: Context) -> list[Change]:
    """An SOP step was done: its timer ends, the next step's timer starts."""
    ref = envelope.sop
    if ref is None or ref.step is None:
        return []
    changes: list[Change] = [
        CompleteTimers(envelope.case_id, [STEP], envelope.event_id, envelope.position)
    ]
    sop = context.sop
    if sop is None or ref.next_step is None or not ref.next_step.isdigit():
        return changes  # closed, or waiting at the closing action (no time standard)
    step = sop.step(int(ref.next_step))
    if not _timed(sop, step, context):
        return changes
    duration = context.durations(sop, step)
    if duration is None:
        return changes
    start = envelope.occurred_at
    due = context.calendar.deadline(start, duration)
    share = context.office.sla.warning_share
    warn = context.calendar.share_elapsed_at(start, due, duration, share)
    changes.append(
        StartTimer(
            case_id=envelope.case_id,
            case_type=envelope.case_type,
            sop_id=sop.id,
            sop_version=sop.version,
            step=str(step.number),
            kind=STEP,
            activity=step.activity,
            roles=officer_roles(sop, step),
            assignee=envelope.payload.get("assignee"),
            started_event_id=envelope.event_id,
            started_position=envelope.position,
            started_at=start,
            due_at=due,
            warn_at=warn if warn < due else None,
            duration_value=duration.value,
            duration_unit=duration.unit,
            calendar_fingerprint=context.calendar.fingerprint(),
        )
    )
    return changes


def routed_assignee(envelope: Envelope, context: Context) -> list[Change]:
    """The routing worker gave the waiting step to an officer: the timer names them."""
    if envelope.type != CaseRouted.type:
        return []
    routed = CATALOG.payload(envelope)
    assert isinstance(routed, CaseRouted)
    return [AssignTimers(envelope.case_id, routed.step, routed.assignee, [STEP])]


# Every planner, in order. Add a planner here to give timers another behaviour.
PLANNERS: list[Planner] = [step_timers, routed_assignee, clock_suspension, lapor_clocks]


def plan(
    envelope: Envelope, context: Context, planners: Sequence[Planner] = PLANNERS
) -> list[Change]:
    return [change for planner in planners for change in planner(envelope, context)]


def officer_roles(sop: SopDefinition, step: Step) -> list[str]:
    """The officer roles that do (or record) the step, in the SOP's order."""
    return list(dict.fromkeys(role for role, _public in recording_roles(sop, step)))


def _timed(sop: SopDefinition, step: Step, context: Context) -> bool:
    if context.office.sla.public_steps_timed:
        return True
    return not all(is_public(sop, role) for role in step.roles)
