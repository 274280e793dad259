"""Connecting a command-line tool to Alur's PostgreSQL, with a clear error when it is down."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import asyncpg
import structlog

log = structlog.get_logger(__name__)


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


async def pool_when_ready(database_url: str, max_size: int) -> asyncpg.Pool:
    """A worker's pool: waits (and says so in the log) until PostgreSQL answers."""
    while True:
        try:
            return await asyncpg.create_pool(database_url, min_size=1, max_size=max_size)
        except (OSError, asyncpg.PostgresError) as error:
            log.warning("postgres_not_ready", error=repr(error))
            await asyncio.sleep(1)
