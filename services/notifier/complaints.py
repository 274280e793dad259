"""What the notifier remembers of each complaint: its number, privacy flags, subject and how
to reach the reporter. Later events of the case carry none of it, so it is kept from
`ComplaintReceived`, in the same transaction as that event's notifications.

The reporter's name and contacts are kept as the event has them: sealed with the reporter's key
(privacy/), revealed only while a notification to them is rendered or sent."""

from __future__ import annotations

from dataclasses import dataclass, replace
from uuid import UUID

import asyncpg

from events import ComplaintReceived
from privacy import PersonalDataKeys

SCHEMA = """
CREATE TABLE IF NOT EXISTS notifier_complaints (
    case_id uuid PRIMARY KEY,
    tracking_number text NOT NULL,
    anonymous boolean NOT NULL,
    confidential boolean NOT NULL,
    subject text NOT NULL,
    reporter_name text,  -- NULL for an anonymous reporter
    reporter_email text,
    reporter_phone text
);
ALTER TABLE notifier_complaints ADD COLUMN IF NOT EXISTS subject_id uuid;  -- the reporter's key
ALTER TABLE notifier_complaints ADD COLUMN IF NOT EXISTS channel text;  -- how it came (NULL: older)
"""


@dataclass(frozen=True)
class Complaint:
    case_id: UUID
    tracking_number: str
    anonymous: bool
    confidential: bool
    subject: str
    reporter_name: str | None
    reporter_email: str | None
    reporter_phone: str | None
    subject_id: UUID | None = None  # whose key seals the reporter's data (None: a v1 event)
    channel: str | None = None  # how the complaint came (web, whatsapp …); None: recorded before


def from_event(case_id: UUID, received: ComplaintReceived) -> Complaint:
    return Complaint(
        case_id=case_id,
        tracking_number=received.tracking_number,
        anonymous=received.anonymous,
        confidential=received.confidential,
        subject=received.subject,
        reporter_name=None if received.anonymous else received.reporter.name,
        reporter_email=received.reporter.email or None,
        reporter_phone=received.reporter.phone or None,
        subject_id=received.subject_id,
        channel=received.channel,
    )


async def revealed(keys: PersonalDataKeys, complaint: Complaint | None) -> Complaint | None:
    """The complaint with the reporter's name and contacts in plaintext, for this moment only;
    "[dihapus]" where their key was destroyed."""
    if complaint is None:
        return None
    name, email, phone = await keys.reveal_all(
        [complaint.reporter_name, complaint.reporter_email, complaint.reporter_phone]
    )
    return replace(complaint, reporter_name=name, reporter_email=email, reporter_phone=phone)


async def create(conn: asyncpg.Connection) -> None:
    await conn.execute(SCHEMA)


async def remember(conn: asyncpg.Connection, complaint: Complaint) -> None:
    await conn.execute(
        "INSERT INTO notifier_complaints (case_id, tracking_number, anonymous, confidential,"
        " subject, reporter_name, reporter_email, reporter_phone, subject_id, channel)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (case_id) DO NOTHING",
        complaint.case_id,
        complaint.tracking_number,
        complaint.anonymous,
        complaint.confidential,
        complaint.subject,
        complaint.reporter_name,
        complaint.reporter_email,
        complaint.reporter_phone,
        complaint.subject_id,
        complaint.channel,
    )


async def recall(conn: asyncpg.Connection, case_id: UUID) -> Complaint | None:
    row = await conn.fetchrow("SELECT * FROM notifier_complaints WHERE case_id = $1", case_id)
    return Complaint(**dict(row)) if row else None
