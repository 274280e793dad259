"""The error JSON of every endpoint: `{"error": CODE, "message": TEXT, "field"?: NAME}`.

`error_response` builds it (a 401 also says `WWW-Authenticate: Bearer`; a browser asking for
an officer page without a valid session is sent to `/masuk?next=…` instead); a dependency or a
router that cannot go on raises `HttpError` (or `FieldRefused`, a 422 naming the field), which
the app renders the same way. Messages are
in Bahasa Indonesia: the public and officers read them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from cases import EventTooLarge
from runtime.outages import POSTGRES_AWAY

log = structlog.get_logger(__name__)

NOT_JSON = "isi permintaan bukan JSON yang valid"
# JSON nested deeper than this is refused before anything reads it (a deep body must never
# reach a recursive reader: the parser, pydantic, the store's encoder, a consumer).
MAX_JSON_DEPTH = 32
TOO_DEEP = f"isi permintaan bersarang terlalu dalam (maksimal {MAX_JSON_DEPTH} tingkat)"
NOT_A_NUMBER = "angka harus terhingga (NaN dan Infinity tidak diterima)"
# What no projection can store (PostgreSQL text and jsonb refuse NUL; UTF-8 has no lone
# surrogates), refused in every JSON body wherever it is. Fields refuse more (submission.py).
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
UNSTORABLE_TEXT = "berisi karakter yang tidak diizinkan (karakter kendali)"
# PostgreSQL away in the middle of a request (restarting, unreachable): nothing was recorded,
# and the client may send the same request again (with its Idempotency-Key) a little later.
UNAVAILABLE = "layanan sedang tidak tersedia; silakan coba lagi beberapa saat lagi"
RETRY_AFTER_SECONDS = 5
# What reaching PostgreSQL raises when it is away: the store's `StoreUnavailable` and a refused
# or reset connection are `ConnectionError`s; the rest are asyncpg's for a connection that the
# server ended, refused or never finished opening.
DATABASE_AWAY = (ConnectionError, *POSTGRES_AWAY)
EVENT_TOO_LARGE = "isi permintaan terlalu besar untuk dicatat (maksimal {limit} bita per peristiwa)"


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
    """The request's body as JSON, or HttpError 422 naming what is wrong: `body` under `code`
    (not JSON, NaN or Infinity, nested deeper than MAX_JSON_DEPTH), or the field holding text
    no projection could store (NUL, a lone surrogate)."""
    return parsed_json(await request.body(), code=code)


def parsed_json(raw: bytes, *, code: str = "invalid_json") -> Any:
    """`raw` as JSON under the rules of `json_body`."""
    try:
        value = json.loads(raw, parse_constant=_not_a_number, parse_float=_finite)
    except RecursionError:
        raise HttpError(422, code, TOO_DEEP, "body") from None
    except _NotFinite:
        raise HttpError(422, code, NOT_A_NUMBER, "body") from None
    except (ValueError, UnicodeDecodeError):  # JSONDecodeError; an integer of 4,300+ digits
        raise HttpError(422, code, NOT_JSON, "body") from None
    _check_nesting(value, code)
    return value


class _NotFinite(ValueError):
    pass


def _not_a_number(constant: str) -> float:
    raise _NotFinite(constant)


def _finite(text: str) -> float:
    number = float(text)
    if number in (float("inf"), float("-inf")):
        raise _NotFinite(text)
    return number


def _check_nesting(value: Any, code: str) -> None:
    """Walk the parsed value without recursion: its depth, and text nothing can store."""
    stack: list[tuple[Any, int, str]] = [(value, 1, "")]
    while stack:
        item, depth, path = stack.pop()
        if isinstance(item, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise HttpError(422, code, TOO_DEEP, "body")
            members = item.items() if isinstance(item, dict) else enumerate(item)
            for key, member in members:
                where = f"{path}.{key}" if path else str(key)
                if isinstance(key, str) and UNSTORABLE.search(key):
                    raise FieldRefused(path or "body", UNSTORABLE_TEXT)
                stack.append((member, depth + 1, where))
        elif isinstance(item, str) and UNSTORABLE.search(item):
            raise FieldRefused(path or "body", UNSTORABLE_TEXT)


FRAMEWORK_MESSAGES = {
    404: "alamat tidak ditemukan",
    405: "metode permintaan tidak diizinkan untuk alamat ini",
}


def wants_page(request: Request) -> bool:
    """Whether a browser asks for a page (not a script for JSON): the officer pages' 401
    becomes a way to the login form instead."""
    path = request.url.path
    if path.startswith("/api/") or request.method not in ("GET", "HEAD", "POST"):
        return False
    return "text/html" in request.headers.get("accept", "")


def sign_in_first(request: Request) -> RedirectResponse:
    """303 to the login form, which comes back here (a page; after a form, the officer home)."""
    target = request.url.path if request.method != "POST" else ""
    if target and request.url.query:
        target += f"?{request.url.query}"
    location = f"/masuk?next={quote(target, safe='')}" if target else "/masuk"
    return RedirectResponse(location, status_code=303)


def install_error_handlers(app: FastAPI) -> None:
    """Render `HttpError`, `FieldRefused` and FastAPI's own validation errors as the error
    JSON."""

    @app.exception_handler(HttpError)
    @app.exception_handler(FieldRefused)
    async def refused(request: Request, error: HttpError | FieldRefused) -> Response:
        if isinstance(error, HttpError) and error.status == 401 and wants_page(request):
            return sign_in_first(request)
        return error.response()

    @app.exception_handler(EventTooLarge)
    async def too_large(_: Request, error: EventTooLarge) -> JSONResponse:
        return error_response(413, "payload_too_large", EVENT_TOO_LARGE.format(limit=error.limit))

    async def unavailable(request: Request, error: Exception) -> JSONResponse:
        log.warning("database_unavailable", path=request.url.path, error=type(error).__name__)
        response = error_response(503, "unavailable", UNAVAILABLE)
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    for away in DATABASE_AWAY:
        app.add_exception_handler(away, unavailable)

    @app.exception_handler(HTTPException)
    async def framework_refusal(_: Request, error: HTTPException) -> JSONResponse:
        """The framework's own refusals (no such path, method not allowed) as the error JSON."""
        status = HTTPStatus(error.status_code)
        code = status.phrase.lower().replace(" ", "_")
        message = FRAMEWORK_MESSAGES.get(error.status_code, status.phrase)
        response = error_response(error.status_code, code, message)
        response.headers.update(error.headers or {})
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, error: RequestValidationError) -> JSONResponse:
        first = error.errors()[0]
        field = ".".join(str(p) for p in first["loc"] if p not in ("body", "query", "path"))
        return JSONResponse(
            {"error": "invalid_input", "message": first["msg"], "field": field or None},
            status_code=422,
        )
