"""Turns each event into notifications, rendered and recorded in one PostgreSQL transaction.

What is sent is what was recorded: the subject and bodies are rendered here, once. Planning an
event twice (a Kafka redelivery) changes nothing: the event is claimed in a ledger in the same
transaction, and every notification has an id derived from (event, rule, recipient, channel).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import structlog
from pydantic import BaseModel

from events import CATALOG, ComplaintReceived, Envelope
from runtime.event_ledger import EventLedger
from services.notifier import complaints, notification_log
from services.notifier.audience import Audiences, Recipient
from services.notifier.complaints import Complaint
from services.notifier.disclosure import Disclosure
from services.notifier.notification_log import Planned
from services.notifier.rules import Channel, Rule, Rules
from services.notifier.templates import Templates
from sop.progress import CLOSING
from sop.registry import SopRegistry, UnknownSop

log = structlog.get_logger(__name__)

# Events already applied, claimed in the same transaction as their effect.
LEDGER = EventLedger("notifier_planned_events")


@dataclass(frozen=True)
class Links:
    public_url: str

    def tracking(self, tracking_number: str | None) -> str:
        base = self.public_url.rstrip("/")
        return f"{base}/lacak?nomor={tracking_number}" if tracking_number else f"{base}/lacak"

    def case(self, case_id: str) -> str:
        return f"{self.public_url.rstrip('/')}/api/cases/{case_id}"


class Planner:
    def __init__(
        self,
        pool: asyncpg.Pool,
        rules: Rules,
        audiences: Audiences,
        registry: SopRegistry,
        templates: Templates,
        links: Links,
        time_zone: ZoneInfo,
        unavailable: Callable[[Channel], str | None],
        planned: Callable[[], None] = lambda: None,
    ) -> None:
        self._pool = pool
        self._rules = rules
        self._audiences = audiences
        self._registry = registry
        self._templates = templates
        self._links = links
        self._tz = time_zone
        self._unavailable = unavailable  # why a channel cannot send, or None
        self._planned = planned  # told after a commit that added notifications

    async def create_tables(self) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext('notifications'))")
            await LEDGER.create(conn)
            await complaints.create(conn)
            await notification_log.create(conn)

    async def apply(self, envelope: Envelope) -> None:
        await self.apply_many([envelope])

    async def apply_many(self, envelopes: list[Envelope]) -> None:
        added: list[tuple[Envelope, Planned]] = []
        async with self._pool.acquire() as conn, conn.transaction():
            for envelope in envelopes:
                if await LEDGER.claim(conn, envelope.event_id):
                    for planned in await self._plan(conn, envelope):
                        if await notification_log.insert(conn, planned):
                            added.append((envelope, planned))
        # Logged after the commit, so a line means the notification is durable.
        for envelope, planned in added:
            log.info(
                "notification_planned" if not planned.skipped_because else "notification_skipped",
                case_id=str(envelope.case_id),
                event_id=str(envelope.event_id),
                notification_id=str(planned.notification_id),
                rule=planned.rule,
                channel=planned.channel,
                audience=planned.audience,
                reason=planned.skipped_because,
            )
        if added:
            self._planned()

    async def _plan(self, conn: asyncpg.Connection, envelope: Envelope) -> list[Planned]:
        rules = self._rules.matching(envelope.type)
        payload = CATALOG.payload(envelope)
        complaint: Complaint | None
        if isinstance(payload, ComplaintReceived):
            complaint = complaints.from_event(envelope.case_id, payload)
            await complaints.remember(conn, complaint)
        else:
            complaint = await complaints.recall(conn, envelope.case_id) if rules else None
        planned: list[Planned] = []
        for rule in rules:
            for recipient in await self._audiences.resolve(
                rule.audience, envelope, payload, complaint
            ):
                for channel in rule.channels:
                    one = await self._one(envelope, payload, complaint, rule, recipient, channel)
                    if one is not None:
                        planned.append(one)
        return planned

    async def _one(
        self,
        envelope: Envelope,
        payload: BaseModel,
        complaint: Complaint | None,
        rule: Rule,
        recipient: Recipient,
        channel: Channel,
    ) -> Planned | None:
        if recipient.audience == "reporter":
            address = Disclosure.reporter_address(complaint, channel)
        else:
            address = recipient.email if channel == "email" else recipient.phone
        if not address:
            log.info(
                "notification_without_address",
                case_id=str(envelope.case_id),
                event_id=str(envelope.event_id),
                rule=rule.id,
                channel=channel,
                audience=recipient.audience,
            )
            return None
        disclosed = Disclosure.about(complaint, recipient.audience, channel)
        context = {
            **await self._event_context(envelope, payload),
            "tracking_number": disclosed.tracking_number,
            "reporter_name": disclosed.reporter_name,
            "subject": disclosed.subject,
            "confidential": disclosed.confidential,
            "anonymous": disclosed.anonymous,
            "recipient_name": (
                disclosed.reporter_name if recipient.audience == "reporter" else recipient.name
            ),
            "subordinate_name": recipient.about,
            "tracking_link": self._links.tracking(disclosed.tracking_number),
            "case_link": self._links.case(str(envelope.case_id)),
        }
        rendered = self._templates.render(rule.template, context)
        return Planned(
            case_id=envelope.case_id,
            event_id=envelope.event_id,
            event_type=envelope.type,
            rule=rule.id,
            channel=channel,
            recipient=address,
            audience=recipient.audience,
            recipient_name=context["recipient_name"],
            subject=rendered.subject,
            body_text=rendered.text,
            body_html=rendered.html,
            skipped_because=self._unavailable(channel),
        )

    async def _event_context(self, envelope: Envelope, payload: BaseModel) -> dict[str, Any]:
        """What the templates may say about the event itself (no reporter data here)."""
        return {
            "case_id": str(envelope.case_id),
            "event_type": envelope.type,
            "event_label": CATALOG.label(envelope.type),
            "occurred_at": self._when(envelope.occurred_at),
            "waiting_activity": await self._waiting_activity(envelope),
            "activity": getattr(payload, "activity", None),
            "step": getattr(payload, "step", None),
            "due_at": self._when(getattr(payload, "due_at", None)),
            "reason": getattr(payload, "reason", None),
        }

    async def _waiting_activity(self, envelope: Envelope) -> str | None:
        ref = envelope.sop
        if ref is None or ref.next_step is None:
            return None
        try:
            sop = await self._registry.version(ref.id, ref.version)
        except UnknownSop:
            return None
        if ref.next_step == CLOSING:
            return sop.closing.activity if sop.closing else None
        return sop.step(int(ref.next_step)).activity

    def _when(self, moment: datetime | None) -> str | None:
        if moment is None:
            return None
        return moment.astimezone(self._tz).strftime("%d-%m-%Y %H.%M %Z")
