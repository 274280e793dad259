"""Causation ids from a caller's request id, in namespaces no worker writes.

A caller may send `Idempotency-Key` (or `X-Request-Id`) so that a retry is recognised: the key
becomes the causation id of what the request records. The workers record theirs under their own
prefixes (`routing:{event}`, `sla:{timer}:breach`, `sla:{timer}:resumed:…`, `survey:{case}`), and
a worker skips a fact whose causation id the case already holds. So a caller's key never enters
the store as sent: it is recorded as

- `officer:{officer id}:{key}` for an officer (a retry by the same officer is still the same
  request; another officer's equal key is another request),
- `public:{key}` for a complaint sent by the public,
- `reporter:{key}` for a reporter's reply,

and can never equal a system causation id. Without a key the request gets a fresh
`http:{uuid}`.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Request

from runtime.http.errors import HttpError
from sop.actions import Officer

HEADERS = ("idempotency-key", "x-request-id")
LONGEST_KEY = 200


def caller_key(request: Request) -> str | None:
    """The caller's own request id (`Idempotency-Key`, else `X-Request-Id`), or None."""
    for header in HEADERS:
        key = request.headers.get(header, "").strip()
        if key:
            if len(key) > LONGEST_KEY:
                raise HttpError(
                    422,
                    "invalid_input",
                    f"terlalu panjang (maksimal {LONGEST_KEY} karakter)",
                    "Idempotency-Key" if header == HEADERS[0] else "X-Request-Id",
                )
            return key
    return None


def fresh() -> str:
    return f"http:{uuid.uuid4()}"


def officer_causation(request: Request, officer: Officer) -> str | None:
    """The causation id of an officer's request; None when the caller sent no key."""
    key = caller_key(request)
    return None if key is None else f"officer:{officer.id}:{key}"


async def public_request_id(request: Request) -> str:
    key = caller_key(request)
    return fresh() if key is None else f"public:{key}"


async def reporter_request_id(request: Request) -> str:
    key = caller_key(request)
    return fresh() if key is None else f"reporter:{key}"


PublicRequestId = Annotated[str, Depends(public_request_id)]
ReporterRequestId = Annotated[str, Depends(reporter_request_id)]
