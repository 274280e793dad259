"""Officers act on cases over HTTP: refusals say why and record nothing; one of two wins."""

from __future__ import annotations

import asyncio
import uuid

from tests.support.casework import Officer, add_officer, alur_cli, case, unique_name
from tests.support.sandbox import Alur
from tests.support.seed_cases import COMPLAINT, complaint


async def _events(alur: Alur, case_id: str) -> int:
    rows = await alur.sql(
        "SELECT count(*) AS n FROM casestore_events WHERE originator_id = $1", uuid.UUID(case_id)
    )
    return rows[0]["n"]


async def _new_complaint(alur: Alur) -> str:
    return (await complaint(alur))["case_id"]


async def _petugas(alur: Alur) -> Officer:
    return await add_officer(alur, unique_name("Petugas"), "petugas_pengaduan")


async def test_an_action_without_a_valid_token_is_refused_with_401(alur: Alur) -> None:
    case_id = await _new_complaint(alur)
    async with alur.http() as client:
        for headers in ({}, {"Authorization": "Bearer not-a-token"}):
            response = await client.post(
                f"/api/cases/{case_id}/actions",
                json={"action": "register_complaint", "documents": ["Berkas"]},
                headers=headers,
            )
            assert response.status_code == 401, response.text
            assert response.json()["error"] == "unauthorized"
    assert await _events(alur, case_id) == 1


async def test_refused_actions_say_why_and_record_nothing(alur: Alur) -> None:
    case_id = await _new_complaint(alur)
    petugas = await _petugas(alur)
    kadis = await add_officer(alur, f"Kadis {uuid.uuid4().hex[:6]}", "kepala_dinas")
    url = f"/api/cases/{case_id}/actions"
    async with alur.http() as client:
        wrong_role = await client.post(
            url,
            json={"action": "register_complaint", "documents": ["Berkas"]},
            headers=kadis.headers,
        )
        assert wrong_role.status_code == 403, wrong_role.text
        assert wrong_role.json()["error"] == "wrong_role"

        too_early = await client.post(
            url, json={"action": "review_draft", "decision": "setuju"}, headers=kadis.headers
        )
        assert too_early.status_code == 409, too_early.text
        assert too_early.json()["error"] == "not_allowed_now"

        no_documents = await client.post(
            url, json={"action": "register_complaint"}, headers=petugas.headers
        )
        assert no_documents.status_code == 422, no_documents.text
        assert no_documents.json()["field"] == "documents"
        assert "Berkas" in no_documents.json()["message"]

        no_action = await client.post(url, json={"documents": []}, headers=petugas.headers)
        assert no_action.status_code == 422
        assert no_action.json()["field"] == "action"

        not_json = await client.post(url, content=b"{", headers=petugas.headers)
        assert not_json.status_code == 422
        assert not_json.json()["field"] == "body"

        unknown = await client.post(url, json={"action": "teleport"}, headers=petugas.headers)
        assert unknown.status_code == 422
        assert unknown.json()["field"] == "action"
    assert await _events(alur, case_id) == 1


async def test_two_officers_acting_on_the_same_step_at_once_one_wins(alur: Alur) -> None:
    first, second = await _petugas(alur), await _petugas(alur)
    for _ in range(3):  # several rounds: the race must be decided the same way every time
        case_id = await _new_complaint(alur)
        async with alur.http() as client:
            body = {"action": "register_complaint", "documents": ["Berkas"]}
            responses = await asyncio.gather(
                *(
                    client.post(f"/api/cases/{case_id}/actions", json=body, headers=o.headers)
                    for o in (first, second, first, second)
                )
            )
            statuses = sorted(r.status_code for r in responses)
            assert statuses == [200, 409, 409, 409], [r.text for r in responses]
            view = await case(client, case_id, first)
        assert [h["type"] for h in view["history"]] == ["ComplaintReceived", "ComplaintRegistered"]


async def test_a_retried_request_with_the_same_idempotency_key_records_once(alur: Alur) -> None:
    case_id = await _new_complaint(alur)
    petugas = await _petugas(alur)
    async with alur.http() as client:
        headers = {**petugas.headers, "Idempotency-Key": f"retry-{uuid.uuid4()}"}
        body = {"action": "register_complaint", "documents": ["Berkas"]}
        first = await client.post(f"/api/cases/{case_id}/actions", json=body, headers=headers)
        again = await client.post(f"/api/cases/{case_id}/actions", json=body, headers=headers)
        reused = await client.post(
            f"/api/cases/{case_id}/actions",
            json={"action": "review_complaint", "documents": ["Berkas Pengaduan"]},
            headers=headers,
        )
    assert first.status_code == again.status_code == 200, again.text
    assert first.json()["events"] == again.json()["events"]
    assert (reused.status_code, reused.json()["field"]) == (422, "Idempotency-Key")
    assert await _events(alur, case_id) == 2


