"""Payload of a file attached to a case (attachments/): a scanned letter, a photo, a report."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from events.payload import Payload

MediaType = Literal[
    "image/jpeg",
    "image/png",
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
]


class AttachmentAdded(Payload, type="AttachmentAdded", version=1, label="Lampiran ditambahkan"):
    """A file was attached to the case (v1), by the reporter on the public form or by an officer.

    `sha256` is the hash of the file as stored after cleaning (images re-encoded without their
    metadata, a Word document without its author): the event's place in the hash chain covers
    the file. The file itself is kept outside the log, sealed with the key of the case's data
    subject (`filename` and `description` too), so erasing the subject makes it unreadable.
    """

    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    media_type: MediaType
    size: int = Field(ge=0)
    filename: str  # sealed
    description: str | None = None  # sealed
