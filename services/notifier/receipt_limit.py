"""At most so many receipts to one address: anyone may send a complaint in someone else's name,
so without a limit the office would mail whoever they chose, as often as they liked.

A receipt is the reporter's notification of `ComplaintReceived`. When an address (per channel:
an email address, a phone number) has been sent `per_recipient` receipts planned in the last
`window` (`ALUR_RECEIPTS_PER_RECIPIENT`, `ALUR_RECEIPT_WINDOW_SECONDS`), the next one is still
recorded, in the same transaction as the rest of its event's notifications, but as `skipped`
with the reason: never sent, never lost silently. Receipts skipped for any reason do not count.

The count is read in the planner's transaction, so notifications planned earlier in the same
batch count too. Two notifier processes planning receipts to one address at the same moment
may each let one more through: a limit on flooding, not a ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import asyncpg

from events import ComplaintReceived
from services.notifier.notification_log import Planned

# The address is sealed; its keyed blind index (privacy/master.py) is what is counted.
INDEX = """
DROP INDEX IF EXISTS notifications_receipts;
CREATE INDEX IF NOT EXISTS notifications_receipts_by_index
    ON notifications (channel, recipient_index, created_at)
    WHERE audience = 'reporter' AND event_type = 'ComplaintReceived' AND status <> 'skipped'
"""


@dataclass(frozen=True)
class ReceiptLimit:
    per_recipient: int = 5
    window: timedelta = timedelta(hours=1)

    async def create(self, conn: asyncpg.Connection) -> None:
        await conn.execute(INDEX)

    @staticmethod
    def counts(planned: Planned) -> bool:
        """Whether `planned` is a receipt that would be sent."""
        return (
            planned.audience == "reporter"
            and planned.event_type == ComplaintReceived.type
            and planned.skipped_because is None
        )

    async def refusal(self, conn: asyncpg.Connection, planned: Planned) -> str | None:
        """Why `planned` may not be sent (the address had its receipts), or None."""
        if not self.counts(planned):
            return None
        sent = await conn.fetchval(
            # The literals match the partial index's predicate.
            "SELECT count(*) FROM notifications WHERE audience = 'reporter'"
            " AND event_type = 'ComplaintReceived' AND status <> 'skipped' AND channel = $1"
            " AND recipient_index = $2"
            " AND created_at > now() - make_interval(secs => $3)",
            planned.channel,
            planned.recipient_index,
            self.window.total_seconds(),
        )
        if sent < self.per_recipient:
            return None
        return (
            f"receipt limit: {sent} receipts to this address in the last"
            f" {int(self.window.total_seconds())} s (ALUR_RECEIPTS_PER_RECIPIENT)"
        )
