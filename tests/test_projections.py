"""Read models built from the events: the guest book, the archive with its retention dates,
case timelines, time in step per officer and unit, and SLA compliance per SOP step.

Cases are worked over HTTP by officers created with `alur users add`; the read models are read
through their JSON endpoints (and `step_times` with SQL, as the dashboard reads it).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from office.calendar import WorkingCalendar
from office.config import load_office
from sop.duration import Duration
from tests.support.casework import Officer, add_officer, published_types, unique_name
from tests.support.sandbox import Alur
from tests.support.seed_cases import Worked, work_cases
from tests.support.waiting import eventually

WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture(scope="module")
async def worked(alur: Alur) -> Worked:
    """The scripted cases, worked once and shared by this module's tests."""
    return await work_cases(alur)


def _auditor(alur: Alur) -> Officer:
    """Guest book and archive rows of every unit: the sandbox's auditor reads them all."""
    return Officer("Auditor", alur.auditor["Authorization"].removeprefix("Bearer "))


async def _get(alur: Alur, officer: Officer, path: str, **params: str) -> list | dict:
    async with alur.http() as client:
        response = await client.get(path, params=params, headers=officer.headers)
    assert response.status_code == 200, response.text
    return response.json()


async def _when(alur: Alur, officer: Officer, path: str, found, **params: str):
    """The first item of `path` for which `found` holds, once the projection has it."""

    async def check() -> dict | None:
        return next((r for r in await _get(alur, officer, path, **params) if found(r)), None)

    return await eventually(check)


async def test_a_visit_is_written_in_the_guest_book_with_what_the_guest_wrote(
    alur: Alur, worked: Worked
) -> None:
    row = await _when(
        alur,
        _auditor(alur),
        "/api/guest-book",
        lambda r: r["case_id"] == worked.visit and r["closed"],
    )
    assert row["visitor_name"] == "Budi Santoso"
    assert row["institution"] == "Apotek Sehat"
    assert row["purpose"] == "Izin apotek"
    assert row["meets"] == "Seksi Farmasi"
    assert row["phone"] == "0812 1111 2222"
    assert row["current_step"] is None
    assert datetime.fromisoformat(row["left_at"]) >= datetime.fromisoformat(row["arrived_at"])
    # A complaint is not a guest.
    rows = await _get(alur, _auditor(alur), "/api/guest-book", limit="1000")
    assert worked.closed_complaint not in {r["case_id"] for r in rows}


async def test_a_closed_case_enters_the_archive_with_the_office_retention_schedule(
    alur: Alur, worked: Worked
) -> None:
    row = await _when(
        alur, _auditor(alur), "/api/archive", lambda r: r["case_id"] == worked.closed_complaint
    )
    assert row["case_type"] == "complaint"
    assert row["reference"].startswith("ADU-")
    assert row["record_type"] == "Berkas pengaduan masyarakat"
    closed_on = datetime.fromisoformat(row["closed_at"]).astimezone(WIB).date()
    assert date.fromisoformat(row["active_until"]) == closed_on.replace(year=closed_on.year + 2)
    assert date.fromisoformat(row["inactive_until"]) == closed_on.replace(year=closed_on.year + 5)
    assert row["final_disposition"] == "nilai kembali"
    visit = await _when(
        alur, _auditor(alur), "/api/archive", lambda r: r["case_id"] == worked.visit
    )
    assert visit["reference"] == "Budi Santoso"
    service = await _when(
        alur, _auditor(alur), "/api/archive", lambda r: r["case_id"] == worked.service
    )
    assert service["case_type"] == "service"
    archived = await _get(alur, _auditor(alur), "/api/archive", limit="1000")
    assert worked.open_complaint not in {r["case_id"] for r in archived}


