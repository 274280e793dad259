"""Facts and envelopes of complaints received by post, for tests that bypass intake."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from events import Actor, ComplaintReceived, Envelope, Fact, Reporter

OFFICER = Actor(id="test", role="petugas_pengaduan")


def posted_complaint(tracking_number: str, subject: str = "Surat pengaduan") -> Fact:
    complaint = ComplaintReceived(
        tracking_number=tracking_number,
        channel="post",
        reporter=Reporter(name="Pengirim Surat"),
        subject=subject,
        description="Pengaduan yang datang lewat pos.",
    )
    return Fact(
        event_id=uuid.uuid4(),
        type=complaint.type,
        schema_version=complaint.schema_version,
        case_type="complaint",
        occurred_at=datetime.now(UTC),
        actor=OFFICER,
        payload=complaint.model_dump(mode="json"),
    )


def stored(fact: Fact, position: int) -> Envelope:
    """The fact as the relay would publish it: a new case, at `position`."""
    return Envelope(**fact.model_dump(), case_id=uuid.uuid4(), case_version=1, position=position)
