"""The office's working calendar: when the office is open, and what a time standard means on it.

A `WorkingCalendar` joins the office configuration's hours and options (office/calendar_rules.py)
with the days the office is closed (office/closed_days.py: national holidays and *cuti bersama*,
the configuration's regional holidays and closures, the closures the office adds at run time).
It answers DOMAIN.md §2–3:

- "N Menit" / "N Jam": working time inside office hours (breaks, nights, weekends and closed
  days do not count; a step started outside office hours starts counting at the next opening);
- "N Hari Kerja": N working days, landing at the same time of day on the Nth working day after
  the start (a start outside office hours counts from the next opening; when that time is not
  office time on the landing day, the last office moment before it);
- "N Hari": N × 24 hours of wall time, or working days when `hari_means_working_days`;
- "N x 24 Jam": N × 24 hours of wall time regardless of office hours;
- "N Minggu": N × 7 days of wall time; "N Bulan": N calendar months of wall time (the same
  date and time N months later, or the last day of a shorter month: 31 January + 1 Bulan is
  28/29 February; a fraction of a month is that share of the landing month's days).

Times are aware datetimes; results are in the office time zone. A naive datetime is read as
office local time. Indonesia has no daylight saving time, so wall-clock arithmetic in the
office zone is exact.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from office.calendar_rules import CalendarRules, WeekHours, office_time_zone
from office.closed_days import ClosedDays, Closure, day_text, days, national_holidays
from office.config import OfficeConfig
from sop.definition import Step
from sop.duration import Duration

# Far enough ahead for any time standard (60 days of Perpres 76/2013, 30-day months, …).
_SEARCH_DAYS = 3 * 366
# National holidays taken into the fingerprint: a window wide enough for every open deadline.
_FINGERPRINT_YEARS = range(2020, 2041)
_OFFICE_UNITS = frozenset({"minutes", "hours", "working_days"})
_WALL_UNITS = frozenset({"calendar_days", "clock_hours", "weeks", "months"})

__all__ = ["Closure", "WorkingCalendar", "national_holidays", "step_duration"]


class WorkingCalendar:
    def __init__(
        self,
        time_zone: ZoneInfo,
        rules: CalendarRules,
        closures: Sequence[Closure] = (),
    ) -> None:
        self.time_zone = time_zone
        self.rules = rules
        self.closures: tuple[Closure, ...] = tuple(closures)
        self._closed = ClosedDays(rules, self.closures)
        self._intervals: dict[date, tuple[tuple[datetime, datetime], ...]] = {}
        self._fingerprint: str | None = None

    @classmethod
    def of(cls, office: OfficeConfig, closures: Sequence[Closure] = ()) -> WorkingCalendar:
        """The calendar of an office configuration, plus closures added at run time."""
        return cls(office_time_zone(office.time_zone), office.calendar, closures)

    # -- days ---------------------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        return bool(self._day_intervals(day))

    def closed_days(self, first: date, last: date) -> list[tuple[date, str]]:
        """Holidays and closures between first and last (inclusive) on which the office is
        closed, with their names (weekends are not listed). Cuti bersama is listed only when
        it stops the clock."""
        return self._closed.between(first, last)

    def cuti_bersama(self, first: date, last: date) -> list[tuple[date, str]]:
        """Cuti bersama days between first and last (whether or not they stop the clock)."""
        return self._closed.cuti_bersama(first, last)

    def _hours_on(self, day: date) -> WeekHours:
        for period in self.rules.special_hours:
            if period.first_day <= day <= period.last_day:
                return period.hours
        return self.rules.hours

    def _day_intervals(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """The office intervals of a day as aware datetimes; () when the office is closed."""
        cached = self._intervals.get(day)
        if cached is not None:
            return cached
        intervals: tuple[tuple[datetime, datetime], ...] = ()
        if self._closed.reason(day) is None:
            intervals = tuple(
                (self._at(day, start), self._at(day, end))
                for start, end in self._hours_on(day).intervals(day.weekday())
            )
        self._intervals[day] = intervals
        return intervals

    def _at(self, day: date, moment: time) -> datetime:
        if moment == time.max:
            return datetime.combine(day + timedelta(days=1), time(), self.time_zone)
        return datetime.combine(day, moment, self.time_zone)

    # -- durations ----------------------------------------------------------------------

    def deadline(self, start: datetime, duration: Duration) -> datetime:
        """When a time standard started at `start` runs out (aware, office time zone)."""
        start = self._local(start)
        unit, value = self._effective(duration)
        if unit == "minutes":
            return self._advance(start, timedelta(minutes=value))
        if unit == "hours":
            return self._advance(start, timedelta(hours=value))
        if unit == "working_days":
            return self._working_days_after(start, value)
        if unit == "calendar_days":
            return self._wall(start, timedelta(days=value))
        if unit == "weeks":
            return self._wall(start, timedelta(weeks=value))
        if unit == "months":
            return _months_after(start, value)
        return self._wall(start, timedelta(hours=value))  # clock_hours

    def share_elapsed_at(
        self, start: datetime, due: datetime, duration: Duration, share: float
    ) -> datetime:
        """The moment `share` (e.g. 0.75) of the time from start to due has run, counted the
        way `duration` counts time (office time for minutes/hours/working days; wall time
        for calendar days/clock hours)."""
        if not 0 <= share <= 1:
            raise ValueError(f"share must be between 0 and 1, not {share}")
        start, due = self._local(start), self._local(due)
        if share == 1:
            return due  # the deadline itself, even when it sits at an opening after a close
        return min(self.extend(start, self.counted(start, due, duration) * share, duration), due)

    def counted(self, start: datetime, end: datetime, duration: Duration) -> timedelta:
        """How much of `duration`'s kind of time runs between start and end."""
        start, end = self._local(start), self._local(end)
        if end <= start:
            return timedelta()
        if self._counts_office_time(duration):
            return self._office_time(start, end)
        return end - start

    def extend(self, due: datetime, by: timedelta, duration: Duration) -> datetime:
        """`due` moved later by `by` of that kind of time (a suspended clock resumed)."""
        due = self._local(due)
        if by < timedelta():
            raise ValueError("extend moves a deadline later: `by` must not be negative")
        if self._counts_office_time(duration):
            return self._advance(due, by)
        return self._wall(due, by)

    def _effective(self, duration: Duration) -> tuple[str, float]:
        if duration.unit == "service_standard" or duration.value is None:
            raise ValueError(
                "a 'sesuai standar pelayanan' time standard has no length of its own:"
                " resolve it with office.calendar.step_duration first"
            )
        if duration.value < 0:
            raise ValueError(f"a time standard cannot be negative: {duration.value}")
        unit = duration.unit
        if unit == "calendar_days" and self.rules.hari_means_working_days:
            unit = "working_days"
        return unit, float(duration.value)

    def _counts_office_time(self, duration: Duration) -> bool:
        if duration.unit == "service_standard":
            raise ValueError("resolve a 'sesuai standar pelayanan' time standard first")
        unit = duration.unit
        if unit == "calendar_days" and self.rules.hari_means_working_days:
            return True
        return unit in _OFFICE_UNITS

    def _local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None:
            return moment.replace(tzinfo=self.time_zone)
        return moment.astimezone(self.time_zone)

    def _wall(self, start: datetime, amount: timedelta) -> datetime:
        return (start.astimezone(ZoneInfo("UTC")) + amount).astimezone(self.time_zone)

    def _intervals_from(self, moment: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Office intervals (clipped to start at `moment`) from `moment` on, in order."""
        day = moment.date()
        for _ in range(_SEARCH_DAYS):
            for opens, closes in self._day_intervals(day):
                if closes <= moment:
                    continue
                yield max(opens, moment), closes
            day += timedelta(days=1)
        raise ValueError(f"the office calendar has no office hours for {_SEARCH_DAYS} days")

    def _next_opening(self, moment: datetime) -> datetime:
        """`moment` if the office is open then, else the next opening."""
        opens, _ = next(self._intervals_from(moment))
        return opens

    def _advance(self, start: datetime, amount: timedelta) -> datetime:
        """The moment `amount` of office time after `start`."""
        if amount <= timedelta():
            return start
        left = amount
        for opens, closes in self._intervals_from(start):
            if closes - opens >= left:
                return opens + left
            left -= closes - opens
        raise AssertionError("unreachable")  # pragma: no cover

    def _office_time(self, start: datetime, end: datetime) -> timedelta:
        total = timedelta()
        for opens, closes in self._intervals_from(start):
            if opens >= end:
                break
            total += min(closes, end) - opens
        return total

    def _working_days_after(self, start: datetime, days: float) -> datetime:
        begin = self._next_opening(start)
        whole = int(days)
        fraction = days - whole
        day = begin.date()
        for _ in range(whole):
            day = self._next_working_day(day)
        landing = self._latest_office_moment(day, begin.timetz().replace(tzinfo=None))
        if fraction:
            length = sum(
                (closes - opens for opens, closes in self._day_intervals(day)), timedelta()
            )
            landing = self._advance(landing, length * fraction)
        return landing

    def _next_working_day(self, day: date) -> date:
        for _ in range(_SEARCH_DAYS):
            day += timedelta(days=1)
            if self.is_working_day(day):
                return day
        raise ValueError(f"the office calendar has no working day for {_SEARCH_DAYS} days")

    def _latest_office_moment(self, day: date, clock: time) -> datetime:
        """`clock` on `day` if that is office time, else the last office moment before it
        (the day's first opening when the office opens later than `clock`)."""
        moment = self._at(day, clock)
        intervals = self._day_intervals(day)
        best = intervals[0][0]
        for opens, closes in intervals:
            if opens <= moment < closes:
                return moment
            if closes <= moment:
                best = closes
        return best

    # -- identity -----------------------------------------------------------------------

    def fingerprint(self) -> str:
        """Changes when holidays, the cuti bersama option, closures, hours or options change."""
        if self._fingerprint is None:
            rules = json.dumps(self.rules.model_dump(mode="json"), sort_keys=True)
            self._fingerprint = _fingerprint(self.time_zone.key, rules, self.closures)
        return self._fingerprint

    def differences(self, other: WorkingCalendar, first: date, last: date) -> list[str]:
        """Bahasa Indonesia lines naming what changed from this calendar to `other` between
        first and last (for the reason recorded with recomputed deadlines)."""
        lines: list[str] = []
        if self.time_zone.key != other.time_zone.key:
            lines.append(f"Zona waktu berubah: {self.time_zone.key} → {other.time_zone.key}")
        if self.rules.cuti_bersama_stops_clock != other.rules.cuti_bersama_stops_clock:
            lines.append(
                "Cuti bersama kini menghentikan jam layanan"
                if other.rules.cuti_bersama_stops_clock
                else "Cuti bersama kini tidak lagi menghentikan jam layanan"
            )
        if self.rules.hari_means_working_days != other.rules.hari_means_working_days:
            lines.append(
                'Waktu "N Hari" kini dihitung sebagai hari kerja'
                if other.rules.hari_means_working_days
                else 'Waktu "N Hari" kini dihitung sebagai hari kalender'
            )
        before = dict(self.closed_days(first, last))
        after = dict(other.closed_days(first, last))
        for day in sorted(set(before) | set(after)):
            if day not in before:
                lines.append(f"Kantor tutup {day_text(day)}: {after[day]}")
            elif day not in after:
                lines.append(f"Kantor kembali buka {day_text(day)} (sebelumnya: {before[day]})")
            elif before[day] != after[day]:
                lines.append(f"Keterangan {day_text(day)}: {before[day]} → {after[day]}")
        changed_hours = [
            day
            for day in days(first, last)
            if day not in before
            and day not in after
            and self._hours_text(day) != other._hours_text(day)
        ]
        if changed_hours:
            lines.append(
                f"Jam kantor berubah pada {len(changed_hours)} hari"
                f" ({day_text(changed_hours[0])} s.d. {day_text(changed_hours[-1])})"
            )
        return lines

    def _hours_text(self, day: date) -> tuple[str, ...]:
        return tuple(f"{opens:%H:%M}-{closes:%H:%M}" for opens, closes in self._day_intervals(day))


def _months_after(start: datetime, months: float) -> datetime:
    """The same wall time `months` calendar months later (clamped to the month's last day)."""
    whole = int(months)
    index = start.month - 1 + whole
    year, month = start.year + index // 12, index % 12 + 1
    landing = start.replace(year=year, month=month, day=min(start.day, _month_days(year, month)))
    fraction = months - whole
    if fraction:
        landing += timedelta(days=_month_days(year, month)) * fraction
    return landing


def _month_days(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


def step_duration(office: OfficeConfig, sop_id: str, step: Step) -> Duration | None:
    """The time standard a step's timer runs on: the step's own, or for "sesuai standar
    pelayanan" the office's published one; None = no timer. Also applies the office option
    that reads "N Hari" as working days."""
    duration = step.duration
    if duration is None:
        return None
    if duration.unit == "service_standard":
        duration = office.service_standard(sop_id, step.number)
        if duration is None:
            return None
    if duration.unit == "calendar_days" and office.calendar.hari_means_working_days:
        return Duration(value=duration.value, unit="working_days")
    return duration


@functools.lru_cache(maxsize=32)
def _fingerprint(time_zone: str, rules: str, closures: tuple[Closure, ...]) -> str:
    """A calendar's fingerprint, computed once per content: workers build a calendar per batch
    (closures may have been added), and hashing every national holiday of the years the
    fingerprint covers cost more than the timers it stamps."""
    national = {
        str(year): sorted(
            (day.isoformat(), name, day in national_holidays(year)[1])
            for day, name in national_holidays(year)[0].items()
        )
        for year in _FINGERPRINT_YEARS
    }
    content = {
        "time_zone": time_zone,
        "rules": json.loads(rules),
        "closures": sorted(
            (c.first_day.isoformat(), c.last_day.isoformat(), c.reason) for c in closures
        ),
        "national": national,
    }
    encoded = json.dumps(content, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(encoded).hexdigest()
