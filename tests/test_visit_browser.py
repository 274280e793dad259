"""A walk-in visit in a real browser (headless Chromium), from the reception desk to the door:
the receptionist registers the visitor at /meja and works the reception steps on the case page,
the service officer verifies the documents from Tugas Saya, the visitor answers the satisfaction
survey (SKM) on the link they were given, the service officer records the survey step, and
the guard escorts them out. Every page passes the
accessibility check and the size limit (tests/support/workspace.py); screenshots in
.run/screenshots/visit-*."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By

from tests.support.accounts import PASSWORD, cli
from tests.support.browser import CHROMIUM, DRIVER, chromium
from tests.support.casework import Officer, unique_name
from tests.support.sandbox import Alur
from tests.support.waiting import eventually
from tests.support.workspace import Workspace

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() and DRIVER.exists()),
    reason="headless Chromium is missing: run infra/browser.sh install",
)

RECEPTION = ("greet_visitor", "register_guest_book", "ask_to_wait", "contact_section")


@pytest.fixture(scope="module")
def driver() -> Iterator[webdriver.Chrome]:
    with chromium("--disable-quic", "--window-size=1280,1200", "--lang=id") as found:
        yield found


async def _officer(alur: Alur, *roles: str) -> Officer:
    name = unique_name(roles[0])
    args = ["users", "add", name, *(a for r in roles for a in ("--role", r)), "--password-stdin"]
    done = await cli(alur, *args, stdin=PASSWORD)
    assert done.returncode == 0, done.stderr
    return Officer(name, done.stdout.strip().splitlines()[-1])


async def test_a_walk_in_visitor_from_the_desk_through_the_survey_and_out(
    alur: Alur, driver: webdriver.Chrome
) -> None:
    desk, layanan = await asyncio.gather(
        _officer(alur, "satpam", "resepsionis"), _officer(alur, "petugas_layanan")
    )
    web = Workspace(driver, alur.base_url, "visit")
    guest = {
        "nama": f"Pak Harun {uuid.uuid4().hex[:6]}",
        "instansi": "Apotek Sehat Sekayu",
        "keperluan": "Perpanjangan izin apotek",
        "bertemu": "Seksi Farmasi",
    }

    def receptionist_registers() -> str:
        web.sign_in(desk.name)
        web.open("/meja")
        form = web.driver.find_element(By.ID, "form-tamu")
        for field, value in guest.items():
            form.find_element(By.ID, field).send_keys(value)
        web.screenshot("meja")
        web.submit(form.find_element(By.CSS_SELECTOR, "button[data-action=desk_visitor]"))
        assert "/kasus/" in web.driver.current_url, web.driver.current_url
        case_id = web.driver.current_url.split("/kasus/")[1].split("#")[0].split("?")[0]
        for action in RECEPTION:
            web.act(action)
        return case_id

    case_id = await asyncio.to_thread(receptionist_registers)

    def officer_verifies() -> None:
        web.sign_in(layanan.name)
        web.open_from_queue(case_id)
        web.act("verify_documents")
        assert "submit_survey" in web.actions()

    await asyncio.to_thread(officer_verifies)

    async with alur.http(headers=layanan.headers) as client:
        link = await client.get(f"/api/surveys/{case_id}/link")
    assert link.status_code == 200, link.text

    def visitor_answers() -> None:
        web.driver.delete_all_cookies()
        url = urlsplit(link.json()["url"])  # the office's public address, here the sandbox's
        web.open(f"{url.path}?{url.query}")
        web.screenshot("survei")
        for code in [f"u{i}" for i in range(1, 10)]:
            web.driver.find_element(By.CSS_SELECTOR, f"input[name='{code}'][value='4']").click()
        web.submit(web.driver.find_element(By.CSS_SELECTOR, "form button[type=submit]"))
        web.screenshot("survei-terkirim")
        assert "Terima kasih" in web.text(), web.text()[:500]

    await asyncio.to_thread(visitor_answers)

    def officer_confirms_the_survey() -> None:
        web.sign_in(layanan.name)
        web.open(f"/kasus/{case_id}")
        assert "Survei kepuasan" in web.text()  # the visitor's answers, on the timeline
        web.act("submit_survey")

    await asyncio.to_thread(officer_confirms_the_survey)

    def guard_escorts_out() -> str:
        web.sign_in(desk.name)
        web.open(f"/kasus/{case_id}")
        web.act("escort_out")
        web.screenshot("selesai")
        assert web.actions() == []
        return web.driver.find_element(By.ID, "status").text

    assert "Selesai" in await asyncio.to_thread(guard_escorts_out)

    def guest_book_shows() -> bool:
        return guest["nama"] in web.open("/buku-tamu")

    await eventually(lambda: asyncio.to_thread(guest_book_shows))
