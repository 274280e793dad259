"""Officers' casework: open a case under an SOP, act on it, and show where it stands.

Each request asks the SOP engine, then appends what it decided in one transaction. A refused
request records nothing; two officers acting on the same step at once cannot both win (the
store's optimistic concurrency turns the second into a conflict).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import structlog

from cases import Case, CaseConflict, Change, EventStore, GroupCommit
from events import CATALOG, Actor, ComplaintReceived, Envelope, Fact, StepRecorded
from events.privacy import ReporterIdentityViewed
from events.sla import ClockResumed, ClockSuspended
from events.steps import PLAIN_DATA
from officers import OfficerDirectory
from officers.case_access import HIDDEN
from officers.directory import officer_id
from privacy import PersonalDataKeys, Subject
from runtime.http.case_scope import ScopedCase
from sop.actions import ActionRequest, Officer, Refusal
from sop.definition import SopDefinition
from sop.engine import SopEngine
from sop.progress import CLOSING, progress
from sop.registry import SopRegistry, UnknownSop
from sop.suspension import clock_action_of

log = structlog.get_logger(__name__)

ATTEMPTS = 5  # the viewing is recorded even when officers act on the case at that moment


@dataclass(frozen=True)
class Opened:
    case_id: uuid.UUID
    position: int


@dataclass(frozen=True)
class Acted:
    facts: list[Fact]  # what this request recorded (or, for a retry, what the first one did)
    case: dict[str, Any]  # the case after it, as `view` shows it


@dataclass
class CaseWork:
    store: EventStore
    writer: GroupCommit
    registry: SopRegistry
    directory: OfficerDirectory
    engine: SopEngine  # decides every action on the office's clock
    keys: PersonalDataKeys  # seals what officers write about people; reveals it to readers

    async def sop(self, sop_id: str) -> SopDefinition | Refusal:
        try:
            return await self.registry.latest(sop_id)
        except UnknownSop:
            return Refusal("invalid_field", f"SOP {sop_id!r} tidak dikenal", "sop")

    async def open(
        self,
        sop: SopDefinition,
        officer: Officer,
        data: dict[str, Any],
        documents: Sequence[str],
        *,
        request_id: str,
    ) -> Opened | Refusal:
        """Open a case whose first step is not a complaint (a visit, a service)."""
        first = sop.step(1)
        payload = StepRecorded(activity=first.activity, documents=list(documents), data=data)
        fact = self.engine.open(
            sop, officer, payload.model_dump(mode="json"), causation_id=request_id
        )
        if isinstance(fact, Refusal):
            return fact
        case_id = uuid.uuid4()
        # The case's data subject (the visitor, the customer) gets a key before anything is
        # written about them.
        subject = await self.keys.new_subject(case_id)
        envelope = await self.writer.open(case_id, sealed_step(fact, subject))
        _log_recorded([envelope])
        return Opened(case_id, envelope.position)

    async def act(
        self,
        officer: Officer,
        scoped: ScopedCase,
        request: ActionRequest,
        *,
        request_id: str | None,
    ) -> Acted | Refusal:
        """Do an action on a case the officer may read: the facts recorded, or why nothing was."""
        case, sop = scoped.case, scoped.sop
        if sop is None:
            return Refusal("not_allowed_now", "kasus ini tidak berjalan di bawah SOP")
        if request_id is not None:
            # A retried request (same idempotency key) gets what the first one recorded.
            earlier = [f for f in case.history if f.causation_id == request_id]
            if earlier:
                if _action_of(sop, earlier[0]) != request.action:
                    return Refusal(
                        "invalid_field",
                        "Idempotency-Key ini sudah dipakai untuk tindakan lain",
                        "Idempotency-Key",
                    )
                return Acted(earlier, await self._view(case, sop, identity=False))
        if request.assignee is not None:
            request = _with_assignee_id(request)
        # Everyone a refusal may name: past actors, the requested and the current assignee.
        current = progress(sop, case.history).assignee or ""
        wanted = {*(f.actor.id for f in case.history), request.assignee or "", current}
        directory = await self.directory.by_ids(wanted)
        decided = self.engine.decide(
            sop, case.history, officer, request, directory=directory, causation_id=request_id
        )
        if isinstance(decided, Refusal):
            return decided
        if any(_carries_texts(f) for f in decided):
            subject = await self.keys.case_subject(case.id)
            decided = [sealed_step(f, subject) for f in decided]
        for fact in decided:
            case.record(fact)
        try:
            envelopes = await self.writer.commit(Change(case.collect_events()))
        except CaseConflict:
            return Refusal(
                "not_allowed_now",
                "kasus baru saja diubah oleh petugas lain; muat ulang dan coba lagi",
            )
        _log_recorded(envelopes)
        return Acted(decided, await self._view(case, sop, identity=False))

    async def view(
        self, officer: Officer, scoped: ScopedCase, identity: bool, *, where: str
    ) -> dict[str, Any]:
        """The case as `GET /api/cases/{id}` shows it to an officer who may read it.

        `identity`: whether the reporter's name and contacts are shown. Showing them on a
        confidential case is recorded in its history first (`ReporterIdentityViewed`)."""
        case = scoped.case
        if identity and scoped.facts.confidential:
            await self._record_viewing(officer, case, where)
        return await self._view(case, scoped.sop, identity=identity)

    async def _record_viewing(self, officer: Officer, case: Case, where: str) -> None:
        role = next(iter(sorted(officer.roles)))
        fact = Fact(
            event_id=uuid.uuid4(),
            type=ReporterIdentityViewed.type,
            schema_version=ReporterIdentityViewed.schema_version,
            case_type=case.case_type,
            occurred_at=self.engine.now(),
            actor=Actor(id=officer.id, role=role),
            payload=ReporterIdentityViewed(where=where).model_dump(mode="json"),
        )
        for _ in range(ATTEMPTS):
            case.record(fact)
            try:
                await self.writer.commit(Change(case.collect_events()))
                return
            except CaseConflict:
                case = await self.store.load(case.id)
        raise CaseConflict(case.id)

    async def _view(
        self, case: Case, sop: SopDefinition | None, *, identity: bool
    ) -> dict[str, Any]:
        """The case as its reader sees it: sealed values revealed (the reporter's identity only
        with `identity`), "[dihapus]" where the key was destroyed."""
        case_id = case.id
        history = await self.keys.reveal_tree(
            [_history_item(fact, identity=identity) for fact in case.history]
        )
        if sop is None:
            return {
                "case_id": str(case_id),
                "sop": None,
                "sop_version": None,
                "status": "open",
                "current_steps": [],
                "allowed_actions": [],
                "history": history,
            }
        state = progress(sop, case.history)
        return {
            "case_id": str(case_id),
            "case_type": sop.case_type,
            "sop": sop.id,
            "sop_name": sop.header.name,
            "sop_version": sop.version,
            "status": "closed" if state.closed else "open",
            "current_steps": _current_steps(sop, state.waiting_at, state.assignee),
            "allowed_actions": [
                {
                    "action": a.action,
                    "step": a.step,
                    "role": a.role,
                    "activity": a.activity,
                    "documents_required": a.documents_required,
                    **({"decision_options": a.decision_options} if a.decision_options else {}),
                    **({"on_behalf_of": a.on_behalf_of} if a.on_behalf_of else {}),
                    **({"assignee": a.assignee} if a.assignee else {}),
                }
                for a in self.engine.allowed_actions(sop, case.history)
            ],
            "history": history,
        }


def fact_view(fact: Fact) -> dict[str, Any]:
    """A recorded fact as an API answer shows it (sealed values stay sealed)."""
    return _history_item(fact, identity=False)


# The officer-written reason of a stopped or restarted clock.
_REASONED = frozenset({ClockSuspended.type, ClockResumed.type})


def _carries_texts(fact: Fact) -> bool:
    if fact.type in _REASONED:
        return bool(fact.payload.get("reason"))
    return CATALOG.model(fact.type) is StepRecorded and bool(
        fact.payload.get("note") or fact.payload.get("data")
    )


def sealed_step(fact: Fact, subject: Subject) -> Fact:
    """A StepRecorded fact with its note and the texts of its data sealed with `subject`'s key,
    a clock's stop or restart with its reason sealed; any other fact unchanged."""
    if not _carries_texts(fact):
        return fact
    payload = dict(fact.payload)
    if fact.type in _REASONED:
        payload["reason"] = subject.seal(payload["reason"])
        return fact.model_copy(update={"payload": payload})
    if payload.get("note"):
        payload["note"] = subject.seal(payload["note"])
    payload["data"] = subject.seal_texts(payload.get("data") or {}, keep=PLAIN_DATA)
    return fact.model_copy(update={"payload": payload})


