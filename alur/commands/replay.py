"""`alur replay [--projection NAME]`: rebuild read models from the first event, swap them in.

Prints, per projection, the events it was given, the seconds it spent and events/s, then the
whole run. Exit 0 when done; 1 for an unknown projection (naming the known ones) or when the
database cannot be used.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

import asyncpg

from alur.commands.replay_lane import LaneFailed, LaneProcess, split
from cases import PostgresEventStore, StoreUnavailable
from runtime.database import DatabaseUnreachable, connect_pool
from runtime.settings import AlurSettings
from services.projections.catalog import PROJECTIONS, ProjectionEntry, build_projection
from services.projections.replay import ReplayReport
from services.projections.replay import replay as rebuild
from services.projections.sources import load_sources


def replay(args: argparse.Namespace) -> int:
    known = [entry.name for entry in PROJECTIONS]
    if args.projection is not None and args.projection not in known:
        print(
            f"proyeksi tidak dikenal: {args.projection!r}; yang ada: {', '.join(known)}",
            file=sys.stderr,
        )
        return 1
    chosen = [e for e in PROJECTIONS if args.projection in (None, e.name)]
    settings = AlurSettings()
    try:
        report = asyncio.run(_replay(settings, chosen))
    except (DatabaseUnreachable, StoreUnavailable, LaneFailed) as error:
        print(error, file=sys.stderr)
        return 1
    _print(report)
    return 0


async def _replay(settings: AlurSettings, chosen: list[ProjectionEntry]) -> ReplayReport:
    await (await connect_pool(settings.database_url)).close()  # a clear error when it is down
    store = await PostgresEventStore.connect(settings.database_url, wait_seconds=5)
    # One connection builds the fresh tables, others fetch SOP versions (the store reads).
    pool = await asyncpg.create_pool(settings.database_url, min_size=2, max_size=4)
    try:
        sources = await load_sources(pool, settings.office())
        projections = [build_projection(entry, sources) for entry in chosen]
        lane = LaneProcess(
            settings.database_url, split(chosen), settings.log_format, settings.log_level
        )
        return await rebuild(pool, store, projections, say=print, lane=lane)
    finally:
        await pool.close()
        await store.close()


def _print(report: ReplayReport) -> None:
    width = max(len(p.name) for p in report.projections)
    for rebuilt in report.projections:
        print(
            f"{rebuilt.name:<{width}}  {rebuilt.events:>10,} events  {rebuilt.seconds:8.2f} s"
            f"  {rebuilt.rate:>12,.0f} events/s"
            + (f"  ({rebuilt.skipped} not applicable, see the log)" if rebuilt.skipped else "")
        )
    print(f"{'read + decode':<{width}}  {report.events:>10,} events  {report.read_seconds:8.2f} s")
    print(
        f"replayed {report.events:,} events in {report.seconds:.2f} s"
        f" ({report.rate:,.0f} events/s); swap {report.swap_seconds * 1000:.0f} ms"
    )
