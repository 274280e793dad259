"""API tokens for scripts: `Authorization: Bearer TOKEN`, each with an expiry, revocable.

A token is 256 random bits behind the prefix `alur_`, so a plain SHA-256 keeps it out of the
table. Each has an id (`tok_…`) and its first characters kept in clear, to name it when listing
or revoking. A token works while it is not expired, not revoked and its officer not disabled.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import asyncpg

from officers.rows import officer_of
from sop.actions import Officer

TOKEN_PREFIX = "alur_"  # noqa: S105 - a prefix, not a secret
SHOWN = 12  # characters of a token kept in clear ("alur_" and 7 random ones)
# The shortest prefix `revoke` accepts: shorter ones would name too many tokens by chance.
SHORTEST_PREFIX = 9


class TokenRefused(ValueError):
    """A token that cannot be created or revoked as asked (the message says why)."""


@dataclass(frozen=True)
class IssuedToken:
    id: str
    token: str  # shown once
    expires_at: datetime


@dataclass(frozen=True)
class TokenRecord:
    id: str
    officer_id: str
    prefix: str | None
    label: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


class ApiTokens:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def issue(
        self,
        officer_id: str,
        valid_for: timedelta,
        label: str = "",
        *,
        conn: asyncpg.Connection | None = None,
    ) -> IssuedToken:
        if valid_for <= timedelta(0):
            raise TokenRefused("a token must be valid for some time (--expires-days > 0)")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        identifier = "tok_" + secrets.token_hex(6)
        expires_at = await (conn or self._pool).fetchval(
            "INSERT INTO officer_tokens (id, officer_id, token_sha256, prefix, label, expires_at)"
            " VALUES ($1, $2, $3, $4, $5, now() + $6::interval) RETURNING expires_at",
            identifier,
            officer_id,
            token_hash(token),
            token[:SHOWN],
            label,
            valid_for,
        )
        return IssuedToken(identifier, token, expires_at)

    async def officer(self, token: str) -> Officer | None:
        """The officer a token belongs to while it works (every request asks again)."""
        row = await self._pool.fetchrow(
            "SELECT o.* FROM officer_tokens t JOIN officers o ON o.id = t.officer_id"
            " WHERE t.token_sha256 = $1 AND t.revoked_at IS NULL AND t.expires_at > now()"
            " AND o.disabled_at IS NULL",
            token_hash(token),
        )
        return officer_of(row) if row else None

    async def revoke(self, named: str) -> TokenRecord:
        """Revoke the one token named by its id, the token itself, or its first characters."""
        named = named.strip()
        rows = await self._pool.fetch(
            "SELECT * FROM officer_tokens WHERE id = $1 OR token_sha256 = $2"
            " OR (length($1) >= $3 AND prefix IS NOT NULL"
            "     AND (starts_with(prefix, $1) OR starts_with($1, prefix)))",
            named,
            token_hash(named),
            SHORTEST_PREFIX,
        )
        if named.startswith(TOKEN_PREFIX) and len(named) > SHOWN:
            # A whole token: only its own row (another may share its first characters).
            rows = [r for r in rows if r["token_sha256"] == token_hash(named)] or rows[:0]
        if not rows:
            raise TokenRefused(f"no token {named!r} (give its id, tok_…, or its first characters)")
        if len(rows) > 1:
            ids = ", ".join(sorted(r["id"] for r in rows))
            raise TokenRefused(f"{named!r} names several tokens ({ids}): give the token's id")
        row = await self._pool.fetchrow(
            "UPDATE officer_tokens SET revoked_at = coalesce(revoked_at, now())"
            " WHERE id = $1 RETURNING *",
            rows[0]["id"],
        )
        return _record(row)

    async def of_officer(self, officer_id: str | None = None) -> list[TokenRecord]:
        rows = await self._pool.fetch(
            "SELECT * FROM officer_tokens WHERE $1::text IS NULL OR officer_id = $1"
            " ORDER BY officer_id, created_at",
            officer_id,
        )
        return [_record(r) for r in rows]


def _record(row: asyncpg.Record) -> TokenRecord:
    return TokenRecord(
        id=row["id"],
        officer_id=row["officer_id"],
        prefix=row["prefix"],
        label=row["label"],
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        revoked_at=row["revoked_at"],
    )
