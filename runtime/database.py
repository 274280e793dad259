"""Connecting to Alur's PostgreSQL: a command-line tool (a clear error when it is down), a
worker (waits until it is up), and creating tables once when several processes start at once."""

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


async def no_session_reset(conn: asyncpg.Connection) -> None:
    """How Alur's pools take a connection back: without asyncpg's RESET round trip.

    Alur keeps no session state on a pooled connection: locks and settings are transaction
    scoped (`pg_advisory_xact_lock`, `SET TRANSACTION`, `SET LOCAL`), cursors live inside
    transactions, and LISTEN has connections of its own. asyncpg still rolls back a
    transaction left open before calling this, and drops the connection's listeners; the
    `UNLISTEN *; RESET ALL; CLOSE ALL; pg_advisory_unlock_all()` it would send on every
    release would find nothing to undo.
    """


async def pool_when_ready(database_url: str, max_size: int) -> asyncpg.Pool:
    """A worker's pool: tried every second (and said in the log) until PostgreSQL answers."""
    while True:
        try:
            return await asyncpg.create_pool(
                database_url, min_size=1, max_size=max_size, reset=no_session_reset
            )
        except (OSError, asyncpg.PostgresError) as error:
            log.warning("postgres_not_ready", error=repr(error))
            await asyncio.sleep(1)


async def create_once(conn: asyncpg.Connection, lock: str, schema: str) -> None:
    """Run `schema` (CREATE … IF NOT EXISTS) while holding the advisory lock `lock`: two
    processes running the same CREATE TABLE IF NOT EXISTS at once can collide."""
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", lock)
        await conn.execute(schema)
