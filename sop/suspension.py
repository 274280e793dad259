"""Suspending and resuming a case's clock: the pure decision (issue 4 §3).

An officer who may act on the step a case waits at can stop that step's clock with a reason
(typically: waiting for the reporter's missing documents) and start it again. Both are facts
on the case (`ClockSuspended`, `ClockResumed`) that carry no SOP step of their own: the SOP ref
names the step the case still waits at. The SLA worker moves the step's deadline by the working
time the clock stood still.

Rules decided here:
- only a step with a time standard has a clock; the closing action and untimed steps do not;
- the step's role (or, once the step was given to someone, its assignee) decides;
- suspending needs a reason (`note`); resuming takes an optional one;
- a clock is suspended once: suspending twice, or resuming a running clock, is refused;
- while suspended, the step itself may still be done: doing it ends the step and its timer, and
  the next step starts with a running clock (a suspension belongs to one step).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from events import Actor, Fact, SopRef
from events.sla import ClockResumed, ClockSuspended
from sop.actions import ActionRequest, AllowedAction, Officer, Refusal
from sop.definition import SopDefinition, Step
from sop.progress import CLOSING, Progress
from sop.roles import acting_role, officer_role, recording_roles, wrong_role

SUSPEND = "suspend_clock"
RESUME = "resume_clock"
CLOCK_ACTIONS = frozenset({SUSPEND, RESUME})

# What an officer reads in `allowed_actions` (Bahasa Indonesia).
_ACTIVITIES = {
    SUSPEND: "Hentikan sementara waktu layanan langkah ini (wajib menyebut alasan)",
    RESUME: "Lanjutkan waktu layanan langkah ini",
}
_ACTION_OF_TYPE = {ClockSuspended.type: SUSPEND, ClockResumed.type: RESUME}


def clock_action_of(fact: Fact) -> str | None:
    """The clock action that recorded `fact`, if it is a clock fact."""
    return _ACTION_OF_TYPE.get(fact.type)


def clock_actions(sop: SopDefinition, state: Progress) -> list[AllowedAction]:
    """The clock actions a case allows now: suspend a running clock, or resume a stopped one."""
    step = _timed_step(sop, state)
    if step is None:
        return []
    action = RESUME if state.suspended else SUSPEND
    return [
        AllowedAction(
            action=action,
            step=step.number,
            role=recording_role,
            activity=_ACTIVITIES[action],
            documents_required=[],
            on_behalf_of=public_role,
            assignee=state.assignee,
        )
        for recording_role, public_role in recording_roles(sop, step)
    ]


def decide_clock(
    sop: SopDefinition,
    state: Progress,
    officer: Officer,
    request: ActionRequest,
    *,
    now: datetime,
    event_id: Callable[[], uuid.UUID],
    causation_id: str | None = None,
) -> list[Fact] | Refusal:
    """The `ClockSuspended`/`ClockResumed` fact for `request`, or why it is refused."""
    assert request.action in CLOCK_ACTIONS, request.action
    if state.closed:
        return Refusal("case_closed", "kasus sudah ditutup")
    step = _timed_step(sop, state)
    if step is None:
        return Refusal(
            "not_allowed_now", "langkah yang sedang berjalan tidak memiliki standar waktu"
        )
    role = acting_role(sop, step, officer)
    if role is None:
        return wrong_role(sop, step.roles)
    if state.assignee is not None and state.assignee != officer.id:
        return Refusal("not_assigned", "langkah ini didisposisikan kepada petugas lain")
    note = (request.note or "").strip() or None
    if request.action == SUSPEND:
        if note is None:
            return Refusal(
                "missing_field",
                "sebutkan alasan penghentian sementara (mis. menunggu kelengkapan berkas pelapor)",
                "note",
            )
        if state.suspended:
            return Refusal("not_allowed_now", "waktu layanan langkah ini sudah dihentikan")
        payload = ClockSuspended(step=str(step.number), reason=note).model_dump(mode="json")
        event_type, version = ClockSuspended.type, ClockSuspended.schema_version
    else:
        if not state.suspended:
            return Refusal("not_allowed_now", "waktu layanan langkah ini sedang berjalan")
        payload = ClockResumed(step=str(step.number), reason=note).model_dump(mode="json")
        event_type, version = ClockResumed.type, ClockResumed.schema_version
    return [
        Fact(
            event_id=event_id(),
            type=event_type,
            schema_version=version,
            case_type=sop.case_type,
            occurred_at=now,
            actor=Actor(id=officer.id, role=officer_role(sop, role, officer)),
            sop=SopRef(id=sop.id, version=sop.version, step=None, next_step=str(step.number)),
            causation_id=causation_id,
            payload=payload,
        )
    ]


def _timed_step(sop: SopDefinition, state: Progress) -> Step | None:
    if state.waiting_at is None or state.waiting_at == CLOSING:
        return None
    step = sop.step(int(state.waiting_at))
    return step if step.duration is not None else None
