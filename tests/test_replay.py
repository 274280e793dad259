"""`alur replay [--projection NAME]` rebuilds read models from the first event into fresh
tables and swaps them in while the old ones keep serving; the rebuilt tables equal the live
ones, and the live consumer carries on after the swap without skipping or repeating an event.

These tests compare whole tables, so they run in a sandbox of their own (other tests send
Kafka messages that were never stored, which live tables show and a replay rightly does not).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import uuid
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from alur.commands.replay_lane import LaneFailed, LaneProcess, split
from cases import PostgresEventStore
from office.calendar import WorkingCalendar
from office.config import load_office
from services.projections.catalog import PROJECTIONS, build_projection
from services.projections.replay import replay
from services.projections.sops import SopBook
from services.projections.sources import Sources, load_sources
from tests.support.casework import ALUR, add_officer, do
from tests.support.sandbox import Alur
from tests.support.seed_cases import COMPLAINT, work_cases
from tests.support.waiting import eventually

# Columns that say when a row was written, not what it holds.
WRITTEN_AT = {"projected_at", "applied_at"}


pytestmark = pytest.mark.sandbox("replay")


def _tables() -> dict[str, tuple[str, ...]]:
    async def unused(sop_id: str, version: int) -> Any:
        raise AssertionError("not called")

    office = load_office()
    sources = Sources(SopBook(unused), office, WorkingCalendar.of(office))
    return {e.name: build_projection(e, sources).tables for e in PROJECTIONS}


TABLES = _tables()


def _replay(alur: Alur, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ALUR, "replay", *args],
        env={**os.environ, "DATABASE_URL": alur.database_url},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def _caught_up(alur: Alur) -> bool:
    """Every projection's watermarks cover every stored event."""
    for name in TABLES:
        behind = await alur.sql(
            "SELECT count(*) AS n FROM casestore_events e WHERE NOT EXISTS ("
            " SELECT 1 FROM projection_watermarks w WHERE w.projection = $1"
            " AND w.case_id = e.originator_id AND w.case_version >= e.originator_version)",
            name,
        )
        if behind[0]["n"]:
            return False
    return True


async def _snapshot(alur: Alur, names: list[str] | None = None) -> dict[str, list[tuple]]:
    tables = {}
    for name in names or list(TABLES):
        for table in TABLES[name]:
            rows = await alur.sql(f"SELECT * FROM {table}")
            tables[table] = sorted(
                (tuple((k, v) for k, v in dict(r).items() if k not in WRITTEN_AT) for r in rows),
                key=repr,
            )
    return tables


async def _table_ids(alur: Alur) -> dict[str, int]:
    rows = await alur.sql(
        "SELECT relname, oid::bigint AS id FROM pg_class"
        " WHERE relnamespace = 'public'::regnamespace AND relname = ANY($1::text[])",
        [t for tables in TABLES.values() for t in tables],
    )
    return {r["relname"]: r["id"] for r in rows}


async def test_a_replay_rebuilds_every_projection_equal_to_the_live_one(alur: Alur) -> None:
    worked = await work_cases(alur)
    await eventually(lambda: _caught_up(alur), timeout=60)
    live = await _snapshot(alur)
    assert live["guest_book"] and live["case_archive"] and live["step_times"]
    before_ids = await _table_ids(alur)

    answers: list[int] = []
    replaying = asyncio.create_task(asyncio.to_thread(_replay, alur))
    async with alur.http(headers=alur.auditor) as client:
        while not replaying.done():  # the register keeps answering during the replay
            response = await client.get("/api/register")
            answers.append(response.status_code)
            assert len(response.json()) == 2
            await asyncio.sleep(0.02)
    done = await replaying
    assert done.returncode == 0, done.stderr
    assert answers and set(answers) == {200}
    for name in TABLES:
        assert name in done.stdout
    assert "events/s" in done.stdout

    ids = await _table_ids(alur)
    assert all(ids[t] != before_ids[t] for t in ids), "every table was rebuilt"
    assert await _snapshot(alur) == live

    # The live consumer carries on from the swapped tables: a new complaint and a new step
    # of an open one each arrive once.
    async with alur.http(headers=alur.auditor) as client:
        response = await client.post("/api/complaints", json=COMPLAINT)
        assert response.status_code == 201, response.text
        newest = response.json()["case_id"]
        tim = await add_officer(alur, f"Tim {uuid.uuid4().hex[:6]}", "tim_pengelola_pengaduan")
        await do(client, worked.open_complaint, tim, "submit_draft")
    await eventually(lambda: _caught_up(alur), timeout=60)
    timeline = await alur.sql(
        "SELECT type FROM case_timeline WHERE case_id = $1 ORDER BY position",
        uuid.UUID(worked.open_complaint),
    )
    assert [r["type"] for r in timeline][-2:] == ["ComplaintForwardedToTeam", "DraftSubmitted"]
    assert len({r["type"] for r in timeline}) == len(timeline)
    register = await alur.sql("SELECT case_id FROM complaint_register")
    assert uuid.UUID(newest) in {r["case_id"] for r in register}


async def test_replaying_one_projection_rebuilds_only_that_one(alur: Alur) -> None:
    await eventually(lambda: _caught_up(alur), timeout=60)
    live = await _snapshot(alur)
    before_ids = await _table_ids(alur)
    done = _replay(alur, "--projection", "guest_book")
    assert done.returncode == 0, done.stderr
    assert "guest_book" in done.stdout and "complaint_register" not in done.stdout
    ids = await _table_ids(alur)
    assert ids["guest_book"] != before_ids["guest_book"]
    assert {t: i for t, i in ids.items() if t != "guest_book"} == {
        t: i for t, i in before_ids.items() if t != "guest_book"
    }
    assert await _snapshot(alur) == live


def test_an_unknown_projection_is_refused_with_the_known_names(alur: Alur) -> None:
    done = _replay(alur, "--projection", "buku_besar")
    assert done.returncode == 1
    assert "buku_besar" in done.stderr
    for name in TABLES:
        assert name in done.stderr


async def test_a_replay_whose_second_process_fails_changes_nothing(alur: Alur) -> None:
    await eventually(lambda: _caught_up(alur), timeout=60)
    live, ids = await _snapshot(alur), await _table_ids(alur)
    pool = await asyncpg.create_pool(alur.database_url, min_size=1, max_size=2)
    store = await PostgresEventStore.connect(alur.database_url)
    try:
        sources = await load_sources(pool, load_office())
        projections = [build_projection(e, sources) for e in PROJECTIONS]
        # A lane given a database URL it cannot use (no port number): its process ends with
        # an error at once.
        url = urlsplit(alur.database_url)
        unusable = urlunsplit(url._replace(netloc=f"{url.netloc.rsplit(':', 1)[0]}:port"))
        lane = LaneProcess(unusable, split(PROJECTIONS), "console", "error")
        with pytest.raises(LaneFailed, match="tabel baca tidak berubah"):
            await replay(pool, store, projections, lane=lane)
    finally:
        await store.close()
        await pool.close()
    leftovers = await alur.sql(
        "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'alur_replay_%'"
    )
    assert leftovers == []
    assert await _table_ids(alur) == ids and await _snapshot(alur) == live
