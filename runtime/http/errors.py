"""The error JSON of every endpoint: `{"error": CODE, "message": TEXT, "field"?: NAME}`.

`error_response` builds it (a 401 also says `WWW-Authenticate: Bearer`); a dependency or a
router that cannot go on raises `HttpError` (or `FieldRefused`, a 422 naming the field), which
the app renders the same way. Messages are
in Bahasa Indonesia: the public and officers read them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

NOT_JSON = "isi permintaan bukan JSON yang valid"


def error_response(status: int, code: str, message: str, field: str | None = None) -> JSONResponse:
    body: dict[str, Any] = {"error": code, "message": message}
    if field is not None:
        body["field"] = field
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, headers=headers)


def invalid_input(field: str | None, reason: str) -> JSONResponse:
    """422: the named field does not pass its check."""
    return error_response(422, "invalid_input", reason, field)


@dataclass(eq=False)
class HttpError(Exception):
    """Stop handling the request and answer with this error."""

    status: int
    code: str
    message: str
    field: str | None = None

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.message}"

    def response(self) -> JSONResponse:
        return error_response(self.status, self.code, self.message, self.field)


@dataclass(eq=False)
class FieldRefused(ValueError):
    """A field of the request fails a check: which one, and why (Bahasa Indonesia)."""

    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}"

    def response(self) -> JSONResponse:
        return invalid_input(self.field, self.reason)


async def json_body(request: Request, *, code: str = "invalid_json") -> Any:
    """The request's body as JSON, or HttpError 422 (field `body`) under `code`."""
    try:
        return json.loads(await request.body())
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise HttpError(422, code, NOT_JSON, "body") from None


def install_error_handlers(app: FastAPI) -> None:
    """Render `HttpError`, `FieldRefused` and FastAPI's own validation errors as the error
    JSON."""

    @app.exception_handler(HttpError)
    @app.exception_handler(FieldRefused)
    async def refused(_: Request, error: HttpError | FieldRefused) -> JSONResponse:
        return error.response()

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, error: RequestValidationError) -> JSONResponse:
        first = error.errors()[0]
        field = ".".join(str(p) for p in first["loc"] if p not in ("body", "query", "path"))
        return JSONResponse(
            {"error": "invalid_input", "message": first["msg"], "field": field or None},
            status_code=422,
        )
