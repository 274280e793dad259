"""The public pages and the sign-in page pass an accessibility check (axe-core, WCAG 2.1 A/AA)
in headless Chromium, at a desktop width and at 360 px."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from selenium import webdriver

from runtime.settings import REPO_ROOT
from tests.support.accessibility import assert_accessible, violations
from tests.support.browser import chromium
from tests.support.sandbox import Alur

SCREENSHOTS = REPO_ROOT / ".run" / "screenshots"
PAGES = ("/lapor", "/lacak", "/statistik", "/masuk")


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    with chromium("--disable-quic", "--window-size=1280,1000", "--lang=id") as driver:
        yield driver


def _check(browser: webdriver.Chrome, url: str, width: int, screenshot: str) -> None:
    browser.set_window_size(width, 1000)
    browser.get(url)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(SCREENSHOTS / screenshot))
    assert_accessible(browser)
    # Nothing wider than the window: the page reflows at this width (WCAG 1.4.10).
    overflow = browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{url} is {overflow}px wider than a {width}px window"


@pytest.mark.parametrize("path", PAGES)
async def test_public_pages_pass_the_accessibility_check(
    alur: Alur, browser: webdriver.Chrome, path: str
) -> None:
    name = path.strip("/") or "beranda"
    for width in (1280, 360):
        await asyncio.to_thread(
            _check, browser, f"{alur.base_url}{path}", width, f"a11y-{name}-{width}.png"
        )


async def test_the_check_finds_a_label_missing(alur: Alur, browser: webdriver.Chrome) -> None:
    """The checker sees what it should: an input whose label is taken away is a violation."""

    def broken() -> list[str]:
        browser.get(f"{alur.base_url}/lapor")
        browser.execute_script("document.querySelectorAll('label').forEach(l => l.remove())")
        return [v["id"] for v in violations(browser)]

    assert "label" in await asyncio.to_thread(broken)
