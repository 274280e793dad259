"""The data keys of every data subject, in PostgreSQL, with a cache: make one, seal with it,
reveal what was sealed, and destroy the keys of a case or of a person (crypto-shredding).

A process that destroys keys says so on a PostgreSQL channel; a process that `listen`s forgets
them at once, and every cached key expires after `cache_seconds` anyway.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
import structlog
from cachetools import LRUCache, TTLCache
from cryptography.exceptions import InvalidTag

from privacy.envelope import (
    ERASED,
    UNREADABLE,
    is_sealed,
    open_bytes_with,
    open_with,
    parse,
    parse_bytes,
    seal_bytes_with,
    seal_with,
    sealed_in,
)
from privacy.master import MasterKey
from privacy.memory import InMemoryKeyRows
from privacy.schema import CHANNEL
from privacy.table import KeyRows, KeyTable, NewKey
from runtime.listening import ChannelListener

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Subject:
    """A data subject with their key at hand: what intake seals a new event's values with."""

    id: uuid.UUID
    case_id: uuid.UUID
    key: bytes

    def seal(self, plaintext: str) -> str:
        return seal_with(self.key, self.id, plaintext)

    def seal_bytes(self, data: bytes) -> bytes:
        """A file (an attachment) sealed with the subject's key: unreadable once it is destroyed."""
        return seal_bytes_with(self.key, self.id, data)

    def seal_optional(self, plaintext: str | None) -> str | None:
        return None if plaintext is None else self.seal(plaintext)

    def seal_json(self, value: Any) -> str:
        return self.seal(json.dumps(value, ensure_ascii=False, separators=(",", ":")))

    def seal_texts(self, value: Any, keep: Collection[str] = ("skm",)) -> Any:
        """`value` (a step's `data`) with every text in it sealed, its shape kept: numbers,
        booleans and the top-level members named in `keep` (the survey scores) stay as they
        are, so readers can still count and group by them."""
        if isinstance(value, str):
            return value if is_sealed(value) else self.seal(value)
        if isinstance(value, dict):
            return {k: v if k in keep else self.seal_texts(v, ()) for k, v in value.items()}
        if isinstance(value, list):
            return [self.seal_texts(v, ()) for v in value]
        return value


@dataclass(frozen=True)
class Destroyed:
    """What one destruction did: the cases and subjects whose keys are gone now."""

    case_ids: tuple[uuid.UUID, ...]
    subject_ids: tuple[uuid.UUID, ...]


