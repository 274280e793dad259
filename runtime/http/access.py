"""Who may use each route: one access policy per route, declared where the route is declared.

A policy is a FastAPI dependency (a subclass of `AccessPolicy`) that a route depends on, directly
or through one of its parameters:

    @router.get("/statistik", dependencies=[PUBLIC])   # anyone
    async def show(officer: OfficerOnly) -> ...        # an officer (scope checked by the service)
    async def advance(admin: AdministratorOnly) -> ... # an administrator

Services add their own policies (the reporter holding a tracking number and PIN, the respondent
holding a survey link) by subclassing `AccessPolicy` with its `audience`.

`require_policies(app)` runs when the app is built: a route with no policy, or with policies of
two audiences, stops the app from starting (deny when unsure).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, ClassVar

from fastapi import Depends, FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts

from runtime.http.auth import UNAUTHORIZED, Authenticating, unauthorized
from runtime.http.dependencies import Office
from runtime.http.errors import HttpError
from sop.actions import Officer

# The framework's own routes that are public by nature (the OpenAPI schema names no data).
FRAMEWORK_ROUTES = frozenset({"/openapi.json"})

OFFICERS_ONLY = UNAUTHORIZED
ADMINISTRATORS_ONLY = "hanya administrator yang boleh melakukan ini"


class AccessPolicy:
    """Who may use a route; `audience` names them in the route table and the tests' matrix."""

    audience: ClassVar[str]


@dataclass(frozen=True)
class Public(AccessPolicy):
    """Anyone, with or without credentials."""

    audience: ClassVar[str] = "public"

    async def __call__(self) -> None:
        return None


@dataclass(frozen=True)
class Officers(AccessPolicy):
    """A signed-in officer (session or API token); 401 otherwise. Which cases and rows they see
    is the service's scope check (officers.CaseAccess), not this policy's."""

    audience: ClassVar[str] = "officer"
    message: str = OFFICERS_ONLY

    async def __call__(self, request: Request, authenticator: Authenticating) -> Officer:
        officer = await authenticator.officer(request)
        if officer is None:
            raise unauthorized(self.message)
        return officer


@dataclass(frozen=True)
class Administrators(AccessPolicy):
    """An officer holding one of the office's `access.administrator_roles`; 401/403 otherwise."""

    audience: ClassVar[str] = "administrator"

    async def __call__(
        self, request: Request, authenticator: Authenticating, office: Office
    ) -> Officer:
        officer = await authenticator.officer(request)
        if officer is None:
            raise unauthorized(OFFICERS_ONLY)
        if not officer.roles & set(office.access.administrator_roles):
            raise HttpError(403, "forbidden", ADMINISTRATORS_ONLY)
        return officer


PUBLIC = Depends(Public())
OfficerOnly = Annotated[Officer, Depends(Officers())]
AdministratorOnly = Annotated[Officer, Depends(Administrators())]


class RouteWithoutPolicy(RuntimeError):
    """The app declares a route that does not say who may use it."""


def policies_of(dependant: Dependant) -> Iterator[AccessPolicy]:
    for sub in dependant.dependencies:
        if isinstance(sub.call, AccessPolicy):
            yield sub.call
        yield from policies_of(sub)


def audience_of(route: APIRoute | RouteContext) -> str:
    """The one audience a route declares; RouteWithoutPolicy when it declares none or two."""
    audiences = {policy.audience for policy in policies_of(route.dependant)}
    if len(audiences) != 1:
        methods = ",".join(sorted(route.methods or ()))
        said = ", ".join(sorted(audiences)) or "no access policy"
        raise RouteWithoutPolicy(f"{methods} {route.path}: {said} (declare exactly one)")
    return audiences.pop()


def require_policies(app: FastAPI) -> dict[tuple[str, str], str]:
    """Every route's audience by (method, path); refuses an app with a route that has none.

    Routes are read as the app serves them (with their routers' dependencies)."""
    table: dict[tuple[str, str], str] = {}
    for route in iter_route_contexts(app.routes):
        methods = route.methods or set()
        if isinstance(route.original_route, APIRoute):
            audience = audience_of(route)
        elif route.path in FRAMEWORK_ROUTES:
            audience = "public"
        else:
            raise RouteWithoutPolicy(f"{route.path!r} has no access policy")
        table.update({(method, str(route.path)): audience for method in methods})
    return table
