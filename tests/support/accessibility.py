"""An accessibility check of the page open in the tests' Chromium: axe-core (from npm, installed by
`make install` into node_modules/), run inside the page against WCAG 2.0/2.1 A and AA — labels,
contrast, landmarks, names of buttons and links, document language, …"""

from __future__ import annotations

from functools import cache
from typing import Any

from selenium import webdriver

from runtime.settings import REPO_ROOT

AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
STANDARDS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@cache
def _axe_source() -> str:
    if not AXE.exists():
        raise AssertionError(f"{AXE} is missing: run `make install` (npm ci installs axe-core)")
    return AXE.read_text(encoding="utf-8")


def violations(driver: webdriver.Chrome) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now: [{"id", "impact", "help", "nodes"}]."""
    # Run through WebDriver (the DevTools protocol), so the page's Content-Security-Policy,
    # which allows no script at all, does not apply to the checker.
    driver.execute_script(_axe_source())
    driver.set_script_timeout(60)
    found = driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        const only = {runOnly: {type: "tag", values: arguments[0]}, resultTypes: ["violations"]};
        axe.run(document, only)
          .then(r => done(r.violations.map(v => ({
              id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.map(n => n.target.join(" ") + " :: " + n.failureSummary)}))))
          .catch(e => done([{id: "axe-error", impact: "critical", help: String(e), nodes: []}]));
        """,
        STANDARDS,
    )
    return list(found)


def assert_accessible(driver: webdriver.Chrome) -> None:
    """Fail, naming each rule and element, when the page breaks a WCAG A/AA rule axe checks."""
    found = violations(driver)
    assert not found, f"{driver.current_url}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes'][:3]}" for v in found
    )
