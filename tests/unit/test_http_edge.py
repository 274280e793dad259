"""The HTTP edge without servers: officer authentication, the error JSON, and the wiring of
every route of the web app to the dependencies its bootstrap builds."""

from __future__ import annotations

import typing
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Query

from alur.web import build_app
from alur.web_bootstrap import WebDependencies
from runtime.http import dependencies
from runtime.http.access import OfficerOnly, RouteWithoutPolicy, require_policies
from runtime.http.auth import UNAUTHORIZED, Authenticator, BearerTokens
from runtime.http.errors import (
    FieldRefused,
    HttpError,
    error_response,
    install_error_handlers,
    json_body,
)
from runtime.settings import REPO_ROOT, AlurSettings
from services.projections.read_models_api import router as read_models_router
from sop.actions import Officer

SITI = Officer(id="siti", name="Siti", roles=frozenset({"petugas"}))


class Directory:
    """An officer directory that knows one token."""

    async def by_token(self, token: str) -> Officer | None:
        return SITI if token == "rahasia" else None


@dataclass(frozen=True)
class Container:
    authenticator: Authenticator


router = APIRouter()


@router.get("/only")
async def only(officer: OfficerOnly) -> dict[str, Any]:
    return {"officer": officer.id}


@router.get("/refused")
async def refused() -> None:
    raise HttpError(409, "not_allowed_now", "belum boleh")


@router.get("/field")
async def field() -> None:
    raise FieldRefused("subject", "wajib diisi")


@router.get("/paged")
async def paged(limit: int = Query(ge=1)) -> int:
    return limit


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    """The routers above and the officers' read models, with a stub officer directory."""
    app = FastAPI()
    app.include_router(router)
    app.include_router(read_models_router)
    install_error_handlers(app)
    dependencies.install(app, Container(BearerTokens(Directory())))  # type: ignore[arg-type]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://alur.test") as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_an_officer_only_route_names_the_officer_of_a_valid_token(
    client: httpx.AsyncClient,
) -> None:
    named = await client.get("/only", headers=bearer("rahasia"))
    assert named.json() == {"officer": "siti"}
    lowercase = await client.get("/only", headers={"Authorization": "bearer  rahasia "})
    assert lowercase.json() == {"officer": "siti"}


@pytest.mark.parametrize(
    "headers",
    [{}, bearer("salah"), {"Authorization": "Bearer "}, {"Authorization": "Basic rahasia"}],
)
async def test_an_officer_only_route_refuses_everyone_else_with_401(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await client.get("/only", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json() == {"error": "unauthorized", "message": UNAUTHORIZED}


def test_the_app_refuses_to_start_with_a_route_that_does_not_say_who_may_use_it() -> None:
    app = build_app(AlurSettings())
    table = require_policies(app)
    assert table[("POST", "/api/complaints")] == "public"
    assert table[("POST", "/api/cases/{case_id}/actions")] == "officer"
    undeclared = APIRouter()

    @undeclared.get("/tanpa-kebijakan")
    async def nobody_said() -> None: ...

    app.include_router(undeclared)
    with pytest.raises(RouteWithoutPolicy, match="/tanpa-kebijakan"):
        require_policies(app)


async def test_a_read_model_refuses_the_public_before_reading_anything(
    client: httpx.AsyncClient,
) -> None:
    # No pool was built: the 401 comes from the router's own dependency, first.
    response = await client.get("/api/guest-book")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_the_error_json_names_the_field_only_when_there_is_one() -> None:
    assert error_response(404, "not_found", "kasus tidak ditemukan").body == (
        b'{"error":"not_found","message":"kasus tidak ditemukan"}'
    )
    named = error_response(422, "invalid_input", "wajib diisi", "subject")
    assert named.body == b'{"error":"invalid_input","message":"wajib diisi","field":"subject"}'
    assert "www-authenticate" not in named.headers


async def test_a_raised_http_error_is_answered_as_the_error_json(client: httpx.AsyncClient) -> None:
    response = await client.get("/refused")
    assert response.status_code == 409
    assert response.json() == {"error": "not_allowed_now", "message": "belum boleh"}
    refused_field = await client.get("/field")
    assert refused_field.status_code == 422
    assert refused_field.json() == {
        "error": "invalid_input",
        "message": "wajib diisi",
        "field": "subject",
    }


async def test_fastapis_own_validation_errors_use_the_error_json(client: httpx.AsyncClient) -> None:
    response = await client.get("/paged?limit=0")
    assert response.status_code == 422
    assert (response.json()["error"], response.json()["field"]) == ("invalid_input", "limit")


async def test_a_body_that_is_not_json_is_refused_naming_the_body() -> None:
    class Body:
        async def body(self) -> bytes:
            return b"{not json"

    with pytest.raises(HttpError) as refused:
        await json_body(Body(), code="invalid_json")  # type: ignore[arg-type]
    error = refused.value.response()
    assert error.status_code == 422
    assert error.body == (
        b'{"error":"invalid_json","message":"isi permintaan bukan JSON yang valid","field":"body"}'
    )


def _routes(routes: list[Any]) -> Iterator[Any]:
    for route in routes:
        included = getattr(route, "original_router", None)  # FastAPI ≥ 0.120 includes lazily
        yield from _routes(included.routes) if included is not None else [route]


def _calls(dependant: Any) -> Iterator[Any]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _calls(sub)


def test_every_route_gets_only_dependencies_that_the_web_bootstrap_builds() -> None:
    app = build_app(AlurSettings())
    built = set(typing.get_type_hints(WebDependencies).values())
    routes = [r for r in _routes(app.routes) if hasattr(r, "dependant")]
    assert len(routes) > 30
    for route in routes:
        wanted = {c.kind for c in _calls(route.dependant) if isinstance(c, dependencies.Provided)}
        assert wanted <= built, (route.path, wanted - built)


def test_no_service_reads_the_app_state() -> None:
    """Only runtime/http knows where a web process keeps its dependencies."""
    app = build_app(AlurSettings())
    modules = {r.endpoint.__module__ for r in _routes(app.routes) if hasattr(r, "dependant")}
    routers = {m for m in modules if m.startswith("services.")}
    assert len(routers) == 24, routers  # every service router is mounted
    routed = [REPO_ROOT.joinpath(*m.split(".")).with_suffix(".py") for m in routers]
    sources = [*routed, *(REPO_ROOT / "services").rglob("*.py")]
    readers = [str(p.relative_to(REPO_ROOT)) for p in sources if "app.state" in p.read_text()]
    assert readers == []
