"""SLA timers through the consumer framework and the firing pass, in milliseconds: deadlines on
the office calendar, completion, untimed public steps, the warning at 75 %, the breach and its
escalation, firing once, suspension, and an unreachable event store.
(tests/test_sla_timers.py: the same through the worker processes and a simulated clock.)"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import asyncpg
import pytest

from cases import InMemoryEventStore
from events import CATALOG, Fact
from events.sla import EscalationRaised, SlaBreached, SlaWarningRaised
from office import load_office
from office.calendar import WorkingCalendar, step_duration
from office.closures import office_calendar
from services.sla.applier import TimerApplier
from services.sla.firing import SLA_ACTOR, Firing
from sop.actions import Officer
from sop.definition import SopDefinition, Step
from sop.duration import Duration, parse_duration
from sop.registry import SopRegistry
from tests.support.desk import PRIMA, Desk
from tests.support.seed_cases import to_a_customer_complaint, to_the_team
from tests.support.service_layer import FakeClock, Line

OFFICE = load_office()  # the shipped office: its calendar, escalations and service standards
CALENDAR = WorkingCalendar.of(OFFICE)
SLA_TYPES = (SlaWarningRaised.type, SlaBreached.type, EscalationRaised.type)
TEAM = "tim_pengelola_pengaduan"


def _durations(sop: SopDefinition, step: Step) -> Duration | None:
    return step_duration(OFFICE, sop.id, step)


@pytest.fixture
async def line(
    store: InMemoryEventStore, pool: asyncpg.Pool, registry: SopRegistry
) -> AsyncIterator[Line]:
    applier = TimerApplier(
        OFFICE,
        calendar=partial(office_calendar, OFFICE, pool),
        sop_version=registry.version,
        durations=_durations,
    )
    async with Line.running(store, pool, sla=applier) as line:
        yield line


@pytest.fixture
def firing(pool: asyncpg.Pool, store: InMemoryEventStore, clock: FakeClock, desk: Desk) -> Firing:
    return Firing(pool, store, clock, desk.directory, OFFICE)


async def _timers(pool: asyncpg.Pool, case_id: uuid.UUID) -> dict[str, dict[str, Any]]:
    """The case's step timers by step (the latest of a step), as stored."""
    rows = await pool.fetch(
        "SELECT * FROM sla_timers WHERE case_id = $1 AND kind = 'step' ORDER BY started_position",
        case_id,
    )
    return {r["step"]: dict(r) for r in rows}


async def _raised(desk: Desk, case_id: uuid.UUID) -> list[Fact]:
    """The case's warnings, breaches and escalations, in order."""
    return [f for f in await desk.history(case_id) if f.type in SLA_TYPES]


@dataclass(frozen=True)
class Forwarded:
    """A complaint forwarded to Anggota Tim, whose superior is Kepala Tim: it waits at step 5
    (3 Hari Kerja), its timer started."""

    case_id: uuid.UUID
    kepala: Officer
    anggota: Officer
    timer: dict[str, Any]  # step 5's timer as it started


async def _forward(desk: Desk, line: Line, pool: asyncpg.Pool, petugas: Officer) -> Forwarded:
    kepala = await desk.hire("Kepala Tim", TEAM, email="kepala@dinkes.test")
    anggota = await desk.hire("Anggota Tim", TEAM, superior=kepala.name)
    case_id = await desk.complaint()
    await desk.work(case_id, to_the_team(petugas)[:2])
    await desk.act(case_id, petugas, "forward_to_team", assignee=anggota.id)
    await line.relay()
    return Forwarded(case_id, kepala, anggota, (await _timers(pool, case_id))["5"])


@pytest.fixture
async def forwarded(desk: Desk, line: Line, pool: asyncpg.Pool, petugas: Officer) -> Forwarded:
    return await _forward(desk, line, pool, petugas)


