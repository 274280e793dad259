"""The dashboard and the register in a real browser: headless Chromium (Debian's `chromium`
and `chromium-driver`, installed by `infra/browser.sh install`) driven with Selenium, after a
scripted complaint and a visit with its survey. Screenshots land in `.run/screenshots/`."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By

from runtime.settings import REPO_ROOT
from tests.support.browser import CHROMIUM, DRIVER, chromium
from tests.support.casework import do, new_officers, open_case, work
from tests.support.sandbox import Alur
from tests.support.seed_cases import file_complaint, to_the_survey, visit_sop
from tests.support.waiting import eventually

SCREENSHOTS = REPO_ROOT / ".run" / "screenshots"
UNIT = "Dinas Kesehatan Kabupaten Musi Banyuasin"  # the seed SOPs' unit: where surveys count
CODES = [f"u{i}" for i in range(1, 10)]

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() and DRIVER.exists()),
    reason="headless Chromium is missing: run infra/browser.sh install",
)


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    with chromium("--disable-quic", "--window-size=1280,1600", "--lang=id") as driver:
        yield driver


def _open(browser: webdriver.Chrome, url: str, screenshot: str) -> str:
    """Load the page, save a full-height screenshot, return the visible text."""
    browser.get(url)
    height = browser.execute_script("return document.body.scrollHeight")
    browser.set_window_size(1280, max(900, min(int(height) + 100, 6000)))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(SCREENSHOTS / screenshot))
    return browser.find_element(By.TAG_NAME, "body").text


async def _scripted_cases(alur: Alur) -> dict[str, Any]:
    petugas, satpam, resepsionis, layanan = await new_officers(
        alur, "petugas_pengaduan", "satpam", "resepsionis", "petugas_layanan"
    )
    subject = f"Antrean loket farmasi {uuid.uuid4().hex[:6]}"
    async with alur.http(headers=alur.auditor) as client:
        complaint = await file_complaint(client, subject=subject)
        # Registered and reviewed: the complaint waits at step 4 (forward to the team).
        await do(client, complaint["case_id"], petugas, "register_complaint")
        await do(client, complaint["case_id"], petugas, "review_complaint")

        visit = (await open_case(client, satpam, await visit_sop(client)))["case_id"]
        await work(client, visit, to_the_survey(resepsionis, layanan))
        await do(
            client, visit, layanan, "submit_survey",
            data={"skm": dict.fromkeys(CODES, 4), "saran": "Pelayanan cepat"},
        )  # fmt: skip

        async def counted() -> dict[str, Any] | None:
            report = (await client.get("/api/ikm")).json()
            unit = next((u for u in report["units"] if u["unit"] == UNIT), None)
            register = {r["tracking_number"]: r for r in await alur.register()}
            row = register.get(complaint["tracking_number"])
            return unit if unit and row and row["current_step"] == "4" else None

        unit = await eventually(counted)
    return {"complaint": complaint, "subject": subject, "unit": unit}


async def test_the_dashboard_and_the_register_show_a_scripted_case_in_chromium(
    alur: Alur, browser: webdriver.Chrome
) -> None:
    scripted = await _scripted_cases(alur)
    unit = scripted["unit"]
    # The pages are for officers: the browser sends the sandbox auditor's token.
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": alur.auditor})

    text = await asyncio.to_thread(_open, browser, f"{alur.base_url}/dasbor", "dasbor.png")
    assert "Dasbor Pelayanan" in text
    open_steps = browser.find_element(By.ID, "kasus-terbuka").text
    assert "Kasus terbuka per langkah SOP" in open_steps
    step_rows = [
        row.text
        for row in browser.find_elements(By.CSS_SELECTOR, "#kasus-terbuka tbody tr")
        if "Penanganan Pengaduan Masyarakat" in row.text and "Langkah 4" in row.text
    ]
    assert step_rows, open_steps
    assert browser.find_element(By.ID, "kasus-terlambat").text.startswith("Kasus terlambat")
    assert "Kepatuhan waktu per langkah" in browser.find_element(By.ID, "kepatuhan").text
    ikm_rows = [
        row.text
        for row in browser.find_elements(By.CSS_SELECTOR, "#ikm tr.ikm-unit")
        if row.text.startswith(UNIT)
    ]
    assert ikm_rows, browser.find_element(By.ID, "ikm").text
    shown = ikm_rows[0]
    assert f"{unit['ikm']}" in shown and f"{unit['converted']}" in shown
    assert f"{unit['grade']} ({unit['grade_label']})" in shown

    number = scripted["complaint"]["tracking_number"]
    text = await asyncio.to_thread(
        _open, browser, f"{alur.base_url}/register?q={number}", "register.png"
    )
    assert "Buku Register Pengaduan" in text
    rows = browser.find_elements(By.CSS_SELECTOR, "table tbody tr")
    assert len(rows) == 1
    row = rows[0].text
    assert number in row and scripted["subject"] in row and "Siti Aminah" in row
    assert "Langkah 4" in row
    assert (SCREENSHOTS / "dasbor.png").stat().st_size > 10_000
    assert (SCREENSHOTS / "register.png").stat().st_size > 10_000
