"""The four seed SOPs run end to end over HTTP, on the real PostgreSQL and Kafka.

Officers are created with `alur users add`; every action goes through
`POST /api/cases/{id}/actions` with the documents the case says it requires. Each step's event
must reach the case's Kafka topic, and complaints must show their current step in the register.
"""

from __future__ import annotations

from tests.support.casework import (
    add_officer,
    case,
    do,
    new_officers,
    open_case,
    published_types,
    sop_id,
    unique_name,
    work,
)
from tests.support.sandbox import Alur
from tests.support.seed_cases import (
    COMPLAINT,
    complaint_office,
    file_complaint,
    prima_sop,
    to_a_customer_complaint,
    to_the_survey,
    visit_sop,
)
from tests.support.waiting import eventually

# What each seed SOP's case publishes, in order: a complaint to Dinkes Muba, one to Dinkes
# Jambi (a draft returned once) and a visit.
MUBA_EVENTS = [
    "ComplaintReceived",
    "ComplaintRegistered",
    "ComplaintReviewed",
    "ComplaintForwardedToTeam",
    "DraftSubmitted",
    "DraftApproved",
    "ApprovedDraftForwarded",
    "ResponseForwardedToOfficer",
    "ResponseDelivered",
    "CaseArchived",
]
JAMBI_EVENTS = [
    "ComplaintReceived",
    "ComplaintRegistered",
    "DispositionGiven",
    "DispositionGiven",
    "FieldOfficerAssigned",
    "FieldInspectionReported",
    "DraftSubmitted",
    "DraftApproved",
    "DraftReturnedForCorrection",
    "DraftApproved",
    "DraftApproved",
    "ResponseSigned",
    "ResponseDelivered",
    "CaseArchived",
]
VISIT_EVENTS = [
    "VisitorArrived",
    "VisitorGreeted",
    "VisitorRegistered",
    "VisitorAskedToWait",
    "SectionContacted",
    "DocumentsVerified",
    "SurveySubmitted",
    "VisitorEscortedOut",
]


async def _register_row(alur: Alur, case_id: str) -> dict | None:
    return next((r for r in await alur.register() if r["case_id"] == case_id), None)


async def test_a_complaint_to_dinkes_muba_runs_from_receipt_to_archive(alur: Alur) -> None:
    office = await complaint_office(alur)
    async with alur.http() as client:
        case_id = (await file_complaint(client))["case_id"]

        view = await case(client, case_id, office.petugas)
        assert view["sop"] == "pengaduan-masyarakat-dinkes-muba"
        assert view["status"] == "open"
        assert [s["number"] for s in view["current_steps"]] == [2]

        await work(client, case_id, office.to_the_team())

        async def register_shows_step_5() -> bool:
            row = await _register_row(alur, case_id)
            return bool(row) and row["current_step"] == "5"

        await eventually(register_shows_step_5)
        row = await _register_row(alur, case_id)
        assert row["current_activity"].startswith("Tim melakukan analisa dan survei")
        step_5 = (await case(client, case_id, office.tim))["current_steps"][0]
        assert step_5["duration"] == {"value": 3, "unit": "working_days"}

        await work(client, case_id, office.to_the_reporter())
        done = await do(client, case_id, office.petugas, "archive")
        assert done["status"] == "closed"
        assert [e["type"] for e in done["events"]] == ["CaseArchived"]

    assert await published_types(alur, "complaint", case_id, len(MUBA_EVENTS)) == MUBA_EVENTS

    async def register_shows_closed() -> bool:
        row = await _register_row(alur, case_id)
        return bool(row) and row["closed"]

    await eventually(register_shows_closed)
    assert (await _register_row(alur, case_id))["status"] == "Berkas diarsipkan"