async def test_a_timed_step_gets_its_deadline_on_the_office_calendar(
    desk: Desk, line: Line, pool: asyncpg.Pool, petugas: Officer, clock: FakeClock
) -> None:
    clock.to(datetime.fromisoformat("2026-04-09T14:00:00+07:00"))  # a Thursday afternoon

    step_5 = (await _forward(desk, line, pool, petugas)).timer

    three_working_days = parse_duration("3 Hari Kerja")
    assert three_working_days is not None
    due = CALENDAR.deadline(clock.now(), three_working_days)
    assert (step_5["started_at"], step_5["due_at"]) == (clock.now(), due)
    assert due == datetime.fromisoformat("2026-04-14T14:00:00+07:00")  # over the weekend
    assert step_5["warn_at"] == CALENDAR.share_elapsed_at(
        clock.now(), due, three_working_days, 0.75
    )
    assert (step_5["status"], step_5["stage"], step_5["next_fire_at"]) == (
        "open",
        "pending",
        step_5["warn_at"],
    )
    assert (step_5["assignee"], step_5["roles"]) == ("anggota-tim", [TEAM])


async def test_doing_the_step_completes_its_timer(
    desk: Desk, line: Line, pool: asyncpg.Pool, clock: FakeClock, forwarded: Forwarded
) -> None:
    clock.advance(hours=2)
    (submitted,) = await desk.act(forwarded.case_id, forwarded.anggota, "submit_draft")

    await line.relay()

    timers = await _timers(pool, forwarded.case_id)
    assert (timers["5"]["status"], timers["5"]["completed_event_id"]) == (
        "done",
        submitted.event_id,
    )
    assert (timers["6"]["status"], timers["6"]["started_at"]) == ("open", clock.now())


async def test_a_step_only_the_public_does_gets_no_timer(
    desk: Desk, line: Line, pool: asyncpg.Pool
) -> None:
    kepala = await desk.hire("Kepala KKP", "kepala_kantor")
    ketua = await desk.hire("Ketua Tim", "ka_tim_kerja")
    layanan = await desk.hire("Petugas Layanan", "petugas_layanan", superior=ketua.name)
    case_id = await desk.open(PRIMA, kepala)
    # Served and informed: the case waits at step 6, the customer's answer.
    await desk.work(case_id, to_a_customer_complaint(ketua, layanan)[:4])

    await line.relay()

    timers = await _timers(pool, case_id)
    assert list(timers) == ["2", "3", "4", "5"]
    assert {t["status"] for t in timers.values()} == {"done"}


async def test_a_pass_at_75_percent_of_the_time_raises_one_warning(
    desk: Desk, pool: asyncpg.Pool, clock: FakeClock, firing: Firing, forwarded: Forwarded
) -> None:
    step_5 = forwarded.timer
    clock.to(step_5["warn_at"])

    assert await firing.pass_once() == 1
    assert await firing.pass_once() == 0

    (warning,) = await _raised(desk, forwarded.case_id)
    assert warning.type == SlaWarningRaised.type
    assert warning.actor == SLA_ACTOR
    assert warning.causation_id == f"sla:{step_5['id']}:warning"
    payload = CATALOG.payload(warning, SlaWarningRaised)
    assert (payload.step, payload.assignee) == ("5", forwarded.anggota.id)
    assert payload.due_at == step_5["due_at"]
    after = (await _timers(pool, forwarded.case_id))["5"]
    assert (after["stage"], after["next_fire_at"]) == ("warned", step_5["due_at"])


async def test_at_the_deadline_one_breach_and_one_escalation_to_the_assignees_superior(
    desk: Desk, pool: asyncpg.Pool, clock: FakeClock, firing: Firing, forwarded: Forwarded
) -> None:
    clock.to(forwarded.timer["due_at"])

    await firing.pass_once()

    # Past the deadline: no warning any more.
    breach, escalation = await _raised(desk, forwarded.case_id)
    assert (breach.type, escalation.type) == (SlaBreached.type, EscalationRaised.type)
    raised = CATALOG.payload(escalation, EscalationRaised)
    assert raised.escalated_to == forwarded.kepala.id
    assert raised.reason == (
        "Batas waktu langkah 5 terlampaui; atasan langsung Anggota Tim (penanggung jawab langkah 5)"
    )
    after = (await _timers(pool, forwarded.case_id))["5"]
    assert (after["status"], after["stage"], after["next_fire_at"]) == ("fired", "escalated", None)


