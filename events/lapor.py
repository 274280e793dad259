"""Payloads of the SP4N-LAPOR! report clock (DOMAIN.md §4)."""

from __future__ import annotations

from pydantic import AwareDatetime

from events.payload import Payload


class ReporterReplied(
    Payload, type="ReporterReplied", version=1, label="Pelapor menanggapi tindak lanjut"
):
    """The reporter answered the follow-up of their report (v1); it stops the auto-close clock."""

    message: str


class LaporReportClosed(
    Payload, type="LaporReportClosed", version=1, label="Laporan SP4N-LAPOR! ditutup otomatis"
):
    """A LAPOR! report closed 10 working days after the follow-up with no reply (v1)."""

    followed_up_at: AwareDatetime
    reason: str
