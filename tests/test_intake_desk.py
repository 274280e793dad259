"""The intake desk `/meja` over HTTP against the live system: a complaint by post or the
complaint box (the officer recorded as who entered it, the reporter's number and PIN on the
answer page), a walk-in visitor written into the guest book, a case under any SOP."""

from __future__ import annotations

import hashlib
import re
import uuid

import httpx
import pytest

from tests.support.accounts import CSRF, browser
from tests.support.casework import Officer, add_officer, case, unique_name
from tests.support.sample_files import pdf
from tests.support.sandbox import Alur
from tests.support.seed_cases import prima_sop, visit_sop
from tests.support.waiting import eventually

LETTER = pdf("Surat pengaduan pelapor")

NUMBER = re.compile(r'id="tracking-number">([^<]+)<')
PIN = re.compile(r'id="pin">([^<]+)<')
ERROR = re.compile(r'class="error"[^>]*role="alert">([^<]+)<')


async def _desk(client: httpx.AsyncClient, officer: Officer, path: str = "/meja") -> str:
    page = await client.get(path, headers=officer.headers)
    assert page.status_code == 200, page.text
    assert len(page.content) < 100_000
    found = CSRF.search(page.text)
    assert found, page.text
    return found.group(1)


async def _cases_opened(alur: Alur) -> int:
    rows = await alur.sql("SELECT count(DISTINCT originator_id) AS n FROM casestore_events")
    return rows[0]["n"]


def _letter(**changes: str) -> dict[str, str]:
    return {
        "channel": "post",
        "reporter_name": "Pak Darmawan",
        "reporter_phone": "+6281377770000",
        "subject": "Surat keluhan pelayanan Puskesmas Sekayu",
        "description": "Petugas loket tidak ada di tempat selama dua jam.",
        "category": "pelayanan kesehatan",
        **changes,
    }


async def test_a_letter_is_entered_by_the_officer_and_the_reporter_gets_a_number_and_pin(
    alur: Alur,
) -> None:
    petugas = await add_officer(alur, unique_name("petugas"), "petugas_pengaduan")
    async with browser(alur) as client:
        token = await _desk(client, petugas)
        answer = await client.post(
            "/meja/pengaduan",
            data={**_letter(), "csrf_token": token},
            files={"lampiran": ("surat-pelapor.pdf", LETTER, "application/pdf")},
            headers=petugas.headers,
        )
        assert answer.status_code == 201, answer.text
        assert "tersimpan sebagai lampiran kasus (1 berkas)" in answer.text
        assert len(answer.content) < 100_000
        number, pin = NUMBER.search(answer.text), PIN.search(answer.text)
        assert number and pin, answer.text
        tracked = await client.post(f"/api/track/{number.group(1)}", json={"pin": pin.group(1)})
        assert tracked.status_code == 200, tracked.text
        case_id = re.search(r'href="/kasus/([0-9a-f-]+)"', answer.text)
        assert case_id
        history = (await case(client, case_id.group(1), petugas))["history"]
        # The scanned letter, recorded with the complaint, downloads as it was sent.
        (attached,) = [e for e in history if e["type"] == "AttachmentAdded"]
        assert attached["payload"]["sha256"] == hashlib.sha256(LETTER).hexdigest()
        download = await client.get(
            f"/kasus/{case_id.group(1)}/lampiran/{attached['payload']['sha256']}",
            headers=petugas.headers,
        )
        assert download.status_code == 200 and download.content == LETTER
        empty = await client.post(
            "/meja/pengaduan",
            data={**_letter(), "csrf_token": token},
            files={"lampiran": ("", b"", "application/octet-stream")},  # left empty
            headers=petugas.headers,
        )
        assert empty.status_code == 201 and "lampiran kasus" not in empty.text
    first = history[0]
    assert first["type"] == "ComplaintReceived"
    assert first["actor"]["id"] != "public"
    assert first["actor"]["role"] == "petugas_pengaduan"
    assert first["payload"]["channel"] == "post"


