"""Every response carries the security headers, and no page needs what the
Content-Security-Policy forbids: no script, no inline style, no `on…=` handler."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from runtime.http.headers import SECURITY_HEADERS
from runtime.settings import REPO_ROOT
from tests.support.edge import OFFICER, edge_client

# The pages' templates (email templates are not served, so the policy does not apply to them).
PAGES = [
    *REPO_ROOT.glob("runtime/templates/*.html"),
    *(p for p in REPO_ROOT.glob("services/*/templates/*.html") if "notifier" not in p.parts),
]
INLINE = re.compile(r"<script|<style|\sstyle\s*=|\son[a-z]+\s*=|javascript:", re.IGNORECASE)


@pytest.mark.parametrize(
    ("method", "path", "headers", "body"),
    [
        ("GET", "/lapor", {}, None),  # a page
        ("GET", "/api/sops", {}, None),  # JSON
        ("GET", "/api/cases/nope", {}, None),  # a refusal (401)
        ("GET", "/tidak-ada", OFFICER, None),  # no such path (404)
        ("POST", "/api/complaints", {}, b"x" * 5_000),  # over the body limit (413)
    ],
)
async def test_every_answer_carries_the_security_headers(
    method: str, path: str, headers: dict[str, str], body: bytes | None
) -> None:
    async with edge_client(max_body_bytes=4_096) as (http, _):
        response = await http.request(method, path, headers=headers, content=body)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value, (path, name)
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


async def test_a_page_takes_its_styles_from_the_stylesheet_alur_serves() -> None:
    async with edge_client() as (http, _):
        page = await http.get("/lapor")
        sheet = await http.get("/static/alur.css")
    assert '<link rel="stylesheet" href="/static/alur.css">' in page.text
    assert sheet.status_code == 200
    assert sheet.headers["content-type"].startswith("text/css")
    assert ".card" in sheet.text
    assert not INLINE.search(page.text)


@pytest.mark.parametrize("template", PAGES, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_no_page_template_has_inline_script_or_style(template: Path) -> None:
    found = INLINE.search(template.read_text())
    assert found is None, f"{template.name}: {found and found.group()} (move it to alur.css)"
