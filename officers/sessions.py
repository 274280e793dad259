"""Officers' browser sessions, kept server-side in PostgreSQL.

A session's id is 256 random bits, given to the browser once (in a cookie) and stored as its
SHA-256. A session ends when it has not been used for `idle` (counted to a tenth of it), when
`longest` has passed since the login, at logout, when the officer is disabled or their password
is reset. Every request asks again (`officer`), so an ended session stops working at once.
Times are PostgreSQL's.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import asyncpg

from officers.rows import officer_of
from sop.actions import Officer


def _hash(session_id: str) -> bytes:
    return hashlib.sha256(session_id.encode()).digest()


@dataclass(frozen=True)
class SessionLimits:
    idle: timedelta = timedelta(minutes=30)
    longest: timedelta = timedelta(hours=12)


class Sessions:
    def __init__(self, pool: asyncpg.Pool, limits: SessionLimits) -> None:
        self._pool = pool
        self.limits = limits

    async def open(self, officer_id: str, replacing: str | None = None) -> str:
        """A new session for the officer; the one the browser held before (`replacing`) ends,
        so an id planted before the login is never the id after it."""
        session_id = secrets.token_urlsafe(32)
        async with self._pool.acquire() as conn, conn.transaction():
            if replacing:
                await conn.execute(
                    "DELETE FROM officer_sessions WHERE id_sha256 = $1", _hash(replacing)
                )
            await conn.execute(  # every ended session, of anyone: a login is rare enough
                "DELETE FROM officer_sessions"
                " WHERE expires_at <= now() OR last_seen_at <= now() - $1::interval",
                self.limits.idle,
            )
            await conn.execute(
                "INSERT INTO officer_sessions (id_sha256, officer_id, expires_at)"
                " VALUES ($1, $2, now() + $3::interval)",
                _hash(session_id),
                officer_id,
                self.limits.longest,
            )
        return session_id

    async def officer(self, session_id: str) -> Officer | None:
        """The session's officer while it lives (its idle time starts again); else None."""
        # The last use is written only when it is older than a tenth of the idle time: most
        # requests then only read (no commit to wait for), and a session idles out at most a
        # tenth early.
        row = await self._pool.fetchrow(
            "WITH live AS ("
            "  SELECT officer_id, last_seen_at FROM officer_sessions"
            "  WHERE id_sha256 = $1 AND expires_at > now()"
            "    AND last_seen_at > now() - $2::interval),"
            " touched AS ("
            "  UPDATE officer_sessions SET last_seen_at = now() FROM live"
            "  WHERE id_sha256 = $1 AND live.last_seen_at <= now() - $3::interval)"
            " SELECT o.* FROM officers o JOIN live ON live.officer_id = o.id"
            " WHERE o.disabled_at IS NULL",
            _hash(session_id),
            self.limits.idle,
            self.limits.idle / 10,
        )
        return officer_of(row) if row else None

    async def close(self, session_id: str) -> None:
        await self._pool.execute(
            "DELETE FROM officer_sessions WHERE id_sha256 = $1", _hash(session_id)
        )

    async def close_all(self, officer_id: str, conn: asyncpg.Connection | None = None) -> int:
        """End every session of the officer; returns how many there were."""
        done = await (conn or self._pool).execute(
            "DELETE FROM officer_sessions WHERE officer_id = $1", officer_id
        )
        return int(done.split()[-1])
