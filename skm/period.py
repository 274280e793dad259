"""The period an IKM is reported for: a year, or one semester, quarter or month of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip
ROMAN = ("I", "II", "III", "IV")


class PeriodRefused(ValueError):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class Period:
    year: int
    first_month: int = 1
    months: int = 12
    label: str = ""

    def start(self, tz: tzinfo) -> datetime:
        return datetime(self.year, self.first_month, 1, tzinfo=tz)

    def end(self, tz: tzinfo) -> datetime:
        """The first instant after the period."""
        month = self.first_month + self.months
        return datetime(self.year + (month - 1) // 12, (month - 1) % 12 + 1, 1, tzinfo=tz)


def period(
    year: int,
    semester: int | None = None,
    quarter: int | None = None,
    month: int | None = None,
) -> Period:
    """A year, or at most one of its semesters (1–2), quarters (1–4) or months (1–12)."""
    if not 2000 <= year <= 2100:
        raise PeriodRefused("year", "tahun harus antara 2000 dan 2100")
    chosen = [
        name for name, v in (("semester", semester), ("quarter", quarter), ("month", month)) if v
    ]
    if len(chosen) > 1:
        raise PeriodRefused(chosen[1], "pilih satu saja: semester, triwulan atau bulan")
    if semester is not None:
        if semester not in (1, 2):
            raise PeriodRefused("semester", "semester harus 1 atau 2")
        return Period(year, 6 * semester - 5, 6, f"Semester {ROMAN[semester - 1]} {year}")
    if quarter is not None:
        if not 1 <= quarter <= 4:
            raise PeriodRefused("quarter", "triwulan harus 1 sampai 4")
        return Period(year, 3 * quarter - 2, 3, f"Triwulan {ROMAN[quarter - 1]} {year}")
    if month is not None:
        if not 1 <= month <= 12:
            raise PeriodRefused("month", "bulan harus 1 sampai 12")
        return Period(year, month, 1, f"{MONTHS[month - 1]} {year}")
    return Period(year, 1, 12, f"Tahun {year}")
