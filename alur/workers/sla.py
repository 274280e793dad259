"""The SLA timer worker: `alur serve sla`.

One consumer group (every case topic, from the earliest offset) keeps the timers table in step
with the cases; a polling loop in the same process fires due timers every
`ALUR_SLA_POLL_SECONDS`, another keeps open deadlines on the office calendar. Several SLA
workers may run: Kafka splits the partitions between their consumers, and their polling loops
share the timers through row locks (`FOR UPDATE SKIP LOCKED`).
"""

from __future__ import annotations

from functools import partial
from zoneinfo import ZoneInfo

from cases import PostgresEventStore
from office.calendar import step_duration
from office.closures import ClosureBook, office_calendar
from officers import OfficerDirectory
from runtime.worker import Feed, Process, Started, serve
from services.sla import lapor
from services.sla.applier import TimerApplier
from services.sla.firing import STILL_RUNNING, Firing
from services.sla.recompute import CalendarWatch, keep_deadlines
from services.sla.settings import SlaSettings
from sop.registry import SopRegistry


async def start(settings: SlaSettings, process: Process) -> Started:
    office = settings.office()
    pool = await process.pool(max_size=settings.fire_concurrency + 2)
    registry = SopRegistry(pool)
    await registry.create()
    directory = OfficerDirectory(pool)
    await directory.create()
    await ClosureBook(pool).create()
    clock = await process.clock(ZoneInfo(office.time_zone))
    store = await PostgresEventStore.connect(settings.database_url)
    process.closing(store.close)
    applier = TimerApplier(
        office,
        lambda: office_calendar(office, pool),
        registry.version,
        lambda sop, step: step_duration(office, sop.id, step),
    )
    firing = Firing(
        pool,
        store,
        clock,
        directory,
        office,
        batch=settings.fire_batch,
        concurrency=settings.fire_concurrency,
        still_running={**STILL_RUNNING, **lapor.still_running(office.sla.lapor)},
    )
    watch = CalendarWatch(pool, office, clock)
    await watch.create()
    return Started(
        pool,
        feeds=[
            Feed(settings.group("sla"), [applier], settings.batch_size, settings.apply_attempts)
        ],
        loops=[
            partial(firing.run, settings.poll_seconds),
            partial(keep_deadlines, watch, pool, store, settings.poll_seconds),
        ],
        says={"poll_seconds": settings.poll_seconds, "clock": settings.clock},
    )


def main() -> None:
    settings = SlaSettings()
    serve("sla", settings, lambda process: start(settings, process))


if __name__ == "__main__":
    main()
