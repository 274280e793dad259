"""CSRF: every state-changing form carries a token in the hidden field `csrf_token`.

The token is an HMAC (under a key derived from ALUR_SECRET_KEY) of a cookie another site
cannot read or write:
- an officer's session cookie when the browser has one (the token changes at every login);
- otherwise the anonymous form cookie `alur_csrf`, a random value given the first time a page
  asks for a token (a signed double-submit: anonymous forms such as /masuk and /lapor work too).

A form adopts it in three lines:

    @router.get("/lapor", dependencies=[PUBLIC])
    async def form(request: Request, csrf_token: CsrfToken) -> HTMLResponse:  # the page
        ... {"csrf_token": csrf_token} ...             # and in the template:
    # <input type="hidden" name="csrf_token" value="{{ csrf_token }}">

    @router.post("/lapor", dependencies=[PUBLIC, CSRF])   # the POST: 403 without a valid one
    async def submit(...) -> ...

JSON calls: `Authorization: Bearer` calls carry no cookie and need no token. A call that signs
in with the session cookie and changes something (any method but GET, HEAD, OPTIONS) must send
the token in the `X-CSRF-Token` header (or the form field); the authenticator refuses it with
403 otherwise (runtime/http/auth.py).

`FormCookies` (ASGI middleware, installed once by the app) hands out the anonymous cookie on
the response of a page that asked for a token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from runtime.http.cookies import FORM_COOKIE, SESSION_COOKIE, CookiePolicy
from runtime.http.dependencies import provided
from runtime.http.errors import HttpError

FIELD = "csrf_token"
HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
REFUSED = (
    "Formulir ini tidak sah atau sudah kedaluwarsa (token CSRF tidak cocok). Muat ulang"
    " halaman, lalu kirim lagi."
)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

_INSTALLED = "alur.form_cookies"  # scope key: FormCookies runs for this request
_NEW_COOKIE = "alur.form_cookie"  # scope key: the anonymous cookie this response gives


class CsrfRefused(HttpError):
    def __init__(self) -> None:
        super().__init__(403, "csrf_refused", REFUSED, FIELD)


@dataclass(frozen=True)
class CsrfTokens:
    key: bytes

    @classmethod
    def from_secret(cls, secret_key: bytes) -> CsrfTokens:
        return cls(hmac.new(secret_key, b"alur csrf tokens v1", hashlib.sha256).digest())

    def token(self, request: Request) -> str:
        """The token for a form on the page answering `request`."""
        session = request.cookies.get(SESSION_COOKIE)
        if session:
            return self._sign("session", session)
        return self._sign("form", request.cookies.get(FORM_COOKIE) or _new_form_cookie(request))

    def valid(self, request: Request, given: str | None) -> bool:
        """Whether `given` is the token bound to the cookies this request came with."""
        session = request.cookies.get(SESSION_COOKIE)
        form = request.cookies.get(FORM_COOKIE)
        if not given:
            return False
        if session:
            expected = self._sign("session", session)
        elif form:
            expected = self._sign("form", form)
        else:
            return False
        return hmac.compare_digest(expected.encode(), given.encode())

    async def check(self, request: Request) -> None:
        """CsrfRefused (403) unless the request carries its valid token (header or form field)."""
        if not self.valid(request, await submitted(request)):
            raise CsrfRefused()

    def _sign(self, kind: str, value: str) -> str:
        digest = hmac.new(self.key, f"{kind}\x00{value}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


async def submitted(request: Request) -> str | None:
    """The token a request carries: the `X-CSRF-Token` header, else the form's `csrf_token`."""
    header = request.headers.get(HEADER)
    if header:
        return header
    if request.headers.get("content-type", "").startswith(FORM_TYPES):
        value = (await request.form()).get(FIELD)
        return value if isinstance(value, str) else None
    return None


def _new_form_cookie(request: Request) -> str:
    if _INSTALLED not in request.scope:
        raise RuntimeError("FormCookies middleware is not installed: add it to the app")
    value = request.scope.get(_NEW_COOKIE)
    if value is None:
        value = request.scope[_NEW_COOKIE] = secrets.token_urlsafe(32)
    return value


class FormCookies:
    """Give the anonymous form cookie with the response of a page that needed one."""

    def __init__(self, app: ASGIApp, policy: CookiePolicy | None = None) -> None:
        self.app = app
        self.policy = policy or CookiePolicy()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope[_INSTALLED] = True

        async def sending(message: Message) -> None:
            value = scope.get(_NEW_COOKIE)
            if message["type"] == "http.response.start" and value:
                MutableHeaders(scope=message).append(
                    "set-cookie", self.policy.header(scope, FORM_COOKIE, value)
                )
            await send(message)

        await self.app(scope, receive, sending)


Tokens = Annotated[CsrfTokens, provided(CsrfTokens)]


async def _form_token(request: Request, tokens: Tokens) -> str:
    return tokens.token(request)


async def _checked(request: Request, tokens: Tokens) -> None:
    await tokens.check(request)


# The token for a page's form (a router parameter), and the check of a POST (a route dependency).
CsrfToken = Annotated[str, Depends(_form_token)]
CSRF = Depends(_checked)
