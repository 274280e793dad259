"""Payloads of complaint events (penanganan pengaduan masyarakat)."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from events.payload import Payload

Channel = Literal["web", "email", "post", "box", "lapor", "whatsapp", "open311"]
# How each channel is named to officers and reporters.
CHANNEL_LABELS: dict[str, str] = {
    "web": "Formulir web",
    "email": "Surel",
    "post": "Pos",
    "box": "Kotak pengaduan",
    "lapor": "SP4N-LAPOR!",
    "whatsapp": "WhatsApp",
    "open311": "Open311",
}


class Reporter(Payload):
    """Who sent a complaint. In v2 events every field is sealed with the reporter's key
    (privacy/envelope.py); in v1 events it is plaintext."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None


class ComplaintReceived(Payload, type="ComplaintReceived", version=2, label="Pengaduan diterima"):
    """A complaint reached the office through one of its channels (v2).

    v2 seals the reporter's name, email, phone and the description with the key of the
    reporter's data subject (`subject_id`, a row of `personal_data_keys`): the log holds only
    ciphertext, and destroying that key erases them. An anonymous complaint has no name; its
    email or phone is there only when the reporter chose to leave one for replies.
    (v1: the same fields in plaintext, no `subject_id`; upcast with `subject_id` None.)
    """

    tracking_number: str
    channel: Channel
    subject_id: UUID | None = None  # None only in an upcast v1 event
    # Kept for the case's officers only; never shown where `anonymous` is set.
    reporter: Reporter
    anonymous: bool = False
    confidential: bool = False
    subject: str
    description: str  # sealed
    category: str | None = None
