"""The officer workspace over HTTP, as a browser sends its forms (cookies, `csrf_token`): the
sign-in redirect of officer pages, Tugas Saya's queues and the case page's forms."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from tests.support.accounts import PASSWORD, browser, cli, log_in
from tests.support.casework import unique_name
from tests.support.mailbox import Mailbox
from tests.support.sandbox import Alur
from tests.support.seed_cases import file_complaint
from tests.support.waiting import eventually

PAGE = {"Accept": "text/html,application/xhtml+xml"}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


async def officer(alur: Alur, role: str, unit: str | None = None) -> str:
    """A new officer holding `role` (in `unit`) who signs in with PASSWORD; their name."""
    name = unique_name(role)
    args = ["users", "add", name, "--role", role, "--password-stdin"]
    done = await cli(alur, *args, *(["--unit", unit] if unit else []), stdin=PASSWORD)
    assert done.returncode == 0, done.stderr
    return name


@asynccontextmanager
async def signed_in(alur: Alur, name: str) -> AsyncIterator[httpx.AsyncClient]:
    """A browser-like client signed in as `name` at /masuk."""
    async with browser(alur, **PAGE) as client:
        answer = await log_in(client, name, PASSWORD)
        assert answer.status_code == 303, answer.text
        yield client


def token_of(page: httpx.Response) -> str:
    found = CSRF.search(page.text)
    assert found, page.text
    return found.group(1)


async def test_an_officer_page_sends_a_browser_to_the_login_and_a_script_gets_401(
    alur: Alur,
) -> None:
    async with alur.http() as client:
        page = await client.get("/tugas?antrean=terlambat", headers=PAGE)
        assert page.status_code == 303
        assert page.headers["location"] == "/masuk?next=%2Ftugas%3Fantrean%3Dterlambat"
        case = await client.get(f"/kasus/{uuid.uuid4()}", headers=PAGE)
        assert case.status_code == 303 and case.headers["location"].startswith("/masuk?next=")
        assert (await client.get("/tugas")).status_code == 401  # a script: no page wanted
        api = await client.get(f"/api/cases/{uuid.uuid4()}", headers=PAGE)
        assert api.status_code == 401  # JSON routes keep 401
    async with browser(alur, cookies={"alur_sesi": "verlopen"}, **PAGE) as client:
        expired = await client.get("/register")
        assert expired.status_code == 303
        assert expired.headers["location"] == "/masuk?next=%2Fregister"


async def test_a_complaint_waits_in_the_queue_and_is_worked_from_its_page(
    alur: Alur, mailbox: Mailbox
) -> None:
    name = await officer(alur, "petugas_pengaduan")
    subject = f"Loket farmasi {uuid.uuid4().hex[:6]}"
    address = f"pelapor-{uuid.uuid4().hex[:6]}@example.id"
    reporter = {"name": "Siti Aminah", "email": address, "phone": ""}
    async with alur.http() as public:
        receipt = await file_complaint(public, subject=subject, reporter=reporter)
    number, case_id = receipt["tracking_number"], receipt["case_id"]
    async with signed_in(alur, name) as client:

        async def queued() -> httpx.Response | None:
            page = await client.get(f"/tugas?antrean=perlu&q={number}")
            return page if f'data-case="{case_id}"' in page.text else None

        queue = await eventually(queued)
        assert queue.status_code == 200 and len(queue.content) < 100_000
        assert subject in queue.text and f'href="/kasus/{case_id}"' in queue.text
        assert re.search(r'href="/tugas"[^>]*>Tugas Saya\s*<span class="count">\d+', queue.text)

        page = await client.get(f"/kasus/{case_id}")
        assert page.status_code == 200 and len(page.content) < 100_000, page.text
        assert 'data-action="register_complaint"' in page.text
        assert 'class="step highlighted current" data-step="2"' in page.text
        assert "<style" not in page.text and " style=" not in page.text
        token = token_of(page)

        refused = await client.post(
            f"/kasus/{case_id}/tindakan",
            data={"action": "register_complaint", "csrf_token": token, "request_id": "r1"},
        )
        assert refused.status_code == 422 and "Kelengkapan belum ada" in refused.text
        documents = re.findall(r'name="documents" value="([^"]+)"', page.text)
        form = {"action": "register_complaint", "csrf_token": token, "request_id": "r2"}
        done = await client.post(
            f"/kasus/{case_id}/tindakan", data={**form, "documents": documents}
        )
        assert done.status_code == 303 and done.headers["location"].endswith("#riwayat")
        again = await client.post(
            f"/kasus/{case_id}/tindakan", data={**form, "documents": documents}
        )
        assert again.status_code == 303  # the same request id: recorded once
        page = await client.get(f"/kasus/{case_id}")
        assert page.text.count('data-type="ComplaintRegistered"') == 1
        assert 'data-action="review_complaint"' in page.text

        # The clock of step 3 stops with a reason, shows in "Waktu dihentikan", and restarts.
        stop = {"action": "suspend_clock", "csrf_token": token, "request_id": "s1"}
        no_reason = await client.post(f"/kasus/{case_id}/tindakan", data=stop)
        assert no_reason.status_code == 422, no_reason.text
        stopped = await client.post(
            f"/kasus/{case_id}/tindakan",
            data={**stop, "request_id": "s2", "note": "Menunggu KTP pelapor"},
        )
        assert stopped.status_code == 303, stopped.text

        async def suspended() -> bool:
            page = await client.get("/tugas?antrean=dihentikan")
            return f'data-case="{case_id}"' in page.text and "badge-stopped" in page.text

        await eventually(suspended)
        page = await client.get(f"/kasus/{case_id}")
        assert "Menunggu KTP pelapor" in page.text and 'data-action="resume_clock"' in page.text
        resumed = await client.post(
            f"/kasus/{case_id}/tindakan",
            data={"action": "resume_clock", "csrf_token": token, "request_id": "s3"},
        )
        assert resumed.status_code == 303, resumed.text

        note = f"Catatan rahasia {uuid.uuid4().hex[:6]}"
        answer = f"Terima kasih, sedang kami periksa {uuid.uuid4().hex[:6]}"
        for path, field, text in (("catatan", "note", note), ("jawaban", "message", answer)):
            sent = await client.post(
                f"/kasus/{case_id}/{path}",
                data={field: text, "csrf_token": token, "request_id": path},
            )
            assert sent.status_code == 303, sent.text
        empty = await client.post(
            f"/kasus/{case_id}/catatan", data={"note": " ", "csrf_token": token}
        )
        assert empty.status_code == 422 and "Catatan wajib diisi" in empty.text
        page = await client.get(f"/kasus/{case_id}")
        assert note in page.text and answer in page.text

    async with alur.http() as reporter:
        tracked = await reporter.post(f"/api/track/{number}", json={"pin": receipt["pin"]})
    history = tracked.json()["history"]
    assert [h["message"] for h in history if h["type"] == "ReporterAnswered"] == [answer]
    assert "InternalNoteAdded" not in {h["type"] for h in history}
    assert note not in tracked.text

    def answered() -> list[str]:
        texts = [m.part("plain") for m in mailbox.to(address)]
        return [t for t in texts if answer in t]

    mails = await eventually(lambda: asyncio.to_thread(answered))
    assert all(note not in m for m in mails)


async def test_an_officer_of_another_unit_gets_the_not_found_page(alur: Alur) -> None:
    name = await officer(alur, "petugas_pengaduan")
    async with alur.http() as public:
        receipt = await file_complaint(public)
    async with signed_in(alur, name) as client:
        for case_id in (uuid.uuid4(), "bukan-id"):
            page = await client.get(f"/kasus/{case_id}")
            assert page.status_code == 404 and "Kasus tidak ditemukan" in page.text
        assert (await client.get(f"/kasus/{receipt['case_id']}")).status_code == 200
