"""The time standard (*waktu*) of an SOP step, read from its text (DOMAIN.md §2).

Forms read (case-insensitive, extra spaces and a trailing "." ignored):
- "N Menit"/"N mnt", "N Jam"/"N jam kerja" (working time), "N Hari Kerja"/"N HK" (working days),
  "N Hari"/"N Hari Kalender" (calendar days), "N x 24 Jam"/"Nx24 jam" (clock hours);
- "N detik" (minutes, as a fraction), "N Minggu" (weeks: 7 calendar days each), "N Bulan"
  (calendar months: the same date N months later), "1 Jam 30 Menit" (the sum, in minutes);
- numbers as "0,5"/"0.5", "½"/"1½"/"¼", or words ("satu" … "sepuluh", "setengah");
- a range "10-15 Menit", "10 s.d. 15 menit", "10 s/d 15", "10 sampai 15": the upper bound;
- a leading "±", "+/-", "kurang lebih", "maks.", "maksimal", "paling lama", "paling lambat",
  "selambat-lambatnya", "tidak lebih dari", "dalam (waktu)", "<", "≤": dropped ("Paling lambat
  14 Hari Kerja" is 14 working days: a limit is what a time standard is);
- a trailing "/pasien", "per berkas": dropped (the time for one item);
- "Sesuai standar pelayanan…", "Sesuai SP/SPM": the office's published standard;
- "Sesuai jadwal", "Sesuai kebutuhan", "Sesuai kesepakatan", "Menyesuaikan", "Tentatif": the
  step follows a schedule, not a time standard: no duration (no timer), and a warning;
- blank or "-": no time standard; bare numbers take the unit a table header names.
`approximations` names what a reading assumed (a range's upper bound — the later, safe
deadline —, an approximation, a week or month, a per-item time, a schedule instead of a time),
so the importer can warn about it.
"""

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
    "weeks",  # "N Minggu": N × 7 calendar days
    "months",  # "N Bulan": N calendar months (the same date, or the month's last day)
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
            "weeks": "minggu",
            "months": "bulan",
        }
        return f"{_number(self.value)} {names[self.unit]}"


class UnreadableDuration(ValueError):
    """A *waktu* text that names no time standard Alur knows."""


_NUMBER = r"(\d+(?:[.,]\d+)?)"
# (pattern of the unit words, unit, factor applied to the number)
_UNITS: list[tuple[str, str, float]] = [
    (r"[x×]\s*24\s*jam", "clock_hours", 24),
    (r"(?:hari\s+kerja|hk)", "working_days", 1),
    (r"hari(?:\s+kalender)?", "calendar_days", 1),
    (r"minggu", "weeks", 1),
    (r"bulan", "months", 1),
    (r"jam(?:\s+kerja)?", "hours", 1),
    (r"(?:menit|mnt)", "minutes", 1),
    (r"detik", "minutes", 1 / 60),
]
_PATTERNS = [(re.compile(rf"^{_NUMBER}\s*{words}$"), unit, f) for words, unit, f in _UNITS]
_HOURS_AND_MINUTES = re.compile(rf"^{_NUMBER}\s*jam\s*(?:dan\s+)?{_NUMBER}\s*(?:menit|mnt)$")
_SERVICE_STANDARD = re.compile(r"^sesuai\s+(?:dengan\s+)?(?:standar|sp\b|spm\b)")
_NONE = {"-", "–", "—", "--"}
_SCHEDULE = re.compile(
    r"^(?:sesuai\s+(?:dengan\s+)?(?:jadwal|kebutuhan|kesepakatan)|menyesuaikan|tentatif)\b"
)
_DEFAULT_UNITS = {
    "menit": "minutes",
    "mnt": "minutes",
    "jam": "hours",
    "hari": "calendar_days",
    "hari kerja": "working_days",
}
_RANGE = re.compile(
    rf"^{_NUMBER}\s*(?:-|–|—|s\.?\s*/?\s*d\.?|sampai(?:\s+dengan)?)\s*(?={_NUMBER})"
)
_APPROXIMATE = re.compile(
    r"^(?:±|\+\s*/\s*-|\+-|kurang\s+lebih|lebih\s+kurang|kurleb|kira-kira|sekitar)\s*"
)
_AT_MOST = re.compile(
    r"^(?:maks(?:imal|imum)?\.?|max\.?|paling\s+(?:lama|lambat)|selambat-lambatnya|"
    r"tidak\s+lebih\s+dari|dalam(?:\s+waktu)?|<=?|≤)\s*"
)
_PER_ITEM = re.compile(r"\s*(?:/|\bper\b|\bsetiap\b|\btiap\b)\s*[a-z][a-z ]*$")
_FRACTIONS = {"½": ".5", "¼": ".25", "¾": ".75"}
_WORD_NUMBERS = {
    "setengah": "0.5",
    "satu": "1",
    "dua": "2",
    "tiga": "3",
    "empat": "4",
    "lima": "5",
    "enam": "6",
    "tujuh": "7",
    "delapan": "8",
    "sembilan": "9",
    "sepuluh": "10",
}


