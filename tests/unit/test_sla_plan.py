"""What an event does to the SLA timers (services/sla/plan.py) and what a due timer raises
(services/sla/firing.py `due`), on the shipped SOPs and the shipped office calendar."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from events import Actor, Envelope, SopRef
from office import OfficeConfig, load_office
from office.calendar import WorkingCalendar, step_duration
from services.sla.changes import AssignTimers, CompleteTimers, Context, StartTimer
from services.sla.firing import due
from services.sla.plan import plan as plan_all
from services.sla.plan import routed_assignee, step_timers
from services.sla.recording import step_still_waiting
from services.sla.timers import Timer, timer_id
from sop.definition import SopDefinition
from sop.registry import shipped_definitions

WIB = ZoneInfo("Asia/Jakarta")
SHIPPED = {d.id: d for _, d in shipped_definitions()}
MUBA = SHIPPED["pengaduan-masyarakat-dinkes-muba"]
PRIMA = SHIPPED["pelayanan-prima-bkk-palembang"]
OFFICE = load_office()
# Tuesday 17 March 2026, 09:00 WIB: the check date (Nyepi on the 19th, then Idul Fitri).
TUESDAY = datetime(2026, 3, 17, 9, 0, tzinfo=WIB)


def plan(envelope: Envelope, context: Context) -> list[Any]:
    """The step timers' planners only (other clocks add their own planners)."""
    return plan_all(envelope, context, [step_timers, routed_assignee])


def _context(sop: SopDefinition | None, office: OfficeConfig = OFFICE) -> Context:
    return Context(
        office,
        WorkingCalendar.of(office),
        sop,
        lambda s, step: step_duration(office, s.id, step),
    )


def _event(
    sop: SopDefinition,
    step: str | None,
    next_step: str | None,
    *,
    event_type: str = "StepCompleted",
    payload: dict[str, Any] | None = None,
    at: datetime = TUESDAY,
    position: int = 10,
) -> Envelope:
    return Envelope(
        event_id=uuid.uuid4(),
        type=event_type,
        schema_version=1,
        case_type=sop.case_type,
        occurred_at=at,
        actor=Actor(id="petugas", role="petugas_pengaduan"),
        sop=SopRef(id=sop.id, version=sop.version, step=step, next_step=next_step),
        payload=payload if payload is not None else {"activity": "…"},
        case_id=uuid.uuid4(),
        case_version=2,
        position=position,
    )


def test_a_step_event_ends_the_running_step_timer_and_starts_the_next_steps_timer() -> None:
    event = _event(MUBA, "4", "5", payload={"activity": "…", "assignee": "anggota-tim"})

    ended, started = plan(event, _context(MUBA))

    assert ended == CompleteTimers(event.case_id, ["step"], event.event_id, event.position)
    assert isinstance(started, StartTimer)
    assert (started.step, started.kind, started.roles) == ("5", "step", ["tim_pengelola_pengaduan"])
    assert started.assignee == "anggota-tim"
    assert (started.duration_value, started.duration_unit) == (3, "working_days")
    # 3 Hari Kerja from Tuesday 17 March 2026: Nyepi, Idul Fitri and cuti bersama skipped.
    assert started.due_at.astimezone(WIB).date().isoformat() == "2026-03-27"
    assert started.started_at < started.warn_at < started.due_at  # type: ignore[operator]


def test_the_warning_comes_at_the_offices_share_of_the_time() -> None:
    event = _event(PRIMA, "6", "7", at=datetime(2026, 5, 4, 10, 0, tzinfo=WIB))
    default = plan(event, _context(PRIMA))[1]
    half = OFFICE.model_copy(update={"sla": OFFICE.sla.model_copy(update={"warning_share": 0.5})})
    earlier = plan(event, _context(PRIMA, half))[1]

    assert isinstance(default, StartTimer) and isinstance(earlier, StartTimer)
    assert default.due_at - default.started_at == timedelta(hours=72)  # 3 x 24 Jam
    assert default.warn_at - default.started_at == timedelta(hours=54)  # type: ignore[operator]
    assert earlier.warn_at - earlier.started_at == timedelta(hours=36)  # type: ignore[operator]


def test_a_service_standard_step_takes_the_offices_published_time() -> None:
    (_, started) = plan(_event(PRIMA, "3", "4"), _context(PRIMA))

    assert isinstance(started, StartTimer)
    assert (started.duration_value, started.duration_unit) == (30, "minutes")


