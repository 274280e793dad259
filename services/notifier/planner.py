"""Turns each event into notifications, rendered and recorded in one PostgreSQL transaction.

What is sent is what was recorded: the subject and bodies are rendered here, once. Planning an
event twice (a Kafka redelivery) changes nothing: the planner is a consumer of the consumer
framework (runtime/consumer.py), which skips events at or below its case's watermark, and
every notification has an id derived from (event, rule, recipient, channel).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import structlog
from pydantic import BaseModel

from events import CATALOG, ComplaintReceived, Envelope
from events.channels import ReporterMailBounced
from privacy import ERASED, UNREADABLE, PersonalDataKeys, Subject
from runtime.consumer import AfterCommit, event_ids
from runtime.mail_thread import subject_with_tracking
from runtime.watermarks import CONSUMERS
from services.notifier import complaints, notification_log
from services.notifier.audience import Audiences, Recipient
from services.notifier.complaints import Complaint
from services.notifier.disclosure import Disclosure
from services.notifier.notification_log import Planned
from services.notifier.receipt_limit import ReceiptLimit
from services.notifier.rules import Channel, Rule, Rules
from services.notifier.templates import Templates
from services.notifier.undeliverable import Undeliverable
from sop.progress import CLOSING
from sop.registry import SopRegistry, UnknownSop

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Links:
    public_url: str

    def tracking(self, tracking_number: str | None) -> str:
        base = self.public_url.rstrip("/")
        return f"{base}/lacak?nomor={tracking_number}" if tracking_number else f"{base}/lacak"

    def case(self, case_id: str) -> str:
        return f"{self.public_url.rstrip('/')}/api/cases/{case_id}"


@dataclass(frozen=True)
class Planner:
    # Before the watermarks, the worker listed the events it planned here.
    watermarks = CONSUMERS.of("notifier", replaces="notifier_planned_events")

    rules: Rules
    audiences: Audiences
    registry: SopRegistry
    templates: Templates
    links: Links
    time_zone: ZoneInfo
    keys: PersonalDataKeys  # reveals the reporter's data to render; seals what is recorded
    unavailable: Callable[[Channel], str | None]  # why a channel cannot send, or None
    planned: Callable[[], None] = lambda: None  # told after a commit that added notifications
    # Beyond it, a receipt is recorded skipped with the reason.
    receipts: ReceiptLimit = dataclasses.field(default_factory=ReceiptLimit)

    @property
    def undeliverable(self) -> Undeliverable:
        """Reporters' addresses that bounced: their later emails are recorded skipped."""
        return Undeliverable(self.keys.master)

    async def create(self, conn: asyncpg.Connection) -> None:
        await complaints.create(conn)
        await notification_log.create(conn)
        await self.receipts.create(conn)
        await self.undeliverable.create(conn)

    async def apply(
        self, conn: asyncpg.Connection, envelopes: Sequence[Envelope]
    ) -> Sequence[AfterCommit]:
        added: list[tuple[Envelope, Planned]] = []
        undeliverable = self.undeliverable
        self.audiences.new_batch()
        for envelope in envelopes:
            if envelope.type == ReporterMailBounced.type:
                await self._bounced(conn, envelope, undeliverable)
            for planned in await self._plan(conn, envelope):
                refusal = await self.receipts.refusal(conn, planned) or await undeliverable.refusal(
                    conn, planned
                )
                if refusal is not None:
                    planned = dataclasses.replace(planned, skipped_because=refusal)
                if await notification_log.insert(conn, planned):
                    added.append((envelope, planned))
        return [partial(_log_planned, added), self.planned] if added else ()

    async def _bounced(
        self, conn: asyncpg.Connection, envelope: Envelope, undeliverable: Undeliverable
    ) -> None:
        bounced = CATALOG.payload(envelope)
        assert isinstance(bounced, ReporterMailBounced)
        complaint = await complaints.revealed(
            self.keys, await complaints.recall(conn, envelope.case_id)
        )
        marked = await undeliverable.mark(conn, envelope.case_id, bounced, complaint)
        log.info("reporter_address_undeliverable", marked=marked, **event_ids(envelope))

    async def _plan(self, conn: asyncpg.Connection, envelope: Envelope) -> list[Planned]:
        rules = self.rules.matching(envelope.type)
        payload = CATALOG.payload(envelope)
        complaint: Complaint | None
        if isinstance(payload, ComplaintReceived):
            complaint = complaints.from_event(envelope.case_id, payload)
            await complaints.remember(conn, complaint)
        else:
            complaint = await complaints.recall(conn, envelope.case_id) if rules else None
        if not rules:
            return []
        # In plaintext only while this event's notifications are rendered; what is recorded is
        # sealed again with the reporter's key (None: a v1 complaint, or the key is destroyed).
        subject = (
            await self.keys.subject(complaint.subject_id)
            if complaint is not None and complaint.subject_id is not None
            else None
        )
        complaint = await complaints.revealed(self.keys, complaint)
        planned: list[Planned] = []
        for rule in rules:
            for recipient in await self.audiences.resolve(
                rule.audience, envelope, payload, complaint
            ):
                for channel in rule.channels:
                    one = await self._one(envelope, payload, complaint, rule, recipient, channel)
                    if one is not None:
                        planned.append(self._sealed(one, subject))
        return planned

    def _sealed(self, planned: Planned, subject: Subject | None) -> Planned:
        """What is recorded of a notification of a case with a reporter: the rendered texts
        and the reporter's address sealed with their key, the address's blind index beside."""
        reporter = planned.audience == "reporter"
        index = None
        if reporter:
            master = self.keys.master
            index = (
                master.email_index(planned.recipient)
                if planned.channel == "email"
                else master.phone_index(planned.recipient)
            )
        if subject is None:
            return dataclasses.replace(planned, recipient_index=index)
        return dataclasses.replace(
            planned,
            recipient=subject.seal(planned.recipient) if reporter else planned.recipient,
            recipient_name=subject.seal_optional(planned.recipient_name),
            body_text=subject.seal(planned.body_text),
            body_html=subject.seal(planned.body_html),
            recipient_index=index,
        )

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
        if not address or address in (ERASED, UNREADABLE):
            log.debug(
                "notification_without_address",
                rule=rule.id,
                channel=channel,
                audience=recipient.audience,
                **event_ids(envelope),
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
            # How the complaint came: a WhatsApp reporter answers by replying to the message.
            "channel": complaint.channel if complaint is not None else None,
            "recipient_name": (
                disclosed.reporter_name if recipient.audience == "reporter" else recipient.name
            ),
            "subordinate_name": recipient.about,
            "tracking_link": self.links.tracking(disclosed.tracking_number),
            "case_link": self.links.case(str(envelope.case_id)),
        }
        rendered = self.templates.render(rule.template, context)
        subject = rendered.subject
        if channel == "email" and disclosed.tracking_number:
            # `[ADU-2026-000042] …`: a reply with this subject finds its case (runtime/mail_thread).
            subject = subject_with_tracking(disclosed.tracking_number, subject)
        return Planned(
            case_id=envelope.case_id,
            event_id=envelope.event_id,
            event_type=envelope.type,
            rule=rule.id,
            channel=channel,
            recipient=address,
            audience=recipient.audience,
            recipient_name=context["recipient_name"],
            subject=subject,
            body_text=rendered.text,
            body_html=rendered.html,
            skipped_because=self.unavailable(channel),
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
            # An officer's answer to the reporter (ReporterAnswered), sealed in the event.
            "message": await self.keys.reveal(getattr(payload, "message", None)),
        }

    async def _waiting_activity(self, envelope: Envelope) -> str | None:
        ref = envelope.sop
        if ref is None or ref.next_step is None:
            return None
        try:
            sop = await self.registry.version(ref.id, ref.version)
        except UnknownSop:
            return None
        if ref.next_step == CLOSING:
            return sop.closing.activity if sop.closing else None
        return sop.step(int(ref.next_step)).activity

    def _when(self, moment: datetime | None) -> str | None:
        if moment is None:
            return None
        return moment.astimezone(self.time_zone).strftime("%d-%m-%Y %H.%M %Z")


def _log_planned(added: list[tuple[Envelope, Planned]]) -> None:
    for envelope, planned in added:
        (log.debug if planned.skipped_because else log.info)(
            "notification_planned" if not planned.skipped_because else "notification_skipped",
            notification_id=str(planned.notification_id),
            rule=planned.rule,
            channel=planned.channel,
            audience=planned.audience,
            reason=planned.skipped_because,
            **event_ids(envelope),
        )
