"""Which officer sends a request: one `Authenticator`.

Routes do not ask for the officer here: they declare an access policy (runtime/http/access.py),
and the officer policies ask the one `Authenticator`.

The web app's is `SessionsAndTokens`: a request with an `Authorization` header is known by its
API token alone (`BearerTokens`, for scripts and the JSON API); any other by its session cookie
(`alur_sesi`, given at `/masuk`). A session-cookie request that changes something must carry its
CSRF token (runtime/http/csrf.py), else 403. Both ask the database on every request, so an
expired, revoked or closed credential, or a disabled officer, is refused at once. Another way in
(OIDC) is another `Authenticator`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Protocol

from fastapi import Request

from officers import OfficerDirectory, Sessions
from runtime.http.cookies import SESSION_COOKIE
from runtime.http.csrf import SAFE_METHODS, CsrfTokens
from runtime.http.dependencies import provided
from runtime.http.errors import HttpError
from sop.actions import Officer

UNAUTHORIZED = (
    "perlu masuk sebagai petugas (/masuk) atau token petugas yang valid"
    " (Authorization: Bearer TOKEN)"
)


class Authenticator(Protocol):
    async def officer(self, request: Request) -> Officer | None:
        """The officer the request is sent by, or None."""
        ...


@dataclass(frozen=True)
class BearerTokens:
    """Officers by their API token (`alur users add` prints it)."""

    directory: OfficerDirectory

    async def officer(self, request: Request) -> Officer | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return await self.directory.by_token(token.strip())


_KNOWN = "alur.officer"  # scope key: the officer this request was found to be sent by


@dataclass(frozen=True)
class SessionsAndTokens:
    """API tokens (`Authorization: Bearer`) or else the session cookie, asked once a request."""

    tokens: BearerTokens
    sessions: Sessions
    csrf: CsrfTokens

    async def officer(self, request: Request) -> Officer | None:
        if _KNOWN not in request.scope:
            request.scope[_KNOWN] = await self._officer(request)
        return request.scope[_KNOWN]

    async def _officer(self, request: Request) -> Officer | None:
        if "authorization" in request.headers:
            return await self.tokens.officer(request)
        session_id = request.cookies.get(SESSION_COOKIE)
        if not session_id:
            return None
        officer = await self.sessions.officer(session_id)
        if officer is not None and request.method not in SAFE_METHODS:
            await self.csrf.check(request)
        return officer


Authenticating = Annotated[Authenticator, provided(Authenticator)]


def unauthorized(message: str = UNAUTHORIZED) -> HttpError:
    return HttpError(401, "unauthorized", message)
