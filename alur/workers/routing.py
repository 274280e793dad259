"""The routing worker: `alur serve routing`.

One consumer group (every case topic, from the earliest offset) gives the steps of each SOP's
disposition chain to an officer by the office's routing rules (`routing:` and `org_chart:` of
`ALUR_OFFICE`). Rules that do not fit the SOPs stop the worker at start with the reason.
"""

from __future__ import annotations

import os
from zoneinfo import ZoneInfo

from cases import PostgresEventStore
from officers import OfficerDirectory
from runtime.worker import Feed, Process, Started, serve
from services.routing.router import Router, check_rules
from services.routing.settings import RoutingSettings
from sop.registry import SopRegistry


async def start(settings: RoutingSettings, process: Process) -> Started:
    office = settings.office()
    pool = await process.pool(max_size=3)
    registry = SopRegistry(pool)
    await registry.create()
    await check_rules(office, registry)
    directory = OfficerDirectory(pool)
    await directory.create()
    clock = await process.clock(ZoneInfo(office.time_zone))
    store = await PostgresEventStore.connect(settings.database_url)
    process.closing(store.close)
    router = Router(store, registry, directory, office.routing, office.org_chart, clock)
    return Started(
        pool,
        feeds=[
            Feed(settings.group("routing"), [router], settings.batch_size, settings.apply_attempts)
        ],
        says={
            "chains": {
                sop: [c.step for c in chain] for sop, chain in office.routing.chains.items()
            },
            "categories": sorted(office.routing.categories),
        },
    )


def main() -> None:
    # The router appends one event at a time: one store connection (and a spare) is enough,
    # where the store's default pool is sized for the web worker. `eventsourcing` reads these
    # name-prefixed settings before the store's own; an operator may still set them.
    os.environ.setdefault("CASESTORE_POSTGRES_POOL_SIZE", "1")
    os.environ.setdefault("CASESTORE_POSTGRES_MAX_OVERFLOW", "1")
    settings = RoutingSettings()
    serve("routing", settings, lambda process: start(settings, process))


if __name__ == "__main__":
    main()
