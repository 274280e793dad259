"""SLA timers through the real workers, Kafka and a simulated clock: a step with a time
standard gets a durable deadline; the officer is warned once at 75% of the time; at the
deadline the breach is recorded and escalated to the direct superior; doing the step cancels
its timer. (tests/test_sla_timer_crashes.py: a timer fires once through crashes and rivals.)

The module runs its own sandbox: it moves the (simulated) clock forward, which the other
tests must not see.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from officers.directory import officer_id
from tests.support.casework import (
    Officer,
    add_officer,
    alur_cli,
    do,
    open_case,
    published_types,
    unique_name,
    work,
)
from tests.support.sandbox import Alur
from tests.support.seed_cases import complaint, prima_sop, to_a_customer_complaint
from tests.support.timers import (
    CLOCK_ENV,
    SLA_EVENTS,
    advance_to,
    timer,
    timers,
    until_raised,
)
from tests.support.waiting import eventually

pytestmark = pytest.mark.sandbox("sla", env={**CLOCK_ENV, "ALUR_NOTIFIER_POLL_SECONDS": "0.2"})


def _step_events(events: list[dict]) -> list[tuple[str, str]]:
    return [(e["type"], e["payload"]["step"]) for e in events]


async def _emailed(
    alur: Alur, case_id: str, officer: Officer, at_least: int
) -> set[tuple[str, str]] | None:
    """(event type, address) of the case's SLA emails, once there are `at_least` of them."""
    async with alur.http() as client:
        response = await client.get(f"/api/cases/{case_id}/notifications", headers=officer.headers)
    assert response.status_code == 200, response.text
    told = {
        (n["event_type"], n["recipient"])
        for n in response.json()
        if n["event_type"] in SLA_EVENTS and n["channel"] == "email"
    }
    return told if len(told) >= at_least else None


async def test_a_timed_step_gets_a_stored_deadline_on_the_office_calendar_and_one_warning(
    alur: Alur, petugas: Officer
) -> None:
    await add_officer(
        alur, unique_name("Petugas"), "petugas_pengaduan", email="petugas@dinkes.test"
    )
    case_id = (await complaint(alur))["case_id"]
    step_2 = await timer(alur, case_id, step="2")  # "Petugas menerima pengaduan …": 10 Menit

    assert (step_2["status"], step_2["stage"]) == ("open", "pending")
    assert (step_2["duration_value"], step_2["duration_unit"]) == (10, "minutes")
    deadline = alur_cli(
        alur,
        "calendar",
        "deadline",
        "--start",
        step_2["started_at"].isoformat(),
        "--duration",
        "10 Menit",
    )
    assert deadline.returncode == 0, deadline.stderr
    assert datetime.fromisoformat(deadline.stdout.strip()) == step_2["due_at"]
    assert step_2["started_at"] < step_2["warn_at"] < step_2["due_at"]

    await advance_to(alur, step_2["warn_at"], extra_minutes=0.5)  # 2.5 working minutes left
    (warning,) = await until_raised(alur, case_id, petugas, "SlaWarningRaised")
    # The same timer's breach, fired in a later pass, marks that no second warning came first.
    await advance_to(alur, step_2["due_at"])
    raised = await until_raised(alur, case_id, petugas, "SlaBreached")

    assert [e["type"] for e in raised][:2] == ["SlaWarningRaised", "SlaBreached"]
    assert [e["type"] for e in raised].count("SlaWarningRaised") == 1
    assert warning["actor"] == {"id": "sla", "role": "sistem"}
    assert (warning["step"], warning["next_step"]) == (None, "2")  # the case still waits at 2
    assert warning["payload"]["role"] == "petugas_pengaduan"
    assert datetime.fromisoformat(warning["payload"]["due_at"]) == step_2["due_at"]
    # Nobody was given the step: the officers holding its role are warned.
    assert ("SlaWarningRaised", "petugas@dinkes.test") in await eventually(
        lambda: _emailed(alur, case_id, petugas, 1)
    )


