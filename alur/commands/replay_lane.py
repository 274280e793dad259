"""A replay's second lane: some projections' fresh tables built in another process.

A replay's Python work (decoding events, each projection's `apply`) runs on one core. Given a
`LaneProcess`, `alur replay` hands part of the projections to a child interpreter
(`python -m alur.commands.replay_lane`, the request as JSON on its stdin): it reads the same
events up to the same position and builds its projections' tables in the replay's private
schema, while the replay builds the others; the replay then catches up and swaps them all in
one transaction, as before. The child's log lines go to stderr; its last stdout line is what
it did (JSON).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import sys
from collections.abc import Sequence

import asyncpg

from cases import PostgresEventStore
from runtime.logs import configure_logging
from runtime.settings import AlurSettings
from services.projections.catalog import PROJECTIONS, ProjectionEntry, build_projection
from services.projections.replay import LaneReport, Rebuilt, build, collector_for_replay
from services.projections.sources import load_sources


def split(chosen: Sequence[ProjectionEntry]) -> frozenset[str]:
    """The projections a second lane should build: about half of the replay's work, by each
    projection's measured cost (`ProjectionEntry.replay_cost`); none for a single projection."""
    if len(chosen) < 2:
        return frozenset()
    here: list[ProjectionEntry] = []
    there: list[ProjectionEntry] = []
    for entry in sorted(chosen, key=lambda e: e.replay_cost, reverse=True):
        lighter = min(here, there, key=lambda lane: sum(e.replay_cost for e in lane))
        lighter.append(entry)
    return frozenset(e.name for e in there)


class LaneFailed(RuntimeError):
    """The second lane's process failed (its error is on stderr): the replay is abandoned."""


@dataclasses.dataclass(frozen=True)
class LaneProcess:
    """A `Lane` (services/projections/replay.py) running in a child interpreter."""

    database_url: str
    names: frozenset[str]
    log_format: str = "json"  # how the child logs (to stderr): runtime/logs.py
    log_level: str = "info"

    async def build(self, schema: str, live: str, upto: int) -> LaneReport:
        request = {
            "database_url": self.database_url,
            "schema": schema,
            "live": live,
            "names": sorted(self.names),
            "upto": upto,
            "log": [self.log_format, self.log_level],
        }
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "alur.commands.replay_lane",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        try:
            out, _ = await child.communicate(json.dumps(request).encode())
        except BaseException:  # the replay stopped or failed here: the lane stops too
            if child.returncode is None:
                child.kill()
                await child.wait()
            raise
        lines = out.decode().strip().splitlines()
        if child.returncode != 0 or not lines:
            raise LaneFailed(
                f"replay dibatalkan: proses kedua gagal (kode {child.returncode}); "
                "tabel baca tidak berubah, lihat log di atas"
            )
        done = json.loads(lines[-1])
        return LaneReport(
            events=done["events"],
            read_seconds=done["read_seconds"],
            projections=[Rebuilt(**p) for p in done["projections"]],
        )


async def _build(request: dict) -> LaneReport:
    url = request["database_url"]
    store = await PostgresEventStore.connect(url, setup=False, wait_seconds=5)  # reads only
    pool = await asyncpg.create_pool(url, min_size=2, max_size=4)
    try:
        sources = await load_sources(pool, AlurSettings().office())
        entries = [e for e in PROJECTIONS if e.name in set(request["names"])]
        projections = [build_projection(e, sources) for e in entries]
        report = LaneReport(projections=[Rebuilt(p.name) for p in projections])
        async with pool.acquire() as conn:
            await conn.execute(f'SET search_path TO "{request["schema"]}", "{request["live"]}"')
            with collector_for_replay():
                await build(conn, store, projections, report, request["upto"])
        return report
    finally:
        await pool.close()
        await store.close()


def main() -> None:
    request = json.loads(sys.stdin.read())
    answer = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # whatever prints goes to stderr; stdout carries the answer only
    log_format, log_level = request["log"]
    configure_logging("replay", fmt=log_format, level=log_level)
    report = asyncio.run(_build(request))
    answer.write(json.dumps(dataclasses.asdict(report)) + "\n")
    answer.close()


if __name__ == "__main__":
    main()
