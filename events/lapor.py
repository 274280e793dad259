"""Payloads of the SP4N-LAPOR! report clock (DOMAIN.md §4)."""

from __future__ import annotations

from pydantic import AwareDatetime

from events.complaint import Channel
from events.payload import Payload


class ReporterReplied(
    Payload, type="ReporterReplied", version=3, label="Pelapor menanggapi tindak lanjut"
):
    """The reporter wrote to the office about their complaint (v3); on a LAPOR! report it
    stops the auto-close clock.

    `message` is sealed with the reporter's key (privacy/envelope.py). v3 says the channel the
    reply came by (a reply on the tracking page is `web`, a mail `email`, a gateway message
    `whatsapp`); v2 had no channel and is upcast as `web`; v1 held `message` in plaintext and
    is upcast unchanged."""

    message: str  # sealed
    channel: Channel = "web"


class LaporReportClosed(
    Payload, type="LaporReportClosed", version=1, label="Laporan SP4N-LAPOR! ditutup otomatis"
):
    """A LAPOR! report closed 10 working days after the follow-up with no reply (v1)."""

    followed_up_at: AwareDatetime
    reason: str
