"""Read models built from the events: the guest book, the archive with its retention dates,
case timelines, time in step per officer and unit, and SLA compliance per SOP step.

Cases are worked over HTTP by officers created with `alur users add`; the read models are read
through their JSON endpoints (and `step_times` with SQL, as the dashboard reads it).
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from office.calendar import WorkingCalendar
from office.config import load_office
from sop.duration import Duration
from tests.conftest import Alur, eventually
from tests.support.casework import Officer, add_officer, do, published_types, sop_id
from tests.test_complaint_to_register import COMPLAINT

WIB = ZoneInfo("Asia/Jakarta")


def _name(role: str) -> str:
    return f"{role.replace('_', ' ').title()} {uuid.uuid4().hex[:6]}"


@dataclass(frozen=True)
class Worked:
    """The cases a script worked, and who worked them."""

    closed_complaint: str
    open_complaint: str
    visit: str
    service: str
    petugas: Officer
    petugas_unit: str


async def work_cases(alur: Alur) -> Worked:
    """A complaint through its whole SOP, one left at step 5, a visit, a service complaint."""
    unit = f"Seksi Uji {uuid.uuid4().hex[:6]}"
    # Officers are added side by side (each is an `alur users add`), superiors first.
    petugas, tim, kadis, satpam, resepsionis, layanan, kepala = await asyncio.gather(
        add_officer(alur, _name("petugas"), "petugas_pengaduan", unit=unit),
        add_officer(alur, _name("tim"), "tim_pengelola_pengaduan"),
        add_officer(alur, _name("kadis"), "kepala_dinas"),
        add_officer(alur, _name("satpam"), "satpam"),
        add_officer(alur, _name("resepsionis"), "resepsionis"),
        add_officer(alur, _name("petugas layanan"), "petugas_layanan"),
        add_officer(alur, _name("kepala kantor"), "kepala_kantor"),
    )
    ketua = await add_officer(alur, _name("ketua tim"), "ka_tim_kerja", superior=kepala.name)
    pelaksana = await add_officer(alur, _name("pelaksana"), "petugas_layanan", superior=ketua.name)
    async with alur.http() as client:
        complaints = []
        for _ in range(2):
            response = await client.post("/api/complaints", json=COMPLAINT)
            assert response.status_code == 201, response.text
            case_id = response.json()["case_id"]
            complaints.append(case_id)
            await do(client, case_id, petugas, "register_complaint")
            await do(client, case_id, petugas, "review_complaint")
            await do(client, case_id, petugas, "forward_to_team")
        closed = complaints[0]
        await do(client, closed, tim, "submit_draft")
        await do(client, closed, kadis, "review_draft", decision="setuju")
        await do(client, closed, kadis, "forward_approved_draft")
        await do(client, closed, tim, "forward_response")
        await do(client, closed, petugas, "deliver_response")
        await do(client, closed, petugas, "archive")

        visit_sop = await sop_id(client, "Pelayanan Publik Satu Pintu", "Musi Banyuasin")
        response = await client.post(
            "/api/cases",
            json={"sop": visit_sop, "data": {"tujuan": "Seksi Farmasi"}},
            headers=satpam.headers,
        )
        assert response.status_code == 201, response.text
        visit = response.json()["case_id"]
        await do(client, visit, resepsionis, "greet_visitor")
        await do(
            client,
            visit,
            resepsionis,
            "register_guest_book",
            data={
                "nama": "Budi Santoso",
                "instansi": "Apotek Sehat",
                "keperluan": "Izin apotek",
                "telepon": "0812 1111 2222",
            },
        )
        for action, officer in (
            ("ask_to_wait", resepsionis),
            ("contact_section", resepsionis),
            ("verify_documents", layanan),
            ("submit_survey", layanan),
            ("escort_out", satpam),
        ):
            await do(client, visit, officer, action)

        prima = await sop_id(client, "Pelayanan Prima", "Palembang")
        response = await client.post(
            "/api/cases", json={"sop": prima, "data": {}}, headers=kepala.headers
        )
        assert response.status_code == 201, response.text
        service = response.json()["case_id"]
        await do(client, service, ketua, "instruct_service_staff")
        await do(client, service, pelaksana, "prepare_service")
        await do(client, service, pelaksana, "deliver_service")
        await do(client, service, pelaksana, "give_service_information")
        await do(client, service, pelaksana, "record_customer_response", decision="keluhan")
        await do(client, service, ketua, "follow_up_complaint")
        await do(client, service, ketua, "report_complaint_to_head")
    return Worked(closed, complaints[1], visit, service, petugas, unit)


_WORKED: dict[str, Worked] = {}


async def worked_once(alur: Alur) -> Worked:
    """The scripted cases, worked once per sandbox and shared by this module's tests."""
    if alur.namespace not in _WORKED:
        _WORKED[alur.namespace] = await work_cases(alur)
    return _WORKED[alur.namespace]


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


async def test_a_visit_is_written_in_the_guest_book_with_what_the_guest_wrote(alur: Alur) -> None:
    worked = await worked_once(alur)
    row = await _when(
        alur,
        worked.petugas,
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
    rows = await _get(alur, worked.petugas, "/api/guest-book", limit="1000")
    assert worked.closed_complaint not in {r["case_id"] for r in rows}


async def test_a_closed_case_enters_the_archive_with_the_office_retention_schedule(
    alur: Alur,
) -> None:
    worked = await worked_once(alur)
    row = await _when(
        alur, worked.petugas, "/api/archive", lambda r: r["case_id"] == worked.closed_complaint
    )
    assert row["case_type"] == "complaint"
    assert row["reference"].startswith("ADU-")
    assert row["record_type"] == "Berkas pengaduan masyarakat"
    closed_on = datetime.fromisoformat(row["closed_at"]).astimezone(WIB).date()
    assert date.fromisoformat(row["active_until"]) == closed_on.replace(year=closed_on.year + 2)
    assert date.fromisoformat(row["inactive_until"]) == closed_on.replace(year=closed_on.year + 5)
    assert row["final_disposition"] == "nilai kembali"
    visit = await _when(
        alur, worked.petugas, "/api/archive", lambda r: r["case_id"] == worked.visit
    )
    assert visit["reference"] == "Budi Santoso"
    service = await _when(
        alur, worked.petugas, "/api/archive", lambda r: r["case_id"] == worked.service
    )
    assert service["case_type"] == "service"
    archived = await _get(alur, worked.petugas, "/api/archive", limit="1000")
    assert worked.open_complaint not in {r["case_id"] for r in archived}


async def test_every_event_of_a_case_is_on_its_timeline_in_order(alur: Alur) -> None:
    worked = await worked_once(alur)
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


async def test_each_started_step_has_its_deadline_and_who_completed_it(alur: Alur) -> None:
    worked = await worked_once(alur)

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
    alur: Alur,
) -> None:
    worked = await worked_once(alur)
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
    officer = await add_officer(alur, _name("petugas"), "petugas_pengaduan")
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
