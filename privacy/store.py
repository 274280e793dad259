"""The data keys of every data subject, in PostgreSQL, with a cache: make one, seal with it,
reveal what was sealed, and destroy the keys of a case or of a person (crypto-shredding).

A process that destroys keys says so on a PostgreSQL channel; a process that `listen`s forgets
them at once, and every cached key expires after `cache_seconds` anyway.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
import structlog
from cachetools import TTLCache
from cryptography.exceptions import InvalidTag

from privacy.envelope import ERASED, UNREADABLE, open_with, parse, seal_with
from privacy.master import MasterKey
from privacy.schema import CHANNEL, SCHEMA
from runtime.database import create_once

log = structlog.get_logger(__name__)

_NOTIFY_LIMIT = 7000  # PostgreSQL takes up to 8000 bytes; beyond it every process clears all


@dataclass(frozen=True)
class Subject:
    """A data subject with their key at hand: what intake seals a new event's values with."""

    id: uuid.UUID
    case_id: uuid.UUID
    key: bytes

    def seal(self, plaintext: str) -> str:
        return seal_with(self.key, self.id, plaintext)

    def seal_optional(self, plaintext: str | None) -> str | None:
        return None if plaintext is None else self.seal(plaintext)

    def seal_json(self, value: Any) -> str:
        return self.seal(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


@dataclass(frozen=True)
class Destroyed:
    """What one destruction did: the cases and subjects whose keys are gone now."""

    case_ids: tuple[uuid.UUID, ...]
    subject_ids: tuple[uuid.UUID, ...]


class PersonalDataKeys:
    def __init__(self, pool: asyncpg.Pool, master: MasterKey, cache_seconds: float = 60.0):
        self._pool = pool
        self._master = master
        # subject id -> data key, or None once destroyed
        self._cache: TTLCache[uuid.UUID, bytes | None] = TTLCache(50_000, cache_seconds)

    @classmethod
    def over(
        cls, pool: asyncpg.Pool, secret: bytes, cache_seconds: float = 60.0
    ) -> PersonalDataKeys:
        return cls(pool, MasterKey(secret), cache_seconds)

    @property
    def master(self) -> MasterKey:
        return self._master

    async def create(self) -> None:
        async with self._pool.acquire() as conn:
            await create_once(conn, "personal_data_keys", SCHEMA)

    async def listen(self, conn: asyncpg.Connection) -> None:
        """Forget destroyed keys as soon as another process destroys them (`conn` stays open,
        the caller's)."""
        await conn.add_listener(CHANNEL, self._on_destroyed)

    def _on_destroyed(self, _conn: object, _pid: int, _channel: str, payload: str) -> None:
        if payload == "*":
            self._cache.clear()
            return
        for text in payload.split(","):
            self._cache.pop(uuid.UUID(text), None)

    # Making and sealing

    async def new_subject(
        self,
        case_id: uuid.UUID,
        *,
        email: str | None = None,
        phone: str | None = None,
        conn: asyncpg.Connection | None = None,
    ) -> Subject:
        """A new data subject of `case_id` with a fresh key; `email`/`phone` only feed the blind
        indexes (a person's cases can be found by them), they are not stored."""
        subject = Subject(uuid.uuid4(), case_id, self._master.new_data_key())
        args = (
            subject.id,
            case_id,
            self._master.wrap(subject.id, subject.key),
            self._master.email_index(email) if email else None,
            self._master.phone_index(phone) if phone else None,
        )
        query = """INSERT INTO personal_data_keys
            (subject_id, case_id, wrapped_key, email_index, phone_index)
            VALUES ($1, $2, $3, $4, $5)"""
        if conn is None:
            await self._pool.execute(query, *args)
        else:
            await conn.execute(query, *args)
        self._cache[subject.id] = subject.key
        return subject

    async def subject(self, subject_id: uuid.UUID) -> Subject | None:
        """An existing subject, to seal more of their data; None once destroyed or unknown."""
        row = await self._pool.fetchrow(
            "SELECT case_id FROM personal_data_keys WHERE subject_id = $1", subject_id
        )
        keys = await self._keys([subject_id])
        key = keys.get(subject_id)
        if row is None or not isinstance(key, bytes):
            return None
        return Subject(subject_id, row["case_id"], key)

    # Revealing

    async def reveal(self, text: str | None) -> str | None:
        """The plaintext of a sealed value; "[dihapus]" once its key was destroyed; a value that
        was never sealed (a legacy event's) unchanged."""
        return (await self.reveal_all([text]))[0]

    async def reveal_all(self, texts: Sequence[str | None]) -> list[str | None]:
        """`reveal` for many values, with one query for the keys not in the cache."""
        parsed = [parse(t) if isinstance(t, str) else None for t in texts]
        keys = await self._keys({p.subject_id for p in parsed if p is not None})
        revealed: list[str | None] = []
        for text, sealed in zip(texts, parsed, strict=True):
            if sealed is None:
                revealed.append(text)
                continue
            key = keys.get(sealed.subject_id, UNREADABLE)
            if key is None:
                revealed.append(ERASED)
            elif isinstance(key, str):
                revealed.append(UNREADABLE)
            else:
                try:
                    revealed.append(open_with(key, sealed))
                except InvalidTag:
                    log.warning("sealed_value_altered", subject_id=str(sealed.subject_id))
                    revealed.append(UNREADABLE)
        return revealed

    async def reveal_json(self, value: Any, default: Any = None) -> Any:
        """A value sealed by `Subject.seal_json`, parsed; `default` once erased or unreadable; a
        value that was never sealed (a legacy event's `data`) unchanged."""
        if not isinstance(value, str) or parse(value) is None:
            return value
        plain = await self.reveal(value)
        if plain in (ERASED, UNREADABLE) or plain is None:
            return default
        return json.loads(plain)

    async def _keys(self, subject_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, bytes | str | None]:
        """Each subject's key, None when destroyed, UNREADABLE when unknown or not unwrappable."""
        found: dict[uuid.UUID, bytes | str | None] = {}
        missing = []
        for subject_id in subject_ids:
            if subject_id in self._cache:
                found[subject_id] = self._cache[subject_id]
            else:
                missing.append(subject_id)
        if not missing:
            return found
        rows = await self._pool.fetch(
            "SELECT subject_id, wrapped_key FROM personal_data_keys WHERE subject_id = ANY($1)",
            missing,
        )
        for row in rows:
            subject_id, wrapped = row["subject_id"], row["wrapped_key"]
            if wrapped is None:
                found[subject_id] = self._cache[subject_id] = None
                continue
            try:
                found[subject_id] = self._cache[subject_id] = self._master.unwrap(
                    subject_id, wrapped
                )
            except InvalidTag:
                log.warning("data_key_not_unwrappable", subject_id=str(subject_id))
                found[subject_id] = UNREADABLE
        for subject_id in missing:
            found.setdefault(subject_id, UNREADABLE)
        return found

    # Finding and destroying

    async def subjects_of_person(
        self, *, email: str | None = None, phone: str | None = None
    ) -> list[tuple[uuid.UUID, uuid.UUID]]:
        """(subject id, case id) of every live subject with this email or phone."""
        rows = await self._pool.fetch(
            """SELECT subject_id, case_id FROM personal_data_keys
            WHERE destroyed_at IS NULL AND (email_index = $1 OR phone_index = $2)
            ORDER BY created_at""",
            *self._indexes(email, phone),
        )
        return [(r["subject_id"], r["case_id"]) for r in rows]

    async def destroy_case(
        self, case_id: uuid.UUID, *, conn: asyncpg.Connection | None = None
    ) -> Destroyed:
        """Destroy the key of every subject of the case."""
        return await self._destroy("case_id = $1", (case_id,), conn)

    async def destroy_person(
        self,
        *,
        email: str | None = None,
        phone: str | None = None,
        conn: asyncpg.Connection | None = None,
    ) -> Destroyed:
        """Destroy the keys of every subject with this email or phone (via the blind indexes)."""
        return await self._destroy(
            "(email_index = $1 OR phone_index = $2)", self._indexes(email, phone), conn
        )

    def _indexes(self, email: str | None, phone: str | None) -> tuple[bytes | None, ...]:
        if not email and not phone:
            raise ValueError("an email or a phone is needed to find a person")
        return (
            self._master.email_index(email) if email else None,
            self._master.phone_index(phone) if phone else None,
        )

    async def _destroy(
        self, where: str, args: tuple[Any, ...], conn: asyncpg.Connection | None
    ) -> Destroyed:
        if conn is None:
            async with self._pool.acquire() as own, own.transaction():
                return await self._destroy(where, args, own)
        rows = await conn.fetch(
            f"""UPDATE personal_data_keys
            SET wrapped_key = NULL, email_index = NULL, phone_index = NULL,
                destroyed_at = now()
            WHERE destroyed_at IS NULL AND {where}
            RETURNING subject_id, case_id""",  # noqa: S608 (`where` is one of two constants)
            *args,
        )
        subject_ids = tuple(r["subject_id"] for r in rows)
        for subject_id in subject_ids:
            self._cache[subject_id] = None
        if subject_ids:
            payload = ",".join(map(str, subject_ids))
            await conn.execute(
                "SELECT pg_notify($1, $2)",
                CHANNEL,
                payload if len(payload) < _NOTIFY_LIMIT else "*",
            )
        case_ids = tuple(dict.fromkeys(r["case_id"] for r in rows))
        log.info(
            "data_keys_destroyed", subjects=len(subject_ids), case_ids=list(map(str, case_ids))
        )
        return Destroyed(case_ids, subject_ids)
