"""An officer stops and restarts a step's clock: the pure decision (sop/suspension.py), and the
SLA worker's pure rules for clocks that stop, calendars that change and SP4N-LAPOR! clocks."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from events import Actor, ComplaintReceived, Envelope, Fact, Reporter, SopRef
from office import OfficeConfig, load_office
from office.calendar import Closure, WorkingCalendar
from office.lapor_clocks import LaporClocks
from services.sla.changes import Context
from services.sla.lapor import EndLaporClocks, StartLaporClock, lapor_clocks
from services.sla.recompute import change_reason, recomputed
from services.sla.suspension import resumed_times
from sop.actions import ActionRequest, Officer, Refusal
from sop.duration import Duration
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


# -- the worker's rules: a resumed clock, a changed calendar, the LAPOR! clocks ---------------

WIB = ZoneInfo("Asia/Jakarta")
OFFICE = load_office()
CALENDAR = WorkingCalendar.of(OFFICE)
MINUTES_30 = Duration(value=30, unit="minutes")
THREE_DAYS = Duration(value=3, unit="working_days")


def test_a_resumed_clock_moves_deadline_and_warning_by_the_office_time_it_stood_still() -> None:
    # Stopped Friday 15:00, restarted Monday 09:00: 1.5 h of Friday + 1.5 h of Monday count.
    moved = resumed_times(
        CALENDAR,
        duration=MINUTES_30,
        due_at=datetime(2026, 11, 20, 15, 30, tzinfo=WIB),
        warn_at=datetime(2026, 11, 20, 15, 22, 30, tzinfo=WIB),
        stage="pending",
        suspended_at=datetime(2026, 11, 20, 15, 0, tzinfo=WIB),
        resumed_at=datetime(2026, 11, 23, 9, 0, tzinfo=WIB),
    )
    assert moved.by == timedelta(hours=3)
    assert moved.due_at == datetime(2026, 11, 23, 9, 30, tzinfo=WIB)
    assert moved.warn_at == datetime(2026, 11, 23, 9, 22, 30, tzinfo=WIB)
    assert moved.next_fire_at == moved.warn_at  # not warned yet: the warning comes first


def test_a_resumed_clock_that_already_warned_fires_next_at_its_deadline() -> None:
    moved = resumed_times(
        CALENDAR,
        duration=Duration(value=3, unit="clock_hours"),  # N x 24 Jam: wall time counts
        due_at=datetime(2026, 11, 21, 12, 0, tzinfo=WIB),
        warn_at=datetime(2026, 11, 21, 11, 0, tzinfo=WIB),
        stage="warned",
        suspended_at=datetime(2026, 11, 20, 22, 0, tzinfo=WIB),
        resumed_at=datetime(2026, 11, 21, 2, 0, tzinfo=WIB),
    )
    assert moved.by == timedelta(hours=4)
    assert moved.next_fire_at == moved.due_at == datetime(2026, 11, 21, 16, 0, tzinfo=WIB)


def test_a_closure_inside_a_deadline_moves_it_one_working_day() -> None:
    start = datetime(2026, 11, 16, 10, 0, tzinfo=WIB)  # Monday
    assert CALENDAR.deadline(start, THREE_DAYS) == datetime(2026, 11, 19, 10, 0, tzinfo=WIB)
    closed = WorkingCalendar.of(OFFICE, [Closure(date(2026, 11, 17), date(2026, 11, 17), "Banjir")])
    new = recomputed(
        closed,
        started_at=start,
        duration=THREE_DAYS,
        suspended_total=timedelta(),
        warns=True,
        share=0.75,
        stage="pending",
        suspended=False,
    )
    assert new.due_at == datetime(2026, 11, 20, 10, 0, tzinfo=WIB)
    assert new.warn_at is not None and new.next_fire_at == new.warn_at < new.due_at


def test_recomputing_keeps_the_suspended_time_and_the_stage() -> None:
    start = datetime(2026, 11, 16, 10, 0, tzinfo=WIB)
    common = {"started_at": start, "duration": THREE_DAYS, "share": 0.75}
    warned = recomputed(
        CALENDAR,
        **common,
        suspended_total=timedelta(hours=3),
        warns=True,
        stage="warned",
        suspended=False,
    )
    assert warned.due_at == datetime(2026, 11, 19, 14, 0, tzinfo=WIB)  # +3 h, lunch skipped
    assert warned.next_fire_at == warned.due_at  # warned already: the deadline is next
    stopped = recomputed(
        CALENDAR,
        **common,
        suspended_total=timedelta(),
        warns=False,
        stage="pending",
        suspended=True,
    )
    assert (stopped.warn_at, stopped.next_fire_at) == (None, None)  # not polled while stopped


def test_a_calendar_change_is_explained_by_what_changed() -> None:
    closed = WorkingCalendar.of(OFFICE, [Closure(date(2026, 11, 17), date(2026, 11, 17), "Banjir")])
    reason = change_reason(CALENDAR, closed, date(2026, 11, 16))
    assert reason.startswith("Kalender kantor berubah: ")
    assert "Banjir" in reason and "17 November 2026" in reason
    assert "hari libur nasional" in change_reason(CALENDAR, CALENDAR, date(2026, 11, 16))


def _envelope(event_type: str, step: str | None, next_step: str | None, **payload: object):
    return Envelope(
        event_id=uuid.uuid4(),
        type=event_type,
        schema_version=1,
        case_type="complaint",
        occurred_at=datetime(2026, 11, 16, 10, 0, tzinfo=WIB),
        actor=Actor(id="siti", role="petugas_pengaduan"),
        sop=SopRef(id=MUBA.id, version=MUBA.version, step=step, next_step=next_step),
        payload=dict(payload),
        case_id=uuid.UUID(int=7),
        case_version=1,
        position=10,
    )


def _complaint(channel: str) -> dict[str, object]:
    """The payload of a complaint received through `channel`."""
    return ComplaintReceived(
        tracking_number="ADU-2026-000007",
        channel=channel,
        reporter=Reporter(name="Pelapor"),
        subject="Antrean obat",
        description="Antrean obat terlalu lama.",
    ).model_dump(mode="json")


def _lapor_plan(envelope: Envelope, office: OfficeConfig = OFFICE) -> list[object]:
    context = Context(office, CALENDAR, MUBA, lambda sop, step: step.duration)
    return list(lapor_clocks(envelope, context))


def test_a_lapor_complaint_starts_its_verification_clock_and_others_do_not() -> None:
    (start,) = _lapor_plan(_envelope("ComplaintReceived", "1", "2", **_complaint("lapor")))
    assert isinstance(start, StartLaporClock)
    assert (start.kind, start.follows_verification, start.step) == (
        "lapor_verification",
        False,
        "2",
    )
    assert start.due_at == datetime(2026, 11, 19, 10, 0, tzinfo=WIB)
    assert start.roles == ["petugas_pengaduan"] and "verifikasi" in start.activity
    assert _lapor_plan(_envelope("ComplaintReceived", "1", "2", **_complaint("web"))) == []
    off = OFFICE.model_copy(
        update={"sla": OFFICE.sla.model_copy(update={"lapor": LaporClocks(enabled=False)})}
    )
    assert _lapor_plan(_envelope("ComplaintReceived", "1", "2", **_complaint("lapor")), off) == []


def test_lapor_clocks_hand_over_from_verification_to_follow_up_to_auto_close() -> None:
    end, follow_up = _lapor_plan(_envelope("ComplaintForwardedToTeam", "4", "5"))
    assert isinstance(end, EndLaporClocks) and end.kinds == ["lapor_verification"]
    assert isinstance(follow_up, StartLaporClock) and follow_up.kind == "lapor_follow_up"
    assert follow_up.follows_verification  # only on a case whose verification clock ran
    end, auto_close = _lapor_plan(_envelope("ResponseDelivered", "9", "closing"))
    assert isinstance(end, EndLaporClocks)
    assert end.kinds == ["lapor_verification", "lapor_follow_up"]
    assert isinstance(auto_close, StartLaporClock) and auto_close.kind == "lapor_auto_close"
    assert auto_close.warn_at is None  # a closing report warns nobody
    (stop,) = _lapor_plan(_envelope("ReporterReplied", None, "closing", message="Terima kasih"))
    assert isinstance(stop, EndLaporClocks) and stop.kinds == ["lapor_auto_close"]
