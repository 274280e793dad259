"""The vocabulary of SLA planning: what a planner reads (`Context`) and the changes it returns.

A planner (services/sla/plan.py lists them) is a pure function of an event and its context
that returns `Change`s; the SLA worker applies them (`Change.apply`) in the event's
transaction. The changes every clock shares are here; a clock with a behaviour of its own
(services/sla/suspension.py, services/sla/lapor.py) adds its changes in its own module.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Protocol, Self
from uuid import UUID

import asyncpg

from events import Envelope
from office import OfficeConfig
from services.sla import timers
from services.sla.timers import TimerTerms
from sop.definition import SopDefinition, Step
from sop.duration import Duration
from sop.roles import recording_roles

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
    # The case's category, for the office's time tiers (None: unknown or no tiers configured).
    category: str | None = None


class Change(Protocol):
    async def apply(self, conn: asyncpg.Connection) -> None: ...


Planner = Callable[[Envelope, Context], Sequence[Change]]


@dataclass(frozen=True)
class StartTimer(TimerTerms):
    """Start a timer."""

    @classmethod
    def at(
        cls,
        envelope: Envelope,
        context: Context,
        sop: SopDefinition,
        *,
        step: str,
        kind: str,
        activity: str,
        roles: list[str],
        duration: Duration,
        warns: bool = True,
        **more: Any,
    ) -> Self:
        """A timer of `duration` on the office calendar from the event's time; it warns at
        the office's share of the time (if `warns` and that comes before the deadline)."""
        start, calendar = envelope.occurred_at, context.calendar
        due = calendar.deadline(start, duration)
        share = context.office.sla.warning_share
        warn = calendar.share_elapsed_at(start, due, duration, share) if warns else None
        return cls(
            case_id=envelope.case_id,
            case_type=envelope.case_type,
            sop_id=sop.id,
            sop_version=sop.version,
            step=step,
            kind=kind,
            activity=activity,
            roles=roles,
            assignee=envelope.payload.get("assignee"),
            started_event_id=envelope.event_id,
            started_position=envelope.position,
            started_at=start,
            due_at=due,
            warn_at=warn if warn is not None and warn < due else None,
            duration_value=duration.value,
            duration_unit=duration.unit,
            calendar_fingerprint=calendar.fingerprint(),
            **more,
        )

    async def apply(self, conn: asyncpg.Connection) -> None:
        await timers.start(conn, self)


@dataclass(frozen=True)
class CompleteTimers:
    """End the case's running timers of `kinds` (the work they wait for was done)."""

    case_id: UUID
    kinds: list[str]
    completed_event_id: UUID
    before_position: int

    async def apply(self, conn: asyncpg.Connection) -> None:
        await timers.complete(conn, **asdict(self))


@dataclass(frozen=True)
class AssignTimers:
    """Name the officer of the case's running timers of `step`."""

    case_id: UUID
    step: str
    assignee: str
    kinds: list[str]

    async def apply(self, conn: asyncpg.Connection) -> None:
        await timers.assign(conn, **asdict(self))


def officer_roles(sop: SopDefinition, step: Step) -> list[str]:
    """The officer roles that do (or record) the step, in the SOP's order."""
    return list(dict.fromkeys(role for role, _public in recording_roles(sop, step)))
