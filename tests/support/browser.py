"""Headless Chromium for tests that look at pages and charts as a browser renders them
(Debian's `chromium` and `chromium-driver`, installed by `infra/browser.sh install`)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = Path("/usr/bin/chromium")
DRIVER = Path("/usr/bin/chromedriver")
ARGUMENTS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
)  # fmt: skip


@contextmanager
def chromium(*arguments: str) -> Iterator[webdriver.Chrome]:
    """A headless Chromium with a throw-away profile; skips the test when it is not installed."""
    if not (CHROMIUM.exists() and DRIVER.exists()):
        pytest.skip("headless Chromium is missing: run infra/browser.sh install")
    profile = tempfile.mkdtemp(prefix="alur-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (*ARGUMENTS, f"--user-data-dir={profile}", *arguments):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(str(DRIVER)), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
