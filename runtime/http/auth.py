"""Which officer sends a request: one `Authenticator`, two dependencies for routers.

- `OfficerOnly`: the officer, or 401 `unauthorized` (with `WWW-Authenticate: Bearer`).
- `OfficerIfAny`: the officer, None for the public, or 401 when the request presents
  credentials that name no officer (a wrong token is an error even where none is needed).

Today an officer is known by an API token (`Authorization: Bearer TOKEN`, `BearerTokens`);
another way in (a session, OIDC) is another `Authenticator`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Protocol

from fastapi import Depends, Request

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


@dataclass(frozen=True)
class OfficerRequired:
    """The dependency behind `OfficerOnly`; `message` is what a refused request reads."""

    message: str = UNAUTHORIZED

    async def __call__(self, request: Request, authenticator: Authenticating) -> Officer:
        officer = await authenticator.officer(request)
        if officer is None:
            raise unauthorized(self.message)
        return officer


async def officer_if_any(request: Request, authenticator: Authenticating) -> Officer | None:
    officer = await authenticator.officer(request)
    if officer is None and request.headers.get("authorization"):
        raise unauthorized()
    return officer


OfficerOnly = Annotated[Officer, Depends(OfficerRequired())]
OfficerIfAny = Annotated[Officer | None, Depends(officer_if_any)]
