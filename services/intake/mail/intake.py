"""What a mail becomes (README "Email intake"): a new complaint, a reply on its case, a bounce
on its case, nothing (dropped), or a quarantined mail. `take` answers where the mail goes next:
the processed folder or the quarantine folder; the caller moves it only after `take` returned,
that is after the commit.

Exactly once: the mail's identities — `uid:{UIDVALIDITY}:{UID}` and `message-id:{Message-ID}` on
channel `email` — are stored in the transaction of the events it became; a mail whose identity
is stored already (the worker stopped between the commit and the move, or the same mail came
twice) becomes nothing more and is moved.

A reply finds its case by an Alur Message-ID in `In-Reply-To`/`References` (keyed: only who got
Alur's mail can quote it), else by the tracking number in the subject when the sender is the
address the complaint was sent from; otherwise it is a new complaint. Nothing about a case is
ever told to the sender. Files go through the attachment store's checks, like the web form's;
a refused file does not lose the mail: the complaint (or the reply) is recorded without it and
its text ends with the names of the files not received and why.

Logs carry the UID, the case id and the event id; never an address, a name, a subject or a
Message-ID.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import structlog
from pydantic import ValidationError

from attachments import AttachmentIntake, AttachmentRefused, CleanFile, Upload
from cases import Case, CaseConflict, CaseNotFound, EventStore
from events import Fact
from events.channels import ReporterMailBounced
from events.lapor import ReporterReplied
from events.payload import Payload
from privacy import PersonalDataKeys
from runtime.mail_thread import MailThread, tracking_in_subject
from runtime.throttle import Throttle
from services.intake.intake import AlreadyReceived, ComplaintIntake, Receipt
from services.intake.mail.message import Automatic, Bounce, File, Letter, Unreadable, read
from services.intake.mail.quarantine import Quarantine
from services.intake.reply_api import REPORTER
from services.intake.side_facts import record_beside
from services.intake.submission import ComplaintSubmission, ReporterInput

log = structlog.get_logger(__name__)

CHANNEL = "email"
SENDER_SCOPE = "mail-sender"  # the per-sender limit's scope in the throttle (keyed hashes)
ATTEMPTS = 5  # an officer may record on the same case at the same moment
NO_SUBJECT = "Pengaduan melalui surel"
NO_TEXT = "(Surel tanpa uraian)"
MIN_DESCRIPTION = 10
MAX_DESCRIPTION = 10_000

Destination = Literal["processed", "quarantine"]


@dataclass
class MailIntake:
    complaints: ComplaintIntake
    store: EventStore
    keys: PersonalDataKeys
    attachments: AttachmentIntake
    thread: MailThread
    throttle: Throttle
    quarantine: Quarantine
    now: Callable[[], datetime]  # the office's clock
    mails_per_sender: int
    sender_window: timedelta

    async def take(self, uidvalidity: int, uid: int, raw: bytes) -> Destination:
        """Record what the mail is, once; where it goes next."""
        mail = read(raw)
        if isinstance(mail, Unreadable):
            return await self.refuse(uidvalidity, uid, mail.reason)
        if isinstance(mail, Automatic):
            log.info("mail_dropped", uid=uid, reason=mail.reason)
            return "processed"
        identities = [(CHANNEL, f"uid:{uidvalidity}:{uid}")]
        if mail.message_id:
            identities.append((CHANNEL, f"message-id:{mail.message_id[:900]}"))
        stored = await self._stored(identities)
        if stored is not None:
            log.info("mail_recorded_before", uid=uid, case_id=str(stored))
            return "processed"
        causation = f"email:{uidvalidity}:{uid}"
        if isinstance(mail, Bounce):
            await self._bounce(mail, uid, identities, causation)
            return "processed"
        if not await self.throttle.admit(
            SENDER_SCOPE, mail.sender, self.mails_per_sender, self.sender_window
        ):
            log.warning("mail_dropped", uid=uid, reason="sender_limit")
            return "processed"
        kept, refused = self._checked(mail)
        case_id = await self._case_of(mail)
        if case_id is not None:
            await self._reply(mail, case_id, uid, kept, refused, identities, causation)
            return "processed"
        try:
            submission = _submission(mail, refused)
        except ValidationError as error:
            return await self.refuse(uidvalidity, uid, f"invalid:{error.errors()[0]['loc'][0]}")
        receipt = await self.complaints.receive(
            submission, request_id=causation, files=kept, inbound=identities
        )
        if isinstance(receipt, Receipt | AlreadyReceived):
            log.info(
                "mail_complaint" if isinstance(receipt, Receipt) else "mail_recorded_before",
                uid=uid,
                case_id=str(receipt.case_id),
                attachments=len(kept),
                refused_attachments=len(refused),
            )
            return "processed"
        raise RuntimeError(f"the complaint SOP refused a mail: {receipt.reason}")

    async def refuse(self, uidvalidity: int, uid: int, reason: str) -> Destination:
        """Quarantine the mail: its UID and the reason kept, an operator log line."""
        await self.quarantine.keep(uidvalidity, uid, reason)
        log.warning("mail_quarantined", uid=uid, uidvalidity=uidvalidity, reason=reason)
        return "quarantine"

    async def _stored(self, identities: Sequence[tuple[str, str]]) -> uuid.UUID | None:
        for channel, key in identities:
            seen = await self.store.inbound(channel, key)
            if seen is not None:
                return seen.case_id
        return None

    def _checked(self, mail: Letter) -> tuple[list[tuple[CleanFile, str | None]], list[str]]:
        """The files that pass the attachment store's checks; a line for each one refused."""
        kept: list[tuple[CleanFile, str | None]] = []
        refused: list[str] = []
        for file in mail.files:
            try:
                kept.append((self.attachments.check(Upload(file.data, file.filename)), None))
            except AttachmentRefused as bad:
                refused.append(f"- {_name(file)}: {bad.reason}")
        if mail.files_left_out:
            refused.append(f"- {mail.files_left_out} berkas lain: terlalu banyak lampiran")
        return kept, refused

    async def _case_of(self, mail: Letter) -> uuid.UUID | None:
        """The case the mail replies to, or None (a new complaint)."""
        case_id = self.thread.case_in(mail.thread)
        by_subject = case_id is None
        if case_id is None:
            number = tracking_in_subject(mail.subject)
            record = await self.store.tracking(number) if number else None
            if record is None:
                return None
            case_id = record.case_id
        try:
            case = await self.store.load(case_id)
        except CaseNotFound:
            return None
        if by_subject and not await self._from_reporter(case, mail.sender):
            return None
        return case_id

    async def _from_reporter(self, case: Case, sender: str) -> bool:
        """Whether the complaint of the case was sent from this address (or left it)."""
        sealed = (case.history[0].payload.get("reporter") or {}).get("email")
        address = await self.keys.reveal(sealed) if sealed else None
        return address is not None and address.strip().lower() == sender

    async def _reply(
        self,
        mail: Letter,
        case_id: uuid.UUID,
        uid: int,
        kept: Sequence[tuple[CleanFile, str | None]],
        refused: Sequence[str],
        identities: Sequence[tuple[str, str]],
        causation: str,
    ) -> None:
        subject = await self.keys.case_subject(case_id)
        text = _with_refused(mail.text or mail.subject or NO_TEXT, refused)
        payload = ReporterReplied(message=subject.seal(text), channel=CHANNEL)
        for _ in range(ATTEMPTS):
            case = await self.store.load(case_id)
            occurred_at = self.now()
            more = [
                await self.attachments.recorded(
                    subject,
                    file,
                    note,
                    case_type=case.case_type,
                    actor=REPORTER,
                    occurred_at=occurred_at,
                    causation_id=causation,
                )
                for file, note in kept
            ]
            if await self._beside(case_id, payload, uid, identities, causation, more):
                return
        raise CaseConflict(case_id)

    async def _bounce(
        self,
        mail: Bounce,
        uid: int,
        identities: Sequence[tuple[str, str]],
        causation: str,
    ) -> None:
        case_id = self.thread.case_in(mail.bounced)
        if case_id is None:
            log.info("mail_dropped", uid=uid, reason="bounce_without_case")
            return
        payload = ReporterMailBounced(status=mail.status)
        for _ in range(ATTEMPTS):
            try:
                if await self._beside(case_id, payload, uid, identities, causation, ()):
                    return
            except CaseNotFound:
                log.info("mail_dropped", uid=uid, reason="bounce_without_case")
                return
        raise CaseConflict(case_id)

    async def _beside(
        self,
        case_id: uuid.UUID,
        payload: Payload,
        uid: int,
        identities: Sequence[tuple[str, str]],
        causation: str,
        more: Sequence[Fact],
    ) -> bool:
        """Record the fact with the mail's identities; False when the case changed meanwhile."""
        try:
            fact, envelope = await record_beside(
                self.store,
                case_id,
                payload,
                actor=REPORTER,
                occurred_at=self.now(),
                causation=causation,
                inbound=identities,
                more=more,
            )
        except CaseConflict:  # the case changed, or the mail was stored meanwhile
            return await self._stored(identities) is not None
        log.info(
            "mail_recorded" if envelope else "mail_recorded_before",
            uid=uid,
            case_id=str(case_id),
            event_id=str(fact.event_id),
            type=fact.type,
        )
        return True


def _submission(mail: Letter, refused: Sequence[str]) -> ComplaintSubmission:
    """The complaint the mail is: a mail with too little text is described by its subject."""
    subject = mail.subject if len(mail.subject) >= 3 else NO_SUBJECT
    description = mail.text
    if len(description) < MIN_DESCRIPTION:
        description = "\n\n".join(part for part in (mail.subject, mail.text) if part)
    if len(description) < MIN_DESCRIPTION:
        description = f"{NO_TEXT} {description}".strip()
    return ComplaintSubmission(
        channel=CHANNEL,
        reporter=ReporterInput(name=(mail.name or mail.sender)[:200], email=mail.sender),
        subject=subject,
        description=_with_refused(description, refused),
    )


def _with_refused(text: str, refused: Sequence[str]) -> str:
    """The text, ending with the files not received and why (within MAX_DESCRIPTION)."""
    if not refused:
        return text[:MAX_DESCRIPTION]
    note = "\n\nLampiran surel yang tidak diterima:\n" + "\n".join(refused)
    return text[: MAX_DESCRIPTION - len(note)] + note


def _name(file: File) -> str:
    return " ".join((file.filename or "tanpa nama").split())[:100]
