"""An officer stops a step's clock with a reason and starts it again; the deadline moves by
exactly the working time the clock stood still, through HTTP, Kafka and the real SLA worker
on a simulated clock.

The module runs its own sandbox: it moves the (simulated) clock forward.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from office import load_office
from office.calendar import WorkingCalendar
from sop.duration import Duration
from tests.conftest import Alur, eventually
from tests.support import sandbox
from tests.support.casework import Officer, add_officer, case
from tests.test_complaint_to_register import COMPLAINT

CLOCK_ENV = {"ALUR_CLOCK": "simulated", "ALUR_SLA_POLL_SECONDS": "0.2"}
QUIET_SECONDS = 1.5  # several polling passes of the SLA worker
WAITING = "menunggu kelengkapan berkas (fotokopi KTP) dari pelapor"
TWO_WORKING_DAYS = Duration(value=2, unit="working_days")


@pytest.fixture(scope="module")
def alur() -> Iterator[Alur]:
    system = sandbox.start("suspension", CLOCK_ENV)
    try:
        yield system
    finally:
        sandbox.stop(system)


@pytest.fixture(scope="module")
def petugas(alur: Alur) -> Officer:
    return asyncio.run(add_officer(alur, "Siti Penjeda", "petugas_pengaduan"))


# -- helpers, shared with the other clock tests ------------------------------------------------


def office_calendar() -> WorkingCalendar:
    """The sandbox's office calendar (the shipped configuration, no closures)."""
    return WorkingCalendar.of(load_office())


async def complaint(alur: Alur, **changes: Any) -> dict[str, Any]:
    async with alur.http() as client:
        response = await client.post("/api/complaints", json={**COMPLAINT, **changes})
    assert response.status_code == 201, response.text
    return response.json()


async def timers(alur: Alur, case_id: str, kind: str = "step") -> list[dict[str, Any]]:
    rows = await alur.sql(
        "SELECT * FROM sla_timers WHERE case_id = $1 AND kind = $2 ORDER BY started_position",
        uuid.UUID(case_id),
        kind,
    )
    return [dict(r) for r in rows]


async def timer(alur: Alur, case_id: str, kind: str = "step", step: str | None = None) -> dict:
    async def started() -> dict[str, Any] | None:
        found = [t for t in await timers(alur, case_id, kind) if step in (None, t["step"])]
        return found[-1] if found else None

    return await eventually(started)


async def now(alur: Alur) -> datetime:
    async with alur.http() as client:
        return datetime.fromisoformat((await client.get("/api/clock")).json()["now"])


async def advance_to(alur: Alur, moment: datetime, extra_minutes: float = 1.0) -> None:
    """Move the simulated clock to `extra_minutes` after `moment` (never backwards)."""
    minutes = max((moment - await now(alur)).total_seconds() / 60, 0) + extra_minutes
    async with alur.http() as client:
        response = await client.post("/api/clock/advance", json={"minutes": minutes})
    assert response.status_code == 200, response.text


async def history(alur: Alur, case_id: str, officer: Officer) -> list[dict[str, Any]]:
    async with alur.http() as client:
        return (await case(client, case_id, officer))["history"]


async def events_of(
    alur: Alur, case_id: str, officer: Officer, event_type: str, count: int = 1
) -> list[dict[str, Any]]:
    """The case's events of `event_type`, once there are `count` of them."""

    async def recorded() -> list[dict[str, Any]] | None:
        found = [e for e in await history(alur, case_id, officer) if e["type"] == event_type]
        return found if len(found) >= count else None

    return await eventually(recorded)


async def act(
    alur: Alur, case_id: str, officer: Officer, action: str, **fields: Any
) -> tuple[int, dict[str, Any]]:
    async with alur.http() as client:
        response = await client.post(
            f"/api/cases/{case_id}/actions",
            json={"action": action, **fields},
            headers=officer.headers,
        )
    return response.status_code, response.json()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


# -- tests ---------------------------------------------------------------------------------


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
    # Two working days pass, the old deadline among them: no breach while the clock stands.
    await advance_to(alur, calendar.deadline(suspended_at, TWO_WORKING_DAYS), extra_minutes=0)
    await asyncio.sleep(QUIET_SECONDS)
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
    assert changed["payload"]["reason"] == f"waktu dihentikan sementara: {WAITING}"
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
