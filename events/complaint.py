"""Payloads of complaint events (penanganan pengaduan masyarakat)."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict

Channel = Literal["web", "email", "post", "box", "lapor"]


class Reporter(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str | None = None
    email: str | None = None
    phone: str | None = None


class ComplaintReceived(BaseModel):
    """A complaint reached the office through one of its channels (v1)."""

    type: ClassVar[str] = "ComplaintReceived"
    schema_version: ClassVar[int] = 1
    label: ClassVar[str] = "Pengaduan diterima"

    model_config = ConfigDict(frozen=True, extra="forbid")

    tracking_number: str
    channel: Channel
    # Kept for the case's officers only; never shown where `anonymous` is set.
    reporter: Reporter
    anonymous: bool = False
    confidential: bool = False
    subject: str
    description: str
    category: str | None = None
