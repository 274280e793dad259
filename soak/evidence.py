"""What the invariants are checked against, gathered once the system has settled: every stored
event (through the event-store port), everything on the topics, the consumers' watermarks, the
SLA timers, the planned notifications, and what the SMTP sink and webhook gateway received."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from cases import PostgresEventStore
from events import Envelope
from runtime.mail_thread import OWN_HEADER
from soak.kafka_log import Record, read_all
from soak.system import NAMESPACE
from tests.support.gateway import Gateway
from tests.support.mailbox import Mailbox


@dataclass
class Evidence:
    stored: list[Envelope]
    topics: dict[str, list[Record]]
    watermarks: dict[tuple[str, uuid.UUID], int]  # (consumer, case) → version applied
    timers: list[asyncpg.Record]
    notifications: list[asyncpg.Record]
    emails: Counter[str]  # notification id → emails received with it (X-Alur-Notification)
    webhooks: Counter[str]  # notification id → webhook calls with it as X-Alur-Delivery
    unmatched_emails: int
    sla_cutoff: datetime  # timers due before this had to fire

    @property
    def dead_letters(self) -> list[Record]:
        return self.topics[f"{NAMESPACE}.deadletter"]

    @property
    def case_records(self) -> list[Record]:
        return [r for t, rs in self.topics.items() if not t.endswith(".deadletter") for r in rs]


async def gather(
    database_url: str, kafka: str, mailbox: Mailbox, gateway: Gateway, sla_cutoff: datetime
) -> Evidence:
    store = await PostgresEventStore.connect(database_url, wait_seconds=30)
    try:
        stored = [e for batch in [b async for b in store.batches(0, None)] for e in batch]
    finally:
        await store.close()
    conn = await asyncpg.connect(database_url)
    try:
        marks = await conn.fetch(
            "SELECT consumer AS name, case_id, case_version FROM consumer_watermarks"
            " UNION ALL SELECT projection, case_id, case_version FROM projection_watermarks"
        )
        timers = await conn.fetch("SELECT * FROM sla_timers")
        notifications = await conn.fetch(
            "SELECT notification_id, case_id, channel, status, last_error FROM notifications"
        )
    finally:
        await conn.close()
    emails: Counter[str] = Counter()
    unmatched = 0
    for message in mailbox.messages():
        notification = message.message[OWN_HEADER]  # every mail Alur sends names its notification
        if notification:
            emails[str(notification)] += 1
        else:
            unmatched += 1
    webhooks: Counter[str] = Counter(
        d.headers.get("X-Alur-Delivery", "") for d in gateway.deliveries() if d.status < 300
    )
    return Evidence(
        stored=stored,
        topics=await read_all(kafka, NAMESPACE),
        watermarks={(r["name"], r["case_id"]): r["case_version"] for r in marks},
        timers=timers,
        notifications=notifications,
        emails=emails,
        webhooks=webhooks,
        unmatched_emails=unmatched,
        sla_cutoff=sla_cutoff,
    )
