"""The event store on real PostgreSQL: concurrent requests share commits, conflicts stay alone."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from cases import CaseConflict, CaseStore
from cases.group_commit import GroupCommit
from events import Fact
from tests.conftest import Alur
from tests.support.factories import posted_complaint


def _fact(subject: str) -> Fact:
    return posted_complaint(f"UJI-{uuid.uuid4().hex[:10]}", subject)


@pytest.fixture
async def store(alur: Alur):
    store = await asyncio.to_thread(CaseStore, alur.database_url)
    yield store
    await asyncio.to_thread(store.close)


async def test_complaints_arriving_together_are_each_stored_once_in_position_order(
    store: CaseStore,
) -> None:
    group = GroupCommit(store)
    start = await asyncio.to_thread(store.last_position)
    case_ids = [uuid.uuid4() for _ in range(40)]
    try:
        stored = await asyncio.gather(*(group.open(c, _fact(str(c))) for c in case_ids))
    finally:
        await group.close()
    assert [e.case_id for e in stored] == case_ids
    read_back = await asyncio.to_thread(store.envelopes_after, start, 1000)
    mine = [e for e in read_back if e.case_id in set(case_ids)]
    assert sorted(e.position for e in mine) == sorted(e.position for e in stored)
    assert len({e.position for e in mine}) == 40


async def test_a_conflict_in_a_shared_commit_fails_only_the_conflicting_request(
    store: CaseStore,
) -> None:
    taken = uuid.uuid4()
    await asyncio.to_thread(store.open, taken, _fact("first"))
    group = GroupCommit(store)
    neighbour_a, neighbour_b = uuid.uuid4(), uuid.uuid4()
    try:
        results = await asyncio.gather(
            group.open(neighbour_a, _fact("a")),
            group.open(taken, _fact("the same case opened twice")),
            group.open(neighbour_b, _fact("b")),
            return_exceptions=True,
        )
    finally:
        await group.close()
    assert isinstance(results[1], CaseConflict)
    assert results[0].case_id == neighbour_a
    assert results[2].case_id == neighbour_b
    case = await asyncio.to_thread(store.case, taken)
    assert [f.payload["subject"] for f in case.history] == ["first"]
