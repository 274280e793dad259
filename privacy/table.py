"""The rows of `personal_data_keys` (privacy/schema.py): the only code that names the table.

`KeyRow` is what the key store reads; every method takes an optional connection, to run in the
caller's transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import asyncpg

from privacy.schema import CHANNEL, SCHEMA

_NOTIFY_LIMIT = 7000  # PostgreSQL takes up to 8000 bytes; beyond it every process clears all

Conn = asyncpg.Connection | None


@dataclass(frozen=True)
class NewKey:
    subject_id: uuid.UUID
    case_id: uuid.UUID
    wrapped_key: bytes
    email_index: bytes | None
    phone_index: bytes | None


class KeyRows(Protocol):
    async def create(self) -> None: ...
    async def insert(self, row: NewKey, conn: Conn = None) -> None: ...
    async def wrapped(self, subject_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, bytes | None]: ...
    async def case_of(self, subject_id: uuid.UUID) -> uuid.UUID | None: ...
    async def live_subject(self, case_id: uuid.UUID) -> uuid.UUID | None: ...
    async def person(
        self, email_index: bytes | None, phone_index: bytes | None
    ) -> list[tuple[uuid.UUID, uuid.UUID]]: ...
    async def destroy(
        self,
        *,
        case_id: uuid.UUID | None = None,
        indexes: tuple[bytes | None, bytes | None] | None = None,
        conn: Conn = None,
    ) -> list[tuple[uuid.UUID, uuid.UUID]]: ...


class KeyTable:
    """`KeyRows` in PostgreSQL; a destruction is announced on `CHANNEL` when it commits."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def create(self) -> None:
        # Under an advisory lock: two processes creating the table at once can collide.
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext('personal_data_keys'))")
            await conn.execute(SCHEMA)

    async def insert(self, row: NewKey, conn: Conn = None) -> None:
        await (conn or self._pool).execute(
            """INSERT INTO personal_data_keys
            (subject_id, case_id, wrapped_key, email_index, phone_index)
            VALUES ($1, $2, $3, $4, $5)""",
            row.subject_id,
            row.case_id,
            row.wrapped_key,
            row.email_index,
            row.phone_index,
        )

    async def wrapped(self, subject_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, bytes | None]:
        rows = await self._pool.fetch(
            "SELECT subject_id, wrapped_key FROM personal_data_keys WHERE subject_id = ANY($1)",
            list(subject_ids),
        )
        return {r["subject_id"]: r["wrapped_key"] for r in rows}

    async def case_of(self, subject_id: uuid.UUID) -> uuid.UUID | None:
        return await self._pool.fetchval(
            "SELECT case_id FROM personal_data_keys WHERE subject_id = $1", subject_id
        )

    async def live_subject(self, case_id: uuid.UUID) -> uuid.UUID | None:
        return await self._pool.fetchval(
            """SELECT subject_id FROM personal_data_keys
            WHERE case_id = $1 AND destroyed_at IS NULL ORDER BY created_at LIMIT 1""",
            case_id,
        )

    async def person(
        self, email_index: bytes | None, phone_index: bytes | None
    ) -> list[tuple[uuid.UUID, uuid.UUID]]:
        rows = await self._pool.fetch(
            """SELECT subject_id, case_id FROM personal_data_keys
            WHERE destroyed_at IS NULL AND (email_index = $1 OR phone_index = $2)
            ORDER BY created_at""",
            email_index,
            phone_index,
        )
        return [(r["subject_id"], r["case_id"]) for r in rows]

    async def destroy(
        self,
        *,
        case_id: uuid.UUID | None = None,
        indexes: tuple[bytes | None, bytes | None] | None = None,
        conn: Conn = None,
    ) -> list[tuple[uuid.UUID, uuid.UUID]]:
        if conn is None:
            async with self._pool.acquire() as own, own.transaction():
                return await self.destroy(case_id=case_id, indexes=indexes, conn=own)
        if case_id is not None:
            where, args = "case_id = $1", (case_id,)
        elif indexes is not None:
            where, args = "(email_index = $1 OR phone_index = $2)", indexes
        else:
            raise ValueError("a case or a person's indexes are needed")
        rows = await conn.fetch(
            f"""UPDATE personal_data_keys
            SET wrapped_key = NULL, email_index = NULL, phone_index = NULL,
                destroyed_at = now()
            WHERE destroyed_at IS NULL AND {where}
            RETURNING subject_id, case_id""",  # noqa: S608 (`where` is one of two constants)
            *args,
        )
        if rows:
            payload = ",".join(str(r["subject_id"]) for r in rows)
            await conn.execute(
                "SELECT pg_notify($1, $2)",
                CHANNEL,
                payload if len(payload) < _NOTIFY_LIMIT else "*",
            )
        return [(r["subject_id"], r["case_id"]) for r in rows]
