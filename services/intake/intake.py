"""Receiving a complaint: number it, record `ComplaintReceived`, hand the reporter a receipt."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import structlog

from cases.group_commit import GroupCommit
from events import Actor, ComplaintReceived, Fact, Reporter
from services.intake.submission import ComplaintSubmission
from services.intake.tracking import TrackingNumbers, case_id_for, new_pin

log = structlog.get_logger(__name__)

PUBLIC = Actor(id="public", role="pelapor")


@dataclass(frozen=True)
class Receipt:
    case_id: uuid.UUID
    tracking_number: str
    pin: str
    position: int


class ComplaintIntake:
    def __init__(self, store: GroupCommit, tracking: TrackingNumbers, tz: ZoneInfo) -> None:
        self._store = store
        self._tracking = tracking
        self._tz = tz

    async def receive(self, submission: ComplaintSubmission, *, request_id: str) -> Receipt:
        now = datetime.now(self._tz)
        pin = new_pin()
        tracking_number = await self._tracking.issue(now.year, pin)
        complaint = ComplaintReceived(
            tracking_number=tracking_number,
            channel=submission.channel,
            # An anonymous reporter may still leave a contact for replies, never a name.
            reporter=Reporter(
                name=None if submission.anonymous else submission.reporter.name,
                email=submission.reporter.email,
                phone=submission.reporter.phone,
            ),
            anonymous=submission.anonymous,
            confidential=submission.confidential,
            subject=submission.subject,
            description=submission.description,
            category=submission.category,
        )
        fact = Fact(
            event_id=uuid.uuid4(),
            type=complaint.type,
            schema_version=complaint.schema_version,
            case_type="complaint",
            occurred_at=now,
            actor=PUBLIC,
            causation_id=request_id,
            payload=complaint.model_dump(mode="json"),
        )
        case_id = case_id_for(tracking_number)
        envelope = await self._store.open(case_id, fact)
        log.info(
            "complaint_received",
            case_id=str(case_id),
            event_id=str(fact.event_id),
            position=envelope.position,
            channel=submission.channel,
        )
        return Receipt(case_id, tracking_number, pin, envelope.position)
