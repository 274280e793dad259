"""Erasure on request in milliseconds (services/erasure/request.py on the in-memory event store
and key rows): recorded once, the keys destroyed, a person's every case, nothing to erase, and
an erasure stopped half-way finished by running it again. (tests/test_erasure.py: the same
through the CLI against PostgreSQL and Kafka, with dumps.)"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from cases import InMemoryEventStore
from events import CATALOG, Actor, ComplaintReceived, Fact, Reporter
from events.privacy import PersonalDataErased
from privacy import ERASED, PersonalDataKeys
from services.erasure.request import Erasure, NothingToErase, Request
from services.erasure.subjects import subjects_of
from tests.support.factories import posted_complaint

NOW = datetime(2026, 4, 6, 2, 0, tzinfo=UTC)
REQUEST = Request(
    "subjek data", "UU 27/2022 Pasal 8", "permintaan pelapor", Actor(id="op", role="x")
)


async def _complaint(
    store: InMemoryEventStore, keys: PersonalDataKeys, email: str, name: str = "Siti"
) -> uuid.UUID:
    case_id = uuid.uuid4()
    subject = await keys.new_subject(case_id, email=email)
    complaint = ComplaintReceived(
        tracking_number=f"ADU-2026-{uuid.uuid4().int % 10**6:06d}",
        channel="web",
        reporter=Reporter(name=subject.seal(name), email=subject.seal(email)),
        subject="Antrean",
        description=subject.seal("Keluhan panjang"),
    )
    fact = Fact(
        event_id=uuid.uuid4(),
        type=complaint.type,
        schema_version=complaint.schema_version,
        case_type="complaint",
        occurred_at=NOW,
        actor=Actor(id="public", role="pelapor"),
        payload=complaint.model_dump(mode="json"),
    )
    await store.commit(store.opening(case_id, fact))
    return case_id


async def _erasures(store: InMemoryEventStore, case_id: uuid.UUID) -> list[PersonalDataErased]:
    case = await store.load(case_id)
    return [
        CATALOG.payload(f, PersonalDataErased)  # type: ignore[arg-type]
        for f in case.history
        if f.type == PersonalDataErased.type
    ]


async def _name(store: InMemoryEventStore, keys: PersonalDataKeys, case_id: uuid.UUID) -> str:
    first = (await store.load(case_id)).history[0]
    return await keys.reveal(first.payload["reporter"]["name"])  # type: ignore[return-value]


async def test_a_case_is_erased_once_and_its_data_reads_erased() -> None:
    store, keys = InMemoryEventStore(), PersonalDataKeys.in_memory()
    case_id = await _complaint(store, keys, "siti@contoh.id")
    assert await _name(store, keys, case_id) == "Siti"

    erased = await Erasure(store, keys).case(case_id, REQUEST, NOW)
    assert erased.event_id is not None and erased.keys_destroyed == 1
    assert await _name(store, keys, case_id) == ERASED
    [payload] = await _erasures(store, case_id)
    assert payload.subjects == subjects_of((await store.load(case_id)).history[:1])
    assert payload.scope == "case" and payload.legal_basis == "UU 27/2022 Pasal 8"

    again = await Erasure(store, keys).case(case_id, REQUEST, NOW)
    assert (again.event_id, again.keys_destroyed) == (None, 0)
    assert len(await _erasures(store, case_id)) == 1


async def test_a_person_is_erased_in_every_case_found_by_their_contact() -> None:
    store, keys = InMemoryEventStore(), PersonalDataKeys.in_memory()
    theirs = [await _complaint(store, keys, "budi@contoh.id") for _ in range(2)]
    other = await _complaint(store, keys, "ani@contoh.id", name="Ani")

    erased = await Erasure(store, keys).person(REQUEST, NOW, email=" Budi@Contoh.ID ", phone=None)
    assert {e.case_id for e in erased} == set(theirs)
    for case_id in theirs:
        assert await _name(store, keys, case_id) == ERASED
        assert [p.scope for p in await _erasures(store, case_id)] == ["subject"]
    assert await _name(store, keys, other) == "Ani"
    assert await _erasures(store, other) == []
    with pytest.raises(NothingToErase):
        await Erasure(store, keys).person(REQUEST, NOW, email="budi@contoh.id", phone=None)


async def test_nothing_sealed_or_no_such_case_records_nothing() -> None:
    store, keys = InMemoryEventStore(), PersonalDataKeys.in_memory()
    with pytest.raises(NothingToErase):
        await Erasure(store, keys).case(uuid.uuid4(), REQUEST, NOW)
    legacy = uuid.uuid4()  # a case stored before sealing: plaintext, no subject
    await store.commit(store.opening(legacy, posted_complaint("ADU-2025-000001")))
    with pytest.raises(NothingToErase):
        await Erasure(store, keys).case(legacy, REQUEST, NOW)
    assert await _erasures(store, legacy) == []


class _FailingOnce:
    """Key destruction that fails the first time (the process stopped half-way)."""

    def __init__(self, keys: PersonalDataKeys) -> None:
        self._keys = keys
        self.failed = False

    def __getattr__(self, name: str):
        return getattr(self._keys, name)

    async def destroy_case(self, case_id: uuid.UUID):
        if not self.failed:
            self.failed = True
            raise ConnectionError("PostgreSQL went away")
        return await self._keys.destroy_case(case_id)


async def test_an_erasure_stopped_half_way_is_finished_by_running_it_again() -> None:
    store, keys = InMemoryEventStore(), PersonalDataKeys.in_memory()
    case_id = await _complaint(store, keys, "siti@contoh.id")
    flaky = _FailingOnce(keys)
    with pytest.raises(ConnectionError):
        await Erasure(store, flaky).case(case_id, REQUEST, NOW)  # type: ignore[arg-type]
    assert await _name(store, keys, case_id) == "Siti"  # recorded, not yet destroyed

    finished = await Erasure(store, flaky).case(case_id, REQUEST, NOW)  # type: ignore[arg-type]
    assert (finished.event_id, finished.keys_destroyed) == (None, 1)
    assert await _name(store, keys, case_id) == ERASED
    assert len(await _erasures(store, case_id)) == 1
