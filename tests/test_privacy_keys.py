"""The data-key store on the real PostgreSQL (privacy/store.py): seal, reveal, destroy a case's
keys or a person's (found by their blind-indexed contacts), and a copy of the database read
with another master key reveals nothing."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import asyncpg
import pytest

from privacy import ERASED, UNREADABLE, PersonalDataKeys
from tests.support import sandbox
from tests.support.waiting import eventually

SECRET = b"s" * 32


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    url = sandbox.create_database("privacy")
    try:
        yield url
    finally:
        sandbox.drop_database(url)


@pytest.fixture
async def pool(database: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(database, min_size=1, max_size=3)
    try:
        yield pool
    finally:
        await pool.close()


async def _keys(pool: asyncpg.Pool, secret: bytes = SECRET) -> PersonalDataKeys:
    keys = PersonalDataKeys.over(pool, secret, cache_seconds=600)
    await keys.create()
    return keys


async def test_a_sealed_value_is_revealed_until_its_case_keys_are_destroyed(
    pool: asyncpg.Pool,
) -> None:
    keys = await _keys(pool)
    case_id = uuid.uuid4()
    subject = await keys.new_subject(case_id, email="ratna@example.id", phone="0812 1111 2222")
    sealed = subject.seal("Ratna Kusumawardani")
    data = subject.seal_json({"alamat": "Jl. Melati 7"})
    rows = await pool.fetch("SELECT * FROM personal_data_keys WHERE case_id = $1", case_id)
    stored = repr([dict(r) for r in rows])
    assert "ratna" not in stored.lower() and "0812" not in stored and "628121111" not in stored
    # another process, no cache: the key comes from the table
    fresh = await _keys(pool)
    assert await fresh.reveal(sealed) == "Ratna Kusumawardani"
    assert await fresh.reveal_json(data) == {"alamat": "Jl. Melati 7"}
    assert await fresh.reveal("written before sealing") == "written before sealing"
    assert await fresh.reveal_json({"legacy": 1}) == {"legacy": 1}
    assert (await fresh.subject(subject.id)) == subject

    destroyed = await keys.destroy_case(case_id)
    assert destroyed.case_ids == (case_id,) and destroyed.subject_ids == (subject.id,)
    assert await keys.reveal(sealed) == ERASED
    assert await keys.reveal_json(data, default={}) == {}
    assert await (await _keys(pool)).reveal(sealed) == ERASED
    assert await keys.subject(subject.id) is None
    row = await pool.fetchrow("SELECT * FROM personal_data_keys WHERE subject_id = $1", subject.id)
    assert row["wrapped_key"] is None and row["destroyed_at"] is not None
    assert row["email_index"] is None and row["phone_index"] is None
    assert (await keys.destroy_case(case_id)).subject_ids == ()  # once only


async def test_a_persons_keys_are_found_by_contact_and_destroyed_in_every_case(
    pool: asyncpg.Pool, database: str
) -> None:
    keys = await _keys(pool)
    email = f"budi.{uuid.uuid4().hex[:6]}@example.id"
    phone = f"08{uuid.uuid4().int % 10**10:010d}"
    first = await keys.new_subject(uuid.uuid4(), email=email)
    second = await keys.new_subject(uuid.uuid4(), phone=phone)
    someone_else = await keys.new_subject(uuid.uuid4(), email=f"x{email}")
    sealed = [s.seal("Budi") for s in (first, second, someone_else)]
    assert await keys.subjects_of_person(email=email.upper(), phone="+62" + phone[1:]) == [
        (first.id, first.case_id),
        (second.id, second.case_id),
    ]

    # A process that listens forgets a destroyed key it had cached at once.
    listener = await _keys(pool)
    listening = await listener.listen(database)
    try:
        assert await listener.reveal(sealed[0]) == "Budi"
        destroyed = await keys.destroy_person(email=email, phone=phone)

        async def forgotten() -> bool:
            return await listener.reveal(sealed[0]) == ERASED

        await eventually(forgotten)
    finally:
        await listening.close()
    assert set(destroyed.case_ids) == {first.case_id, second.case_id}
    assert set(destroyed.subject_ids) == {first.id, second.id}
    assert await keys.reveal_all(sealed) == [ERASED, ERASED, "Budi"]
    assert await keys.subjects_of_person(email=email) == []


async def test_without_the_master_key_the_database_reveals_nothing(pool: asyncpg.Pool) -> None:
    keys = await _keys(pool)
    subject = await keys.new_subject(uuid.uuid4(), email="dewi@example.id")
    sealed = subject.seal("Dewi Lestari")
    thief = await _keys(pool, secret=b"t" * 32)
    assert await thief.reveal(sealed) == UNREADABLE
    assert await thief.subjects_of_person(email="dewi@example.id") == []
    assert await keys.reveal(sealed) == "Dewi Lestari"


async def test_a_listener_whose_connection_ended_still_forgets_a_destroyed_key(
    pool: asyncpg.Pool, database: str
) -> None:
    """PostgreSQL ends the listening connection (a restart would): a key destroyed while nobody
    listened is not revealed from the cache afterwards."""
    keys = await _keys(pool)
    subject = await keys.new_subject(uuid.uuid4())
    sealed = subject.seal("Rina")
    listener = await _keys(pool)
    listening = await listener.listen(database)
    try:
        assert await listener.reveal(sealed) == "Rina"  # cached now
        ended = await pool.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND query LIKE 'LISTEN %'"
        )
        assert ended == 1
        await keys.destroy_case(subject.case_id)

        async def forgotten() -> bool:
            return await listener.reveal(sealed) == ERASED

        await eventually(forgotten)
    finally:
        await listening.close()