async def test_a_late_step_is_breached_and_escalated_to_its_officers_direct_superior(
    alur: Alur,
) -> None:
    kepala = await add_officer(
        alur, unique_name("Kabid Yankes"), "tim_pengelola_pengaduan", email="kabid@dinkes.test"
    )
    anggota = await add_officer(
        alur,
        unique_name("Anggota Tim"),
        "tim_pengelola_pengaduan",
        superior=kepala.name,
        email="anggota@dinkes.test",
    )
    petugas = await add_officer(alur, unique_name("Petugas"), "petugas_pengaduan")
    case_id = (await complaint(alur, category=None))["case_id"]
    async with alur.http() as client:
        await do(client, case_id, petugas, "register_complaint")
        await do(client, case_id, petugas, "review_complaint")
        await do(client, case_id, petugas, "forward_to_team", assignee=officer_id(anggota.name))
    step_5 = await timer(alur, case_id, step="5")  # the team's analysis: 3 Hari Kerja
    assert step_5["assignee"] == officer_id(anggota.name)
    assert step_5["duration_unit"] == "working_days"

    await advance_to(alur, step_5["due_at"])
    events = await until_raised(alur, case_id, petugas, "SlaBreached", "EscalationRaised")

    assert _step_events(events) == [("SlaBreached", "5"), ("EscalationRaised", "5")]
    escalation = next(e for e in events if e["type"] == "EscalationRaised")
    assert escalation["payload"]["escalated_to"] == officer_id(kepala.name)
    assert "Batas waktu" in escalation["payload"]["reason"]
    published = await published_types(alur, "complaint", case_id, 6)
    assert published[-2:] == ["SlaBreached", "EscalationRaised"]

    async def finished() -> bool:
        (row,) = [t for t in await timers(alur, case_id) if t["step"] == "5"]
        return (row["status"], row["stage"], row["next_fire_at"]) == ("fired", "escalated", None)

    await eventually(finished)
    assert await eventually(lambda: _emailed(alur, case_id, petugas, 2)) == {
        ("SlaBreached", "kabid@dinkes.test"),
        ("EscalationRaised", "kabid@dinkes.test"),
    }

    # The next step's warning, fired in a later pass, marks that step 5 fired nothing more.
    async with alur.http() as client:
        await do(client, case_id, anggota, "submit_draft")
    step_6 = await timer(alur, case_id, step="6")
    await advance_to(alur, step_6["warn_at"], extra_minutes=0.1)
    raised = await until_raised(alur, case_id, petugas, "SlaWarningRaised")
    assert _step_events(raised) == [
        ("SlaBreached", "5"),
        ("EscalationRaised", "5"),
        ("SlaWarningRaised", "6"),
    ]


async def test_pelayanan_prima_follow_up_escalates_to_the_head_of_office(alur: Alur) -> None:
    kepala = await add_officer(alur, unique_name("Kepala KKP"), "kepala_kantor")
    # The team leader's own superior is not who a late 3 x 24 Jam follow-up goes to.
    pengawas = await add_officer(alur, unique_name("Pengawas"), "petugas_layanan")
    ketua = await add_officer(
        alur, unique_name("Ketua Tim"), "ka_tim_kerja", superior=pengawas.name
    )
    layanan = await add_officer(
        alur, unique_name("Petugas"), "petugas_layanan", superior=ketua.name
    )
    async with alur.http() as client:
        case_id = (await open_case(client, kepala, await prima_sop(client)))["case_id"]
        await work(client, case_id, to_a_customer_complaint(ketua, layanan))
    step_7 = await timer(alur, case_id, step="7")
    assert step_7["due_at"] - step_7["started_at"] == timedelta(hours=72)  # 3 x 24 Jam
    # The customer's own answer (step 6) has no timer: nobody in the office can be late.
    assert [t["step"] for t in await timers(alur, case_id)] == ["2", "3", "4", "5", "7"]

    await advance_to(alur, step_7["due_at"])
    events = await until_raised(alur, case_id, kepala, "EscalationRaised")

    escalation = next(e for e in events if e["type"] == "EscalationRaised")
    assert escalation["payload"]["escalated_to"] == officer_id(kepala.name)


async def test_doing_the_step_cancels_its_timer(alur: Alur, petugas: Officer) -> None:
    case_id = (await complaint(alur))["case_id"]
    step_2 = await timer(alur, case_id, step="2")
    async with alur.http() as client:
        registered = await do(client, case_id, petugas, "register_complaint")
    step_3 = await timer(alur, case_id, step="3")
    assert step_3["warn_at"] > step_2["due_at"] + timedelta(minutes=1)

    # Past step 2's deadline to step 3's warning: the worker fires the earliest due timers
    # first, so the pass that warns of step 3 would have breached step 2 too.
    await advance_to(alur, step_3["warn_at"], extra_minutes=0.1)
    raised = await until_raised(alur, case_id, petugas, "SlaWarningRaised")

    assert _step_events(raised) == [("SlaWarningRaised", "3")]
    (done,) = [t for t in await timers(alur, case_id) if t["step"] == "2"]
    assert done["status"] == "done"
    registered_id = next(
        e["event_id"] for e in registered["events"] if e["type"] == "ComplaintRegistered"
    )
    assert str(done["completed_event_id"]) == registered_id
