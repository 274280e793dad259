"""Appending what a timer raises to its case, once, and only while the timer still counts.

The facts go in one commit with the case's optimistic concurrency: if an officer acted on
the case since it was read, `CaseConflict` is raised and the timer is tried again on the next
pass. A fact whose causation id is already in the history is not appended again, so a worker
that crashed after appending but before marking its timer repeats nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

from cases.store import CaseStore
from events import Fact
from services.sla.timers import Timer

Outcome = Literal["recorded", "already_recorded", "no_longer_running"]
# Whether a timer still counts, given its case's history (per timer kind).
StillRunning = Callable[[Timer, Sequence[Fact]], bool]


def step_still_waiting(timer: Timer, history: Sequence[Fact]) -> bool:
    """A step timer counts while the SOP step event that started it is the case's latest.

    The SLA worker may fire before it has read the event that completed the step.
    """
    steps = [f for f in history if f.sop is not None and f.sop.step is not None]
    return bool(steps) and steps[-1].event_id == timer.started_event_id


def record_raised(
    store: CaseStore,
    timer: Timer,
    facts: Sequence[Fact],
    still_running: StillRunning,
) -> Outcome:
    """Append `facts` to the timer's case in one commit (sync: call it in a thread)."""
    case = store.case(timer.case_id)
    if not still_running(timer, case.history):
        return "no_longer_running"
    known = {f.causation_id for f in case.history if f.causation_id}
    fresh = [f for f in facts if f.causation_id not in known]
    if not fresh:
        return "already_recorded"
    # A clock that is not the waiting step's (SP4N-LAPOR!) must not move the case's step.
    waiting = next((f.sop.next_step for f in reversed(case.history) if f.sop), None)
    fresh = [_waiting_at(f, waiting) for f in fresh]
    for fact in fresh:
        case.record(fact)
    store.commit(case.collect_events())
    return "recorded"


def _waiting_at(fact: Fact, waiting: str | None) -> Fact:
    if fact.sop is None or fact.sop.next_step == waiting:
        return fact
    return fact.model_copy(update={"sop": fact.sop.model_copy(update={"next_step": waiting})})
