"""Payloads of complaint events (penanganan pengaduan masyarakat)."""

from __future__ import annotations

from typing import Literal

from events.payload import Payload

Channel = Literal["web", "email", "post", "box", "lapor"]


class Reporter(Payload):
    name: str | None = None
    email: str | None = None
    phone: str | None = None


class ComplaintReceived(Payload, type="ComplaintReceived", version=1, label="Pengaduan diterima"):
    """A complaint reached the office through one of its channels (v1)."""

    tracking_number: str
    channel: Channel
    # Kept for the case's officers only; never shown where `anonymous` is set.
    reporter: Reporter
    anonymous: bool = False
    confidential: bool = False
    subject: str
    description: str
    category: str | None = None
