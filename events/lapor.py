"""Payloads of the SP4N-LAPOR! report clock (DOMAIN.md §4)."""

from __future__ import annotations

from pydantic import AwareDatetime

from events.payload import Payload


class ReporterReplied(
    Payload, type="ReporterReplied", version=2, label="Pelapor menanggapi tindak lanjut"
):
    """The reporter answered the follow-up of their report (v2); it stops the auto-close clock.

    v2 seals `message` with the reporter's key (privacy/envelope.py); v1 held it in plaintext
    and is upcast unchanged."""

    message: str  # sealed


class LaporReportClosed(
    Payload, type="LaporReportClosed", version=1, label="Laporan SP4N-LAPOR! ditutup otomatis"
):
    """A LAPOR! report closed 10 working days after the follow-up with no reply (v1)."""

    followed_up_at: AwareDatetime
    reason: str
