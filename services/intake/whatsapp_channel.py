"""A WhatsApp message, as the gateway delivered it, becomes a complaint or joins its case.

- The first message from a number (no open complaint of that number) opens a complaint on
  channel `whatsapp`: the sender's number is the reporter's phone, the text's first line the
  subject, the text the description, the media its attachments. The notifier's receipt
  (`receipt_to_reporter`, webhook to the reporter's phone) answers with the tracking number.
- A later message from that number while its complaint is open is `ReporterReplied` (channel
  `whatsapp`, sealed with the reporter's key) on that case, its media attached beside it.
- The message's identity (`("whatsapp", message_id)`) is stored in the same transaction as
  what it became: a second delivery records nothing and answers the same case.

The number is never stored in clear to find its case: the privacy package's blind index of
reporters' phones (the one `alur privacy erase --subject` uses) names the cases, and the one
still open (not closed by its SOP) that was opened last is the number's case. Messages from one
number are taken one at a time (a PostgreSQL advisory lock on the number's blind index), so two
first messages arriving together open one complaint, and the second joins it.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

import asyncpg
import structlog

from attachments import AttachmentIntake, CleanFile
from cases import Case, CaseConflict, CaseNotFound, EventStore
from events import Actor, ComplaintReceived
from events.lapor import ReporterReplied
from privacy import PersonalDataKeys
from runtime.http.errors import HttpError
from services.intake.intake import AlreadyReceived, ComplaintIntake, Receipt
from services.intake.side_facts import record_beside
from services.intake.submission import ComplaintSubmission, ReporterInput
from services.intake.whatsapp_message import GatewayMessage
from sop.progress import progress
from sop.registry import SopRegistry, UnknownSop

log = structlog.get_logger(__name__)

CHANNEL = "whatsapp"
REPORTER = Actor(id="public", role="pelapor")  # the reporter acts for themselves
ATTEMPTS = 5  # an officer may record on the same case at the same moment
# How long a message waits for the one before it from the same number (then 503: the gateway
# delivers it again).
NUMBER_LOCK_TIMEOUT = "10s"
BUSY = "pesan sebelumnya dari nomor ini sedang diproses; kirim lagi sebentar lagi"


@dataclass(frozen=True)
class Answer:
    """What the message became: `complaint` (a new case), `reply` (joined its case), or
    `duplicate` (delivered before; nothing new recorded)."""

    outcome: str
    case_id: uuid.UUID
    tracking_number: str | None


@dataclass(frozen=True)
class WhatsAppChannel:
    intake: ComplaintIntake
    store: EventStore
    registry: SopRegistry
    keys: PersonalDataKeys
    attachments: AttachmentIntake
    now: Callable[[], datetime]  # the office's clock
    locks: asyncpg.Pool  # one message per number at a time

    async def seen(self, message_id: str) -> Answer | None:
        """The answer to a message delivered before, or None."""
        earlier = await self.store.inbound(CHANNEL, message_id)
        return None if earlier is None else await self._duplicate(earlier.case_id)

    async def receive(self, message: GatewayMessage, files: Sequence[CleanFile]) -> Answer:
        """Record the message with its media (checked and cleaned: `attachments.check`)."""
        async with self._one_at_a_time(message.phone):
            case = await self.open_case_of(message.phone)
            if case is None:
                return await self._complaint(message, files)
            return await self._reply(case, message, files)

    @asynccontextmanager
    async def _one_at_a_time(self, phone: str) -> AsyncIterator[None]:
        index = self.keys.master.phone_index(phone)
        async with self.locks.acquire() as conn, conn.transaction():
            await conn.execute(f"SET LOCAL lock_timeout = '{NUMBER_LOCK_TIMEOUT}'")
            try:
                await conn.execute(
                    "SELECT pg_advisory_xact_lock($1)", int.from_bytes(index[:8], signed=True)
                )
            except asyncpg.LockNotAvailableError:
                raise HttpError(503, "busy", BUSY) from None
            yield

    async def open_case_of(self, phone: str) -> Case | None:
        """The number's open complaint that was opened last, found by the phone's blind index."""
        found: Case | None = None
        subjects = await self.keys.subjects_of_person(phone=phone)
        for case_id in dict.fromkeys(case_id for _, case_id in subjects):
            try:
                case = await self.store.load(case_id)
            except CaseNotFound:
                continue
            first = case.history[0]
            if first.type != ComplaintReceived.type or first.sop is None:
                continue
            try:
                sop = await self.registry.version(first.sop.id, first.sop.version)
            except UnknownSop:
                continue
            if progress(sop, case.history).closed:
                continue
            if found is None or first.occurred_at > found.history[0].occurred_at:
                found = case
        return found

    async def _complaint(self, message: GatewayMessage, files: Sequence[CleanFile]) -> Answer:
        submission = ComplaintSubmission(
            channel=CHANNEL,
            reporter=ReporterInput(name=message.name or message.phone, phone=message.phone),
            subject=message.subject,
            description=message.description,
        )
        received = await self.intake.receive(
            submission,
            request_id=f"{CHANNEL}:{message.message_id}",
            files=[(file, None) for file in files],
            inbound=[(CHANNEL, message.message_id)],
        )
        if isinstance(received, AlreadyReceived):
            return await self._duplicate(received.case_id)
        assert isinstance(received, Receipt), received  # the web checks the complaint SOP
        return Answer("complaint", received.case_id, received.tracking_number)

    async def _reply(
        self, case: Case, message: GatewayMessage, files: Sequence[CleanFile]
    ) -> Answer:
        subject = await self.keys.case_subject(case.id)
        causation = f"{CHANNEL}:{message.message_id}"
        text = message.text or "(media)"
        for _ in range(ATTEMPTS):
            occurred_at = self.now()
            more = [
                await self.attachments.recorded(
                    subject,
                    file,
                    None,
                    case_type=case.case_type,
                    actor=REPORTER,
                    occurred_at=occurred_at,
                    causation_id=causation,
                )
                for file in files
            ]
            try:
                fact, envelope = await record_beside(
                    self.store,
                    case.id,
                    ReporterReplied(message=subject.seal(text), channel=CHANNEL),
                    actor=REPORTER,
                    occurred_at=occurred_at,
                    causation=causation,
                    inbound=[(CHANNEL, message.message_id)],
                    more=more,
                )
            except CaseConflict:
                if (earlier := await self.seen(message.message_id)) is not None:
                    return earlier
                continue
            log.info(
                "reporter_replied",
                case_id=str(case.id),
                event_id=str(fact.event_id),
                position=None if envelope is None else envelope.position,
                channel=CHANNEL,
                attachments=len(files),
            )
            return Answer("reply", case.id, _tracking_number(case))
        raise CaseConflict(case.id)

    async def _duplicate(self, case_id: uuid.UUID) -> Answer:
        try:
            case = await self.store.load(case_id)
        except CaseNotFound:
            return Answer("duplicate", case_id, None)
        return Answer("duplicate", case_id, _tracking_number(case))


def _tracking_number(case: Case) -> str | None:
    number = case.history[0].payload.get("tracking_number")
    return number if isinstance(number, str) else None
