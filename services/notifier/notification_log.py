"""The notifications table: every planned notification, its status, and every attempt.

A notification's id is a UUIDv5 of (event, rule, recipient, channel): planning the same event
again inserts nothing new. Dispatchers claim due rows with `FOR UPDATE SKIP LOCKED` and a
lease; every later write is fenced by the attempt number the claim gave, so a dispatcher whose
lease ran out (and whose row another dispatcher took) cannot record anything.

Statuses: pending → sending → sent; failed (waits for a retry), dead (gave up), skipped
(never sent: the channel is not configured; the reason is in last_error).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

SCHEMA = """
CREATE TABLE IF NOT EXISTS notifications (
    notification_id uuid PRIMARY KEY,
    case_id uuid NOT NULL,
    event_id uuid NOT NULL,
    event_type text NOT NULL,
    rule text NOT NULL,
    channel text NOT NULL,
    recipient text NOT NULL,  -- the address: an email address or a phone number
    audience text NOT NULL,
    recipient_name text,
    subject text NOT NULL,
    body_text text NOT NULL,
    body_html text NOT NULL,
    status text NOT NULL
        CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'dead', 'skipped')),
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    lease_until timestamptz,
    last_error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at timestamptz
);
-- A reporter's address and every rendered text of a case with a reporter are sealed with the
-- reporter's key (privacy/); the address's keyed blind index counts receipts per address.
ALTER TABLE notifications ADD COLUMN IF NOT EXISTS recipient_index bytea;
CREATE INDEX IF NOT EXISTS notifications_due ON notifications (next_attempt_at)
    WHERE status IN ('pending', 'failed', 'sending');
