"""The projections worker: `alur serve projections`.

Every read model of `services/projections/catalog.py` is fed by its own consumer group,
reading from the earliest offset, so a new projection starts from the beginning of the stream.
"""

from __future__ import annotations

from runtime.worker import Feed, Process, Started, serve
from services.projections.catalog import PROJECTIONS, build_projection
from services.projections.projector import Projector
from services.projections.settings import ProjectionSettings
from services.projections.sources import load_sources


async def start(settings: ProjectionSettings, process: Process) -> Started:
    # Each feed holds a connection while it applies a batch, and a projection may ask the SOP
    # registry for a version meanwhile: one connection per feed and a few to spare, else the
    # feeds wait on each other for ever.
    pool = await process.pool(max_size=len(PROJECTIONS) + 3)
    sources = await load_sources(pool, settings.office())
    feeds = [
        Feed(
            settings.group(entry.consumer_group),
            Projector(build_projection(entry, sources)),
            settings.batch_size,
            settings.apply_attempts,
            entry.case_types,
        )
        for entry in PROJECTIONS
    ]
    return Started(pool, feeds, says={"projections": [e.name for e in PROJECTIONS]})


def main() -> None:
    settings = ProjectionSettings()
    serve("projections", settings, lambda process: start(settings, process))


if __name__ == "__main__":
    main()
