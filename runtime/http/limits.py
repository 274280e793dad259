"""Limits every request meets before a route sees it: pure ASGI middlewares.

`BodyLimit`: the request body size limit.
A body larger than `max_bytes` (`ALUR_MAX_BODY_BYTES`) is answered 413
`{"error": "payload_too_large", ...}` before any route sees it: at once when `Content-Length`
says so, else (a chunked body) as soon as the bytes received pass the limit. A refused body is read
and dropped up to `drain_limit` first, so that a client still sending it gets the 413 rather than
a reset connection. A body within the limit is read whole here and handed to the app
unchanged, so a route never reads more than the limit however the client sends it. Routes that
take files (`WiderLimit`: a method and a path pattern) get the larger limit they need for a
multipart body (the WhatsApp gateway's route: for a JSON body with inline media), and no other
route or kind of body does.

`NoNulInUrl`: a NUL character (`%00`), which no database text can hold, in the path (404) or in
a query parameter (422 naming the parameter): no search, filter or number lookup ever passes one
on to PostgreSQL.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_MAX_BODY_BYTES = 1024 * 1024
DRAIN_BYTES = 16 * 1024 * 1024
TOO_LARGE = "isi permintaan terlalu besar (maksimal {limit} bita)"


@dataclass(frozen=True)
class WiderLimit:
    """A larger limit for bodies of `content_type` (multipart by default) sent by `method` to a
    path matching `path` whole."""

    method: str
    path: re.Pattern[str]
    max_bytes: int
    content_type: bytes = b"multipart/"


class BodyLimit:
    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int = DEFAULT_MAX_BODY_BYTES,
        wider: Sequence[WiderLimit] = (),
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.wider = tuple(wider)

    def limit_for(self, scope: Scope) -> int:
        if not self.wider:
            return self.max_bytes
        kind = _header(scope, b"content-type")
        for rule in self.wider:
            if (
                kind.startswith(rule.content_type)
                and scope.get("method") == rule.method
                and rule.path.fullmatch(scope["path"])
            ):
                return max(rule.max_bytes, self.max_bytes)
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            drain = declared <= self.drain_limit(limit)
            await self._refuse(receive, send, limit, already=0 if drain else None)
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                await self.app(scope, _replay(b"", message, receive), send)
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > limit:
                await self._refuse(receive, send, limit, already=len(body) if more else None)
                return
            if not more:
                break
        await self.app(scope, _replay(bytes(body), None, receive), send)

    @staticmethod
    def drain_limit(limit: int) -> int:
        """How much of a refused body is read and dropped before the 413, so that a client
        still sending it reads the answer instead of a reset connection."""
        return max(DRAIN_BYTES, 4 * limit)

    async def _refuse(
        self, receive: Receive, send: Send, limit: int, *, already: int | None
    ) -> None:
        """`already`: bytes of the body read so far (None: all of it)."""
        read = already
        while read is not None and read <= self.drain_limit(limit):
            message = await receive()
            if message["type"] != "http.request" or not message.get("more_body", False):
                break
            read += len(message.get("body", b""))
        message = TOO_LARGE.format(limit=limit)
        await _answer(send, 413, {"error": "payload_too_large", "message": message}, close=True)


class NoNulInUrl:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            if "\x00" in scope["path"]:
                await _answer(send, 404, {"error": "not_found", "message": NO_SUCH_PATH})
                return
            query = scope.get("query_string", b"").decode("latin-1")
            for name, value in parse_qsl(query, keep_blank_values=True):
                if "\x00" in name or "\x00" in value:
                    refused = {"error": "invalid_input", "message": NUL_IN_QUERY}
                    await _answer(send, 422, {**refused, "field": name.replace("\x00", "")})
                    return
        await self.app(scope, receive, send)


NO_SUCH_PATH = "alamat tidak ditemukan"
NUL_IN_QUERY = "berisi karakter yang tidak diizinkan (karakter kendali)"


async def _answer(send: Send, status: int, body: dict[str, str], *, close: bool = False) -> None:
    payload = json.dumps(body).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
    ]
    if close:  # the rest of a refused body is not read: the connection cannot be reused
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


def _header(scope: Scope, name: bytes) -> bytes:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value).lower()
    return b""


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _replay(body: bytes, first: Message | None, receive: Receive) -> Receive:
    """A `receive` that hands out the body read already (or the message that ended it), then
    whatever the client sends next (its disconnect)."""
    pending: list[Message] = [first or {"type": "http.request", "body": body, "more_body": False}]

    async def replayed() -> Message:
        if pending:
            return pending.pop()
        return await receive()

    return replayed
