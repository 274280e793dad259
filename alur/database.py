"""Connecting a command-line tool to Alur's PostgreSQL, with a clear error when it is down."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import asyncpg


class DatabaseUnreachable(RuntimeError):
    pass


async def connect_pool(database_url: str, wait_seconds: float = 5.0) -> asyncpg.Pool:
    try:
        return await asyncio.wait_for(
            asyncpg.create_pool(database_url, min_size=1, max_size=2), wait_seconds
        )
    except (OSError, TimeoutError, asyncpg.PostgresError) as error:
        where = urlsplit(database_url)
        raise DatabaseUnreachable(
            f"cannot reach PostgreSQL at {where.hostname}:{where.port or 5432}{where.path}"
            f" ({error.__class__.__name__}: {error}); start it with `make run` or set DATABASE_URL"
        ) from None