async def test_a_late_pelayanan_prima_follow_up_escalates_to_the_head_of_office(
    desk: Desk, line: Line, pool: asyncpg.Pool, clock: FakeClock, firing: Firing
) -> None:
    kepala = await desk.hire("Kepala KKP", "kepala_kantor")
    # The team leader's own superior is not who a late 3 x 24 Jam follow-up goes to.
    pengawas = await desk.hire("Pengawas", "petugas_layanan")
    ketua = await desk.hire("Ketua Tim", "ka_tim_kerja", superior=pengawas.name)
    layanan = await desk.hire("Petugas Layanan", "petugas_layanan", superior=ketua.name)
    case_id = await desk.open(PRIMA, kepala)
    await desk.work(case_id, to_a_customer_complaint(ketua, layanan))
    await line.relay()
    step_7 = (await _timers(pool, case_id))["7"]
    assert step_7["due_at"] - step_7["started_at"] == timedelta(hours=72)  # 3 x 24 Jam
    clock.to(step_7["due_at"])

    await firing.pass_once()

    escalation = (await _raised(desk, case_id))[-1]
    raised = CATALOG.payload(escalation, EscalationRaised)
    assert (raised.step, raised.escalated_to) == ("7", kepala.id)
    assert "eskalasi langkah 7 ditetapkan ke kepala_kantor" in raised.reason


async def test_a_second_pass_raises_nothing_again_even_over_a_timer_whose_move_was_lost(
    desk: Desk, pool: asyncpg.Pool, clock: FakeClock, firing: Firing, forwarded: Forwarded
) -> None:
    clock.to(forwarded.timer["due_at"])
    await firing.pass_once()
    raised = await _raised(desk, forwarded.case_id)

    assert await firing.pass_once() == 0
    # A worker that crashed after appending, before moving the timer: the row is due again.
    await pool.execute(
        "UPDATE sla_timers SET status = 'open', stage = 'pending', next_fire_at = due_at"
        " WHERE id = $1",
        forwarded.timer["id"],
    )
    assert await firing.pass_once() == 1  # the timer moves on …

    assert await _raised(desk, forwarded.case_id) == raised  # … its causation ids were there
    assert (await _timers(pool, forwarded.case_id))["5"]["stage"] == "escalated"


async def test_a_suspended_clock_fires_nothing_and_its_resumption_moves_the_deadline(
    desk: Desk,
    line: Line,
    pool: asyncpg.Pool,
    clock: FakeClock,
    firing: Firing,
    forwarded: Forwarded,
) -> None:
    case_id, anggota, before = forwarded.case_id, forwarded.anggota, forwarded.timer
    clock.advance(hours=1)
    await desk.act(case_id, anggota, "suspend_clock", note="Menunggu dokumen dari pelapor")
    await line.relay()
    suspended_at = clock.now()
    clock.to(before["due_at"] + timedelta(hours=1))
    assert await firing.pass_once() == 0
    await desk.act(case_id, anggota, "resume_clock")

    await line.relay()

    after = (await _timers(pool, case_id))["5"]
    duration = Duration(value=3, unit="working_days")
    stood_still = CALENDAR.counted(suspended_at, clock.now(), duration)
    assert stood_still == timedelta(hours=22.5)  # Monday 10.00 to Thursday 10.00, office time
    assert after["due_at"] == CALENDAR.extend(before["due_at"], stood_still, duration)
    assert (after["status"], after["suspended_total"]) == ("open", stood_still)
    assert await _raised(desk, case_id) == []


async def test_an_unreachable_event_store_leaves_the_timer_due_for_the_next_pass(
    desk: Desk,
    pool: asyncpg.Pool,
    clock: FakeClock,
    firing: Firing,
    store: InMemoryEventStore,
    forwarded: Forwarded,
) -> None:
    clock.to(forwarded.timer["warn_at"])
    store.reachable = False

    assert await firing.pass_once() == 0

    after = (await _timers(pool, forwarded.case_id))["5"]
    assert (after["stage"], after["next_fire_at"]) == ("pending", forwarded.timer["warn_at"])
    store.reachable = True
    assert await firing.pass_once() == 1
    assert [f.type for f in await _raised(desk, forwarded.case_id)] == [SlaWarningRaised.type]
