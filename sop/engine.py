"""The SOP engine: given a case, its SOP version, an officer and an action, decide.

It is pure: no I/O, the clock and event ids are injected. It answers with the facts to
record, or with a refusal naming the reason (wrong role, not allowed now, missing documents,
loop limit reached, case closed). A case's place in its SOP is folded from its history, so
the history is the only state there is.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from events import Actor, Fact, SopRef, StepRecorded
from sop.actions import ActionRequest, AllowedAction, Officer, Refusal
from sop.definition import END, Branch, SopDefinition, Step
from sop.progress import CLOSING, Progress, progress
from sop.roles import acting_role, is_public, officer_role, recording_roles, role_name, wrong_role
from sop.suspension import CLOCK_ACTIONS, clock_actions, decide_clock


class SopEngine:
    def __init__(
        self,
        clock: Callable[[], datetime],
        new_event_id: Callable[[], uuid.UUID] = uuid.uuid4,
    ) -> None:
        self._clock = clock
        self._new_event_id = new_event_id

    def now(self) -> datetime:
        """The office's clock, as the engine reads it for every fact it decides."""
        return self._clock()

    # -- opening a case (its first step) ---------------------------------------------------

    def open(
        self,
        sop: SopDefinition,
        actor: Officer | None,
        payload: Mapping[str, Any],
        *,
        event_type: str | None = None,
        schema_version: int = StepRecorded.schema_version,
        causation_id: str | None = None,
    ) -> Fact | Refusal:
        """The fact of the first step. `actor` None is the public, acting for itself."""
        refusal = self.may_open(sop, actor)
        if refusal is not None:
            return refusal
        first = sop.step(1)
        if actor is None:
            acting = Actor(id="public", role=next(r for r in first.roles if is_public(sop, r)))
        else:
            role = acting_role(sop, first, actor)
            assert role is not None
            acting = Actor(id=actor.id, role=officer_role(sop, role, actor))
        return self._fact(
            sop,
            event_type=event_type or first.event,
            actor=acting,
            step="1",
            next_step=_after(sop, 1),
            payload=payload,
            causation_id=causation_id,
            schema_version=schema_version,
        )

    def may_open(self, sop: SopDefinition, actor: Officer | None) -> Refusal | None:
        """Why `actor` (None: the public) may not open a case under `sop`, if they may not."""
        first = sop.step(1)
        if actor is None:
            if not any(is_public(sop, r) for r in first.roles):
                return Refusal("wrong_role", "langkah pertama SOP ini dilakukan oleh petugas")
            return None
        if acting_role(sop, first, actor) is None:
            return wrong_role(sop, first.roles)
        return None

    # -- what may happen next ----------------------------------------------------------------

    def allowed_actions(self, sop: SopDefinition, history: Sequence[Fact]) -> list[AllowedAction]:
        state = progress(sop, history)
        if state.waiting_at is None:
            return []
        if state.waiting_at == CLOSING:
            assert sop.closing is not None
            return [
                AllowedAction(
                    action=sop.closing.action,
                    step=CLOSING,
                    role=role,
                    activity=sop.closing.activity,
                    documents_required=[],
                )
                for role in sop.closing.roles
            ]
        step = sop.step(int(state.waiting_at))
        options = None
        if step.kind == "decision":
            options = [b.answer for b in step.branches if not _loop_spent(step, b, state)]
        step_actions = [
            AllowedAction(
                action=step.action,
                step=step.number,
                role=recording_role,
                activity=step.activity,
                documents_required=list(step.documents),
                decision_options=options,
                on_behalf_of=public_role,
                assignee=state.assignee,
            )
            for recording_role, public_role in recording_roles(sop, step)
        ]
        return step_actions + clock_actions(sop, state)

    # -- deciding an action ------------------------------------------------------------------

    def decide(
        self,
        sop: SopDefinition,
        history: Sequence[Fact],
        officer: Officer,
        request: ActionRequest,
        *,
        directory: Mapping[str, Officer] | None = None,
        causation_id: str | None = None,
    ) -> list[Fact] | Refusal:
        """The facts to record for `request`, or why it is refused.

        `directory` holds the officers the decision may need to know: the assignee named in
        the request and whoever did the step a superior-only step refers to.
        """
        directory = directory or {}
        state = progress(sop, history)
        if request.action in CLOCK_ACTIONS:
            return decide_clock(
                sop,
                state,
                officer,
                request,
                now=self._clock(),
                event_id=self._new_event_id,
                causation_id=causation_id,
            )
        known = {s.action for s in sop.steps} | ({sop.closing.action} if sop.closing else set())
        if request.action not in known:
            return Refusal(
                "unknown_action", f"SOP ini tidak mengenal tindakan {request.action!r}", "action"
            )
        if state.closed:
            return Refusal("case_closed", "kasus sudah ditutup")
        if state.waiting_at == CLOSING:
            return self._close(sop, officer, request, causation_id)
        step = sop.step(int(state.waiting_at))
        if request.action != step.action:
            return Refusal(
                "not_allowed_now",
                f"tindakan {request.action!r} belum atau tidak lagi dapat dilakukan; kasus sedang"
                f" di langkah {step.number}: {step.activity}",
            )
        return self._do_step(sop, step, state, officer, request, directory, causation_id)

    def _do_step(
        self,
        sop: SopDefinition,
        step: Step,
        state: Progress,
        officer: Officer,
        request: ActionRequest,
        directory: Mapping[str, Officer],
        causation_id: str | None,
    ) -> list[Fact] | Refusal:
        role = acting_role(sop, step, officer)
        if role is None:
            return wrong_role(sop, step.roles)
        if state.assignee is not None and state.assignee != officer.id:
            name = directory[state.assignee].name if state.assignee in directory else state.assignee
            return Refusal("not_assigned", f"langkah ini didisposisikan kepada {name}")
        if step.superior_of_step is not None:
            served_by = directory.get(state.performers.get(step.superior_of_step, ""))
            if served_by is None or served_by.superior != officer.id:
                return Refusal(
                    "wrong_role",
                    "langkah ini hanya dapat dilakukan oleh atasan langsung petugas yang"
                    f" melaksanakan langkah {step.superior_of_step}",
                )
        missing = _missing_documents(step.documents, request.documents)
        if missing:
            return Refusal(
                "missing_documents", "kelengkapan belum ada: " + ", ".join(missing), "documents"
            )
        branch = None
        if step.kind == "decision":
            branch_or_refusal = _branch(step, state, request.decision)
            if isinstance(branch_or_refusal, Refusal):
                return branch_or_refusal
            branch = branch_or_refusal
        elif request.decision is not None:
            return Refusal("invalid_field", "langkah ini bukan langkah keputusan", "decision")
        next_step = _after(sop, step.number, branch)
        if request.assignee is not None:
            refusal = _check_assignee(sop, next_step, request.assignee, directory)
            if refusal is not None:
                return refusal
        public_role = None if role in officer.roles else role
        return [
            self._fact(
                sop,
                event_type=branch.event if branch else step.event,  # type: ignore[arg-type]
                actor=Actor(id=officer.id, role=officer_role(sop, role, officer)),
                step=str(step.number),
                next_step=next_step,
                payload=StepRecorded(
                    activity=step.activity,
                    documents=list(request.documents),
                    decision=branch.answer if branch else None,
                    assignee=request.assignee,
                    on_behalf_of=public_role,
                    note=request.note,
                    data=dict(request.data),
                ),
                causation_id=causation_id,
            )
        ]

    def _close(
        self, sop: SopDefinition, officer: Officer, request: ActionRequest, causation_id: str | None
    ) -> list[Fact] | Refusal:
        closing = sop.closing
        assert closing is not None
        if request.action != closing.action:
            return Refusal(
                "not_allowed_now", f"semua langkah sudah selesai; tinggal: {closing.activity}"
            )
        role = next((r for r in closing.roles if r in officer.roles), None)
        if role is None:
            return wrong_role(sop, closing.roles)
        return [
            self._fact(
                sop,
                event_type=closing.event,
                actor=Actor(id=officer.id, role=role),
                step=CLOSING,
                next_step=None,
                payload=StepRecorded(
                    activity=closing.activity,
                    documents=list(request.documents),
                    note=request.note,
                    data=dict(request.data),
                ),
                causation_id=causation_id,
            )
        ]

    def _fact(
        self,
        sop: SopDefinition,
        *,
        event_type: str,
        actor: Actor,
        step: str,
        next_step: int | str | None,
        payload: StepRecorded | Mapping[str, Any],
        causation_id: str | None,
        schema_version: int = StepRecorded.schema_version,
    ) -> Fact:
        """A fact of `sop` recorded now: a step done (`StepRecorded`) or a case opened."""
        if isinstance(payload, StepRecorded):
            payload = payload.model_dump(mode="json")
        return Fact(
            event_id=self._new_event_id(),
            type=event_type,
            schema_version=schema_version,
            case_type=sop.case_type,
            occurred_at=self._clock(),
            actor=actor,
            sop=SopRef(id=sop.id, version=sop.version, step=step, next_step=_step_ref(next_step)),
            causation_id=causation_id,
            payload=dict(payload),
        )


