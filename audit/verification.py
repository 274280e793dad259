"""Verifying the hash chain: every stored event, in position order, against its link.

Events are read through the event store as stored (`EventStore.records`), links with a
server-side cursor, both in one database snapshot, and merged by position, so memory stays flat
however long the history is. Each link is recomputed in Python from the previous verified hash
(cases/chain.py) and the stored bytes. The first problem ends the check:

- `altered`: the event's content no longer hashes to its link;
- `removed`: a link whose event is gone;
- `reordered`: the event at a position is another case's or version than the link recorded;
- `inserted`: an event with no link (written around the trigger);
- `chain_broken`: a link that does not follow the previous one (a link and its event removed
  together, or the links rewritten);
- `anchor_missing`: the head hash the office wrote down earlier is not in the chain any more.

Someone who rewrites both the events and every later link can only be caught against a head
hash recorded outside the database (an anchor).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import asyncpg

from cases import EventStore, StoredRecord
from cases.chain import GENESIS, link_hash
from cases.codec import identity

BATCH = 10_000

LINKS = (
    "SELECT position, originator_id, originator_version, hash, previous_hash"
    " FROM event_chain ORDER BY position"
)


@dataclass(frozen=True)
class Problem:
    kind: str  # altered, removed, reordered, inserted, chain_broken, anchor_missing
    position: int | None
    case_id: UUID | None
    case_version: int | None
    event_id: str | None
    event_type: str | None
    detail: str  # in Bahasa Indonesia, for the auditor

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "position": self.position,
            "case_id": None if self.case_id is None else str(self.case_id),
            "case_version": self.case_version,
            "event_id": self.event_id,
            "event_type": self.event_type,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Verdict:
    checked: int  # events whose links were verified
    head_hash: bytes  # the last verified link (GENESIS when nothing is stored)
    head_position: int | None
    problem: Problem | None

    @property
    def intact(self) -> bool:
        return self.problem is None


async def verify(
    store: EventStore, conn: asyncpg.Connection, anchor: bytes | None = None
) -> Verdict:
    """Check the whole history; `anchor` is a head hash recorded earlier, outside the database.

    `conn` reads the links; the store reads the events in the same snapshot, so an event
    appended meanwhile is in neither.
    """
    if not await conn.fetchval("SELECT to_regclass('event_chain') IS NOT NULL"):
        if await store.last_position() == 0:
            return _end(0, GENESIS, None, anchor, anchor_seen=False)
        problem = Problem(
            "chain_broken", None, None, None, None, None,
            "Tabel rantai hash (event_chain) tidak ada: rantai telah dihapus.",
        )  # fmt: skip
        return Verdict(0, GENESIS, None, problem)
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        snapshot = await conn.fetchval("SELECT pg_export_snapshot()")
        async with contextlib.aclosing(store.records(snapshot=snapshot)) as events:
            return await _walk(events, _rows(conn, LINKS), anchor)


async def _walk(
    events: AsyncIterator[StoredRecord],
    links: AsyncIterator[asyncpg.Record],
    anchor: bytes | None,
) -> Verdict:
    previous, checked, head_position = GENESIS, 0, None
    anchor_seen = False
    event, link = await _next(events), await _next(links)

    def verdict(problem: Problem) -> Verdict:
        return Verdict(checked, previous, head_position, problem)

    while event is not None or link is not None:
        if link is None or (event is not None and event.position < link["position"]):
            assert event is not None
            return verdict(_about(event, "inserted", _inserted(event.position)))
        if event is None or link["position"] < event.position:
            return verdict(_removed(link))
        position = event.position
        if link["previous_hash"] != previous:
            return verdict(_about(event, "chain_broken", _broken(position)))
        if (link["originator_id"], link["originator_version"]) != (
            event.case_id,
            event.case_version,
        ):
            return verdict(_about(event, "reordered", _reordered(event, link)))
        recomputed = link_hash(
            previous, position, event.case_id, event.case_version, event.topic, event.state
        )
        if recomputed != link["hash"]:
            return verdict(_about(event, "altered", _altered(position)))
        previous, checked, head_position = recomputed, checked + 1, position
        anchor_seen = anchor_seen or recomputed == anchor
        event, link = await _next(events), await _next(links)
    return _end(checked, previous, head_position, anchor, anchor_seen)


def _end(
    checked: int,
    head: bytes,
    head_position: int | None,
    anchor: bytes | None,
    anchor_seen: bool,
) -> Verdict:
    if anchor is None or anchor_seen:
        return Verdict(checked, head, head_position, None)
    problem = Problem(
        "anchor_missing", None, None, None, None, None,
        f"Hash jangkar {anchor.hex()} tidak ada dalam rantai: riwayat hingga saat jangkar"
        " dicatat telah ditulis ulang atau dipotong.",
    )  # fmt: skip
    return Verdict(checked, head, head_position, problem)


async def _rows(conn: asyncpg.Connection, query: str) -> AsyncIterator[asyncpg.Record]:
    async for row in conn.cursor(query, prefetch=BATCH):
        yield row


async def _next(rows: AsyncIterator[Any]) -> Any:
    return await anext(rows, None)


def _about(event: StoredRecord, kind: str, detail: str) -> Problem:
    event_id, event_type = identity(event.state)
    return Problem(
        kind, event.position, event.case_id, event.case_version, event_id, event_type, detail
    )


def _removed(link: asyncpg.Record) -> Problem:
    return Problem(
        "removed",
        link["position"],
        link["originator_id"],
        link["originator_version"],
        None,
        None,
        f"Kejadian pada posisi {link['position']} (kasus {link['originator_id']},"
        f" versi {link['originator_version']}) telah dihapus dari basis data.",
    )


def _altered(position: int) -> str:
    return f"Kejadian pada posisi {position} telah diubah: isinya tidak cocok dengan hash-nya."


def _inserted(position: int) -> str:
    return f"Kejadian pada posisi {position} disisipkan tanpa tercatat dalam rantai hash."


def _broken(position: int) -> str:
    return (
        f"Rantai hash putus sebelum posisi {position}: kejadian sebelumnya dihapus beserta"
        " mata rantainya, atau rantai ditulis ulang."
    )


def _reordered(event: StoredRecord, link: asyncpg.Record) -> str:
    return (
        f"Urutan kejadian diubah: posisi {event.position} kini memuat kasus"
        f" {event.case_id} versi {event.case_version}, padahal rantai"
        f" mencatat kasus {link['originator_id']} versi {link['originator_version']}."
    )
