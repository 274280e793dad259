"""The officer directory in PostgreSQL: who the officers are, and their accounts' state (password
hash, disabled or not). Tokens, sessions, activation links and the second factor have their own
modules; `create` makes every table of them (officers/schema.py)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import asyncpg

from officers.rows import officer_of
from officers.schema import SCHEMA
from officers.tokens import ApiTokens, IssuedToken
from sop.actions import Officer

# How long the API token `alur users add` prints works (ALUR_TOKEN_DAYS in the CLI).
TOKEN_LIFE = timedelta(days=365)


class OfficerRefused(ValueError):
    """An officer that cannot be added as asked (the message says why)."""


def officer_id(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


@dataclass(frozen=True)
class NewOfficer:
    officer: Officer
    token: IssuedToken


class OfficerDirectory:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @property
    def pool(self) -> asyncpg.Pool:
        return self._pool

    async def create(self) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext('officers'))")
            await conn.execute(SCHEMA)

    async def add(
        self, name: str, roles: Sequence[str], *, known_roles: Iterable[str], **details: Any
    ) -> tuple[Officer, str]:
        """Create an officer; returns it and its API token (shown once, stored hashed).
        `details`: what `enlist` takes (unit, superior, email, phone)."""
        added = await self.enlist(name, roles, known_roles=known_roles, **details)
        return added.officer, added.token.token

    async def enlist(
        self,
        name: str,
        roles: Sequence[str],
        *,
        known_roles: Iterable[str],
        unit: str | None = None,
        superior: str | None = None,
        email: str | None = None,
        phone: str | None = None,
        password_hash: str | None = None,
        token_life: timedelta = TOKEN_LIFE,
    ) -> NewOfficer:
        """Create an officer (with a password hash, or none until they activate their account)
        and their first API token, in one transaction."""
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
            found = await self.find(superior)
            if found is None:
                raise OfficerRefused(f"no officer named {superior!r}: add the superior first")
            superior_id = found.id
        async with self._pool.acquire() as conn, conn.transaction():
            try:
                await conn.execute(
                    "INSERT INTO officers"
                    " (id, name, roles, unit, superior, email, phone, password_hash)"
                    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    identifier,
                    name,
                    list(dict.fromkeys(roles)),
                    unit,
                    superior_id,
                    email,
                    phone,
                    password_hash,
                )
            except asyncpg.UniqueViolationError:
                raise OfficerRefused(f"an officer named {name!r} already exists") from None
            token = await ApiTokens(self._pool).issue(
                identifier, token_life, "alur users add", conn=conn
            )
        officer = Officer(identifier, name, frozenset(roles), unit, superior_id, email, phone)
        return NewOfficer(officer, token)

    async def find(self, name: str) -> Officer | None:
        """The officer with this id or name (any case), disabled or not."""
        row = await self._pool.fetchrow(
            "SELECT * FROM officers WHERE id = $1 OR lower(name) = lower($2)"
            " ORDER BY id = $1 DESC LIMIT 1",
            officer_id(name),
            " ".join(name.split()),
        )
        return officer_of(row) if row else None

    async def by_token(self, token: str) -> Officer | None:
        """The officer of a working API token (not expired, not revoked, officer enabled)."""
        return await ApiTokens(self._pool).officer(token)

    async def holding(self, role: str) -> list[Officer]:
        """The enabled officers who hold `role` (a disabled officer is given no work)."""
        rows = await self._pool.fetch(
            "SELECT * FROM officers WHERE $1 = ANY(roles) AND disabled_at IS NULL", role
        )
        return [officer_of(r) for r in rows]

    async def by_ids(self, ids: Iterable[str]) -> dict[str, Officer]:
        rows = await self._pool.fetch("SELECT * FROM officers WHERE id = ANY($1)", list(ids))
        return {r["id"]: officer_of(r) for r in rows}

    async def sign_in_record(self, name: str) -> tuple[Officer, str | None] | None:
        """An enabled officer by id or name, with their password hash (None: not set yet)."""
        row = await self._pool.fetchrow(
            "SELECT * FROM officers WHERE id = $1 AND disabled_at IS NULL", officer_id(name)
        )
        return (officer_of(row), row["password_hash"]) if row else None

    async def set_password(self, officer_id: str, password_hash: str) -> None:
        """A new password hash (`reset-password --password-stdin`); the officer's sessions end."""
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute(
                "UPDATE officers SET password_hash = $2 WHERE id = $1", officer_id, password_hash
            )
            await conn.execute("DELETE FROM officer_sessions WHERE officer_id = $1", officer_id)

    async def clear_password(self, officer_id: str) -> None:
        """No password until the officer uses a new activation link; the sessions end."""
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("UPDATE officers SET password_hash = NULL WHERE id = $1", officer_id)
            await conn.execute("DELETE FROM officer_sessions WHERE officer_id = $1", officer_id)

    async def set_password_hash(self, officer_id: str, password_hash: str) -> None:
        """The same password hashed again (with the current parameters); sessions go on."""
        await self._pool.execute(
            "UPDATE officers SET password_hash = $2 WHERE id = $1", officer_id, password_hash
        )

    async def set_disabled(self, officer_id: str, disabled: bool) -> None:
        """Disable (their sessions end; sessions and tokens are refused from now on) or enable."""
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute(
                "UPDATE officers SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, now())"
                " END WHERE id = $1",
                officer_id,
                disabled,
            )
            if disabled:
                await conn.execute("DELETE FROM officer_sessions WHERE officer_id = $1", officer_id)

    async def disabled(self, officer_id: str) -> bool:
        return bool(
            await self._pool.fetchval(
                "SELECT disabled_at IS NOT NULL FROM officers WHERE id = $1", officer_id
            )
        )


