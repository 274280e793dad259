"""The OpenAPI schema says what every route may answer, refusals included.

Every refusal is the error JSON (`{"error", "message", "field"?}`, runtime/http/errors.py); the
schema FastAPI writes knows only the success and its own 422 shape. `document_errors(app)`
completes it once, when the schema is first asked for:

- every operation: 404 (no such case, survey, tracking number, file kind, page), 413 (the
  body limit), 422 (bad input) and 503 (PostgreSQL away: try again; `/health` when a server
  is down), in the error JSON;
- an operation for officers or administrators (its access policy, runtime/http/access.py):
  401 and 403; one that changes something (POST): 403 (no CSRF token), 409 (not allowed now)
  and 429 (too many);
- a page (its success is HTML): every refusal as HTML as well, since a form answers with the
  page and its message, while the edge (body limit, access policy) answers in JSON.

A route that answers something else declares it itself (`responses=` on the route).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from runtime.http.access import require_policies


class ErrorBody(BaseModel):
    """The error JSON of every refusal."""

    error: str
    message: str
    field: str | None = None


REFUSALS = {
    "401": "perlu masuk sebagai petugas",
    "403": "tidak berwenang",
    "404": "tidak ditemukan",
    "409": "belum atau tidak lagi boleh dilakukan",
    "413": "isi permintaan terlalu besar",
    "422": "isian tidak valid (kolomnya disebut dalam `field`)",
    "429": "terlalu banyak permintaan",
    "503": "layanan belum siap atau sedang tidak tersedia (coba lagi; lihat Retry-After)",
}
ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}


def document_errors(app: FastAPI) -> None:
    """Make `app.openapi()` declare every route's refusals (see the module's text)."""

    def schema() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _with_errors(app)
        return app.openapi_schema

    app.openapi = schema  # type: ignore[method-assign]


def _with_errors(app: FastAPI) -> dict[str, Any]:
    document = get_openapi(title=app.title, version=app.version, routes=app.routes)
    audiences = require_policies(app)
    components = document.setdefault("components", {}).setdefault("schemas", {})
    components["ErrorBody"] = ErrorBody.model_json_schema()
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            audience = audiences.get((method.upper(), path), "public")
            responses = operation.setdefault("responses", {})
            for status in _refusals(method, audience):
                responses[status] = _refusal(status, page=_is_page(responses))
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    return document


def _refusals(method: str, audience: str) -> list[str]:
    statuses = ["404", "413", "422", "503"]
    if audience != "public":
        statuses += ["401", "403"]
    if method == "post":  # 403: a form or a session's call without its CSRF token
        statuses += ["403", "409", "429"]
    return sorted(set(statuses))


def _is_page(responses: dict[str, Any]) -> bool:
    return any(
        "text/html" in response.get("content", {})
        for status, response in responses.items()
        if status.startswith("2")
    )


def _refusal(status: str, *, page: bool) -> dict[str, Any]:
    content: dict[str, Any] = {"application/json": {"schema": ERROR_REF}}
    if page:
        content["text/html"] = {"schema": {"type": "string"}}
    return {"description": REFUSALS[status], "content": content}


def request_body(model: type[BaseModel], *examples: dict[str, Any]) -> dict[str, Any]:
    """`openapi_extra` for a route that reads its JSON body itself (`json_body`): the body's
    schema, its definitions written in place, and `examples` of bodies it accepts."""
    schema = model.model_json_schema()
    definitions = schema.pop("$defs", {})

    def inlined(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return inlined(definitions[ref.removeprefix("#/$defs/")])
            return {key: inlined(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inlined(item) for item in node]
        return node

    media: dict[str, Any] = {"schema": inlined(schema)}
    if examples:
        media["examples"] = {f"example{i}": {"value": e} for i, e in enumerate(examples, 1)}
    return {"requestBody": {"required": True, "content": {"application/json": media}}}