CREATE INDEX IF NOT EXISTS notifications_case ON notifications (case_id, created_at);
CREATE TABLE IF NOT EXISTS notification_attempts (
    notification_id uuid NOT NULL REFERENCES notifications (notification_id),
    attempt integer NOT NULL,
    started_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    -- sent | committed (email recorded sent, the server's final reply not read) | failed
    -- | refused (the server refused the finished message) | abandoned (the lease ran out)
    outcome text,
    error text,
    PRIMARY KEY (notification_id, attempt)
);
"""

NAMESPACE = UUID("6f1d9a52-2c4e-4f0b-9a51-8b1e0d3c7a10")


def notification_id(event_id: UUID, rule: str, recipient: str, channel: str) -> UUID:
    """`recipient`: an officer's address, or the hex blind index of a reporter's."""
    return uuid.uuid5(NAMESPACE, f"{event_id}|{rule}|{recipient.strip().lower()}|{channel}")


@dataclass(frozen=True)
class Message:
    """What a notification says, to whom, about which event."""

    case_id: UUID
    event_id: UUID
    event_type: str
    rule: str
    channel: str
    recipient: str  # the address: an email address or a phone number
    recipient_name: str | None
    subject: str
    body_text: str
    body_html: str


@dataclass(frozen=True)
class Planned(Message):
    audience: str
    skipped_because: str | None = None  # set: recorded as skipped, never sent
    # A sealed reporter's address: its keyed blind index (privacy/master.py), which names it in
    # the id and in the receipt limit's count.
    recipient_index: bytes | None = None

    @property
    def notification_id(self) -> UUID:
        recipient = self.recipient_index.hex() if self.recipient_index else self.recipient
        return notification_id(self.event_id, self.rule, recipient, self.channel)


@dataclass(frozen=True)
class Claimed(Message):
    """A row a dispatcher holds, as of attempt `attempt`."""

    notification_id: UUID
    attempt: int
    created_at: datetime


async def create(conn: asyncpg.Connection) -> None:
    await conn.execute(SCHEMA)


async def insert(conn: asyncpg.Connection, planned: Planned) -> bool:
    """Record a planned notification; False if it was already there."""
    inserted = await conn.fetchval(
        "INSERT INTO notifications (notification_id, case_id, event_id, event_type, rule,"
        " channel, recipient, audience, recipient_name, subject, body_text, body_html, status,"
        " last_error, recipient_index)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
        " ON CONFLICT (notification_id) DO NOTHING RETURNING true",
        planned.notification_id,
        planned.case_id,
        planned.event_id,
        planned.event_type,
        planned.rule,
        planned.channel,
        planned.recipient,
        planned.audience,
        planned.recipient_name,
        planned.subject,
        planned.body_text,
        planned.body_html,
        "skipped" if planned.skipped_because else "pending",
        planned.skipped_because,
        planned.recipient_index,
    )
    return bool(inserted)


class NotificationLog:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def claim(self, limit: int, lease_seconds: float, channels: list[str]) -> list[Claimed]:
        """Take up to `limit` due rows (or rows whose sender's lease ran out) for one attempt."""
        async with self._pool.acquire() as conn, conn.transaction():
            rows = await conn.fetch(
                "UPDATE notifications n SET status = 'sending', attempts = n.attempts + 1,"
                " lease_until = now() + make_interval(secs => $2)"
                " FROM (SELECT notification_id FROM notifications"
                "       WHERE ((status IN ('pending', 'failed') AND next_attempt_at <= now())"
                "          OR (status = 'sending' AND lease_until < now()))"
                "         AND channel = ANY($3::text[])"
                "       ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED) due"
                " WHERE n.notification_id = due.notification_id RETURNING n.*",
                limit,
                float(lease_seconds),
                channels,
            )
            if not rows:
                return []
            ids = [r["notification_id"] for r in rows]
            await conn.execute(
                "UPDATE notification_attempts SET outcome = 'abandoned', finished_at = now(),"
                " error = 'the sender stopped before recording a result; its lease ran out'"
                " WHERE notification_id = ANY($1) AND finished_at IS NULL AND outcome IS NULL",
                ids,
            )
            await conn.executemany(
                "INSERT INTO notification_attempts (notification_id, attempt) VALUES ($1, $2)",
                [(r["notification_id"], r["attempts"]) for r in rows],
            )
        return [_claimed(r) for r in rows]

    async def record_sent(self, claimed: Claimed, *, final: bool) -> bool:
        """Record the row sent, if this attempt still holds it; False if it lost its lease.

        `final` False is the email case: the message is written but not yet terminated, and
        the attempt stays `committed` until `confirm` reads the server's reply.
        """
        async with self._pool.acquire() as conn, conn.transaction():
            held = await conn.fetchval(
                "UPDATE notifications SET status = 'sent', sent_at = now(), lease_until = NULL,"
                " last_error = NULL WHERE notification_id = $1 AND attempts = $2"
                " AND status = 'sending' RETURNING true",
                claimed.notification_id,
                claimed.attempt,
            )
            if not held:
                return False
            await conn.execute(
                "UPDATE notification_attempts SET outcome = $3,"
                " finished_at = CASE WHEN $4::boolean THEN now() END"
                " WHERE notification_id = $1 AND attempt = $2",
                claimed.notification_id,
                claimed.attempt,
                "sent" if final else "committed",
                final,
            )
        return True

    async def confirm(self, claimed: Claimed) -> None:
        """The server accepted the message recorded sent: the attempt is done."""
        await self._pool.execute(
            "UPDATE notification_attempts SET outcome = 'sent', finished_at = now()"
            " WHERE notification_id = $1 AND attempt = $2",
            claimed.notification_id,
            claimed.attempt,
        )

    async def record_failure(
        self,
        claimed: Claimed,
        error: str,
        *,
        retry_in: float | None,
        outcome: str = "failed",
        was_sent: bool = False,
    ) -> bool:
        """Record a failed attempt: due again in `retry_in` seconds, or dead if None."""
        async with self._pool.acquire() as conn, conn.transaction():
            held = await conn.fetchval(
                "UPDATE notifications SET status = $3, lease_until = NULL, last_error = $4,"
                " sent_at = NULL,"
                " next_attempt_at = now() + make_interval(secs => coalesce($5::float8, 0))"
                " WHERE notification_id = $1 AND attempts = $2 AND status = $6 RETURNING true",
                claimed.notification_id,
                claimed.attempt,
                "dead" if retry_in is None else "failed",
                error[:2000],
                retry_in,
                "sent" if was_sent else "sending",
            )
            if not held:
                return False
            await conn.execute(
                "UPDATE notification_attempts SET outcome = $3, error = $4, finished_at = now()"
                " WHERE notification_id = $1 AND attempt = $2",
                claimed.notification_id,
                claimed.attempt,
                outcome,
                error[:2000],
            )
        return True

    async def status(self, notification_id: UUID) -> str | None:
        return await self._pool.fetchval(
            "SELECT status FROM notifications WHERE notification_id = $1", notification_id
        )

    async def for_case(self, case_id: UUID) -> list[dict[str, Any]]:
        """The case's notifications, oldest first, each with its attempts."""
        rows = await self._pool.fetch(
            "SELECT * FROM notifications WHERE case_id = $1 ORDER BY created_at, notification_id",
            case_id,
        )
        attempts = await self._pool.fetch(
            "SELECT a.* FROM notification_attempts a JOIN notifications n USING (notification_id)"
            " WHERE n.case_id = $1 ORDER BY a.notification_id, a.attempt",
            case_id,
        )
        by_id: dict[UUID, list[dict[str, Any]]] = {}
        for a in attempts:
            by_id.setdefault(a["notification_id"], []).append(dict(a))
        return [{**dict(r), "attempt_log": by_id.get(r["notification_id"], [])} for r in rows]


def _claimed(row: asyncpg.Record) -> Claimed:
    columns = {name: row[name] for name in Claimed.__dataclass_fields__ if name != "attempt"}
    return Claimed(**columns, attempt=row["attempts"])