class PersonalDataKeys:
    def __init__(self, rows: KeyRows, master: MasterKey, cache_seconds: float = 60.0):
        self._rows = rows
        self._master = master
        # subject id -> data key, or None once destroyed
        self._cache: TTLCache[uuid.UUID, bytes | None] = TTLCache(50_000, cache_seconds)
        # subject id -> its case: never changes, so kept without expiry (the key, checked
        # first, says whether the subject still lives)
        self._cases: LRUCache[uuid.UUID, uuid.UUID] = LRUCache(50_000)

    @classmethod
    def over(
        cls, pool: asyncpg.Pool, secret: bytes, cache_seconds: float = 60.0
    ) -> PersonalDataKeys:
        """The keys in PostgreSQL, wrapped by the master key derived from `secret`."""
        return cls(KeyTable(pool), MasterKey(secret), cache_seconds)

    @classmethod
    def in_memory(cls, secret: bytes = b"k" * 32) -> PersonalDataKeys:
        return cls(InMemoryKeyRows(), MasterKey(secret))

    @property
    def master(self) -> MasterKey:
        return self._master

    async def create(self) -> None:
        await self._rows.create()

    async def listen(self, database_url: str) -> ChannelListener:
        """Forget destroyed keys as soon as another process destroys them; forget every kept
        key when the listening connection ends and again when it is back (a destruction may
        have been said meanwhile). The caller closes the listener."""
        listener = ChannelListener(
            database_url,
            {CHANNEL: self._on_destroyed},
            on_lost=self._cache.clear,
            on_restored=self._cache.clear,
        )
        await listener.start()
        return listener

    def _on_destroyed(self, payload: str) -> None:
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
        row = NewKey(
            subject.id,
            case_id,
            self._master.wrap(subject.id, subject.key),
            self._master.email_index(email) if email else None,
            self._master.phone_index(phone) if phone else None,
        )
        await self._rows.insert(row, conn)
        self._cache[subject.id] = subject.key
        self._cases[subject.id] = case_id
        return subject

    async def case_subject(self, case_id: uuid.UUID) -> Subject:
        """The case's first subject whose key lives, to seal what officers add to the case; a new
        one when it has none (a case opened before sealing, or erased since)."""
        subject_id = await self._rows.live_subject(case_id)
        subject = None if subject_id is None else await self.subject(subject_id)
        return subject or await self.new_subject(case_id)

    async def subject(self, subject_id: uuid.UUID) -> Subject | None:
        """An existing subject, to seal more of their data; None once destroyed or unknown."""
        key = (await self._keys([subject_id])).get(subject_id)
        if not isinstance(key, bytes):
            return None
        case_id = self._cases.get(subject_id) or await self._rows.case_of(subject_id)
        if case_id is None:
            return None
        self._cases[subject_id] = case_id
        return Subject(subject_id, case_id, key)

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

    async def open_bytes(self, blob: bytes) -> bytes | str:
        """The bytes of a file sealed by `Subject.seal_bytes`; ERASED once its key was destroyed,
        UNREADABLE when it cannot be opened (not sealed, an unknown subject, altered)."""
        sealed = parse_bytes(blob)
        if sealed is None:
            return UNREADABLE
        key = (await self._keys([sealed.subject_id])).get(sealed.subject_id, UNREADABLE)
        if key is None:
            return ERASED
        if isinstance(key, str):
            return UNREADABLE
        try:
            return open_bytes_with(key, sealed)
        except InvalidTag:
            log.warning("sealed_file_altered", subject_id=str(sealed.subject_id))
            return UNREADABLE

    async def reveal_tree(self, value: Any) -> Any:
        """`value` (a payload, a row, a list of them) with every sealed text in it revealed."""
        found = list(sealed_in(value))
        if not found:
            return value
        plain = dict(zip(found, await self.reveal_all(found), strict=True))

        def rebuild(node: Any) -> Any:
            if isinstance(node, str):
                return plain.get(node, node)
            if isinstance(node, dict):
                return {k: rebuild(v) for k, v in node.items()}
            if isinstance(node, list | tuple):
                return [rebuild(v) for v in node]
            return node

        return rebuild(value)

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
        for subject_id, wrapped in (await self._rows.wrapped(missing)).items():
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
        return await self._rows.person(*self._indexes(email, phone))

    async def destroy_case(
        self, case_id: uuid.UUID, *, conn: asyncpg.Connection | None = None
    ) -> Destroyed:
        """Destroy the key of every subject of the case."""
        return self._destroyed(await self._rows.destroy(case_id=case_id, conn=conn))

    async def destroy_person(
        self,
        *,
        email: str | None = None,
        phone: str | None = None,
        conn: asyncpg.Connection | None = None,
    ) -> Destroyed:
        """Destroy the keys of every subject with this email or phone (via the blind indexes)."""
        indexes = self._indexes(email, phone)
        return self._destroyed(await self._rows.destroy(indexes=indexes, conn=conn))

    def _indexes(self, email: str | None, phone: str | None) -> tuple[bytes | None, bytes | None]:
        if not email and not phone:
            raise ValueError("an email or a phone is needed to find a person")
        return (
            self._master.email_index(email) if email else None,
            self._master.phone_index(phone) if phone else None,
        )

    def _destroyed(self, rows: list[tuple[uuid.UUID, uuid.UUID]]) -> Destroyed:
        subject_ids = tuple(s for s, _ in rows)
        for subject_id in subject_ids:
            self._cache[subject_id] = None
        case_ids = tuple(dict.fromkeys(c for _, c in rows))
        log.info(
            "data_keys_destroyed", subjects=len(subject_ids), case_ids=[str(c) for c in case_ids]
        )
        return Destroyed(case_ids, subject_ids)