def parse_duration(text: str | None, default_unit: str | None = None) -> Duration | None:
    """The duration a *waktu* cell means; None for a blank cell (no time standard).

    `default_unit` is the unit a table header names ("Waktu (menit)") for bare numbers.
    """
    cleaned = _normal(text)
    if not cleaned or cleaned in _NONE or _SCHEDULE.match(cleaned):
        return None
    if _SERVICE_STANDARD.match(cleaned):
        return Duration(value=None, unit="service_standard")
    core = _core(cleaned)
    found = _read(core) or _read_bare(core, default_unit)
    if found is None:
        raise UnreadableDuration(f"waktu {text!r} is not a time standard Alur can read")
    return found


def approximations(text: str | None) -> list[str]:
    """What reading the text assumed, for a warning: a range's upper bound, an approximate
    time taken as exact, a week or month length, a per-item time; [] when nothing."""
    cleaned = _normal(text)
    notes = []
    if _SCHEDULE.match(cleaned):
        return ["the step follows a schedule, not a time standard: no deadline and no timer"]
    if _APPROXIMATE.match(cleaned):
        notes.append("an approximate time is taken as the time standard")
    stripped = _AT_MOST.sub("", _APPROXIMATE.sub("", cleaned))
    if _RANGE.match(stripped):
        notes.append("a range: its upper bound is taken")
    if re.search(r"\bminggu$", _PER_ITEM.sub("", stripped)):
        notes.append("a week is taken as 7 calendar days")
    if re.search(r"\bbulan$", _PER_ITEM.sub("", stripped)):
        notes.append("a month is taken as a calendar month (the same date a month later)")
    if _PER_ITEM.search(stripped) and not _SERVICE_STANDARD.match(cleaned):
        notes.append("the time for one item is taken as the step's time standard")
    return notes


def _normal(text: str | None) -> str:
    cleaned = (text or "").lower().replace("\u00a0", " ").replace("\ufeff", "")
    for fraction, decimal in _FRACTIONS.items():
        cleaned = re.sub(rf"(\d*){fraction}", lambda m, d=decimal: (m.group(1) or "0") + d, cleaned)
    for word, digits in _WORD_NUMBERS.items():
        cleaned = re.sub(rf"\b{word}\b", digits, cleaned)
    return " ".join(cleaned.split()).strip(" .")


def _core(cleaned: str) -> str:
    """The text without approximation or upper-limit words, range start and per-item suffix."""
    core = _AT_MOST.sub("", _APPROXIMATE.sub("", cleaned))
    core = _RANGE.sub("", core)
    return _PER_ITEM.sub("", core).strip(" .")


def _read(core: str) -> Duration | None:
    both = _HOURS_AND_MINUTES.match(core)
    if both:
        minutes = _value(both.group(1)) * 60 + _value(both.group(2))
        return Duration(value=_whole(minutes), unit="minutes")
    for pattern, unit, factor in _PATTERNS:
        match = pattern.match(core)
        if match:
            value = _value(match.group(1)) * factor
            return Duration(value=_whole(round(value, 4)), unit=unit)  # type: ignore[arg-type]
    return None


def _read_bare(core: str, default_unit: str | None) -> Duration | None:
    bare = re.fullmatch(_NUMBER, core)
    unit = _DEFAULT_UNITS.get(" ".join((default_unit or "").lower().split()))
    if bare and unit:
        return Duration(value=_whole(_value(bare.group(1))), unit=unit)  # type: ignore[arg-type]
    return None


def _value(text: str) -> float:
    return float(text.replace(",", "."))


def _whole(value: float) -> float:
    return int(value) if value == int(value) else value


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value).replace(".", ",")