async def test_a_complaint_letter_to_dinkes_jambi_runs_the_disposition_chain(alur: Alur) -> None:
    tu = await add_officer(alur, unique_name("tata usaha"), "bagian_tata_usaha")
    opd = await add_officer(alur, unique_name("kepala opd"), "kepala_opd")
    kabid = await add_officer(alur, unique_name("kabid"), "kepala_bidang", superior=opd.name)
    kasi = await add_officer(alur, unique_name("kasi"), "kepala_seksi", superior=kabid.name)
    teknis = await add_officer(alur, unique_name("teknis"), "petugas_teknis", superior=kasi.name)
    async with alur.http() as client:
        jambi = await sop_id(client, "Penanganan Pengaduan Masyarakat", "Jambi")
        opened = await open_case(client, tu, jambi, {**COMPLAINT, "channel": "post"})
        assert opened["tracking_number"].startswith("ADU-")
        case_id = opened["case_id"]

        await do(client, case_id, tu, "register_complaint")
        await do(
            client,
            case_id,
            opd,
            "dispose_to_head_of_division",
            assignee=kabid.name,
            note="Mohon ditindaklanjuti bidang pelayanan kesehatan",
        )
        await do(client, case_id, kabid, "dispose_to_head_of_section", assignee=kasi.name)
        await do(client, case_id, kasi, "assign_field_officer", assignee=teknis.name)
        await do(client, case_id, teknis, "report_field_inspection")
        await do(client, case_id, teknis, "submit_draft")
        await do(client, case_id, kasi, "review_draft_as_head_of_section", decision="setuju")
        returned = await do(
            client,
            case_id,
            kabid,
            "review_draft_as_head_of_division",
            decision="tidak",
            note="Lampirkan foto lokasi",
        )
        assert [e["type"] for e in returned["events"]] == ["DraftReturnedForCorrection"]
        assert returned["current_steps"][0]["number"] == 8  # back to the section head
        await do(client, case_id, kasi, "review_draft_as_head_of_section", decision="setuju")
        await do(client, case_id, kabid, "review_draft_as_head_of_division", decision="setuju")
        signed = await do(client, case_id, opd, "sign_response", decision="setuju")
        assert [e["type"] for e in signed["events"]] == ["ResponseSigned"]
        await do(client, case_id, tu, "deliver_response")
        closed = await do(client, case_id, tu, "archive")
        assert closed["status"] == "closed"

    assert await published_types(alur, "complaint", case_id, len(JAMBI_EVENTS)) == JAMBI_EVENTS


async def test_a_visit_runs_from_arrival_to_the_survey_and_escort_out(alur: Alur) -> None:
    satpam, resepsionis, layanan = await new_officers(
        alur, "satpam", "resepsionis", "petugas_layanan"
    )
    guest = {"nama": "Budi", "instansi": "Apotek Sehat", "keperluan": "Izin apotek"}
    async with alur.http() as client:
        opened = await open_case(
            client, satpam, await visit_sop(client), {"tujuan": "Seksi Farmasi"}
        )
        case_id = opened["case_id"]
        await work(client, case_id, to_the_survey(resepsionis, layanan, guest))
        survey = await do(client, case_id, layanan, "submit_survey", data={"saran": "Bagus"})
        assert [e["type"] for e in survey["events"]] == ["SurveySubmitted"]
        done = await do(client, case_id, satpam, "escort_out")
        assert done["status"] == "closed"

    assert await published_types(alur, "visit", case_id, len(VISIT_EVENTS)) == VISIT_EVENTS


async def test_a_complaint_about_a_service_is_followed_up_by_the_direct_superior(
    alur: Alur,
) -> None:
    kepala = await add_officer(alur, unique_name("kepala kantor"), "kepala_kantor")
    ketua = await add_officer(alur, unique_name("ketua tim"), "ka_tim_kerja", superior=kepala.name)
    other_ketua = await add_officer(alur, unique_name("ketua tim lain"), "ka_tim_kerja")
    layanan = await add_officer(
        alur, unique_name("petugas"), "petugas_layanan", superior=ketua.name
    )
    async with alur.http() as client:
        case_id = (await open_case(client, kepala, await prima_sop(client)))["case_id"]
        complained = await work(
            client,
            case_id,
            to_a_customer_complaint(ketua, layanan, note="Pelanggan menunggu terlalu lama"),
        )
        step_7 = complained["current_steps"][0]
        assert step_7["duration"] == {"value": 72, "unit": "clock_hours"}

        view = await case(client, case_id, other_ketua)
        documents = view["allowed_actions"][0]["documents_required"]
        refused = await client.post(
            f"/api/cases/{case_id}/actions",
            json={"action": "follow_up_complaint", "documents": documents},
            headers=other_ketua.headers,
        )
        assert refused.status_code == 403, refused.text
        assert "atasan langsung" in refused.json()["message"]

        await do(client, case_id, ketua, "follow_up_complaint")
        done = await do(client, case_id, ketua, "report_complaint_to_head")
        assert done["status"] == "closed"

    types = await published_types(alur, "service", case_id, 8)
    assert types[-3:] == [
        "ServiceComplaintFiled",
        "ServiceComplaintFollowedUp",
        "ServiceComplaintReported",
    ]
