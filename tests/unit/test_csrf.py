"""CSRF tokens as another form adopts them (runtime/http/csrf.py): `CsrfToken` on the page,
`CSRF` on the POST, for anonymous visitors (the `alur_csrf` cookie) and signed-in officers (the
session cookie), without servers."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from fastapi import APIRouter, FastAPI

from runtime.http import dependencies
from runtime.http.access import PUBLIC
from runtime.http.csrf import CSRF, CsrfToken, CsrfTokens, FormCookies
from runtime.http.errors import install_error_handlers

router = APIRouter()


@router.get("/formulir", dependencies=[PUBLIC])
async def page(csrf_token: CsrfToken) -> dict[str, str]:
    return {"csrf_token": csrf_token}


@router.post("/formulir", dependencies=[PUBLIC, CSRF])
async def submit() -> dict[str, str]:
    return {"status": "diterima"}


@dataclass(frozen=True)
class Container:
    csrf: CsrfTokens


def _app() -> FastAPI:
    app = FastAPI()
    app.include_router(router)
    install_error_handlers(app)
    app.add_middleware(FormCookies)
    dependencies.install(app, Container(CsrfTokens.from_secret(b"k" * 32)))
    return app


@pytest.fixture
async def visitor() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://alur.test") as client:
        yield client


async def test_an_anonymous_visitor_gets_a_cookie_and_a_token_that_the_post_accepts(
    visitor: httpx.AsyncClient,
) -> None:
    shown = await visitor.get("/formulir")
    assert re.match(
        r"alur_csrf=[\w-]+; HttpOnly; Path=/; SameSite=Lax$", shown.headers["set-cookie"]
    )
    token = shown.json()["csrf_token"]
    again = await visitor.get("/formulir")
    assert "set-cookie" not in again.headers and again.json()["csrf_token"] == token
    sent = await visitor.post("/formulir", data={"csrf_token": token})
    assert sent.status_code == 200, sent.text
    by_header = await visitor.post("/formulir", json={}, headers={"X-CSRF-Token": token})
    assert by_header.status_code == 200


async def test_a_post_without_the_token_or_with_anothers_is_refused(
    visitor: httpx.AsyncClient,
) -> None:
    token = (await visitor.get("/formulir")).json()["csrf_token"]
    for form in ({}, {"csrf_token": ""}, {"csrf_token": token[:-2] + "xx"}):
        refused = await visitor.post("/formulir", data=form)
        assert refused.status_code == 403
        assert refused.json()["error"] == "csrf_refused"
        assert refused.json()["field"] == "csrf_token"
        assert "Muat ulang halaman" in refused.json()["message"]
    visitor.cookies.clear()  # a forged request from elsewhere: the token, not the cookie
    assert (await visitor.post("/formulir", data={"csrf_token": token})).status_code == 403


async def test_a_signed_in_officers_token_is_bound_to_the_session(
    visitor: httpx.AsyncClient,
) -> None:
    anonymous = (await visitor.get("/formulir")).json()["csrf_token"]
    visitor.cookies.set("alur_sesi", "sesi-satu")
    first = (await visitor.get("/formulir")).json()["csrf_token"]
    assert first != anonymous
    assert (await visitor.post("/formulir", data={"csrf_token": anonymous})).status_code == 403
    assert (await visitor.post("/formulir", data={"csrf_token": first})).status_code == 200
    visitor.cookies.set("alur_sesi", "sesi-dua")  # a new login: the old token is void
    assert (await visitor.post("/formulir", data={"csrf_token": first})).status_code == 403
