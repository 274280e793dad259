"""Where a case stands in its SOP version, folded from its history (the only state there is)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from events import Fact
from events.routing import CaseRouted
from events.sla import ClockResumed, ClockSuspended
from sop.definition import SopDefinition

CLOSING = "closing"  # the step ref of an SOP's closing action


@dataclass
class Progress:
    """Where a case stands in its SOP, folded from its history."""

    waiting_at: int | str | None  # a step number, CLOSING, or None when the case is closed
    performers: dict[int, str] = field(default_factory=dict)  # step -> officer id, last time
    loops: dict[tuple[int, str], int] = field(default_factory=dict)  # (step, answer) -> times
    assignee: str | None = None  # the officer the waiting step was given to
    suspended: bool = False  # the waiting step's clock stands still (sop/suspension.py)

    @property
    def closed(self) -> bool:
        return self.waiting_at is None


def progress(sop: SopDefinition, history: Sequence[Fact]) -> Progress:
    state = Progress(waiting_at=1)
    for fact in history:
        if fact.sop is None or fact.sop.step is None:
            state.suspended = _CLOCK_STOPPED.get(fact.type, state.suspended)
            if fact.type == CaseRouted.type:  # the routing rules gave the waiting step away
                state.assignee = fact.payload["assignee"]
            continue
        payload = fact.payload
        if fact.sop.step != CLOSING:
            number = int(fact.sop.step)
            state.performers[number] = fact.actor.id
            decision = payload.get("decision")
            if decision is not None:
                key = (number, decision)
                state.loops[key] = state.loops.get(key, 0) + 1
        state.waiting_at = _parse_step(fact.sop.next_step)
        state.assignee = payload.get("assignee")
        state.suspended = False  # a step was done: the next step's clock runs
    return state


# Facts that stop or restart the waiting step's clock: whether it stands still after them.
_CLOCK_STOPPED = {ClockSuspended.type: True, ClockResumed.type: False}


def _parse_step(ref: str | None) -> int | str | None:
    if ref is None or ref == CLOSING:
        return ref
    return int(ref)
