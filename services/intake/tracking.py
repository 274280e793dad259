"""Tracking numbers (ADU-2026-000042) and the reporter's PIN, kept by intake in PostgreSQL."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import re
import secrets
import uuid

import asyncpg

SCHEMA = """
CREATE TABLE IF NOT EXISTS intake_tracking (
    tracking_number text PRIMARY KEY,
    case_id uuid NOT NULL UNIQUE,
    pin_hash bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
"""

# Case ids are derived from tracking numbers, so the number alone finds the case.
CASE_NAMESPACE = uuid.UUID("6f1d3c64-3a53-4c55-9a51-2d6f6b8f0a11")


def case_id_for(tracking_number: str) -> uuid.UUID:
    return uuid.uuid5(CASE_NAMESPACE, tracking_number)


def new_pin() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


class TrackingNumbers:
    """Allocates tracking numbers and checks PINs.

    A six-digit PIN has only a million values, so a slow hash would not stop anyone who holds
    the table; a keyed hash (HMAC with a secret kept outside the database) does.
    """

    def __init__(self, pool: asyncpg.Pool, secret_key: bytes, prefix: str = "ADU") -> None:
        if not re.fullmatch(r"[A-Z]{2,8}", prefix):
            raise ValueError(f"a tracking number prefix is 2-8 capital letters, not {prefix!r}")
        self._pool = pool
        self._key = secret_key
        self._prefix = prefix
        self._sequences: set[str] = set()

    def _hash(self, tracking_number: str, pin: str) -> bytes:
        return hmac.new(self._key, f"{tracking_number}:{pin}".encode(), hashlib.sha256).digest()

    async def create(self) -> None:
        await self._pool.execute(SCHEMA)

    async def issue(self, year: int, pin: str) -> str:
        """Allocate the next number of the year and keep the PIN's keyed hash with it.

        Numbers come from a sequence per year, which holds no lock while a request commits;
        a failed request leaves a gap in the numbering, never a duplicate.
        """
        sequence = await self._sequence(year)
        async with self._pool.acquire() as conn, conn.transaction():
            value = await conn.fetchval(f"SELECT nextval('{sequence}')")
            number = f"{self._prefix}-{year}-{value:06d}"
            await conn.execute(
                "INSERT INTO intake_tracking (tracking_number, case_id, pin_hash)"
                " VALUES ($1, $2, $3)",
                number,
                case_id_for(number),
                self._hash(number, pin),
            )
        return number

    async def _sequence(self, year: int) -> str:
        name = f"intake_tracking_{self._prefix.lower()}_{year}"
        if name not in self._sequences:
            # Another process may create it at the same moment.
            with contextlib.suppress(asyncpg.UniqueViolationError):
                await self._pool.execute(f"CREATE SEQUENCE IF NOT EXISTS {name}")
            self._sequences.add(name)
        return name

    async def verify(self, tracking_number: str, pin: str) -> uuid.UUID | None:
        """The case id if the PIN matches the tracking number, else None."""
        row = await self._pool.fetchrow(
            "SELECT case_id, pin_hash FROM intake_tracking WHERE tracking_number = $1",
            tracking_number,
        )
        if row is None or not hmac.compare_digest(
            self._hash(tracking_number, pin), row["pin_hash"]
        ):
            return None
        return row["case_id"]
