"""Payloads of what officers write on a case besides its SOP steps: notes kept inside the office,
and answers to the reporter (the officer workspace's case page, issue 17)."""

from __future__ import annotations

from events.payload import Payload


class InternalNoteAdded(
    Payload, type="InternalNoteAdded", version=1, label="Catatan internal ditambahkan"
):
    """An officer wrote a note on a case for the office only (v1); never shown to the reporter.

    `note` is sealed with the key of the case's data subject (privacy/envelope.py), like a
    step's note."""

    note: str  # sealed


class ReporterAnswered(
    Payload, type="ReporterAnswered", version=1, label="Petugas menjawab pelapor"
):
    """An officer answered the reporter (v1): shown on the reporter's tracking page and sent by
    the notifier. `message` is sealed with the case subject's key."""

    message: str  # sealed
