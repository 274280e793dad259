"""The simulated clock's walk: it starts on the Friday afternoon before the next weekday
holiday of the office calendar, and moves forward in seeded steps so that the run crosses
working days, a weekend and that holiday (and, in a long run, many more days)."""

from __future__ import annotations

import asyncio
import random
import time
from datetime import date, datetime, timedelta

from office import OfficeConfig
from office.calendar import WorkingCalendar
from soak.client import Api

TICK_SECONDS = 3.0


def start_moment(office: OfficeConfig, now: datetime) -> tuple[datetime, date, str]:
    """14:00 on the Friday before the first weekday holiday at least three days after `now`:
    (that moment, the holiday, its name)."""
    calendar = WorkingCalendar.of(office)
    today = now.astimezone(calendar.time_zone).date()
    for day, name in calendar.closed_days(today + timedelta(days=3), today + timedelta(days=400)):
        if day.weekday() < 5:
            friday = day - timedelta(days=(day.weekday() - 4) % 7 or 7)
            moment = datetime(friday.year, friday.month, friday.day, 14, tzinfo=calendar.time_zone)
            if moment > now:
                return moment, day, name
    raise RuntimeError("no weekday holiday in the next year on the office calendar")


async def now(api: Api) -> datetime:
    answer = await api.clock()
    if answer.status != 200:
        raise RuntimeError(f"GET /api/clock answered {answer.status}: {answer.body}")
    return datetime.fromisoformat(answer.body["now"])


async def go_to(api: Api, moment: datetime) -> None:
    minutes = (moment - await now(api)).total_seconds() / 60
    if minutes > 0:
        answer = await api.advance_clock(minutes)
        if answer.status != 200:
            raise RuntimeError(f"clock advance answered {answer.status}: {answer.body}")


async def walk(api: Api, rng: random.Random, span: timedelta, until: float) -> int:
    """Advance by about `span` in all, a step every few seconds, until `until` (monotonic);
    returns how many steps the web took (a step is skipped while the web is away)."""
    ticks = max(1, int((until - time.monotonic()) / TICK_SECONDS))
    mean = span.total_seconds() / 60 / ticks
    taken = 0
    while time.monotonic() < until:
        await asyncio.sleep(TICK_SECONDS * rng.uniform(0.5, 1.5))
        answer = await api.advance_clock(mean * rng.uniform(0.5, 1.5))
        taken += answer.status == 200
    return taken
