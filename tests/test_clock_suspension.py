"""An officer stops a step's clock with a reason and starts it again; the deadline moves by
exactly the working time the clock stood still, through HTTP, Kafka and the real SLA worker
on a simulated clock.

The module runs its own sandbox: it moves the (simulated) clock forward.
"""

from __future__ import annotations

from datetime import timedelta

from sop.duration import Duration
from tests.support.casework import Officer, act, add_officer, events_of, history
from tests.support.office_calendars import at, office_calendar
from tests.support.sandbox import Alur
from tests.support.seed_cases import complaint
from tests.support.timers import a_later_deadline_fired, advance_to, clock_sandbox, timer
from tests.support.waiting import eventually

pytestmark = clock_sandbox("suspension")

WAITING = "menunggu kelengkapan berkas (fotokopi KTP) dari pelapor"
TWO_WORKING_DAYS = Duration(value=2, unit="working_days")


async def test_a_suspended_clock_moves_the_deadline_by_the_working_time_it_stood_still(
    alur: Alur, petugas: Officer
) -> None:
    case_id = (await complaint(alur))["case_id"]
    first = await timer(alur, case_id, step="2")  # register the complaint: 10 Menit
    old_due = first["due_at"]

    status, body = await act(alur, case_id, petugas, "suspend_clock", note=WAITING)
    assert status == 200, body
    (suspended,) = body["events"]
    assert suspended["type"] == "ClockSuspended"
    assert suspended["payload"] == {"step": "2", "reason": WAITING}
    assert [a["action"] for a in body["allowed_actions"]] == ["register_complaint", "resume_clock"]

    async def stopped() -> bool:
        return (await timer(alur, case_id, step="2"))["status"] == "suspended"

    await eventually(stopped)
    calendar = office_calendar()
    suspended_at = at(suspended["occurred_at"])
    # Two working days pass, the old deadline among them: no breach while the clock stands
    # (the worker has breached a later deadline meanwhile).
    await advance_to(alur, calendar.deadline(suspended_at, TWO_WORKING_DAYS), extra_minutes=0)
    await a_later_deadline_fired(alur, petugas)
    assert [e["type"] for e in await history(alur, case_id, petugas)] == [
        "ComplaintReceived",
        "ClockSuspended",
    ]

    status, body = await act(alur, case_id, petugas, "resume_clock")
    assert status == 200, body
    resumed_at = at(body["events"][0]["occurred_at"])
    (changed,) = await events_of(alur, case_id, petugas, "SlaDeadlineChanged")

    duration = Duration(value=10, unit="minutes")
    stood_still = calendar.counted(suspended_at, resumed_at, duration)
    assert stood_still >= timedelta(hours=14)  # two working days of office time
    new_due = calendar.extend(old_due, stood_still, duration)
    assert at(changed["payload"]["previous_due_at"]) == old_due
    assert at(changed["payload"]["due_at"]) == new_due
    assert calendar.counted(old_due, new_due, duration) == stood_still
    assert changed["payload"]["reason"] == "waktu layanan dihentikan sementara oleh petugas"
    assert changed["actor"] == {"id": "sla", "role": "sistem"}
    assert changed["next_step"] == "2"  # the case still waits at the same step
    moved = await timer(alur, case_id, step="2")
    assert (moved["status"], moved["due_at"], moved["suspended_total"]) == (
        "open",
        new_due,
        stood_still,
    )

    # The clock runs again: the new deadline is the one that breaches.
    await advance_to(alur, new_due)
    (breach,) = await events_of(alur, case_id, petugas, "SlaBreached")
    assert at(breach["payload"]["due_at"]) == new_due


async def test_suspending_needs_a_reason_once_and_the_steps_role(
    alur: Alur, petugas: Officer
) -> None:
    kadin = await add_officer(alur, "dr. Kadin Jeda", "kepala_dinas")
    case_id = (await complaint(alur))["case_id"]

    no_reason = await act(alur, case_id, petugas, "suspend_clock", note="  ")
    wrong_role = await act(alur, case_id, kadin, "suspend_clock", note=WAITING)
    not_suspended = await act(alur, case_id, petugas, "resume_clock")
    first = await act(alur, case_id, petugas, "suspend_clock", note=WAITING)
    twice = await act(alur, case_id, petugas, "suspend_clock", note=WAITING)

    assert (no_reason[0], no_reason[1]["field"]) == (422, "note")
    assert wrong_role[0] == 403
    assert not_suspended[0] == 409
    assert first[0] == 200
    assert twice[0] == 409
    assert all(r[1]["message"] for r in (no_reason, wrong_role, not_suspended, twice))
    types = [e["type"] for e in await history(alur, case_id, petugas)]
    assert types == ["ComplaintReceived", "ClockSuspended"]  # refusals recorded nothing


async def test_the_step_may_be_done_while_its_clock_stands_still(
    alur: Alur, petugas: Officer
) -> None:
    case_id = (await complaint(alur))["case_id"]
    await timer(alur, case_id, step="2")
    assert (await act(alur, case_id, petugas, "suspend_clock", note=WAITING))[0] == 200
    status, body = await act(alur, case_id, petugas, "register_complaint", documents=["Berkas"])
    assert status == 200, body
    # The step is done: its timer ends; the next step's clock runs and may be stopped.
    assert "suspend_clock" in [a["action"] for a in body["allowed_actions"]]

    async def ended() -> bool:
        return (await timer(alur, case_id, step="2"))["status"] == "done"

    await eventually(ended)
    assert (await timer(alur, case_id, step="3"))["status"] == "open"