async def test_a_case_shows_its_current_step_and_who_may_act(alur: Alur) -> None:
    case_id = await _new_complaint(alur)
    petugas = await _petugas(alur)
    async with alur.http() as client:
        view = await case(client, case_id, petugas)
        public = await client.get(f"/api/cases/{case_id}")
        missing = await client.get(f"/api/cases/{uuid.uuid4()}", headers=petugas.headers)
    assert view["sop_version"] == 1
    assert view["current_steps"][0]["number"] == 2
    assert view["allowed_actions"] == [
        {
            "action": "register_complaint",
            "step": 2,
            "role": "petugas_pengaduan",
            "activity": view["current_steps"][0]["activity"],
            "documents_required": ["Berkas"],
        },
        {  # the step has a time standard: its clock may be stopped (sop/suspension.py)
            "action": "suspend_clock",
            "step": 2,
            "role": "petugas_pengaduan",
            "activity": "Hentikan sementara waktu layanan langkah ini (wajib menyebut alasan)",
            "documents_required": [],
        },
    ]
    assert view["history"][0]["payload"]["subject"] == COMPLAINT["subject"]
    assert public.status_code == 401  # a case is for officers in its scope only
    assert missing.status_code == 404


async def test_an_officer_needs_a_role_the_sops_name(alur: Alur) -> None:
    done = alur_cli(alur, "users", "add", "Ahmad Unknown", "--role", "penyihir")
    assert done.returncode == 1
    assert "penyihir" in done.stderr and "petugas_pengaduan" in done.stderr
    public = alur_cli(alur, "users", "add", "Ahmad Publik", "--role", "pelapor")
    assert public.returncode == 1
    no_superior = alur_cli(
        alur, "users", "add", "Ahmad Sendiri", "--role", "satpam", "--superior", "Nobody Here"
    )
    assert no_superior.returncode == 1
    assert "Nobody Here" in no_superior.stderr


async def test_an_officer_may_hold_several_roles(alur: Alur) -> None:
    name = f"Rangkap {uuid.uuid4().hex[:6]}"
    done = alur_cli(
        alur,
        "users",
        "add",
        name,
        "--role",
        "satpam",
        "--role",
        "resepsionis",
        "--unit",
        "Sekretariat",
    )
    assert done.returncode == 0, done.stderr
    assert "resepsionis, satpam" in done.stdout
    token = done.stdout.strip().splitlines()[-1]
    async with alur.http() as client:
        sops = (await client.get("/api/sops")).json()
        visit = next(s["id"] for s in sops if s["case_type"] == "visit")
        opened = await client.post(
            "/api/cases",
            json={"sop": visit, "data": {}},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert opened.status_code == 201, opened.text
        greeted = await client.post(
            f"/api/cases/{opened.json()['case_id']}/actions",
            json={"action": "greet_visitor"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert greeted.status_code == 200, greeted.text


async def test_opening_a_case_is_refused_clearly_and_records_nothing(alur: Alur) -> None:
    petugas = await _petugas(alur)
    satpam = await add_officer(alur, f"Satpam {uuid.uuid4().hex[:6]}", "satpam")
    before = (await alur.sql("SELECT count(*) AS n FROM casestore_events"))[0]["n"]
    async with alur.http() as client:
        sops = {s["case_type"]: s["id"] for s in (await client.get("/api/sops")).json()}
        no_token = await client.post("/api/cases", json={"sop": sops["visit"], "data": {}})
        unknown = await client.post(
            "/api/cases", json={"sop": "sop-yang-tidak-ada", "data": {}}, headers=satpam.headers
        )
        wrong_role = await client.post(
            "/api/cases", json={"sop": sops["visit"], "data": {}}, headers=petugas.headers
        )
        bad_letter = await client.post(
            "/api/cases",
            json={"sop": sops["complaint"], "data": {**COMPLAINT, "subject": ""}},
            headers=petugas.headers,
        )
    assert no_token.status_code == 401
    assert (unknown.status_code, unknown.json()["field"]) == (422, "sop")
    assert wrong_role.status_code == 403, wrong_role.text
    assert "Satpam" in wrong_role.json()["message"]
    assert (bad_letter.status_code, bad_letter.json()["field"]) == (422, "data.subject")
    after = (await alur.sql("SELECT count(*) AS n FROM casestore_events"))[0]["n"]
    assert after == before


async def test_the_loaded_sops_list_their_steps_roles_and_time_standards(alur: Alur) -> None:
    async with alur.http() as client:
        sops = (await client.get("/api/sops")).json()
    by_name = {(s["name"], s["unit"]): s for s in sops}
    assert len(by_name) == 4
    muba = next(s for s in sops if s["id"] == "pengaduan-masyarakat-dinkes-muba")
    step_5 = muba["steps"][4]
    assert step_5["roles"] == ["tim_pengelola_pengaduan"]
    assert step_5["duration"] == {"value": 3, "unit": "working_days"}
    assert step_5["documents"] == ["Surat Tugas", "Berkas Pengaduan", "Laporan Hasil Analisa"]
    assert muba["steps"][5]["kind"] == "decision"
    assert {"number", "activity", "roles", "kind", "documents", "duration", "output"} <= set(step_5)
