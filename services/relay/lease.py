"""One relay publishes at a time: the one holding the lease, a PostgreSQL advisory lock on a
connection of its own. The others stand by and take it over when its holder's connection ends
(the process died, or PostgreSQL restarted), so several relays may run without each publishing
every event (they would: at least once, but twice over)."""

from __future__ import annotations

import asyncpg
import structlog

log = structlog.get_logger(__name__)

LOST = (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, asyncpg.InternalClientError)


class RelayLease:
    def __init__(self, database_url: str, name: str = "kafka") -> None:
        self._database_url = database_url
        self._key = f"alur.relay.{name}"
        self._conn: asyncpg.Connection | None = None

    async def held(self) -> bool:
        """Whether this relay holds the lease now (taking it if it is free)."""
        if self._conn is not None:
            try:
                await self._conn.fetchval("SELECT 1")  # the lock lives as long as the session
                return True
            except LOST as error:
                log.warning("relay_lease_lost", error=repr(error))
                self._conn.terminate()
                self._conn = None
        try:
            conn = await asyncpg.connect(self._database_url)
        except LOST:
            return False
        try:
            taken = await conn.fetchval("SELECT pg_try_advisory_lock(hashtext($1))", self._key)
        except LOST:
            conn.terminate()
            return False
        if not taken:
            await conn.close()
            return False
        self._conn = conn
        log.info("relay_lease_taken")
        return True

    async def release(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            await conn.close()  # the session's lock goes with it
