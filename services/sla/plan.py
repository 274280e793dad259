"""What an event does to the SLA timers: the one place that decides it.

`plan(envelope, context)` asks each planner in `PLANNERS` and returns the changes to make
(services/sla/changes.py); the worker applies them (`Change.apply`) in the same transaction
as its watermark, so an event changes the timers once. Planners are pure: they read the event
and the context (the office, its calendar, the event's SOP version) and never touch the
database.

To give timers another behaviour (stopping a clock, other clocks than the step's), write a
planner and its changes in their own module and add the planner to `PLANNERS`.

- An SOP step event (`sop.step` set) ends the case's running step timers and, if the step the
  case now waits at has a time standard, starts that step's timer at the event's time.
- Events that are not SOP steps (SLA, routing, clock events: `sop.step` None) end nothing.
  `CaseRouted` names the officer of the waiting step's timer.
- A step only the public does gets no timer unless the office says so
  (`sla.public_steps_timed`): nobody in the office can be late for it, nobody to escalate to.
- A step with time tiers in the office configuration (`sla.time_tiers`, office/sla_tiers.py)
  runs on the tier of the case's category (from `ComplaintReceived`, kept for the case's
  later events by `case_category`), else on its own time standard.
"""

from __future__ import annotations

from collections.abc import Sequence

from events import CATALOG, ComplaintReceived, Envelope
from events.routing import CaseRouted
from office.sla_tiers import tiered_duration
from services.sla.categories import RememberCategory
from services.sla.changes import (
    STEP,
    AssignTimers,
    Change,
    CompleteTimers,
    Context,
    Planner,
    StartTimer,
    officer_roles,
)
from services.sla.lapor import lapor_clocks
from services.sla.suspension import clock_suspension
from sop.definition import SopDefinition, Step
from sop.duration import Duration
from sop.roles import is_public


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
    duration = _tiered(envelope, context, sop, step) or context.durations(sop, step)
    if duration is None:
        return changes
    changes.append(
        StartTimer.at(
            envelope,
            context,
            sop,
            step=str(step.number),
            kind=STEP,
            activity=step.activity,
            roles=officer_roles(sop, step),
            duration=duration,
        )
    )
    return changes


def routed_assignee(envelope: Envelope, context: Context) -> list[Change]:
    """The routing worker gave the waiting step to an officer: the timer names them."""
    if envelope.type != CaseRouted.type:
        return []
    routed = CATALOG.payload(envelope, CaseRouted)
    return [AssignTimers(envelope.case_id, routed.step, routed.assignee, [STEP])]


def case_category(envelope: Envelope, context: Context) -> list[Change]:
    """A complaint arrived while the office has time tiers: keep its category for its later
    steps."""
    category = _category(envelope, context)
    if envelope.type != ComplaintReceived.type or not category or not context.office.sla.time_tiers:
        return []
    return [RememberCategory(envelope.case_id, category)]


# Every planner, in order. Add a planner here to give timers another behaviour.
PLANNERS: list[Planner] = [
    case_category,
    step_timers,
    routed_assignee,
    clock_suspension,
    lapor_clocks,
]


def plan(
    envelope: Envelope, context: Context, planners: Sequence[Planner] = PLANNERS
) -> list[Change]:
    return [change for planner in planners for change in planner(envelope, context)]


def _category(envelope: Envelope, context: Context) -> str | None:
    """The case's category: on its first event, else as the worker kept it."""
    if envelope.type == ComplaintReceived.type:
        return envelope.payload.get("category") or None
    return context.category


def _tiered(
    envelope: Envelope, context: Context, sop: SopDefinition, step: Step
) -> Duration | None:
    """The step's time by the tier of the case's category, or None."""
    tiers = context.office.sla.time_tiers
    if not tiers:
        return None
    return tiered_duration(tiers, sop.id, step.number, _category(envelope, context))


def _timed(sop: SopDefinition, step: Step, context: Context) -> bool:
    if context.office.sla.public_steps_timed:
        return True
    return not all(is_public(sop, role) for role in step.roles)
