"""The accounts' pages (HTML, Bahasa Indonesia).

- `GET /masuk[?next=/path]` — the login form: `username`, `password`, `otp`, hidden `csrf_token`
  and `next`; `POST /masuk` → 303 to `next` (a path on this site; else `/tugas`) with the
  session cookie, or the form again with why not (401 wrong, 403 second factor not enrolled,
  422 missing fields, 429 locked, 403 without a valid `csrf_token`).
- `POST /keluar` (`csrf_token`) — ends the session, forgets the cookie, 303 to `/masuk`.
- `GET /aktivasi/{token}` — the form to set one's password (`password`, `password_confirm`,
  `csrf_token`); `POST` sets it once (404 when the link is unknown, used or expired).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from officers import PasswordRefused
from runtime.http.access import PUBLIC
from runtime.http.auth import Authenticating
from runtime.http.cookies import SESSION_COOKIE
from runtime.http.csrf import REFUSED as CSRF_REFUSED
from runtime.http.csrf import Tokens
from runtime.http.templates import templates_in
from services.accounts.dependencies import Cookies, Login, OfficerAccounts
from services.accounts.login import LoginRefused

router = APIRouter()
templates = templates_in(Path(__file__).parent / "templates")

HOME = "/tugas"  # the officer's queues (the workspace issue builds the page)
LINK_GONE = "Tautan aktivasi tidak berlaku: sudah dipakai, kedaluwarsa, atau tidak dikenal."
MISMATCH = "Kedua kata sandi tidak sama."


def safe_next(target: str | None) -> str:
    """`target` when it is a path on this site, else the officer's home: never another site."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return HOME
    if any(ord(c) < 32 or c == "\\" for c in target):
        return HOME
    parts = urlsplit(target)
    return HOME if parts.scheme or parts.netloc else target


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _form_value(form: Any, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _page(
    request: Request, template: str, context: dict[str, Any], tokens: Tokens, status: int = 200
) -> HTMLResponse:
    response = templates.TemplateResponse(
        request,
        template,
        {"csrf_token": tokens.token(request), **context},
        status_code=status,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/masuk", response_class=HTMLResponse, dependencies=[PUBLIC])
async def login_form(
    request: Request, tokens: Tokens, authenticator: Authenticating, next: str = ""
) -> HTMLResponse:
    officer = await authenticator.officer(request)
    return _page(request, "masuk.html", {"next": safe_next(next), "officer": officer}, tokens)


@router.post("/masuk", response_class=HTMLResponse, dependencies=[PUBLIC])
async def login(request: Request, tokens: Tokens, desk: Login, cookies: Cookies) -> Response:
    form = await request.form()
    username = _form_value(form, "username")
    target = safe_next(_form_value(form, "next"))
    context: dict[str, Any] = {"next": target, "username": username, "officer": None}
    if not tokens.valid(request, _form_value(form, "csrf_token")):
        return _page(request, "masuk.html", {**context, "error": CSRF_REFUSED}, tokens, 403)
    outcome = await desk.sign_in(
        username,
        _form_value(form, "password"),
        _form_value(form, "otp"),
        _address(request),
        replacing=request.cookies.get(SESSION_COOKIE),
    )
    if isinstance(outcome, LoginRefused):
        context["error"] = outcome.message
        return _page(request, "masuk.html", context, tokens, outcome.status)
    response = RedirectResponse(target, status_code=303)
    cookies.give(response, request.scope, SESSION_COOKIE, outcome.session_id)
    return response


@router.post("/keluar", response_class=HTMLResponse, dependencies=[PUBLIC])
async def logout(
    request: Request, tokens: Tokens, accounts: OfficerAccounts, cookies: Cookies
) -> Response:
    form = await request.form()
    if not tokens.valid(request, _form_value(form, "csrf_token")):
        context = {"next": HOME, "officer": None, "error": CSRF_REFUSED}
        return _page(request, "masuk.html", context, tokens, 403)
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        await accounts.sessions.close(session_id)
    response = RedirectResponse("/masuk", status_code=303)
    cookies.take_back(response, request.scope, SESSION_COOKIE)
    return response


@router.get("/aktivasi/{token}", response_class=HTMLResponse, dependencies=[PUBLIC])
async def activation_form(
    request: Request, token: str, tokens: Tokens, accounts: OfficerAccounts
) -> HTMLResponse:
    officer = await accounts.activations.officer(token)
    if officer is None:
        return _page(request, "aktivasi.html", {"gone": LINK_GONE}, tokens, 404)
    return _page(request, "aktivasi.html", {"officer": officer}, tokens)


@router.post("/aktivasi/{token}", response_class=HTMLResponse, dependencies=[PUBLIC])
async def activate(
    request: Request, token: str, tokens: Tokens, accounts: OfficerAccounts
) -> HTMLResponse:
    form = await request.form()
    officer = await accounts.activations.officer(token)
    if officer is None:
        return _page(request, "aktivasi.html", {"gone": LINK_GONE}, tokens, 404)
    context: dict[str, Any] = {"officer": officer}
    if not tokens.valid(request, _form_value(form, "csrf_token")):
        return _page(request, "aktivasi.html", {**context, "error": CSRF_REFUSED}, tokens, 403)
    password = _form_value(form, "password")
    if password != _form_value(form, "password_confirm"):
        return _page(request, "aktivasi.html", {**context, "error": MISMATCH}, tokens, 422)
    try:
        hashed = await accounts.passwords.hash(password)
    except PasswordRefused as refused:
        error = f"Kata sandi ditolak: {refused}."
        return _page(request, "aktivasi.html", {**context, "error": error}, tokens, 422)
    if await accounts.activations.use(token, hashed) is None:
        return _page(request, "aktivasi.html", {"gone": LINK_GONE}, tokens, 404)
    return _page(request, "aktivasi.html", {**context, "done": True}, tokens)
