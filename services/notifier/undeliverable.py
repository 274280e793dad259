"""Reporters' email addresses that bounced: no more mail goes to them.

When a delivery-failure report comes back for mail to a case's reporter, the mail intake
records `ReporterMailBounced` on the case (events/channels.py). The notifier, consuming it,
marks the reporter's email address of that case undeliverable: it keeps the address's keyed
blind index (privacy/master.py), never the address. Every later email to that address, for
any case, is still recorded, in its event's transaction, but as `skipped` with the reason (as
the receipt limit does, receipt_limit.py): never sent, never lost silently.
"""

from __future__ import annotations

from uuid import UUID

import asyncpg

from events.channels import ReporterMailBounced
from privacy import ERASED, UNREADABLE, MasterKey
from services.notifier.complaints import Complaint
from services.notifier.notification_log import Planned

SCHEMA = """
CREATE TABLE IF NOT EXISTS notifier_undeliverable (
    address_index bytea PRIMARY KEY,  -- the blind index of the email address, never the address
    case_id uuid NOT NULL,  -- the case whose bounce marked it
    status text,  -- the report's DSN status code, e.g. 5.1.1
    marked_at timestamptz NOT NULL DEFAULT now()
);
"""

REASON = "undeliverable address: a delivery-failure report came back (ReporterMailBounced)"


class Undeliverable:
    def __init__(self, master: MasterKey) -> None:
        self._master = master

    async def create(self, conn: asyncpg.Connection) -> None:
        await conn.execute(SCHEMA)

    async def mark(
        self,
        conn: asyncpg.Connection,
        case_id: UUID,
        bounced: ReporterMailBounced,
        complaint: Complaint | None,
    ) -> bool:
        """Mark the reporter's email address of the case (`complaint` revealed); False when the
        case has no (readable) address."""
        address = complaint.reporter_email if complaint is not None else None
        if not address or address in (ERASED, UNREADABLE):
            return False
        await conn.execute(
            "INSERT INTO notifier_undeliverable (address_index, case_id, status)"
            " VALUES ($1, $2, $3) ON CONFLICT (address_index) DO NOTHING",
            self._master.email_index(address),
            case_id,
            bounced.status,
        )
        return True

    async def refusal(self, conn: asyncpg.Connection, planned: Planned) -> str | None:
        """Why `planned` may not be sent (its address bounced), or None."""
        if planned.channel != "email" or planned.skipped_because is not None:
            return None
        index = planned.recipient_index or self._master.email_index(planned.recipient)
        marked = await conn.fetchval(
            "SELECT true FROM notifier_undeliverable WHERE address_index = $1", index
        )
        return REASON if marked else None
