"""Tracking numbers (ADU-2026-000042) and the reporter's PIN, kept by intake in PostgreSQL."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import uuid

import asyncpg

SCHEMA = """
CREATE TABLE IF NOT EXISTS intake_tracking_counter (
    prefix text NOT NULL,
    year integer NOT NULL,
    last_value integer NOT NULL,
    PRIMARY KEY (prefix, year)
);
CREATE TABLE IF NOT EXISTS intake_tracking (
    tracking_number text PRIMARY KEY,
    case_id uuid NOT NULL UNIQUE,
    pin_hash bytea NOT NULL,
    pin_salt bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
"""

# Case ids are derived from tracking numbers, so the number alone finds the case.
CASE_NAMESPACE = uuid.UUID("6f1d3c64-3a53-4c55-9a51-2d6f6b8f0a11")


def case_id_for(tracking_number: str) -> uuid.UUID:
    return uuid.uuid5(CASE_NAMESPACE, tracking_number)


def new_pin() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def _hash(pin: str, salt: bytes) -> bytes:
    return hashlib.scrypt(pin.encode(), salt=salt, n=2**12, r=8, p=1, dklen=32)


class TrackingNumbers:
    def __init__(self, pool: asyncpg.Pool, prefix: str = "ADU") -> None:
        self._pool = pool
        self._prefix = prefix

    async def create(self) -> None:
        await self._pool.execute(SCHEMA)

    async def issue(self, year: int, pin: str) -> str:
        """Allocate the next number of the year and keep the PIN's hash with it."""
        salt = secrets.token_bytes(16)
        pin_hash = await asyncio.to_thread(_hash, pin, salt)
        async with self._pool.acquire() as conn, conn.transaction():
            value = await conn.fetchval(
                "INSERT INTO intake_tracking_counter (prefix, year, last_value)"
                " VALUES ($1, $2, 1) ON CONFLICT (prefix, year)"
                " DO UPDATE SET last_value = intake_tracking_counter.last_value + 1"
                " RETURNING last_value",
                self._prefix,
                year,
            )
            number = f"{self._prefix}-{year}-{value:06d}"
            await conn.execute(
                "INSERT INTO intake_tracking (tracking_number, case_id, pin_hash, pin_salt)"
                " VALUES ($1, $2, $3, $4)",
                number,
                case_id_for(number),
                pin_hash,
                salt,
            )
        return number

    async def verify(self, tracking_number: str, pin: str) -> uuid.UUID | None:
        """The case id if the PIN matches the tracking number, else None."""
        row = await self._pool.fetchrow(
            "SELECT case_id, pin_hash, pin_salt FROM intake_tracking WHERE tracking_number = $1",
            tracking_number,
        )
        salt = row["pin_salt"] if row else b"0" * 16  # same cost whether or not it exists
        pin_hash = await asyncio.to_thread(_hash, pin, salt)
        if row is None or not hmac.compare_digest(pin_hash, row["pin_hash"]):
            return None
        return row["case_id"]
