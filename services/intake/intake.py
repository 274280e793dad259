"""Receiving a complaint: number it, record `ComplaintReceived`, hand the reporter a receipt.

A complaint opens its case at the first step of a complaint SOP: the office's configured one
when it comes from the public, or the one an officer names when a letter or the complaint box
brings it in. The SOP engine decides once whether the sender may open it; only then is a number
taken, and the number's record is stored with the case's first event.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import structlog

from attachments import AttachmentIntake, CleanFile
from cases import Case, CaseConflict, Change, InboundMessage
from cases.group_commit import GroupCommit
from events import ComplaintReceived, Reporter
from privacy import PersonalDataKeys
from services.intake.submission import ComplaintSubmission
from services.intake.tracking import TrackingNumbers, new_pin
from sop.actions import Officer, Refusal
from sop.definition import SopDefinition
from sop.engine import SopEngine
from sop.registry import SopRegistry

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Receipt:
    case_id: uuid.UUID
    tracking_number: str
    pin: str
    position: int


@dataclass(frozen=True)
class AlreadyReceived:
    """The inbound message was recorded before (a second delivery): nothing new is stored."""

    case_id: uuid.UUID


@dataclass
class ComplaintIntake:
    store: GroupCommit
    tracking: TrackingNumbers
    registry: SopRegistry
    complaint_sop: str
    engine: SopEngine  # decides every action on the office's clock
    keys: PersonalDataKeys  # seals the reporter's data before it enters the event
    attachments: AttachmentIntake | None = None  # keeps the files that come with a complaint

    async def receive(
        self,
        submission: ComplaintSubmission,
        *,
        request_id: str,
        officer: Officer | None = None,
        sop: SopDefinition | None = None,
        files: Sequence[tuple[CleanFile, str | None]] = (),
        inbound: Sequence[tuple[str, str]] = (),
    ) -> Receipt | Refusal | AlreadyReceived:
        """Record the complaint; `officer` None means the reporter sent it themselves.

        `files`: attachments (checked and cleaned, with their descriptions), recorded in the
        same transaction as the complaint: both or neither.
        `inbound`: the (channel, key) identities of the message the complaint came in (a mail,
        a gateway message, a LAPOR! report), stored in that transaction too; when one is stored
        already, nothing is recorded and the answer is `AlreadyReceived`."""
        for channel, key in inbound:
            if (seen := await self.store.inbound(channel, key)) is not None:
                return AlreadyReceived(seen.case_id)
        sop = sop or await self.registry.latest(self.complaint_sop)
        opened = self.engine.open(
            sop,
            officer,
            {},  # the complaint, once it has its number (below)
            event_type=ComplaintReceived.type,
            schema_version=ComplaintReceived.schema_version,
            causation_id=request_id,
        )
        if isinstance(opened, Refusal):
            return opened
        pin = new_pin()
        tracking = await self.tracking.issue(opened.occurred_at.year, pin)
        reporter = submission.reporter
        # The reporter's own key seals what identifies them. An anonymous reporter may still
        # leave a contact for replies, never a name; it serves their notifications only, so it
        # is not blind-indexed (no one finds their other cases by it).
        subject = await self.keys.new_subject(
            tracking.case_id,
            email=None if submission.anonymous else reporter.email,
            phone=None if submission.anonymous else reporter.phone,
        )
        complaint = ComplaintReceived(
            tracking_number=tracking.number,
            channel=submission.channel,
            subject_id=subject.id,
            reporter=Reporter(
                name=None if submission.anonymous else subject.seal_optional(reporter.name),
                email=subject.seal_optional(reporter.email),
                phone=subject.seal_optional(reporter.phone),
            ),
            anonymous=submission.anonymous,
            confidential=submission.confidential,
            subject=submission.subject,
            description=subject.seal(submission.description),
            category=submission.category,
        )
        fact = opened.model_copy(update={"payload": complaint.model_dump(mode="json")})
        case = Case.open(tracking.case_id, fact)
        if files:
            assert self.attachments is not None, "files need the attachment store"
            for file, note in files:
                case.record(
                    await self.attachments.recorded(
                        subject,
                        file,
                        note,
                        case_type=fact.case_type,
                        actor=fact.actor,
                        occurred_at=fact.occurred_at,
                        causation_id=request_id,
                    )
                )
        messages = [InboundMessage(channel, key, tracking.case_id) for channel, key in inbound]
        try:
            envelope = (await self.store.commit(Change(case.collect_events(), tracking, messages)))[
                0
            ]
        except CaseConflict:
            for channel, key in inbound:  # delivered twice at the same moment
                if (seen := await self.store.inbound(channel, key)) is not None:
                    return AlreadyReceived(seen.case_id)
            raise
        log.info(
            "complaint_received",
            case_id=str(tracking.case_id),
            event_id=str(fact.event_id),
            position=envelope.position,
            channel=submission.channel,
            sop=sop.id,
            sop_version=sop.version,
            attachments=len(files),
        )
        return Receipt(tracking.case_id, tracking.number, pin, envelope.position)
