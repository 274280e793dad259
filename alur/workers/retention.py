"""The retention worker: `alur serve retention`.

One consumer group (every case topic, from the earliest offset) keeps `retention_schedule` in
step with the cases (when each closed, its dates and final disposition); a loop in the same
process applies the schedule every `ALUR_RETENTION_POLL_SECONDS` on the office's clock
(services/erasure/sweep.py). Several may run: they share the due cases through row locks.
"""

from __future__ import annotations

import uuid
from functools import partial
from zoneinfo import ZoneInfo

from attachments import DirectoryFiles
from cases import PostgresEventStore
from privacy import PersonalDataKeys
from runtime.worker import Feed, Process, Started, serve
from services.erasure.schedule import ClosedCases
from services.erasure.settings import RetentionSettings
from services.erasure.sweep import Sweep


async def start(settings: RetentionSettings, process: Process) -> Started:
    office = settings.office()
    time_zone = ZoneInfo(office.time_zone)
    pool = await process.pool(max_size=3)
    keys = PersonalDataKeys.over(pool, settings.secret_key_bytes())
    await keys.create()
    clock = await process.clock(time_zone)
    store = await PostgresEventStore.connect(settings.database_url)
    process.closing(store.close)

    files = DirectoryFiles(settings.attachment_dir)

    async def destroy_keys(case_id: uuid.UUID) -> int:
        destroyed = len((await keys.destroy_case(case_id)).subject_ids)
        await files.delete_case(case_id)  # unreadable already: the keys are gone
        return destroyed

    sweep = Sweep(pool, store, clock, destroy_keys, time_zone, batch=settings.sweep_batch)
    return Started(
        pool,
        feeds=[
            Feed(
                settings.group("retention"),
                [ClosedCases(office)],
                settings.batch_size,
                settings.apply_attempts,
            )
        ],
        loops=[partial(sweep.run, settings.poll_seconds)],
        says={"poll_seconds": settings.poll_seconds, "clock": settings.clock},
    )


def main() -> None:
    settings = RetentionSettings()
    serve("retention", settings, lambda process: start(settings, process))


if __name__ == "__main__":
    main()
