"""The SOP library `/sop` over HTTP against the live system: every SOP and version with its
flowchart and step table; an uploaded SOP document becomes a draft, and only an administrator's
confirmation makes it a version (`GET /api/sops`)."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.support.accounts import CSRF
from tests.support.casework import Officer, add_officer, unique_name
from tests.support.sandbox import Alur
from tests.support.seed_cases import MUBA_COMPLAINTS
from tests.support.sop_documents import IZIN_APOTEK, UNSEEN, WORD

# Its own sandbox: a confirmed SOP version would change what the shared one's tests open.
pytestmark = pytest.mark.sandbox("library")


async def _token(client: httpx.AsyncClient, officer: Officer, path: str) -> str:
    page = await client.get(path, headers=officer.headers)
    assert page.status_code == 200, page.text
    found = CSRF.search(page.text)
    assert found, page.text
    return found.group(1)


async def _loaded(client: httpx.AsyncClient) -> dict[str, int]:
    return {s["id"]: s["version"] for s in (await client.get("/api/sops")).json()}


async def test_every_sop_shows_its_flowchart_and_step_table(alur: Alur) -> None:
    officer = await add_officer(alur, unique_name("petugas"), "petugas_pengaduan")
    async with alur.http() as client:
        index = await client.get("/sop", headers=officer.headers)
        assert index.status_code == 200 and len(index.content) < 100_000
        loaded = await _loaded(client)
        assert loaded and all(f'href="/sop/{sop}"' in index.text for sop in loaded)
        assert 'action="/sop/impor"' not in index.text  # not an administrator
        page = await client.get(f"/sop/{MUBA_COMPLAINTS}?versi=1", headers=officer.headers)
        missing = await client.get("/sop/tidak-ada", headers=officer.headers)
        wrong = await client.get(f"/sop/{MUBA_COMPLAINTS}?versi=99", headers=officer.headers)
        anonymous = await client.get("/sop")
    assert page.status_code == 200 and len(page.content) < 100_000
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page.text
    assert f'data-sop="{MUBA_COMPLAINTS}"' in page.text and "<style>" not in page.text
    steps = re.findall(r'<g class="step[^"]*" data-step="(\d+)"', page.text)
    rows = re.findall(r'<td class="num">(\d+)</td>', page.text)
    assert steps and rows == steps
    assert "Petugas Pengelola Pengaduan" in page.text and "Berkas Pengaduan" in page.text
    assert (missing.status_code, wrong.status_code, anonymous.status_code) == (404, 404, 401)


async def test_an_uploaded_document_is_a_draft_until_an_administrator_confirms_it(
    alur: Alur,
) -> None:
    admin = await add_officer(alur, unique_name("admin"), "administrator")
    other = await add_officer(alur, unique_name("petugas"), "petugas_pengaduan")
    document = (UNSEEN / IZIN_APOTEK).read_bytes()
    async with alur.http(follow_redirects=False) as client:
        before = await _loaded(client)
        token = await _token(client, admin, "/sop")
        # Only administrators import.
        refused = await client.post(
            "/sop/impor",
            data={"csrf_token": await _token(client, other, "/sop")},
            files={"dokumen": (IZIN_APOTEK, document, "text/plain")},
            headers=other.headers,
        )
        assert refused.status_code == 403
        unreadable = await client.post(
            "/sop/impor",
            data={"csrf_token": token},
            files={"dokumen": ("rusak.docx", b"PK\x03\x04 bukan zip", "application/zip")},
            headers=admin.headers,
        )
        assert unreadable.status_code == 422 and 'id="dokumen-error"' in unreadable.text
        uploaded = await client.post(
            "/sop/impor",
            data={"csrf_token": token},
            files={"dokumen": (IZIN_APOTEK, document, "text/plain")},
            headers=admin.headers,
        )
        assert uploaded.status_code == 303, uploaded.text
        draft_url = uploaded.headers["location"]
        draft = await client.get(draft_url, headers=admin.headers)
        assert draft.status_code == 200 and len(draft.content) < 100_000
        assert 'class="sop-chart"' in draft.text and "Peringatan impor" in draft.text
        sop_id = re.search(r'data-sop="([^"]+)"', draft.text)
        assert sop_id
        # Nothing is active unconfirmed.
        assert await _loaded(client) == before
        assert (await client.get(draft_url, headers=other.headers)).status_code == 403
        denied = await client.post(
            f"{draft_url}/konfirmasi",
            data={"csrf_token": await _token(client, other, "/sop")},
            headers=other.headers,
        )
        assert denied.status_code == 403
        assert await _loaded(client) == before
        no_csrf = await client.post(f"{draft_url}/konfirmasi", headers=admin.headers)
        assert no_csrf.status_code == 403
        token = await _token(client, admin, "/sop")
        confirmed = await client.post(
            f"{draft_url}/konfirmasi", data={"csrf_token": token}, headers=admin.headers
        )
        assert confirmed.status_code == 303, confirmed.text
        assert confirmed.headers["location"] == f"/sop/{sop_id.group(1)}?versi=1"
        after = await _loaded(client)
        again = await client.post(
            f"{draft_url}/konfirmasi", data={"csrf_token": token}, headers=admin.headers
        )
        shown = await client.get(confirmed.headers["location"], headers=other.headers)
    assert after == {**before, sop_id.group(1): 1}
    assert again.status_code == 409 and 'id="confirmed"' in again.text
    assert await _loaded_once(alur, sop_id.group(1)) == 1
    assert shown.status_code == 200 and 'class="sop-chart"' in shown.text


async def _loaded_once(alur: Alur, sop_id: str) -> int:
    rows = await alur.sql("SELECT count(*) AS n FROM sop_versions WHERE sop_id = $1", sop_id)
    return rows[0]["n"]


async def test_a_word_document_is_drafted_with_its_flowchart(alur: Alur) -> None:
    admin = await add_officer(alur, unique_name("admin"), "administrator")
    document = (WORD / "izin_reklame.docx").read_bytes()
    async with alur.http(follow_redirects=False) as client:
        before = await _loaded(client)
        uploaded = await client.post(
            "/sop/impor",
            data={"csrf_token": await _token(client, admin, "/sop")},
            files={"dokumen": ("izin_reklame.docx", document, "application/octet-stream")},
            headers=admin.headers,
        )
        assert uploaded.status_code == 303, uploaded.text
        draft = await client.get(uploaded.headers["location"], headers=admin.headers)
        index = await client.get("/sop", headers=admin.headers)
        assert await _loaded(client) == before
    assert draft.status_code == 200 and 'class="sop-chart"' in draft.text
    assert "izin_reklame.docx" in draft.text
    assert 'data-action="confirm_sop"' in draft.text
    assert uploaded.headers["location"].removeprefix("/sop/draf/") in index.text  # pending
