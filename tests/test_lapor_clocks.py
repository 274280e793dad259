"""A complaint that came through SP4N-LAPOR! runs the national clocks next to its SOP steps':
verification within 3 working days, the follow-up within 5, and the report closes by itself
10 working days after the follow-up unless the reporter replies — through HTTP, Kafka and the
real SLA worker on a simulated clock.

The module runs its own sandbox: it moves the (simulated) clock forward.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from sop.duration import Duration
from tests.support.casework import events_of, history, work
from tests.support.office_calendars import at, office_calendar
from tests.support.sandbox import Alur
from tests.support.seed_cases import ComplaintOffice, complaint, complaint_office, to_the_team
from tests.support.timers import a_later_deadline_fired, advance_to, clock_sandbox, timer, timers
from tests.support.waiting import eventually

pytestmark = clock_sandbox("lapor")

LAPOR = {"channel": "lapor"}


@pytest.fixture(scope="module")
def office(alur: Alur) -> ComplaintOffice:
    return asyncio.run(complaint_office(alur))


async def _followed_up(alur: Alur, office: ComplaintOffice) -> dict[str, Any]:
    """A LAPOR! complaint worked through its SOP up to the response delivered (step 9)."""
    receipt = await complaint(alur, **LAPOR)
    async with alur.http() as client:
        await work(client, receipt["case_id"], [*office.to_the_team(), *office.to_the_reporter()])
    return receipt


async def test_a_lapor_complaint_breaches_verification_after_3_working_days_then_gets_follow_up(
    alur: Alur, office: ComplaintOffice
) -> None:
    web_case = (await complaint(alur))["case_id"]
    case_id = (await complaint(alur, **LAPOR))["case_id"]
    verification = await timer(alur, case_id, "lapor_verification")
    calendar = office_calendar()
    three = Duration(value=3, unit="working_days")
    assert verification["due_at"] == calendar.deadline(verification["started_at"], three)
    assert "verifikasi" in verification["activity"]

    await advance_to(alur, verification["due_at"])

    async def lapor_breach() -> list[dict[str, Any]]:
        breaches = await events_of(alur, case_id, office.petugas, "SlaBreached")
        return [b for b in breaches if "SP4N-LAPOR!" in b["payload"]["activity"]]

    (breach,) = await eventually(lapor_breach)
    assert at(breach["payload"]["due_at"]) == verification["due_at"]
    assert breach["next_step"] == "2"  # the clock does not move the case's step

    async with alur.http() as client:
        forwarded = await work(client, case_id, to_the_team(office.petugas))
    follow_up = await timer(alur, case_id, "lapor_follow_up")
    started = at(forwarded["events"][0]["occurred_at"])
    assert follow_up["started_at"] == started
    assert follow_up["due_at"] == calendar.deadline(started, Duration(value=5, unit="working_days"))
    assert (await timer(alur, case_id, "lapor_verification"))["status"] == "fired"  # breached
    assert await timers(alur, web_case, "lapor_verification") == []  # only LAPOR! complaints


async def test_a_report_closes_10_working_days_after_the_follow_up_without_a_reply(
    alur: Alur, office: ComplaintOffice
) -> None:
    case_id = (await _followed_up(alur, office))["case_id"]
    auto_close = await timer(alur, case_id, "lapor_auto_close")
    delivered = next(
        e for e in await history(alur, case_id, office.petugas) if e["type"] == "ResponseDelivered"
    )
    followed_up_at = at(delivered["occurred_at"])
    ten = Duration(value=10, unit="working_days")
    assert auto_close["due_at"] == office_calendar().deadline(followed_up_at, ten)
    assert (await timer(alur, case_id, "lapor_follow_up"))["status"] == "done"

    await advance_to(alur, auto_close["due_at"])
    (closed,) = await events_of(alur, case_id, office.petugas, "LaporReportClosed")
    assert at(closed["payload"]["followed_up_at"]) == followed_up_at
    assert "10 hari kerja" in closed["payload"]["reason"]
    assert closed["next_step"] == "closing"  # the office still archives the file
    await a_later_deadline_fired(alur, office.petugas)
    types = [e["type"] for e in await history(alur, case_id, office.petugas)]
    assert types.count("LaporReportClosed") == 1


async def test_a_reply_from_the_reporter_stops_the_auto_close_clock(
    alur: Alur, office: ComplaintOffice
) -> None:
    receipt = await _followed_up(alur, office)
    case_id, number = receipt["case_id"], receipt["tracking_number"]
    auto_close = await timer(alur, case_id, "lapor_auto_close")
    before = len(await history(alur, case_id, office.petugas))

    async with alur.http() as client:
        wrong_pin = await client.post(
            f"/api/track/{number}/reply", json={"pin": "000000x", "message": "Terima kasih"}
        )
        empty = await client.post(
            f"/api/track/{number}/reply", json={"pin": receipt["pin"], "message": "  "}
        )
        assert len(await history(alur, case_id, office.petugas)) == before  # nothing recorded
        replied = await client.post(
            f"/api/track/{number}/reply",
            json={"pin": receipt["pin"], "message": "Obatnya sudah tersedia, terima kasih."},
        )
    assert wrong_pin.status_code == 404
    assert (empty.status_code, empty.json()["field"]) == (422, "message")
    assert replied.status_code == 201, replied.text
    (reply,) = await events_of(alur, case_id, office.petugas, "ReporterReplied")
    assert reply["payload"] == {
        "message": "Obatnya sudah tersedia, terima kasih.",
        "channel": "web",
    }
    assert reply["actor"] == {"id": "public", "role": "pelapor"}

    async def stopped() -> bool:
        return (await timer(alur, case_id, "lapor_auto_close"))["status"] == "done"

    await eventually(stopped)
    await advance_to(alur, auto_close["due_at"])
    await a_later_deadline_fired(alur, office.petugas)
    types = [e["type"] for e in await history(alur, case_id, office.petugas)]
    assert "LaporReportClosed" not in types
