"""The officer directory in PostgreSQL, and the API tokens officers authenticate with."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from collections.abc import Iterable, Sequence

import asyncpg

from sop.actions import Officer

SCHEMA = """
CREATE TABLE IF NOT EXISTS officers (
    id text PRIMARY KEY,
    name text NOT NULL,
    roles text[] NOT NULL,
    unit text,
    superior text REFERENCES officers (id),
    token_sha256 bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE officers
    ADD COLUMN IF NOT EXISTS email text,  -- where the notifier reaches the officer
    ADD COLUMN IF NOT EXISTS phone text;
"""

# Tokens are 256 random bits, so a plain SHA-256 is enough to keep them out of the table.
TOKEN_PREFIX = "alur_"  # noqa: S105 - a prefix, not a secret


class OfficerRefused(ValueError):
    """An officer that cannot be added as asked (the message says why)."""


def officer_id(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def _token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


class OfficerDirectory:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def create(self) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext('officers'))")
            await conn.execute(SCHEMA)

    async def add(
        self,
        name: str,
        roles: Sequence[str],
        *,
        known_roles: Iterable[str],
        unit: str | None = None,
        superior: str | None = None,
        email: str | None = None,
        phone: str | None = None,
    ) -> tuple[Officer, str]:
        """Create an officer; returns it and its API token (shown once, stored hashed)."""
        name = " ".join(name.split())
        identifier = officer_id(name)
        if not identifier:
            raise OfficerRefused("an officer needs a name with letters or digits")
        if email is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            raise OfficerRefused(f"{email!r} is not an email address")
        known = set(known_roles)
        unknown = [r for r in roles if r not in known]
        if not roles or unknown:
            raise OfficerRefused(
                f"unknown role {', '.join(unknown) or '(none given)'}; the SOPs name these"
                f" officer roles: {', '.join(sorted(known))}"
            )
        superior_id = None
        if superior is not None:
            superior_id = await self._pool.fetchval(
                "SELECT id FROM officers WHERE id = $1 OR lower(name) = lower($2)",
                officer_id(superior),
                superior,
            )
            if superior_id is None:
                raise OfficerRefused(f"no officer named {superior!r}: add the superior first")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        try:
            await self._pool.execute(
                "INSERT INTO officers (id, name, roles, unit, superior, token_sha256, email, phone)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                identifier,
                name,
                list(dict.fromkeys(roles)),
                unit,
                superior_id,
                _token_hash(token),
                email,
                phone,
            )
        except asyncpg.UniqueViolationError:
            raise OfficerRefused(f"an officer named {name!r} already exists") from None
        officer = Officer(identifier, name, frozenset(roles), unit, superior_id, email, phone)
        return officer, token

    async def by_token(self, token: str) -> Officer | None:
        row = await self._pool.fetchrow(
            "SELECT * FROM officers WHERE token_sha256 = $1", _token_hash(token)
        )
        return _officer(row) if row else None

    async def holding(self, role: str) -> list[Officer]:
        """The officers who hold `role`."""
        rows = await self._pool.fetch("SELECT * FROM officers WHERE $1 = ANY(roles)", role)
        return [_officer(r) for r in rows]

    async def by_ids(self, ids: Iterable[str]) -> dict[str, Officer]:
        rows = await self._pool.fetch("SELECT * FROM officers WHERE id = ANY($1)", list(ids))
        return {r["id"]: _officer(r) for r in rows}


def _officer(row: asyncpg.Record) -> Officer:
    return Officer(
        id=row["id"],
        name=row["name"],
        roles=frozenset(row["roles"]),
        unit=row["unit"],
        superior=row["superior"],
        email=row["email"],
        phone=row["phone"],
    )
