"""The audit trail: `alur audit CASE_ID` prints a case's history and how it stood at a moment;
`alur audit --verify` proves the stored history was not altered, removed or reordered.

These tests tamper with the event store directly in SQL (as an insider with database access
would), so they run in a sandbox of their own and put every row back after each tamper.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg
import pytest

from cases.chain import GENESIS, content, link_hash
from tests.conftest import Alur
from tests.support import sandbox
from tests.support.casework import Officer, add_officer, alur_cli, do
from tests.test_complaint_to_register import COMPLAINT

HEADERS = ["Waktu", "Petugas", "Peran", "Langkah", "Kegiatan", "Kelengkapan", "Keterangan"]


@pytest.fixture(scope="module")
def alur() -> Iterator[Alur]:
    system = sandbox.start("audit")
    try:
        yield system
    finally:
        sandbox.stop(system)


@dataclass(frozen=True)
class Worked:
    """A complaint taken to step 6 by named officers, with a moment noted after step 3."""

    case_id: str
    petugas: Officer
    tim: Officer
    kadis: Officer
    after_review: datetime


@pytest.fixture(scope="module")
def worked(alur: Alur) -> Worked:
    return asyncio.run(_work_a_complaint(alur))


async def _work_a_complaint(alur: Alur) -> Worked:
    suffix = uuid.uuid4().hex[:4]
    petugas = await add_officer(alur, f"Rina Petugas {suffix}", "petugas_pengaduan")
    tim = await add_officer(alur, f"Tim Analis {suffix}", "tim_pengelola_pengaduan")
    kadis = await add_officer(alur, f"dr. Kadis {suffix}", "kepala_dinas")
    async with alur.http() as client:
        response = await client.post("/api/complaints", json=COMPLAINT)
        assert response.status_code == 201, response.text
        case_id = response.json()["case_id"]
        await do(client, case_id, petugas, "register_complaint")
        await do(client, case_id, petugas, "review_complaint")
        after_review = datetime.now(UTC)
        await asyncio.sleep(0.05)  # the next event happens strictly later
        await do(client, case_id, petugas, "forward_to_team")
        await do(client, case_id, tim, "submit_draft")
        await do(client, case_id, kadis, "review_draft", decision="tidak", note="Lengkapi data")
    return Worked(case_id, petugas, tim, kadis, after_review)


def _audit(alur: Alur, *args: str) -> subprocess.CompletedProcess[str]:
    return alur_cli(alur, "audit", *args)


def _verify(alur: Alur, *args: str) -> tuple[int, dict]:
    done = _audit(alur, "--verify", "--json", *args)
    return done.returncode, json.loads(done.stdout)


# --- the history of one case ---------------------------------------------------------------


def test_a_case_s_history_says_when_who_in_which_role_did_which_step_with_which_documents(
    alur: Alur, worked: Worked
) -> None:
    done = _audit(alur, worked.case_id)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    header = next(line for line in out.splitlines() if line.startswith("No"))
    assert [h for h in HEADERS if h in header] == HEADERS
    for officer in (worked.petugas, worked.tim, worked.kadis):
        assert officer.name in out
    for label in (
        "Pengaduan diterima",
        "Pengaduan dicatat di buku register",
        "Pengaduan ditelaah",
        "Draf tanggapan diajukan",
        "Draf dikembalikan untuk diperbaiki",
    ):
        assert label in out
    assert "Surat Tugas; Berkas Pengaduan; Laporan Hasil Analisa" in out
    assert "keputusan: tidak" in out and "catatan: Lengkapi data" in out
    assert " WIB " in out
    assert "menunggu langkah 5" in out  # returned for correction: back to the team's draft


def test_the_reporter_s_personal_data_is_not_printed(alur: Alur, worked: Worked) -> None:
    out = _audit(alur, worked.case_id).stdout
    reporter = COMPLAINT["reporter"]
    for personal in (reporter["name"], reporter["email"], reporter["phone"], "Aminah"):
        assert personal not in out
    assert "pelapor: S*** A*****" in out
    assert COMPLAINT["subject"] in out  # not confidential


async def test_a_confidential_complaint_s_subject_reads_dirahasiakan(alur: Alur) -> None:
    async with alur.http() as client:
        response = await client.post(
            "/api/complaints", json={**COMPLAINT, "confidential": True, "anonymous": True}
        )
    case_id = response.json()["case_id"]
    done = await asyncio.to_thread(_audit, alur, case_id, "--json")
    assert done.returncode == 0, done.stderr
    (received,) = json.loads(done.stdout)["events"]
    assert "perihal: Dirahasiakan" in received["details"]
    assert "pelapor: Anonim" in received["details"]
    assert COMPLAINT["subject"] not in done.stdout


def test_as_of_shows_only_what_had_happened_and_where_the_case_stood_then(
    alur: Alur, worked: Worked
) -> None:
    moment = worked.after_review.isoformat()
    done = _audit(alur, worked.case_id, "--as-of", moment, "--json")
    assert done.returncode == 0, done.stderr
    then = json.loads(done.stdout)
    assert [e["type"] for e in then["events"]] == [
        "ComplaintReceived",
        "ComplaintRegistered",
        "ComplaintReviewed",
    ]
    assert then["total_events"] == 6
    assert then["state"]["status"] == "open"
    assert then["state"]["waiting_step"] == "4"
    assert then["state"]["waiting_activity"].startswith("Petugas menyampaikan pengaduan")

    text = _audit(alur, worked.case_id, "--as-of", moment).stdout
    assert "Keadaan pada" in text and "3 dari 6 kejadian" in text
    assert "menunggu langkah 4" in text
    assert worked.kadis.name not in text


def test_as_of_before_the_case_existed_shows_nothing(alur: Alur, worked: Worked) -> None:
    done = _audit(alur, worked.case_id, "--as-of", "2000-01-01T00:00:00+07:00", "--json")
    assert done.returncode == 0, done.stderr
    then = json.loads(done.stdout)
    assert then["events"] == [] and then["state"] is None


@pytest.mark.parametrize(
    ("args", "code", "names"),
    [
        (["not-a-case"], 2, "CASE_ID"),
        ([str(uuid.uuid4())], 1, "tidak ditemukan"),
        (["{case}", "--as-of", "kemarin sore"], 2, "--as-of"),
        ([], 2, "CASE_ID"),
        (["--verify", "--anchor", "abc"], 2, "--anchor"),
        (["{case}", "--verify"], 2, "--verify"),
    ],
)
def test_bad_input_is_refused_with_a_message_naming_it(
    alur: Alur, worked: Worked, args: list[str], code: int, names: str
) -> None:
    done = _audit(alur, *(a.replace("{case}", worked.case_id) for a in args))
    assert done.returncode == code, done.stdout + done.stderr
    assert names in done.stderr
    assert done.stdout == ""


# --- the hash chain ------------------------------------------------------------------------


async def test_python_hashes_exactly_the_bytes_the_database_trigger_hashes(
    alur: Alur, worked: Worked
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
    alur: Alur, worked: Worked
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
    alur: Alur, worked: Worked
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


async def test_an_event_altered_in_the_database_is_named(alur: Alur, worked: Worked) -> None:
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


async def test_an_event_removed_from_the_database_is_named(alur: Alur, worked: Worked) -> None:
    target = (await _case_rows(alur, worked.case_id))[1]
    await alur.sql(
        "DELETE FROM casestore_events WHERE notification_id = $1", target["notification_id"]
    )
    try:
        await asyncio.to_thread(_names_event, alur, "removed", target)
    finally:
        await _reinsert(alur, target)
    assert (await asyncio.to_thread(_verify, alur))[0] == 0


async def test_two_events_swapped_in_the_log_are_named(alur: Alur, worked: Worked) -> None:
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


async def test_an_event_written_around_the_chain_is_named(alur: Alur, worked: Worked) -> None:
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
    alur: Alur, worked: Worked
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
    alur: Alur, worked: Worked
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
