"""The projections worker: `alur serve projections`.

Every read model of `services/projections/catalog.py` is fed by one consumer group
(`catalog.GROUP`), reading from the earliest offset: each batch is fetched and decoded once and
applied to every projection in one transaction, each projection skipping what its own
watermarks say it holds (so a new projection, or one a replay rebuilt, neither misses nor
repeats an event).
"""

from __future__ import annotations

from runtime.worker import Feed, Process, Started, serve
from services.projections.catalog import GROUP, PROJECTIONS, build_projection
from services.projections.projector import Projector
from services.projections.settings import ProjectionSettings
from services.projections.sources import load_sources

# The register is what a reporter and an officer look at after a change: its batches gather
# for a short while only (the other feeds gather for runtime.consumer.GATHER_MS).
REGISTER_GATHER_MS = 20


async def start(settings: ProjectionSettings, process: Process) -> Started:
    # One connection applies a batch; a projection may ask the SOP registry for a version
    # meanwhile, and the loader reads the sources at start.
    pool = await process.pool(max_size=4)
    sources = await load_sources(pool, settings.office())
    feed = Feed(
        settings.group(GROUP),
        [Projector(build_projection(entry, sources)) for entry in PROJECTIONS],
        settings.batch_size,
        settings.apply_attempts,
        name=GROUP,
        gather_ms=REGISTER_GATHER_MS,
    )
    return Started(pool, [feed], says={"projections": [e.name for e in PROJECTIONS]})


def main() -> None:
    settings = ProjectionSettings()
    serve("projections", settings, lambda process: start(settings, process))


if __name__ == "__main__":
    main()