def test_a_step_only_the_public_does_gets_no_timer_unless_the_office_says_so() -> None:
    event = _event(PRIMA, "5", "6")  # the customer's own answer
    timed = OFFICE.model_copy(
        update={"sla": OFFICE.sla.model_copy(update={"public_steps_timed": True})}
    )

    assert [type(c) for c in plan(event, _context(PRIMA))] == [CompleteTimers]
    (_, started) = plan(event, _context(PRIMA, timed))
    assert isinstance(started, StartTimer)
    assert started.roles == ["petugas_layanan"]  # the officer who records the answer


def test_a_closed_case_or_the_closing_action_starts_nothing() -> None:
    to_closing = _event(MUBA, "9", "closing")
    closed = _event(MUBA, "closing", None)

    assert [type(c) for c in plan(to_closing, _context(MUBA))] == [CompleteTimers]
    assert [type(c) for c in plan(closed, _context(MUBA))] == [CompleteTimers]


def test_events_that_are_not_steps_end_no_timer() -> None:
    warning = _event(MUBA, None, "5", event_type="SlaWarningRaised")
    suspended = _event(
        MUBA,
        None,
        "5",
        event_type="ClockSuspended",
        payload={"step": "5", "reason": "Menunggu berkas pelapor"},
    )

    assert plan(warning, _context(MUBA)) == []
    assert not any(isinstance(c, CompleteTimers) for c in plan_all(suspended, _context(MUBA)))


def test_a_routed_case_names_the_officer_of_the_waiting_steps_timer() -> None:
    routed = _event(
        MUBA,
        None,
        "5",
        event_type="CaseRouted",
        payload={
            "step": "5",
            "unit": "Bidang Pelayanan Kesehatan",
            "assignee": "anggota-tim",
            "rule": "category:pelayanan puskesmas",
            "reason": "Kategori pelayanan puskesmas ditangani Bidang Pelayanan Kesehatan",
        },
    )

    assert plan(routed, _context(MUBA)) == [
        AssignTimers(routed.case_id, "5", "anggota-tim", ["step"])
    ]


def _timer(stage: str = "pending", **changes: Any) -> Timer:
    started = TUESDAY
    fields: dict[str, Any] = {
        "id": timer_id(uuid.uuid4(), "step"),
        "case_id": uuid.uuid4(),
        "case_type": "complaint",
        "sop_id": MUBA.id,
        "sop_version": 1,
        "step": "2",
        "kind": "step",
        "activity": "…",
        "roles": ["petugas_pengaduan"],
        "assignee": None,
        "started_event_id": uuid.uuid4(),
        "started_position": 1,
        "started_at": started,
        "due_at": started + timedelta(minutes=10),
        "warn_at": started + timedelta(minutes=7, seconds=30),
        "duration_value": 10,
        "duration_unit": "minutes",
        "status": "open",
        "stage": stage,
        "next_fire_at": started + timedelta(minutes=7, seconds=30),
        "suspended_total": timedelta(),
        "calendar_fingerprint": None,
    }
    return Timer(**{**fields, **changes})


def test_a_due_timer_warns_first_then_breaches_at_the_deadline() -> None:
    timer = _timer()
    warned = due(timer, timer.warn_at + timedelta(seconds=1))  # type: ignore[operator]
    breached = due(_timer("warned"), timer.due_at)

    assert (warned.raises, warned.stage, warned.status) == (("warning",), "warned", "open")
    assert warned.next_fire_at == timer.due_at
    assert (breached.raises, breached.status, breached.next_fire_at) == (("breach",), "fired", None)


def test_a_timer_found_past_its_deadline_breaches_without_a_late_warning() -> None:
    timer = _timer()

    assert due(timer, timer.due_at + timedelta(hours=1)).raises == ("breach",)


def test_a_step_timer_stops_counting_once_a_later_step_event_is_in_the_history() -> None:
    started = _event(MUBA, "1", "2")
    timer = _timer(started_event_id=started.event_id)
    warning = _event(MUBA, None, "2", event_type="SlaWarningRaised")
    next_step = _event(MUBA, "2", "3")

    assert step_still_waiting(timer, [started])
    assert step_still_waiting(timer, [started, warning])
    assert not step_still_waiting(timer, [started, warning, next_step])


def test_timer_ids_follow_from_what_started_them() -> None:
    event_id = uuid.uuid4()

    assert timer_id(event_id, "step") == timer_id(event_id, "step")
    assert timer_id(event_id, "step") != timer_id(event_id, "lapor_verification")
