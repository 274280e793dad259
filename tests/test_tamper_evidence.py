"""`alur audit --verify` proves the stored history was not altered, removed or reordered, and
names the event where it was.

These tests tamper with the event store directly in SQL (as an insider with database access
would), so they run in a sandbox of their own and put every row back after each tamper.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import pytest

from cases.chain import GENESIS, content, link_hash
from tests.support.casework import alur_cli, do
from tests.support.sandbox import Alur
from tests.support.seed_cases import Returned, returned_complaint

pytestmark = pytest.mark.sandbox("audit")


@pytest.fixture(scope="module")
def worked(alur: Alur) -> Returned:
    return asyncio.run(returned_complaint(alur))


def _audit(alur: Alur, *args: str) -> subprocess.CompletedProcess[str]:
    return alur_cli(alur, "audit", *args)


def _verify(alur: Alur, *args: str) -> tuple[int, dict]:
    done = _audit(alur, "--verify", "--json", *args)
    return done.returncode, json.loads(done.stdout)


async def test_python_hashes_exactly_the_bytes_the_database_trigger_hashes(
    alur: Alur, worked: Returned
) -> None:
    rows = await alur.sql(
        "SELECT e.notification_id, e.originator_id, e.originator_version, e.topic, e.state,"
        " alur_chain_content_v1(e.notification_id, e.originator_id, e.originator_version,"
        " e.topic, e.state) AS stored_content, c.hash, c.previous_hash"
        " FROM casestore_events e JOIN event_chain c ON c.position = e.notification_id"
        " ORDER BY e.notification_id"
    )
    assert len(rows) >= 6
    previous = GENESIS
    for r in rows:
        fields = (r["notification_id"], r["originator_id"], r["originator_version"])
        assert content(*fields, r["topic"], r["state"]) == r["stored_content"]
        assert r["previous_hash"] == previous
        previous = link_hash(previous, *fields, r["topic"], r["state"])
        assert r["hash"] == previous


def test_verify_passes_an_untouched_history_and_prints_its_head_hash(
    alur: Alur, worked: Returned
) -> None:
    code, verdict = _verify(alur)
    assert code == 0, verdict
    assert verdict["intact"] and verdict["problem"] is None
    assert verdict["checked"] >= 6
    assert len(verdict["head_hash"]) == 64

    text = _audit(alur, "--verify")
    assert text.returncode == 0
    assert verdict["head_hash"] in text.stdout and "Riwayat utuh" in text.stdout


async def test_an_anchored_head_stays_valid_as_the_history_grows(
    alur: Alur, worked: Returned
) -> None:
    code, before = await asyncio.to_thread(_verify, alur)
    assert code == 0
    async with alur.http() as client:
        await do(client, worked.case_id, worked.tim, "submit_draft")
    code, after = await asyncio.to_thread(_verify, alur, "--anchor", before["head_hash"])
    assert code == 0, after
    assert after["head_hash"] != before["head_hash"]

    code, unknown = await asyncio.to_thread(_verify, alur, "--anchor", "ab" * 32)
    assert code == 1
    assert unknown["problem"]["kind"] == "anchor_missing"


async def _case_rows(alur: Alur, case_id: str) -> list[asyncpg.Record]:
    return await alur.sql(
        "SELECT * FROM casestore_events WHERE originator_id = $1 ORDER BY originator_version",
        uuid.UUID(case_id),
    )


@asynccontextmanager
async def _insider(alur: Alur) -> AsyncIterator[asyncpg.Connection]:
    """A connection that writes around the chain trigger, as someone with database access can."""
    conn = await asyncpg.connect(alur.database_url)
    try:
        async with conn.transaction():
            await conn.execute("ALTER TABLE casestore_events DISABLE TRIGGER alur_event_chain")
            yield conn
            await conn.execute("ALTER TABLE casestore_events ENABLE TRIGGER alur_event_chain")
    finally:
        await conn.close()


async def _reinsert(alur: Alur, *rows: asyncpg.Record) -> None:
    async with _insider(alur) as conn:
        for r in rows:
            await conn.execute(
                "INSERT INTO casestore_events"
                " (originator_id, originator_version, topic, state, notification_id)"
                " VALUES ($1, $2, $3, $4, $5)",
                r["originator_id"],
                r["originator_version"],
                r["topic"],
                r["state"],
                r["notification_id"],
            )


def _names_event(alur: Alur, kind: str, row: asyncpg.Record) -> dict:
    """Run --verify, expect it to fail on `row` with `kind`; returns the problem named."""
    code, verdict = _verify(alur)
    assert code == 1, verdict
    problem = verdict["problem"]
    assert problem["kind"] == kind, problem
    assert problem["position"] == row["notification_id"]
    assert problem["case_id"] == str(row["originator_id"])
    return problem


async def test_an_event_altered_in_the_database_is_named(alur: Alur, worked: Returned) -> None:
    rows = await _case_rows(alur, worked.case_id)
    target = rows[2]  # ComplaintReviewed
    forged = target["state"].replace(b"Berkas Pengaduan", b"Berkas Palsu")
    assert forged != target["state"]
    await alur.sql(
        "UPDATE casestore_events SET state = $1 WHERE notification_id = $2",
        forged,
        target["notification_id"],
    )
    try:
        problem = await asyncio.to_thread(_names_event, alur, "altered", target)
        assert problem["event_type"] == "ComplaintReviewed"
        assert problem["event_id"] == json.loads(target["state"])["fact"]["event_id"]
        text = await asyncio.to_thread(_audit, alur, "--verify")
        assert text.returncode == 1
        assert "TIDAK UTUH" in text.stdout
        for named in (f"posisi {target['notification_id']}", problem["event_id"], "diubah"):
            assert named in text.stdout
    finally:
        await alur.sql(
            "UPDATE casestore_events SET state = $1 WHERE notification_id = $2",
            target["state"],
            target["notification_id"],
        )
    assert (await asyncio.to_thread(_verify, alur))[0] == 0


async def test_an_event_removed_from_the_database_is_named(alur: Alur, worked: Returned) -> None:
    target = (await _case_rows(alur, worked.case_id))[1]
    await alur.sql(
        "DELETE FROM casestore_events WHERE notification_id = $1", target["notification_id"]
    )
    try:
        await asyncio.to_thread(_names_event, alur, "removed", target)
    finally:
        await _reinsert(alur, target)
    assert (await asyncio.to_thread(_verify, alur))[0] == 0


async def test_two_events_swapped_in_the_log_are_named(alur: Alur, worked: Returned) -> None:
    rows = await _case_rows(alur, worked.case_id)
    first, second = rows[3], rows[4]

    async def swap() -> None:
        async with _insider(alur) as conn:
            a, b = first["notification_id"], second["notification_id"]
            move = "UPDATE casestore_events SET notification_id = $1 WHERE notification_id = $2"
            await conn.execute(move, -1, a)
            await conn.execute(move, a, b)
            await conn.execute(move, b, -1)

    await swap()
    try:
        await asyncio.to_thread(_names_event, alur, "reordered", first)
    finally:
        await swap()
    assert (await asyncio.to_thread(_verify, alur))[0] == 0


async def test_an_event_written_around_the_chain_is_named(alur: Alur, worked: Returned) -> None:
    original = (await _case_rows(alur, worked.case_id))[-1]
    gap = await alur.sql("SELECT min(notification_id) - 1 AS p FROM casestore_events")
    forged = {
        **dict(original),
        "originator_version": 1000,
        "notification_id": gap[0]["p"] if gap[0]["p"] > 0 else -5,
    }
    await _reinsert(alur, forged)  # type: ignore[arg-type]
    try:
        await asyncio.to_thread(_names_event, alur, "inserted", forged)  # type: ignore[arg-type]
    finally:
        await alur.sql(
            "DELETE FROM casestore_events WHERE notification_id = $1", forged["notification_id"]
        )
    assert (await asyncio.to_thread(_verify, alur))[0] == 0


async def test_an_event_removed_with_its_link_breaks_the_chain_at_the_next_event(
    alur: Alur, worked: Returned
) -> None:
    rows = await _case_rows(alur, worked.case_id)
    removed, following = rows[1], rows[2]
    link = await alur.sql(
        "SELECT * FROM event_chain WHERE position = $1", removed["notification_id"]
    )
    await alur.sql(
        "WITH gone AS (DELETE FROM casestore_events WHERE notification_id = $1)"
        " DELETE FROM event_chain WHERE position = $1",
        removed["notification_id"],
    )
    following_position = await alur.sql(
        "SELECT min(notification_id) AS p FROM casestore_events WHERE notification_id > $1",
        removed["notification_id"],
    )
    try:
        code, verdict = await asyncio.to_thread(_verify, alur)
        assert code == 1
        assert verdict["problem"]["kind"] == "chain_broken"
        assert verdict["problem"]["position"] == following_position[0]["p"]
        assert following_position[0]["p"] <= following["notification_id"]
    finally:
        await _reinsert(alur, removed)
        (saved,) = link
        await alur.sql("INSERT INTO event_chain VALUES ($1, $2, $3, $4, $5, $6)", *saved.values())
    assert (await asyncio.to_thread(_verify, alur))[0] == 0


async def test_a_rewritten_chain_is_caught_only_against_an_anchored_head(
    alur: Alur, worked: Returned
) -> None:
    """The limit of any hash chain: who rewrites every later link too is caught by an anchor."""
    code, before = await asyncio.to_thread(_verify, alur)
    assert code == 0
    target = (await _case_rows(alur, worked.case_id))[2]
    forged = target["state"].replace(b"Berkas Pengaduan", b"Berkas Palsu")
    await _rewrite(alur, target["notification_id"], forged)
    try:
        assert (await asyncio.to_thread(_verify, alur))[0] == 0  # consistent forgery
        code, anchored = await asyncio.to_thread(_verify, alur, "--anchor", before["head_hash"])
        assert code == 1
        assert anchored["problem"]["kind"] == "anchor_missing"
    finally:
        await _rewrite(alur, target["notification_id"], target["state"])
    assert (await asyncio.to_thread(_verify, alur, "--anchor", before["head_hash"]))[0] == 0


async def _rewrite(alur: Alur, position: int, state: bytes) -> None:
    """Set one event's state and recompute every link, as a careful forger would."""
    conn = await asyncpg.connect(alur.database_url)
    try:
        async with conn.transaction():
            await conn.execute("LOCK TABLE casestore_events IN EXCLUSIVE MODE")
            await conn.execute(
                "UPDATE casestore_events SET state = $1 WHERE notification_id = $2",
                state,
                position,
            )
            rows = await conn.fetch(
                "SELECT notification_id, originator_id, originator_version, topic, state"
                " FROM casestore_events ORDER BY notification_id"
            )
            previous = GENESIS
            for r in rows:
                digest = link_hash(previous, *r.values())
                await conn.execute(
                    "UPDATE event_chain SET hash = $1, previous_hash = $2 WHERE position = $3",
                    digest,
                    previous,
                    r["notification_id"],
                )
                previous = digest
    finally:
        await conn.close()
