"""The intake desk, the SOP library and the administration in a real browser (headless Chromium,
Selenium): a receptionist signs in, registers a walk-in visitor at `/meja` by filling the form
and clicking its button, and finds them in the guest book; each page passes the accessibility
check (axe-core) at 1280 and 360 px. Screenshots land in `.run/screenshots/`."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from runtime.settings import REPO_ROOT
from tests.support.accessibility import assert_accessible
from tests.support.accounts import PASSWORD, cli
from tests.support.browser import CHROMIUM, DRIVER, chromium
from tests.support.casework import unique_name
from tests.support.sandbox import Alur
from tests.support.seed_cases import MUBA_COMPLAINTS
from tests.support.waiting import eventually

SCREENSHOTS = REPO_ROOT / ".run" / "screenshots"

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() and DRIVER.exists()),
    reason="headless Chromium is missing: run infra/browser.sh install",
)


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    with chromium("--disable-quic", "--window-size=1280,1200", "--lang=id") as driver:
        yield driver


def _shot(browser: webdriver.Chrome, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = browser.execute_script("return document.body.scrollHeight")
    width = browser.get_window_size()["width"]
    browser.set_window_size(width, max(900, min(int(height) + 100, 6000)))
    assert browser.save_screenshot(str(SCREENSHOTS / name))


def _checked(browser: webdriver.Chrome, url: str, name: str) -> None:
    """The page at both widths: screenshot, accessibility check, no sideways scrolling of the
    page itself (wide tables and the flowchart scroll inside their own box)."""
    for width in (1280, 360):
        browser.set_window_size(width, 1000)
        browser.get(url)
        _shot(browser, f"{name}-{width}.png")
        assert_accessible(browser)
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{url} is {overflow}px wider than a {width}px window"


def _sign_in(browser: webdriver.Chrome, base: str, name: str) -> None:
    browser.get(f"{base}/masuk")
    browser.find_element(By.ID, "username").send_keys(name)
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    # Signed in once the login has answered with Tugas Saya (before that, /meja sends the
    # browser back to /masuk).
    WebDriverWait(browser, 20).until(lambda driver: driver.current_url.endswith("/tugas"))


def _register_visitor(browser: webdriver.Chrome, base: str, guest: dict[str, str]) -> str:
    browser.set_window_size(1280, 1200)
    browser.get(f"{base}/meja")
    form = browser.find_element(By.ID, "form-tamu")
    for field, value in guest.items():
        form.find_element(By.ID, field).send_keys(value)
    _shot(browser, "meja-tamu-diisi.png")
    form.find_element(By.CSS_SELECTOR, "button[data-action=desk_visitor]").click()
    WebDriverWait(browser, 20).until(lambda driver: "/meja" not in driver.current_url)
    return browser.current_url


def _guest_book_shows(browser: webdriver.Chrome, base: str, name: str) -> bool:
    browser.get(f"{base}/buku-tamu")
    return name in browser.find_element(By.TAG_NAME, "body").text


async def test_a_walk_in_visitor_registered_at_the_desk_is_in_the_guest_book(
    alur: Alur, browser: webdriver.Chrome
) -> None:
    name = unique_name("resepsionis")
    added = await cli(
        alur, "users", "add", name, "--role", "satpam", "--role", "resepsionis",
        "--role", "kepala_dinas", "--password-stdin", stdin=PASSWORD,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    base = alur.base_url
    guest = {
        "nama": f"Bu Sulastri {uuid.uuid4().hex[:6]}",
        "instansi": "Puskesmas Babat Toman",
        "keperluan": "Konsultasi perizinan",
        "bertemu": "Seksi Farmasi",
    }
    await asyncio.to_thread(_sign_in, browser, base, name)
    landed = await asyncio.to_thread(_register_visitor, browser, base, guest)
    assert landed.startswith(f"{base}/kasus/"), landed

    async def shown() -> bool:
        return await asyncio.to_thread(_guest_book_shows, browser, base, guest["nama"])

    await eventually(shown)
    await asyncio.to_thread(_shot, browser, "buku-tamu-dari-meja.png")
    for path, shot in (
        ("/meja", "meja"),
        ("/sop", "sop"),
        (f"/sop/{MUBA_COMPLAINTS}", "sop-pengaduan"),
        ("/admin", "admin"),
    ):
        await asyncio.to_thread(_checked, browser, f"{base}{path}", shot)
