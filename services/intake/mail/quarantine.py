"""Mails the intake could not take in (README "Email intake"): each one is moved to the
quarantine folder, and its UIDVALIDITY, UID, the reason and the time are kept here for the
operator. No personal data: no address, no subject, no Message-ID."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from runtime.database import create_once

SCHEMA = """
CREATE TABLE IF NOT EXISTS mail_quarantine (
    uidvalidity bigint NOT NULL,
    uid bigint NOT NULL,
    reason text NOT NULL,
    quarantined_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (uidvalidity, uid)
);
"""


@dataclass(frozen=True)
class Quarantine:
    pool: asyncpg.Pool

    async def create(self) -> None:
        async with self.pool.acquire() as conn:
            await create_once(conn, "mail_quarantine", SCHEMA)

    async def keep(self, uidvalidity: int, uid: int, reason: str) -> None:
        """Record why the mail is quarantined (once: a second time keeps the first reason)."""
        await self.pool.execute(
            "INSERT INTO mail_quarantine (uidvalidity, uid, reason) VALUES ($1, $2, $3)"
            " ON CONFLICT (uidvalidity, uid) DO NOTHING",
            uidvalidity,
            uid,
            reason[:200],
        )
