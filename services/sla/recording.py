"""Appending what timers raise to their cases, once, and only while each timer still counts.

The facts of many cases go in one commit with each case's optimistic concurrency. If an officer
acted on one of the cases since it was read, the commit fails (`CaseConflict`) and each case is
tried on its own; a case that still conflicts is tried again on the next pass. A fact whose
causation id is already in the history is not appended again, so a worker that crashed after
appending but before marking its timer repeats nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal
from uuid import UUID

from cases import Case, CaseConflict, CaseNotFound, Change, EventStore
from events import Fact
from services.sla.timers import Timer

Outcome = Literal[
    "recorded", "already_recorded", "no_longer_running", "case_changed", "case_missing"
]
# Whether a timer still counts, given its case's history (per timer kind).
StillRunning = Callable[[Timer, Sequence[Fact]], bool]


def step_still_waiting(timer: Timer, history: Sequence[Fact]) -> bool:
    """A step timer counts while the SOP step event that started it is the case's latest.

    The SLA worker may fire before it has read the event that completed the step.
    """
    steps = [f for f in history if f.sop is not None and f.sop.step is not None]
    return bool(steps) and steps[-1].event_id == timer.started_event_id


@dataclass(frozen=True)
class Raised:
    """What one due timer raises."""

    timer: Timer
    facts: Sequence[Fact]
    still_running: StillRunning


async def record_all(store: EventStore, raised: Sequence[Raised]) -> list[Outcome]:
    """Append what several timers raise in one commit; each timer's outcome, in order."""
    by_case: dict[UUID, list[int]] = defaultdict(list)
    for index, item in enumerate(raised):
        by_case[item.timer.case_id].append(index)
    outcomes: list[Outcome] = ["case_changed"] * len(raised)
    changes: list[Change] = []
    for indexes in by_case.values():
        change = await _record_case(store, [raised[i] for i in indexes], outcomes, indexes)
        if change.events:
            changes.append(change)
    if not changes:
        return outcomes
    try:
        await store.commit(*changes)
        return outcomes
    except CaseConflict:
        pass
    # Someone acted on one of the cases meanwhile: each case on its own, from a fresh read.
    for indexes in by_case.values():
        change = await _record_case(store, [raised[i] for i in indexes], outcomes, indexes)
        if not change.events:
            continue
        try:
            await store.commit(change)
        except CaseConflict:
            for i in indexes:
                outcomes[i] = "case_changed"
    return outcomes


async def _record_case(
    store: EventStore, raised: Sequence[Raised], outcomes: list[Outcome], indexes: Sequence[int]
) -> Change:
    """Record one case's raised facts on its aggregate; the uncommitted change (maybe empty)."""
    try:
        case = await store.load(raised[0].timer.case_id)
    except CaseNotFound:
        for i in indexes:
            outcomes[i] = "case_missing"
        return Change([])
    for item, i in zip(raised, indexes, strict=True):
        outcomes[i] = _record_on(case, item)
    return Change(case.collect_events())


def _record_on(case: Case, item: Raised) -> Outcome:
    history = case.history
    if not item.still_running(item.timer, history):
        return "no_longer_running"
    known = {f.causation_id for f in history if f.causation_id}
    fresh = [f for f in item.facts if f.causation_id not in known]
    if not fresh:
        return "already_recorded"
    # A clock that is not the waiting step's (SP4N-LAPOR!) must not move the case's step.
    waiting = next((f.sop.next_step for f in reversed(history) if f.sop), None)
    for fact in fresh:
        case.record(_waiting_at(fact, waiting))
    return "recorded"


def _waiting_at(fact: Fact, waiting: str | None) -> Fact:
    if fact.sop is None or fact.sop.next_step == waiting:
        return fact
    return fact.model_copy(update={"sop": fact.sop.model_copy(update={"next_step": waiting})})
