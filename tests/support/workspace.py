"""An officer (or the public) using the workspace in headless Chromium: sign in at /masuk, find a
case in Tugas Saya, press the buttons the case page shows. Screenshots of each page land in
`.run/screenshots/` (test artefacts)."""

from __future__ import annotations

import time
from collections.abc import Iterable

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait

from runtime.settings import REPO_ROOT
from tests.support.accessibility import assert_accessible
from tests.support.accounts import PASSWORD

SCREENSHOTS = REPO_ROOT / ".run" / "screenshots"
WAIT = 30  # seconds: a page to load, a projection to catch up


def _gone(element: WebElement) -> bool:
    """Whether the page `element` belonged to was replaced (Chromium says so in two ways)."""
    try:
        element.is_enabled()
    except (StaleElementReferenceException, WebDriverException):
        return True
    return False


class Workspace:
    """One Chromium, one person at a time (each sign-in starts with no cookies)."""

    def __init__(self, driver: webdriver.Chrome, base_url: str, prefix: str) -> None:
        self.driver, self.base_url, self.prefix = driver, base_url, prefix
        self.shots = 0

    # -- pages ---------------------------------------------------------------------------

    def open(self, path: str) -> str:
        self.driver.get(self.base_url + path)
        return self.text()

    def text(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "body").text

    def screenshot(self, name: str) -> None:
        """A full-height screenshot of the page, numbered in the order taken, after the page
        passed the accessibility check (axe-core, WCAG A/AA) and the size limit."""
        assert_accessible(self.driver)
        assert len(self.driver.page_source.encode()) < 100_000, self.driver.current_url
        self.shots += 1
        height = self.driver.execute_script("return document.body.scrollHeight")
        self.driver.set_window_size(1280, max(900, min(int(height) + 100, 8000)))
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{self.prefix}-{self.shots:02d}-{name}.png"
        assert self.driver.save_screenshot(str(path))

    def submit(self, button: WebElement) -> None:
        """Press a form's button and wait for the page it leads to."""
        page = self.driver.find_element(By.TAG_NAME, "html")
        self.driver.execute_script("arguments[0].scrollIntoView()", button)
        button.click()
        WebDriverWait(self.driver, WAIT).until(lambda _: _gone(page))

    # -- people --------------------------------------------------------------------------

    def sign_in(self, name: str) -> None:
        """As `name`, from a browser without cookies: an officer page sends them to /masuk,
        which brings them back to Tugas Saya."""
        self.driver.delete_all_cookies()
        self.open("/tugas")
        assert "/masuk?next=" in self.driver.current_url, self.driver.current_url
        self.driver.find_element(By.ID, "username").send_keys(name)
        self.driver.find_element(By.ID, "password").send_keys(PASSWORD)
        self.submit(self.driver.find_element(By.CSS_SELECTOR, "form[action='/masuk'] button"))
        assert self.driver.current_url.endswith("/tugas"), self.driver.current_url
        assert name in self.text()

    def open_from_queue(
        self,
        case_id: str | None = None,
        queues: Iterable[str] = ("perlu", "ditugaskan"),
        *,
        number: str | None = None,
    ) -> None:
        """Find the case (by id, or by its tracking number) in one of the officer's queues,
        waiting for the read model, and open it by its link."""
        css = f'tr[data-case="{case_id}"] a' if case_id else None
        deadline = time.monotonic() + WAIT
        while True:
            for queue in queues:
                self.open(f"/tugas?antrean={queue}")
                links = (
                    self.driver.find_elements(By.CSS_SELECTOR, css)
                    if css
                    else self.driver.find_elements(By.LINK_TEXT, number or "")
                )
                if links:
                    self.screenshot(f"tugas-{queue}")
                    self.submit(links[0])
                    assert "/kasus/" in self.driver.current_url
                    return
            assert time.monotonic() < deadline, f"{case_id or number} in none of {list(queues)}"
            time.sleep(0.5)

    def in_queues(self, case_id: str) -> bool:
        for queue in ("perlu", "ditugaskan", "mendekati", "terlambat", "dihentikan"):
            self.open(f"/tugas?antrean={queue}")
            if self.driver.find_elements(By.CSS_SELECTOR, f'tr[data-case="{case_id}"]'):
                return True
        return False

    def act(
        self,
        action: str,
        *,
        decision: str | None = None,
        assignee: str | None = None,
        note: str | None = None,
    ) -> None:
        """On the case page: tick every document the action's form lists, choose the decision
        and the assignee, write the note, press the button marked `data-action=action`."""
        self.screenshot(action)
        form = self.driver.find_element(By.ID, f"form-{action}")
        for box in form.find_elements(By.CSS_SELECTOR, "input[type=checkbox]"):
            if not box.is_selected():
                box.click()
        if decision is not None:
            form.find_element(By.CSS_SELECTOR, f"input[type=radio][value='{decision}']").click()
        if assignee is not None:
            Select(form.find_element(By.NAME, "assignee")).select_by_visible_text(assignee)
        if note is not None:
            form.find_element(By.NAME, "note").send_keys(note)
        self.submit(form.find_element(By.CSS_SELECTOR, f"button[data-action='{action}']"))
        errors = self.driver.find_elements(By.CSS_SELECTOR, "p.error")
        assert not errors, errors[0].text

    def actions(self) -> list[str]:
        """The actions the case page offers now (its buttons' `data-action`)."""
        buttons = self.driver.find_elements(By.CSS_SELECTOR, "#tindakan button[data-action]")
        return [b.get_attribute("data-action") or "" for b in buttons]
