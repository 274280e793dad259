"""An officer stops and restarts a step's clock: the pure decision (sop/suspension.py)."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime

import pytest

from events import Fact
from sop.actions import ActionRequest, Officer, Refusal
from sop.engine import SopEngine
from sop.progress import progress
from sop.registry import shipped_definitions
from sop.suspension import clock_action_of

MUBA = {d.id: d for _, d in shipped_definitions()}["pengaduan-masyarakat-dinkes-muba"]
T0 = datetime(2026, 3, 17, 2, 0, tzinfo=UTC)

PETUGAS = Officer(id="siti", name="Siti", roles=frozenset({"petugas_pengaduan"}))
TIM = Officer(id="tim", name="Tim", roles=frozenset({"tim_pengelola_pengaduan"}))
TIM_2 = Officer(id="tim2", name="Tim Dua", roles=frozenset({"tim_pengelola_pengaduan"}))
KADIN = Officer(id="kadin", name="Kadin", roles=frozenset({"kepala_dinas"}))
WAITING = "menunggu kelengkapan berkas dari pelapor"


@pytest.fixture
def engine() -> SopEngine:
    ids = (uuid.UUID(int=n) for n in itertools.count(1))
    return SopEngine(clock=lambda: T0, new_event_id=lambda: next(ids))


def decide(
    engine: SopEngine, history: list[Fact], by: Officer, action: str, **fields: object
) -> list[Fact] | Refusal:
    return engine.decide(
        MUBA,
        history,
        by,
        ActionRequest(action=action, **fields),  # type: ignore[arg-type]
        directory={o.id: o for o in (PETUGAS, TIM, TIM_2, KADIN)},
        causation_id=f"req-{len(history)}",
    )


def done(engine: SopEngine, history: list[Fact], by: Officer, action: str, **fields: object):
    decided = decide(engine, history, by, action, **fields)
    assert not isinstance(decided, Refusal), decided
    return history + decided


def at_registration(engine: SopEngine) -> list[Fact]:
    """A complaint received from the public: it waits at step 2 (10 minutes)."""
    opened = engine.open(MUBA, None, {"note": "dibuka"})
    assert isinstance(opened, Fact)
    return [opened]


def step_action(engine: SopEngine, history: list[Fact], by: Officer, **fields: object):
    step = MUBA.step(int(progress(MUBA, history).waiting_at))  # type: ignore[arg-type]
    return done(engine, history, by, step.action, documents=step.documents, **fields)


def test_suspending_records_the_reason_on_the_waiting_step(engine: SopEngine) -> None:
    history = done(engine, at_registration(engine), PETUGAS, "suspend_clock", note=WAITING)
    fact = history[-1]
    assert fact.type == "ClockSuspended"
    assert fact.payload == {"step": "2", "reason": WAITING}
    assert (fact.sop.step, fact.sop.next_step) == (None, "2")  # type: ignore[union-attr]
    assert (fact.actor.id, fact.actor.role) == ("siti", "petugas_pengaduan")
    assert fact.causation_id == "req-1"
    assert clock_action_of(fact) == "suspend_clock"
    state = progress(MUBA, history)
    assert state.suspended and state.waiting_at == 2  # the case still waits at the same step


def test_resuming_restarts_the_clock_with_an_optional_reason(engine: SopEngine) -> None:
    history = done(engine, at_registration(engine), PETUGAS, "suspend_clock", note=WAITING)
    history = done(engine, history, PETUGAS, "resume_clock")
    assert history[-1].type == "ClockResumed"
    assert history[-1].payload == {"step": "2", "reason": None}
    assert not progress(MUBA, history).suspended
    again = done(engine, history, PETUGAS, "suspend_clock", note="berkas kedua belum ada")
    assert progress(MUBA, again).suspended


@pytest.mark.parametrize("note", [None, "", "   "])
def test_suspending_without_a_reason_is_refused_naming_the_note(
    engine: SopEngine, note: str | None
) -> None:
    refusal = decide(engine, at_registration(engine), PETUGAS, "suspend_clock", note=note)
    assert isinstance(refusal, Refusal)
    assert (refusal.http_status, refusal.field) == (422, "note")


def test_a_clock_is_suspended_once_and_resumed_once(engine: SopEngine) -> None:
    history = at_registration(engine)
    running = decide(engine, history, PETUGAS, "resume_clock")
    history = done(engine, history, PETUGAS, "suspend_clock", note=WAITING)
    twice = decide(engine, history, PETUGAS, "suspend_clock", note=WAITING)
    assert isinstance(running, Refusal) and running.http_status == 409
    assert isinstance(twice, Refusal) and twice.http_status == 409


def test_only_an_officer_who_may_do_the_step_stops_its_clock(engine: SopEngine) -> None:
    history = at_registration(engine)
    refusal = decide(engine, history, KADIN, "suspend_clock", note=WAITING)
    assert isinstance(refusal, Refusal) and refusal.http_status == 403


def test_once_a_step_is_given_to_an_officer_only_they_stop_its_clock(engine: SopEngine) -> None:
    history = at_registration(engine)
    for _ in range(2):
        history = step_action(engine, history, PETUGAS)
    history = step_action(engine, history, PETUGAS, assignee="tim")  # step 4 → team member
    assert progress(MUBA, history).waiting_at == 5
    other = decide(engine, history, TIM_2, "suspend_clock", note=WAITING)
    assert isinstance(other, Refusal) and other.http_status == 403
    mine = decide(engine, history, TIM, "suspend_clock", note=WAITING)
    assert not isinstance(mine, Refusal)


def test_a_closed_case_has_no_clock(engine: SopEngine) -> None:
    history = at_registration(engine)
    closed = [
        *history,
        history[0].model_copy(
            update={
                "event_id": uuid.uuid4(),
                "sop": history[0].sop.model_copy(update={"step": "closing", "next_step": None}),  # type: ignore[union-attr]
            }
        ),
    ]
    refusal = decide(engine, closed, PETUGAS, "suspend_clock", note=WAITING)
    assert isinstance(refusal, Refusal) and refusal.http_status == 409
    assert refusal.code == "case_closed"
    assert engine.allowed_actions(MUBA, closed) == []


def test_the_step_may_be_done_while_suspended_and_the_next_clock_runs(engine: SopEngine) -> None:
    history = done(engine, at_registration(engine), PETUGAS, "suspend_clock", note=WAITING)
    history = step_action(engine, history, PETUGAS)
    state = progress(MUBA, history)
    assert state.waiting_at == 3 and not state.suspended
    refusal = decide(engine, history, PETUGAS, "resume_clock")
    assert isinstance(refusal, Refusal) and refusal.http_status == 409


def test_allowed_actions_offer_suspend_or_resume_as_the_clock_stands(engine: SopEngine) -> None:
    history = at_registration(engine)
    actions = [a.action for a in engine.allowed_actions(MUBA, history)]
    assert actions == ["register_complaint", "suspend_clock"]
    history = done(engine, history, PETUGAS, "suspend_clock", note=WAITING)
    actions = [a.action for a in engine.allowed_actions(MUBA, history)]
    assert actions == ["register_complaint", "resume_clock"]


def test_the_closing_action_has_no_clock_to_stop(engine: SopEngine) -> None:
    history = at_registration(engine)
    for by in (PETUGAS, PETUGAS, PETUGAS, TIM, KADIN, KADIN, TIM, PETUGAS):
        decision = "setuju" if progress(MUBA, history).waiting_at == 6 else None
        history = step_action(engine, history, by, decision=decision)
    assert progress(MUBA, history).waiting_at == "closing"
    assert [a.action for a in engine.allowed_actions(MUBA, history)] == ["archive"]
    refusal = decide(engine, history, PETUGAS, "suspend_clock", note=WAITING)
    assert isinstance(refusal, Refusal) and refusal.http_status == 409
