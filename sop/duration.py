"""The time standard (*waktu*) of an SOP step, read from its text (DOMAIN.md §2)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict

DurationUnit = Literal[
    "minutes",  # working time inside office hours
    "hours",  # working time inside office hours
    "working_days",  # days on the office calendar
    "calendar_days",  # "N Hari": calendar days unless the office says otherwise
    "clock_hours",  # "N x 24 Jam": round the clock, regardless of office hours
    "service_standard",  # "Sesuai standar pelayanan…": the office's published standard
]


class Duration(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    value: int | float | None
    unit: DurationUnit

    def __str__(self) -> str:
        if self.value is None:
            return "sesuai standar pelayanan"
        names = {
            "minutes": "menit",
            "hours": "jam",
            "working_days": "hari kerja",
            "calendar_days": "hari",
            "clock_hours": "jam (24 jam sehari)",
        }
        return f"{_number(self.value)} {names[self.unit]}"


class UnreadableDuration(ValueError):
    """A *waktu* text that names no time standard Alur knows."""


_NUMBER = r"(\d+(?:[.,]\d+)?)"
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"^{_NUMBER}\s*[x×]\s*24\s*jam$"), "clock_hours"),
    (re.compile(rf"^{_NUMBER}\s*hari\s+kerja$"), "working_days"),
    (re.compile(rf"^{_NUMBER}\s*hari$"), "calendar_days"),
    (re.compile(rf"^{_NUMBER}\s*jam$"), "hours"),
    (re.compile(rf"^{_NUMBER}\s*(?:menit|mnt)$"), "minutes"),
]
_SERVICE_STANDARD = re.compile(r"^sesuai\s+(?:dengan\s+)?standar")
_DEFAULT_UNITS = {"menit": "minutes", "jam": "hours", "hari": "calendar_days"}


def parse_duration(text: str | None, default_unit: str | None = None) -> Duration | None:
    """The duration a *waktu* cell means; None for a blank cell (no time standard).

    `default_unit` is the unit a table header names ("Waktu (menit)") for bare numbers.
    """
    cleaned = " ".join((text or "").lower().replace("\u00a0", " ").split()).strip(" .")
    if not cleaned or cleaned in {"-", "–"}:
        return None
    if _SERVICE_STANDARD.match(cleaned):
        return Duration(value=None, unit="service_standard")
    for pattern, unit in _PATTERNS:
        match = pattern.match(cleaned)
        if match:
            value = float(match.group(1).replace(",", "."))
            if unit == "clock_hours":
                value *= 24
            return Duration(value=_whole(value), unit=unit)  # type: ignore[arg-type]
    bare = re.fullmatch(_NUMBER, cleaned)
    if bare and default_unit in _DEFAULT_UNITS:
        value = float(bare.group(1).replace(",", "."))
        return Duration(value=_whole(value), unit=_DEFAULT_UNITS[default_unit])  # type: ignore[arg-type]
    raise UnreadableDuration(f"waktu {text!r} is not a time standard Alur can read")


def _whole(value: float) -> float:
    return int(value) if value == int(value) else value


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value).replace(".", ",")