async def test_every_event_of_a_case_is_on_its_timeline_in_order(
    alur: Alur, worked: Worked
) -> None:
    types = await published_types(alur, "complaint", worked.closed_complaint, 10)

    async def whole() -> list | None:
        async with alur.http() as client:
            response = await client.get(
                f"/api/cases/{worked.closed_complaint}/timeline", headers=worked.petugas.headers
            )
        return (
            response.json() if response.status_code == 200 and len(response.json()) >= 10 else None
        )

    timeline = await eventually(whole)
    assert [e["type"] for e in timeline if e["type"] in types] == types
    first, last = timeline[0], timeline[-1]
    assert (first["label"], first["step"], first["next_step"]) == ("Pengaduan diterima", "1", "2")
    assert (last["label"], last["next_step"]) == ("Berkas diarsipkan", None)
    assert last["actor_id"] in worked.petugas.name.lower().replace(" ", "-")
    positions = [e["position"] for e in timeline]
    assert positions == sorted(positions)


async def test_each_started_step_has_its_deadline_and_who_completed_it(
    alur: Alur, worked: Worked
) -> None:

    async def rows() -> list | None:
        found = await alur.sql(
            "SELECT * FROM step_times WHERE case_id = $1 ORDER BY started_position",
            uuid.UUID(worked.closed_complaint),
        )
        return found if found and found[-1]["completed_at"] is not None else None

    steps = await eventually(rows)
    # Step 1 is done by the opening event itself; steps 2 … 9 and the closing were waited at.
    assert [r["step"] for r in steps] == [str(n) for n in range(2, 10)] + ["closing"]
    registered = steps[0]
    assert registered["performer_unit"] == worked.petugas_unit
    assert registered["activity"]
    team = next(r for r in steps if r["step"] == "5")
    calendar = WorkingCalendar.of(load_office())
    assert team["due_at"] == calendar.deadline(
        team["started_at"], Duration(value=3, unit="working_days")
    )
    assert team["on_time"] is True
    assert all(r["completed_position"] > r["started_position"] for r in steps)

    by_unit = await _get(alur, worked.petugas, "/api/time-in-step", by="unit")
    mine = next(r for r in by_unit if r["who"] == worked.petugas_unit)
    # Two complaints registered, reviewed, forwarded; one delivered and archived.
    assert mine["steps"] == 2 * 3 + 2
    assert mine["p50_seconds"] <= mine["p90_seconds"]


async def test_compliance_counts_open_steps_past_their_deadline_against_the_office(
    alur: Alur, worked: Worked
) -> None:
    sop = "pengaduan-masyarakat-dinkes-muba"

    async def open_at_step_5() -> bool:
        rows = await alur.sql(
            "SELECT 1 FROM step_times WHERE case_id = $1 AND step = '5' AND completed_at IS NULL",
            uuid.UUID(worked.open_complaint),
        )
        return bool(rows)

    await eventually(open_at_step_5)

    async def step_5(as_of: str) -> dict:
        report = await _get(alur, worked.petugas, "/api/sla/compliance", sop=sop, as_of=as_of)
        return next(s for s in report["steps"] if s["step"] == "5")

    before = await step_5("2000-01-01T00:00:00+07:00")
    later = await step_5("2100-01-01T00:00:00+07:00")
    assert before["open_overdue"] == 0
    assert later["open_overdue"] == later["open"] >= 1
    assert later["completed"] == before["completed"] >= 1
    assert later["percent_on_time"] == round(
        100 * later["on_time"] / (later["completed"] + later["open_overdue"]), 1
    )
    assert later["percent_on_time"] < before["percent_on_time"]


async def test_read_models_answer_officers_only_and_name_a_bad_field(alur: Alur) -> None:
    officer = await add_officer(alur, unique_name("petugas"), "petugas_pengaduan")
    async with alur.http() as client:
        for path in ("/api/guest-book", "/api/archive", "/api/sla/compliance"):
            response = await client.get(path)
            assert response.status_code == 401, path
        bad = await client.get(
            "/api/sla/compliance", params={"as_of": "kemarin"}, headers=officer.headers
        )
        assert bad.status_code == 422
        assert bad.json()["field"] == "as_of"
        by = await client.get("/api/time-in-step", params={"by": "kantor"}, headers=officer.headers)
        assert (by.status_code, by.json()["field"]) == (422, "by")