# -- rules ------------------------------------------------------------------------------------


def _after(sop: SopDefinition, number: int, branch: Branch | None = None) -> int | str | None:
    """Where the case goes after step `number` (answered with `branch`, for a decision)."""
    if branch is not None and branch.goto is not None:
        if branch.goto == END:
            return CLOSING if sop.closing else None
        return branch.goto
    if number < len(sop.steps):
        return number + 1
    return CLOSING if sop.closing else None


def _branch(step: Step, state: Progress, decision: str | None) -> Branch | Refusal:
    answers = [b.answer for b in step.branches]
    if not decision:
        return Refusal(
            "missing_field", "langkah ini meminta keputusan: " + " / ".join(answers), "decision"
        )
    branch = next((b for b in step.branches if b.answer == decision.strip().lower()), None)
    if branch is None:
        return Refusal(
            "invalid_field",
            f"keputusan {decision!r} tidak dikenal; pilih " + " / ".join(answers),
            "decision",
        )
    if _loop_spent(step, branch, state):
        return Refusal(
            "loop_limit",
            f"keputusan {branch.answer!r} sudah diambil {branch.max_loops} kali pada langkah"
            f" {step.number}; batas pengulangan tercapai",
        )
    return branch


def _loop_spent(step: Step, branch: Branch, state: Progress) -> bool:
    if branch.max_loops is None:
        return False
    return state.loops.get((step.number, branch.answer), 0) >= branch.max_loops


def _check_assignee(
    sop: SopDefinition,
    next_step: int | str | None,
    assignee: str,
    directory: Mapping[str, Officer],
) -> Refusal | None:
    officer = directory.get(assignee)
    if officer is None:
        return Refusal("invalid_field", f"petugas {assignee!r} tidak dikenal", "assignee")
    if not isinstance(next_step, int):
        return Refusal("invalid_field", "tidak ada langkah berikutnya untuk ditugaskan", "assignee")
    step = sop.step(next_step)
    if acting_role(sop, step, officer) is None:
        return Refusal(
            "invalid_field",
            f"{officer.name} tidak memegang peran untuk langkah {step.number}: "
            + " atau ".join(role_name(sop, r) for r in step.roles),
            "assignee",
        )
    return None


def _missing_documents(required: Sequence[str], given: Sequence[str]) -> list[str]:
    have = {_normal(d) for d in given}
    return [d for d in required if _normal(d) not in have]


def _normal(text: str) -> str:
    return " ".join(text.casefold().split())


def _step_ref(step: int | str | None) -> str | None:
    return None if step is None else str(step)
