"""One-time activation links: an officer sets their own password at `/aktivasi/{token}`.

`alur users add` (without `--password-stdin`) and `alur users reset-password` print one. The
token is 256 random bits, stored as its SHA-256; it works once, until it expires, and only while
the officer is not disabled. Issuing a new link voids the officer's earlier ones.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import asyncpg

from officers.rows import officer_of
from sop.actions import Officer

PATH = "/aktivasi/"


def _hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


class Activations:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def issue(
        self, officer_id: str, valid_for: timedelta, *, conn: asyncpg.Connection | None = None
    ) -> tuple[str, datetime]:
        """A new link's token and when it expires; the officer's earlier links stop working."""
        token = secrets.token_urlsafe(32)
        db = conn or self._pool
        await db.execute(
            "UPDATE officer_activations SET used_at = now()"
            " WHERE officer_id = $1 AND used_at IS NULL",
            officer_id,
        )
        expires_at = await db.fetchval(
            "INSERT INTO officer_activations (token_sha256, officer_id, expires_at)"
            " VALUES ($1, $2, now() + $3::interval) RETURNING expires_at",
            _hash(token),
            officer_id,
            valid_for,
        )
        return token, expires_at

    async def officer(self, token: str) -> Officer | None:
        """Whose link this is, while it may still be used."""
        row = await self._pool.fetchrow(
            "SELECT o.* FROM officer_activations a JOIN officers o ON o.id = a.officer_id"
            " WHERE a.token_sha256 = $1 AND a.used_at IS NULL AND a.expires_at > now()"
            " AND o.disabled_at IS NULL",
            _hash(token),
        )
        return officer_of(row) if row else None

    async def use(self, token: str, password_hash: str) -> Officer | None:
        """Set the password through the link and spend it (once, even when two submit at once);
        the officer's sessions end. None when the link no longer works."""
        async with self._pool.acquire() as conn, conn.transaction():
            officer_id = await conn.fetchval(
                "UPDATE officer_activations a SET used_at = now() FROM officers o"
                " WHERE a.token_sha256 = $1 AND a.used_at IS NULL AND a.expires_at > now()"
                " AND o.id = a.officer_id AND o.disabled_at IS NULL"
                " RETURNING a.officer_id",
                _hash(token),
            )
            if officer_id is None:
                return None
            row = await conn.fetchrow(
                "UPDATE officers SET password_hash = $2 WHERE id = $1 RETURNING *",
                officer_id,
                password_hash,
            )
            await conn.execute("DELETE FROM officer_sessions WHERE officer_id = $1", officer_id)
        return officer_of(row)
