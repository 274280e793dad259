"""What a router reads off a request besides its body: the request id and the page wanted."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Request


async def request_id(request: Request) -> str:
    """`X-Request-Id` when the client sent one (a retry is then recognised), else a new id."""
    return request.headers.get("x-request-id") or f"http:{uuid.uuid4()}"


@dataclass(frozen=True)
class Page:
    limit: int
    offset: int


MAX_OFFSET = 1_000_000_000  # past every register; PostgreSQL's OFFSET is a 64-bit integer


async def page(
    limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0, le=MAX_OFFSET)
) -> Page:
    return Page(limit, offset)


def uuid_or_none(text: str) -> uuid.UUID | None:
    """A path's id, or None when it is not one (the caller answers 404, not 422)."""
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


RequestId = Annotated[str, Depends(request_id)]
Paged = Annotated[Page, Depends(page)]
