"""The error JSON of every endpoint: `{"error": CODE, "message": TEXT, "field"?: NAME}`.

`error_response` builds it (a 401 also says `WWW-Authenticate: Bearer`); a dependency or a
router that cannot go on raises `HttpError`, which the app renders the same way. Messages are
in Bahasa Indonesia: the public and officers read them.
"""

from __future__ import annotations

import json
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


class HttpError(Exception):
    """Stop handling the request and answer with this error."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.field = field

    def response(self) -> JSONResponse:
        return error_response(self.status, self.code, self.message, self.field)


async def json_body(request: Request, *, code: str = "invalid_json") -> Any:
    """The request's body as JSON, or HttpError 422 (field `body`) under `code`."""
    try:
        return json.loads(await request.body())
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise HttpError(422, code, NOT_JSON, "body") from None


def install_error_handlers(app: FastAPI) -> None:
    """Render `HttpError` and FastAPI's own validation errors as the error JSON."""

    @app.exception_handler(HttpError)
    async def refused(_: Request, error: HttpError) -> JSONResponse:
        return error.response()

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, error: RequestValidationError) -> JSONResponse:
        first = error.errors()[0]
        field = ".".join(str(p) for p in first["loc"] if p not in ("body", "query", "path"))
        return JSONResponse(
            {"error": "invalid_input", "message": first["msg"], "field": field or None},
            status_code=422,
        )
