"""The event-store port's contract: the same tests against both adapters, in memory and on
PostgreSQL (a fresh database per test), through the port's public methods only."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit, urlunsplit

import pytest

from cases import (
    CaseConflict,
    CaseNotFound,
    Change,
    EventStore,
    GroupCommit,
    InboundMessage,
    InMemoryEventStore,
    PostgresEventStore,
    StoreUnavailable,
    TrackingRecord,
)
from events import Envelope, Fact
from runtime.settings import AlurSettings
from tests.support.factories import posted_complaint
from tests.support.sandbox import _admin
from tests.support.waiting import eventually


def _complaint(subject: str = "Surat pengaduan") -> Fact:
    return posted_complaint(f"UJI-{uuid.uuid4().hex[:10]}", subject)


def _step(causation_id: str | None = None, kind: str = "ComplaintRegistered") -> Fact:
    return _complaint().model_copy(
        update={"event_id": uuid.uuid4(), "type": kind, "payload": {}, "causation_id": causation_id}
    )


@asynccontextmanager
async def _fresh_database() -> AsyncIterator[str]:
    admin_url = AlurSettings().database_url
    name = f"alur_store_{uuid.uuid4().hex[:10]}"
    await _admin(admin_url, f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(admin_url)._replace(path=f"/{name}"))
    finally:
        await _admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["memory", pytest.param("postgresql", marks=pytest.mark.servers)])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[EventStore]:
    if request.param == "memory":
        memory = InMemoryEventStore()
        yield memory
        await memory.close()
        return
    async with _fresh_database() as database_url:
        postgres = await PostgresEventStore.connect(database_url, wait_seconds=10)
        try:
            yield postgres
        finally:
            await postgres.close()


async def _open(store: EventStore, fact: Fact | None = None) -> Envelope:
    [[envelope]] = await store.commit(store.opening(uuid.uuid4(), fact or _complaint()))
    return envelope


async def _record(store: EventStore, case_id: uuid.UUID, fact: Fact) -> Envelope:
    case = await store.load(case_id)
    case.record(fact)
    [[envelope]] = await store.commit(Change(case.collect_events()))
    return envelope


def _as_stored(fact: Fact) -> dict:
    return fact.model_dump(mode="json")


# --- appending and loading ------------------------------------------------------------------


async def test_a_case_appended_is_loaded_back_with_its_facts_in_order(store: EventStore) -> None:
    received, registered = _complaint("Obat habis"), _step()
    opened = await _open(store, received)
    recorded = await _record(store, opened.case_id, registered)

    case = await store.load(opened.case_id)
    assert [_as_stored(f) for f in case.history] == [_as_stored(received), _as_stored(registered)]
    assert case.case_type == "complaint"
    assert (opened.case_version, recorded.case_version) == (1, 2)
    assert opened.position < recorded.position
    assert (
        opened.model_dump(exclude={"case_id", "case_version", "position"}) == received.model_dump()
    )


async def test_a_fact_being_stored_is_not_decoded_again(store: EventStore) -> None:
    fact = _complaint()
    change = store.opening(uuid.uuid4(), fact)
    [[envelope]] = await store.commit(change)
    assert envelope.actor is fact.actor and envelope.payload is fact.payload


async def test_a_case_never_stored_is_not_found(store: EventStore) -> None:
    with pytest.raises(CaseNotFound):
        await store.load(uuid.uuid4())
    assert await store.history(uuid.uuid4()) == []


async def test_the_later_of_two_changes_made_from_the_same_read_conflicts(
    store: EventStore,
) -> None:
    opened = await _open(store)
    first, second = await store.load(opened.case_id), await store.load(opened.case_id)
    first.record(_step(kind="ComplaintRegistered"))
    second.record(_step(kind="ComplaintReviewed"))
    await store.commit(Change(first.collect_events()))
    with pytest.raises(CaseConflict):
        await store.commit(Change(second.collect_events()))
    history = (await store.load(opened.case_id)).history
    assert [f.type for f in history] == ["ComplaintReceived", "ComplaintRegistered"]


async def test_one_conflicting_change_fails_the_whole_commit(store: EventStore) -> None:
    taken = await _open(store)
    newcomer = uuid.uuid4()
    with pytest.raises(CaseConflict):
        await store.commit(
            store.opening(newcomer, _complaint()), store.opening(taken.case_id, _complaint())
        )
    with pytest.raises(CaseNotFound):
        await store.load(newcomer)
    assert await store.last_position() == taken.position


async def test_a_worker_s_fact_is_recorded_once_per_cause(store: EventStore) -> None:
    opened = await _open(store)
    first = await store.record_once(opened.case_id, _step("routing:abc"))
    again = await store.record_once(opened.case_id, _step("routing:abc"))
    assert first is not None and first.case_version == 2
    assert again is None
    history = (await store.load(opened.case_id)).history
    assert [f.causation_id for f in history] == [None, "routing:abc"]


async def test_an_inbound_message_is_stored_once_with_the_events_it_became(
    store: EventStore,
) -> None:
    first_case, second_case = uuid.uuid4(), uuid.uuid4()
    message = InboundMessage("email", "message-id:<a@b>", first_case)
    opening = store.opening(first_case, _complaint())
    await store.commit(Change(opening.events, inbound=[message]))
    assert await store.inbound("email", "message-id:<a@b>") == message
    assert await store.inbound("whatsapp", "message-id:<a@b>") is None

    # The same message delivered again opens nothing: the whole change is refused.
    again = store.opening(second_case, _complaint())
    with pytest.raises(CaseConflict):
        await store.commit(Change(again.events, inbound=[message._replace(case_id=second_case)]))
    with pytest.raises(CaseNotFound):
        await store.load(second_case)

    reply = InboundMessage("email", "message-id:<reply@b>", first_case)
    case = await store.load(first_case)
    case.record(_step(kind="ReporterReplied"))
    await store.commit(Change(case.collect_events(), inbound=[reply]))
    assert await store.inbound_of(first_case, "email") == [message, reply]
    assert await store.inbound_of(second_case, "email") == []
    assert await store.inbound_on("email") == [message, reply]
    assert await store.inbound_on("lapor") == []


# --- reading in position order --------------------------------------------------------------


async def test_read_after_gives_stored_events_in_position_order(store: EventStore) -> None:
    assert await store.last_position() == 0
    a, b = await _open(store), await _open(store)
    a2 = await _record(store, a.case_id, _step())
    written = [a, b, a2]

    assert await store.read_after(0, 100) == written
    assert await store.read_after(a.position, 1) == [b]
    assert await store.read_after(a2.position, 100) == []
    assert await store.last_position() == a2.position


async def test_batches_cover_the_positions_after_and_up_to_in_order(store: EventStore) -> None:
    written = [await _open(store) for _ in range(6)]
    after, upto = written[0].position, written[-2].position
    batches = [batch async for batch in store.batches(after, upto, size=2)]
    assert [len(b) for b in batches] == [2, 2]
    assert [e for b in batches for e in b] == written[1:-1]
    everything = [e async for b in store.batches() for e in b]
    assert everything == written


async def test_a_case_s_history_has_positions_versions_and_facts(store: EventStore) -> None:
    received, registered = _complaint(), _step()
    opened = await _open(store, received)
    await _open(store)  # another case's event in between
    recorded = await _record(store, opened.case_id, registered)
    history = await store.history(opened.case_id)
    assert [(s.position, s.case_version) for s in history] == [
        (opened.position, 1),
        (recorded.position, 2),
    ]
    assert [_as_stored(s.fact) for s in history] == [_as_stored(received), _as_stored(registered)]


async def test_raw_records_are_the_events_as_stored(store: EventStore) -> None:
    opened = await _open(store)
    recorded = await _record(store, opened.case_id, _step())
    records = [r async for r in store.records()]
    assert [(r.position, r.case_id, r.case_version) for r in records] == [
        (opened.position, opened.case_id, 1),
        (recorded.position, opened.case_id, 2),
    ]
    assert [r.topic for r in records] == ["cases.case:Case.Opened", "cases.case:Case.Recorded"]
    stored = json.loads(records[1].state)
    assert stored["fact"]["event_id"] == str(recorded.event_id)
    # The fact is stored as the JSON of its plain dump, byte for byte, as it always was.
    fact = recorded.model_dump(mode="json", exclude={"case_id", "case_version", "position"})
    assert json.dumps(fact, separators=(",", ":"), ensure_ascii=False).encode() in records[1].state


async def test_appends_wake_a_listener(store: EventStore) -> None:
    wake = asyncio.Event()
    await store.wake_on_append(wake)
    await _open(store)
    await asyncio.wait_for(wake.wait(), timeout=10)


@pytest.mark.servers
async def test_appends_wake_the_listener_again_after_postgresql_ended_its_connection() -> None:
    async with _fresh_database() as database_url:
        store = await PostgresEventStore.connect(database_url, wait_seconds=10)
        try:
            wake = asyncio.Event()
            await store.wake_on_append(wake)
            await _admin(  # as a restart of PostgreSQL would
                database_url,
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()",
            )

            async def an_append_wakes_it() -> bool:
                wake.clear()
                with contextlib.suppress(StoreUnavailable):  # the pool's ended connections
                    await _open(store)
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(wake.wait(), timeout=1)
                return wake.is_set()

            await eventually(an_append_wakes_it, timeout=20)
        finally:
            await store.close()


# --- tracking numbers -----------------------------------------------------------------------


async def test_tracking_numbers_of_a_series_are_never_given_twice(store: EventStore) -> None:
    values = [await store.next_tracking_value("ADU", 2026) for _ in range(3)]
    assert values == sorted(set(values))
    assert await store.next_tracking_value("ADU", 2027) == 1


async def test_a_tracking_record_is_stored_with_its_case_s_first_event(store: EventStore) -> None:
    case_id = uuid.uuid4()
    record = TrackingRecord("ADU-2026-000001", case_id, b"\x01" * 32)
    assert await store.tracking(record.number) is None
    await store.commit(store.opening(case_id, _complaint(), record))
    assert await store.tracking(record.number) == record
    assert (await store.load(case_id)).history


async def test_a_tracking_record_is_not_stored_when_its_case_is_not(store: EventStore) -> None:
    taken = await _open(store)
    lost = TrackingRecord("ADU-2026-000002", taken.case_id, b"\x02" * 32)
    with pytest.raises(CaseConflict):  # the case exists already
        await store.commit(store.opening(taken.case_id, _complaint(), lost))
    assert await store.tracking(lost.number) is None

    neighbour = TrackingRecord("ADU-2026-000003", uuid.uuid4(), b"\x03" * 32)
    with pytest.raises(CaseConflict):  # a neighbour in the same commit conflicts
        await store.commit(
            store.opening(neighbour.case_id, _complaint(), neighbour),
            store.opening(taken.case_id, _complaint()),
        )
    assert await store.tracking(neighbour.number) is None


async def test_the_group_commit_stores_each_change_s_tracking_record(store: EventStore) -> None:
    group = GroupCommit(store)
    records = [
        TrackingRecord(f"ADU-2026-{n:06d}", uuid.uuid4(), bytes([n]) * 32) for n in range(1, 6)
    ]
    try:
        await asyncio.gather(*(group.open(r.case_id, _complaint(), r) for r in records))
    finally:
        await group.close()
    assert [await store.tracking(r.number) for r in records] == records


# --- the group commit -----------------------------------------------------------------------


async def test_complaints_arriving_together_are_each_stored_once_in_position_order(
    store: EventStore,
) -> None:
    group = GroupCommit(store)
    start = await store.last_position()
    case_ids = [uuid.uuid4() for _ in range(40)]
    try:
        stored = await asyncio.gather(*(group.open(c, _complaint(str(c))) for c in case_ids))
    finally:
        await group.close()
    assert [e.case_id for e in stored] == case_ids
    read_back = await store.read_after(start, 1000)
    mine = [e for e in read_back if e.case_id in set(case_ids)]
    assert sorted(e.position for e in mine) == sorted(e.position for e in stored)
    assert len({e.position for e in mine}) == 40


async def test_a_conflict_in_a_shared_commit_fails_only_the_conflicting_request(
    store: EventStore,
) -> None:
    taken = (await _open(store, _complaint("first"))).case_id
    group = GroupCommit(store)
    neighbour_a, neighbour_b = uuid.uuid4(), uuid.uuid4()
    try:
        results = await asyncio.gather(
            group.open(neighbour_a, _complaint("a")),
            group.open(taken, _complaint("the same case opened twice")),
            group.open(neighbour_b, _complaint("b")),
            return_exceptions=True,
        )
    finally:
        await group.close()
    assert isinstance(results[1], CaseConflict)
    assert results[0].case_id == neighbour_a
    assert results[2].case_id == neighbour_b
    case = await store.load(taken)
    assert [f.payload["subject"] for f in case.history] == ["first"]


# --- outages --------------------------------------------------------------------------------


async def _outage(store: EventStore) -> None:
    """Make the store unreachable: the in-memory one says so; PostgreSQL's is closed."""
    if isinstance(store, InMemoryEventStore):
        store.reachable = False
    else:
        await store.close()


async def test_every_call_on_an_unreachable_store_raises_store_unavailable(
    store: EventStore,
) -> None:
    opened = await _open(store)
    await _outage(store)
    calls = {
        "commit": store.commit(store.opening(uuid.uuid4(), _complaint())),
        "load": store.load(opened.case_id),
        "record_once": store.record_once(opened.case_id, _step("sla:x")),
        "read_after": store.read_after(0, 10),
        "last_position": store.last_position(),
        "history": store.history(opened.case_id),
        "tracking": store.tracking("ADU-2026-000001"),
        "next_tracking_value": store.next_tracking_value("ADU", 2026),
        "batches": anext(store.batches()),
        "records": anext(store.records()),
    }
    for name, call in calls.items():
        with pytest.raises(StoreUnavailable):
            await call
            pytest.fail(f"{name} did not fail")
    assert issubclass(StoreUnavailable, ConnectionError)  # an outage to the delivery policy


@pytest.mark.servers
async def test_connecting_to_an_unreachable_postgresql_raises_store_unavailable() -> None:
    with pytest.raises(StoreUnavailable):
        await PostgresEventStore.connect("postgresql://alur:alur@127.0.0.1:9/alur", wait_seconds=0)
