"""The archive retention schedule (jadwal retensi arsip, JRA; DOMAIN.md §7) per case type.

A closed case's file stays `active_years` in the unit (aktif), then `inactive_years` in the
records centre (inaktif), then meets its final disposition: destroyed (musnah), reviewed
again (nilai kembali) or kept for good (permanen). No national figure exists for complaint
files, so the default is a guess the office should confirm: 2 + 3 years, then review.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

FinalDisposition = Literal["musnah", "nilai kembali", "permanen"]


class RetentionRule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    record_type: str | None = None  # the JRA's name for the files ("Berkas pengaduan")
    active_years: int = Field(2, ge=0)
    inactive_years: int = Field(3, ge=0)
    final_disposition: FinalDisposition = "nilai kembali"

    def active_until(self, closed_on: date) -> date:
        return _years_after(closed_on, self.active_years)

    def inactive_until(self, closed_on: date) -> date:
        return _years_after(closed_on, self.active_years + self.inactive_years)


class RetentionSchedule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    default: RetentionRule = RetentionRule()
    case_types: dict[str, RetentionRule] = {}  # complaint, visit, service

    def rule(self, case_type: str) -> RetentionRule:
        return self.case_types.get(case_type, self.default)


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a year without one
        return day.replace(year=day.year + years, day=28)
