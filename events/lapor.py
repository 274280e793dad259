"""Payloads of the SP4N-LAPOR! report clock (DOMAIN.md §4)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import AwareDatetime, BaseModel, ConfigDict


class ReporterReplied(BaseModel):
    """The reporter answered the follow-up of their report (v1); it stops the auto-close clock."""

    type: ClassVar[str] = "ReporterReplied"
    schema_version: ClassVar[int] = 1
    label: ClassVar[str] = "Pelapor menanggapi tindak lanjut"

    model_config = ConfigDict(frozen=True, extra="forbid")

    message: str


class LaporReportClosed(BaseModel):
    """A LAPOR! report closed 10 working days after the follow-up with no reply (v1)."""

    type: ClassVar[str] = "LaporReportClosed"
    schema_version: ClassVar[int] = 1
    label: ClassVar[str] = "Laporan SP4N-LAPOR! ditutup otomatis"

    model_config = ConfigDict(frozen=True, extra="forbid")

    followed_up_at: AwareDatetime
    reason: str