async def test_the_complaint_box_form_refuses_bad_input_by_field_and_records_nothing(
    alur: Alur,
) -> None:
    petugas = await add_officer(alur, unique_name("petugas"), "petugas_pengaduan")
    before = await _cases_opened(alur)
    async with browser(alur) as client:
        token = await _desk(client, petugas)
        for changes, field, words in (
            ({"subject": ""}, "subject", "Perihal"),
            ({"channel": "web"}, "channel", "Saluran"),
            ({"reporter_name": ""}, "reporter_name", "Nama pelapor"),
            ({"reporter_email": "bukan-surel"}, "reporter_email", "Surel pelapor"),
            ({"complaint_sop": "tidak-ada"}, "complaint_sop", "SOP pengaduan"),
        ):
            answer = await client.post(
                "/meja/pengaduan",
                data={**_letter(channel="box"), **changes, "csrf_token": token},
                headers=petugas.headers,
            )
            assert answer.status_code == 422, (changes, answer.text[:300])
            assert f'id="{field}-error"' in answer.text, changes
            assert (ERROR.search(answer.text) or [""])[0].find(words) >= 0, changes
        # A "letter" that is a program: refused before anything is recorded.
        letter = await client.post(
            "/meja/pengaduan",
            data={**_letter(), "csrf_token": token},
            files={"lampiran": ("surat.pdf", b"MZ\x90\x00program" * 20, "application/pdf")},
            headers=petugas.headers,
        )
        assert letter.status_code == 422 and 'id="lampiran-error"' in letter.text
        without = await client.post("/meja/pengaduan", data=_letter(), headers=petugas.headers)
        assert without.status_code == 403
    assert await _cases_opened(alur) == before


async def test_an_officer_without_the_intake_role_is_refused_with_the_reason(alur: Alur) -> None:
    satpam = await add_officer(alur, unique_name("satpam"), "satpam")
    async with browser(alur) as client:
        token = await _desk(client, satpam)
        answer = await client.post(
            "/meja/pengaduan", data={**_letter(), "csrf_token": token}, headers=satpam.headers
        )
    assert answer.status_code == 403
    assert 'id="refusal"' in answer.text


async def test_a_walk_in_visitor_opens_a_visit_that_the_guest_book_shows(alur: Alur) -> None:
    satpam = await add_officer(alur, unique_name("satpam"), "satpam", "resepsionis")
    name = f"Ibu Ratna {uuid.uuid4().hex[:6]}"
    async with alur.http(follow_redirects=False) as client:
        token = await _desk(client, satpam)
        sop = await visit_sop(client)
        refused = await client.post(
            "/meja/tamu",
            data={"visit_sop": sop, "nama": "", "keperluan": "Izin", "csrf_token": token},
            headers=satpam.headers,
        )
        assert refused.status_code == 422 and 'id="nama-error"' in refused.text
        answer = await client.post(
            "/meja/tamu",
            data={
                "visit_sop": sop,
                "nama": name,
                "instansi": "Apotek Sehat",
                "keperluan": "Izin apotek",
                "bertemu": "Seksi Farmasi",
                "telepon": "0812 3333 4444",
                "csrf_token": token,
            },
            headers=satpam.headers,
        )
        assert answer.status_code == 303, answer.text
        location = answer.headers["location"]
        assert re.fullmatch(r"/kasus/[0-9a-f-]{36}", location), location
        first = (await case(client, location.removeprefix("/kasus/"), satpam))["history"][0]
        assert (first["type"], first["actor"]["role"]) == ("VisitorArrived", "satpam")

        async def in_the_book() -> list[dict]:
            book = await client.get(
                "/api/guest-book", params={"limit": "1000"}, headers=alur.auditor
            )
            assert book.status_code == 200, book.text
            return [r for r in book.json() if r["visitor_name"] == name]

        (row,) = await eventually(in_the_book)
    assert (row["institution"], row["purpose"], row["meets"]) == (
        "Apotek Sehat",
        "Izin apotek",
        "Seksi Farmasi",
    )


async def test_a_case_opens_under_a_chosen_sop_with_its_first_steps_documents(
    alur: Alur,
) -> None:
    kepala = await add_officer(alur, unique_name("kepala"), "kepala_kantor")
    async with alur.http(follow_redirects=False) as client:
        sop = await prima_sop(client)
        token = await _desk(client, kepala, f"/meja?sop={sop}")
        page = await client.get(f"/meja?sop={sop}", headers=kepala.headers)
        assert 'name="documents" value="Standar Pelayanan"' in page.text
        wrong = await client.post(
            "/meja/kasus",
            data={"sop": sop, "documents": "Surat Palsu", "csrf_token": token},
            headers=kepala.headers,
        )
        assert wrong.status_code == 422 and 'id="documents-error"' in wrong.text
        answer = await client.post(
            "/meja/kasus",
            data={
                "sop": sop,
                "documents": ["Standar Pelayanan"],
                "note": "Rapat koordinasi",
                "csrf_token": token,
            },
            headers=kepala.headers,
        )
        assert answer.status_code == 303, answer.text
        case_id = answer.headers["location"].removeprefix("/kasus/")
        first = (await case(client, case_id, kepala))["history"][0]
    assert first["payload"]["documents"] == ["Standar Pelayanan"]
    assert first["payload"]["note"] == "Rapat koordinasi"
    assert first["actor"]["role"] == "kepala_kantor"


@pytest.mark.parametrize("path", ["/meja", "/meja?sop=tidak-ada"])
async def test_the_desk_is_for_officers_only(alur: Alur, path: str) -> None:
    async with alur.http() as client:
        assert (await client.get(path)).status_code == 401