@dataclass(frozen=True)
class RosterEntry:
    """An officer as the administration lists them, with their account's state."""

    officer: Officer
    disabled: bool
    password_set: bool
    second_factor: bool


async def roster(directory: OfficerDirectory) -> list[RosterEntry]:
    """Every officer, disabled ones too, by name."""
    rows = await directory.pool.fetch(
        "SELECT *, disabled_at IS NOT NULL AS is_disabled,"
        " password_hash IS NOT NULL AS has_password, totp_secret IS NOT NULL AS has_totp"
        " FROM officers ORDER BY lower(name)"
    )
    return [
        RosterEntry(officer_of(r), r["is_disabled"], r["has_password"], r["has_totp"]) for r in rows
    ]


async def reassign(
    directory: OfficerDirectory,
    officer: Officer,
    roles: Sequence[str],
    *,
    known_roles: Iterable[str],
    unit: str | None,
    superior: str | None,
) -> Officer:
    """The officer with new roles, unit and superior (a name or id; None: no superior).
    OfficerRefused for an unknown role, an unknown superior, or a superior chain that would
    come back to the officer."""
    known = set(known_roles)
    unknown = [r for r in roles if r not in known]
    if not roles or unknown:
        raise OfficerRefused(f"unknown role {', '.join(unknown) or '(none given)'}")
    superior_id = None
    if superior is not None:
        found = await directory.find(superior)
        if found is None:
            raise OfficerRefused(f"no officer named {superior!r}")
        chain = [found.id]
        while chain[-1] != officer.id:
            above = (await directory.by_ids([chain[-1]])).get(chain[-1])
            if above is None or above.superior is None or above.superior in chain:
                break
            chain.append(above.superior)
        if chain[-1] == officer.id:
            raise OfficerRefused("an officer cannot be their own superior, directly or not")
        superior_id = found.id
    await directory.pool.execute(
        "UPDATE officers SET roles = $2, unit = $3, superior = $4 WHERE id = $1",
        officer.id,
        list(dict.fromkeys(roles)),
        unit,
        superior_id,
    )
    return Officer(
        officer.id, officer.name, frozenset(roles), unit, superior_id, officer.email, officer.phone
    )
