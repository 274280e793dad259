"""When the office adds a closure, open deadlines are recomputed on the new calendar and each
moved deadline is recorded on its case with the closure's reason.

The module runs its own sandbox: the closure it adds changes the office calendar for every
case in the database.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, datetime, timedelta

import pytest

from office import load_office
from office.calendar import Closure, WorkingCalendar
from sop.duration import Duration
from tests.support.casework import Officer, alur_cli, events_of, work
from tests.support.office_calendars import at
from tests.support.sandbox import Alur
from tests.support.seed_cases import complaint, to_the_team
from tests.support.timers import CLOCK_ENV, timer
from tests.support.waiting import eventually

pytestmark = pytest.mark.sandbox("calendar", env=CLOCK_ENV)

FLOOD = "Banjir di kantor Dinas Kesehatan"
THREE_WORKING_DAYS = Duration(value=3, unit="working_days")


async def _at_team_analysis(alur: Alur, petugas: Officer) -> str:
    """A complaint forwarded to the team: it waits at step 5, "3 Hari Kerja"."""
    case_id = (await complaint(alur))["case_id"]
    async with alur.http() as client:
        await work(client, case_id, to_the_team(petugas))
    return case_id


def _first_working_day_after(calendar: WorkingCalendar, moment: datetime) -> date:
    day = moment.astimezone(calendar.time_zone).date() + timedelta(days=1)
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


async def test_a_closure_moves_an_open_deadline_by_a_day_and_says_why(
    alur: Alur, petugas: Officer
) -> None:
    case_id = await _at_team_analysis(alur, petugas)
    before = await timer(alur, case_id, step="5")
    office = load_office()
    calendar = WorkingCalendar.of(office)
    assert before["due_at"] == calendar.deadline(before["started_at"], THREE_WORKING_DAYS)

    closed = _first_working_day_after(calendar, before["started_at"])
    assert closed < before["due_at"].astimezone(calendar.time_zone).date()
    done = await asyncio.to_thread(
        alur_cli, alur, "calendar", "close", "--date", closed.isoformat(), "--reason", FLOOD
    )
    assert done.returncode == 0, done.stderr

    (changed,) = await events_of(alur, case_id, petugas, "SlaDeadlineChanged")
    closed_calendar = WorkingCalendar.of(office, [Closure(closed, closed, FLOOD)])
    expected = closed_calendar.deadline(before["started_at"], THREE_WORKING_DAYS)
    assert at(changed["payload"]["previous_due_at"]) == before["due_at"]
    assert at(changed["payload"]["due_at"]) == expected
    # One working day later: the closed day no longer counts.
    old_day = before["due_at"].astimezone(calendar.time_zone)
    assert expected.date() == _first_working_day_after(closed_calendar, old_day)
    assert FLOOD in changed["payload"]["reason"]
    assert changed["payload"]["step"] == "5" and changed["next_step"] == "5"
    after = await timer(alur, case_id, step="5")
    assert (after["due_at"], after["status"]) == (expected, "open")

    rows = await alur.sql("SELECT reason FROM calendar_changes ORDER BY id")
    assert rows[0]["reason"] == "Kalender awal kantor"
    assert FLOOD in rows[-1]["reason"]


async def test_a_deadline_the_closure_does_not_touch_stays_and_records_nothing(
    alur: Alur, petugas: Officer
) -> None:
    """A second closure far after every open deadline changes the calendar, not the cases."""
    case_id = await _at_team_analysis(alur, petugas)
    before = await timer(alur, case_id, step="5")
    far = before["due_at"].date() + timedelta(days=60)
    done = await asyncio.to_thread(
        alur_cli, alur, "calendar", "close", "--date", far.isoformat(), "--reason", "HUT Kabupaten"
    )
    assert done.returncode == 0, done.stderr

    async def recorded() -> dict | None:
        rows = await alur.sql("SELECT * FROM calendar_changes ORDER BY id DESC LIMIT 1")
        return dict(rows[0]) if "HUT Kabupaten" in rows[0]["reason"] else None

    # The pass that records a change moves the deadlines it moves in the same transaction: the
    # recorded change is the marker that every move it made is there too.
    change = await eventually(recorded)
    assert change["timers_moved"] == 0
    after = await timer(alur, case_id, step="5")
    assert after["due_at"] == before["due_at"]
    moved = await alur.sql(
        "SELECT count(*) AS n FROM sla_deadline_changes WHERE case_id = $1", uuid.UUID(case_id)
    )
    assert moved[0]["n"] == 0
