"""Limits on guessing and flooding, kept in PostgreSQL so every web process shares them.

Two kinds, each under a `scope` (what is limited: "pin", "login", "complaint", …) and a `key`
(who or what: a tracking number, an address, an account). Keys are stored as keyed hashes: an
address or an email never reaches the table in clear text.

- Failures with lockout (`Throttle.failed` / `locked_for` / `succeeded`): after
  `FailureLimit.failures` wrong answers the key is locked for `first_lock`, and each further lock
  lasts `growth` times longer (up to `longest_lock`). While locked, even a right answer is refused.
- Rates (`Throttle.admit`): at most `limit` uses per `window`.

Time comes from the clock passed in, so the simulated clock moves locks as it moves deadlines.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import asyncpg

from runtime.database import create_once

SCHEMA = """
CREATE TABLE IF NOT EXISTS throttle_failures (
    scope text NOT NULL,
    key bytea NOT NULL,
    failures integer NOT NULL DEFAULT 0,
    locks integer NOT NULL DEFAULT 0,
    locked_until timestamptz,
    PRIMARY KEY (scope, key)
);
-- Rates are counts of the current window: UNLOGGED, so counting a complaint writes no WAL and
-- waits for no flush. A crash of PostgreSQL empties the table: every window starts again.
CREATE UNLOGGED TABLE IF NOT EXISTS throttle_rates (
    scope text NOT NULL,
    key bytea NOT NULL,
    window_start timestamptz NOT NULL,
    uses integer NOT NULL,
    PRIMARY KEY (scope, key, window_start)
);
DO $$ BEGIN  -- created logged by an earlier version
    IF (SELECT relpersistence FROM pg_class WHERE oid = 'throttle_rates'::regclass) = 'p' THEN
        ALTER TABLE throttle_rates SET UNLOGGED;
    END IF;
END $$;
"""


@dataclass(frozen=True)
class FailureLimit:
    failures: int = 5
    first_lock: timedelta = timedelta(minutes=1)
    growth: int = 2
    longest_lock: timedelta = timedelta(hours=1)

    def lock(self, locks: int) -> timedelta:
        """How long the `locks`-th lock lasts (1 is the first)."""
        return min(self.first_lock * self.growth ** max(locks - 1, 0), self.longest_lock)


@dataclass(frozen=True)
class Throttle:
    pool: asyncpg.Pool
    secret: bytes
    now: Callable[[], datetime]

    async def create(self) -> None:
        async with self.pool.acquire() as conn:
            await create_once(conn, "throttle", SCHEMA)

    def _key(self, scope: str, key: str) -> bytes:
        return hmac.new(self.secret, f"{scope}\x00{key}".encode(), hashlib.sha256).digest()

    async def locked_for(self, scope: str, key: str) -> timedelta | None:
        """How long the key stays locked, or None when it is not."""
        until = await self.pool.fetchval(
            "SELECT locked_until FROM throttle_failures WHERE scope = $1 AND key = $2",
            scope,
            self._key(scope, key),
        )
        now = self.now()
        return until - now if until is not None and until > now else None

    async def failed(self, scope: str, key: str, limit: FailureLimit) -> timedelta | None:
        """Count a wrong answer; returns the lock it caused (or the one running), else None."""
        async with self.pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow(
                "INSERT INTO throttle_failures (scope, key, failures) VALUES ($1, $2, 1)"
                " ON CONFLICT (scope, key) DO UPDATE"
                " SET failures = throttle_failures.failures + 1"
                " RETURNING failures, locks, locked_until",
                scope,
                self._key(scope, key),
            )
            now = self.now()
            if row["locked_until"] is not None and row["locked_until"] > now:
                return row["locked_until"] - now
            if row["failures"] < limit.failures:
                return None
            lock = limit.lock(row["locks"] + 1)
            await conn.execute(
                "UPDATE throttle_failures SET failures = 0, locks = locks + 1, locked_until = $3"
                " WHERE scope = $1 AND key = $2",
                scope,
                self._key(scope, key),
                now + lock,
            )
            return lock

    async def succeeded(self, scope: str, key: str) -> None:
        """A right answer outside a lock: the count of wrong ones starts again (locks grow on)."""
        await self.pool.execute(
            "UPDATE throttle_failures SET failures = 0 WHERE scope = $1 AND key = $2",
            scope,
            self._key(scope, key),
        )

    async def admit(self, scope: str, key: str, limit: int, window: timedelta) -> bool:
        """Count one use; False when the key has used up its `limit` in this `window`."""
        now = self.now()
        seconds = window.total_seconds()
        start = datetime.fromtimestamp(now.timestamp() // seconds * seconds, tz=now.tzinfo)
        uses = await self.pool.fetchval(
            "INSERT INTO throttle_rates (scope, key, window_start, uses) VALUES ($1, $2, $3, 1)"
            " ON CONFLICT (scope, key, window_start) DO UPDATE"
            " SET uses = throttle_rates.uses + 1 RETURNING uses",
            scope,
            self._key(scope, key),
            start,
        )
        return uses <= limit


def wait_text(wait: timedelta) -> str:
    """ "5 menit", "1 jam", "30 detik": how long to wait, for a refusal message."""
    seconds = max(int(wait.total_seconds() + 0.999), 1)
    if seconds < 60:
        return f"{seconds} detik"
    if seconds < 3600:
        return f"{(seconds + 59) // 60} menit"
    return f"{(seconds + 3599) // 3600} jam"