def _history_item(fact: Fact, *, identity: bool) -> dict[str, Any]:
    item: dict[str, Any] = {
        "event_id": str(fact.event_id),
        "type": fact.type,
        "label": CATALOG.label(fact.type),
        "occurred_at": fact.occurred_at.isoformat(),
        "actor": fact.actor.model_dump(),
        "step": fact.sop.step if fact.sop else None,
        "next_step": fact.sop.next_step if fact.sop else None,
    }
    item["payload"] = fact.payload if identity else without_identity(fact)
    return item


def without_identity(fact: Fact) -> dict[str, Any]:
    """A payload with the reporter's name and contacts replaced (a complaint's first event)."""
    if fact.type != ComplaintReceived.type:
        return fact.payload
    hidden = dict.fromkeys(("name", "email", "phone"), HIDDEN)
    return {**fact.payload, "reporter": hidden}


def _current_steps(
    sop: SopDefinition, waiting_at: int | str | None, assignee: str | None
) -> list[dict[str, Any]]:
    if waiting_at is None:
        return []
    if waiting_at == CLOSING:
        assert sop.closing is not None
        return [
            {
                "number": CLOSING,
                "activity": sop.closing.activity,
                "roles": sop.closing.roles,
                "kind": "process",
                "documents": [],
                "duration": None,
                "assignee": None,
            }
        ]
    step = sop.step(int(waiting_at))
    return [
        {
            "number": step.number,
            "activity": step.activity,
            "roles": step.roles,
            "kind": step.kind,
            "documents": step.documents,
            "duration": step.duration.model_dump() if step.duration else None,
            "assignee": assignee,
        }
    ]


def _action_of(sop: SopDefinition, fact: Fact) -> str | None:
    step = fact.sop.step if fact.sop else None
    if step is None:
        return clock_action_of(fact)  # suspend_clock / resume_clock record no step
    if step == CLOSING:
        return sop.closing.action if sop.closing else None
    return sop.step(int(step)).action


def _with_assignee_id(request: ActionRequest) -> ActionRequest:
    """Officers may name the assignee by id or by name."""
    assert request.assignee is not None
    return ActionRequest(
        action=request.action,
        documents=request.documents,
        note=request.note,
        decision=request.decision,
        assignee=officer_id(request.assignee),
        data=request.data,
    )


def _log_recorded(envelopes: Sequence[Envelope]) -> None:
    for envelope in envelopes:
        log.info(
            "case_event_recorded",
            case_id=str(envelope.case_id),
            event_id=str(envelope.event_id),
            event_type=envelope.type,
            step=envelope.sop.step if envelope.sop else None,
            position=envelope.position,
        )
