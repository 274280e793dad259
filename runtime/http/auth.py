"""Which officer sends a request: one `Authenticator`.

Routes do not ask for the officer here: they declare an access policy (runtime/http/access.py),
and the officer policies ask the one `Authenticator`.

Today an officer is known by an API token (`Authorization: Bearer TOKEN`, `BearerTokens`);
another way in (a session, OIDC) is another `Authenticator`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Protocol

from fastapi import Request

from officers import OfficerDirectory
from runtime.http.dependencies import provided
from runtime.http.errors import HttpError
from sop.actions import Officer

UNAUTHORIZED = "perlu token petugas yang valid (Authorization: Bearer TOKEN)"


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


Authenticating = Annotated[Authenticator, provided(Authenticator)]


def unauthorized(message: str = UNAUTHORIZED) -> HttpError:
    return HttpError(401, "unauthorized", message)
