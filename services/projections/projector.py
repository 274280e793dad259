"""A projection as a consumer of the consumer framework (runtime/consumer.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

import asyncpg

from events import Envelope
from runtime.consumer import AfterCommit
from runtime.watermarks import Watermarks
from services.projections import ledger


class Projection(Protocol):
    """A read model: its tables, and how a batch of new events changes them.

    `apply` gets each event once, in global position order (events it does not care about
    included: it skips them). Its SQL names tables unqualified, so a replay can build the same
    tables in a fresh schema through `search_path`.
    """

    name: str
    tables: tuple[str, ...]  # every table the projection owns; a replay swaps them together

    async def create(self, conn: asyncpg.Connection) -> None: ...

    async def apply(self, conn: asyncpg.Connection, envelopes: Sequence[Envelope]) -> None: ...


class SqlProjection:
    """A projection whose tables one SQL script creates (CREATE … IF NOT EXISTS), declared
    with the class: `class GuestBookProjection(SqlProjection, name="guest_book", schema=…)`.
    Its tables are `(name,)` unless `tables` names them."""

    name: ClassVar[str]
    tables: ClassVar[tuple[str, ...]]
    schema: ClassVar[str]

    def __init_subclass__(
        cls, *, name: str, schema: str, tables: tuple[str, ...] = (), **more: Any
    ) -> None:
        super().__init_subclass__(**more)
        cls.name, cls.schema, cls.tables = name, schema, tables or (name,)

    async def create(self, conn: asyncpg.Connection) -> None:
        await conn.execute(self.schema)


async def lock_exclusive(conn: asyncpg.Connection, projection: str) -> None:
    """Pause the projection's live batches until the transaction ends (a replay's swap):
    they hold the same lock shared (runtime/consumer.py)."""
    await ledger.watermarks(projection).lock_exclusive(conn)


async def apply_new(
    conn: asyncpg.Connection, projection: Projection, envelopes: Sequence[Envelope]
) -> list[Envelope]:
    """Inside the caller's transaction: apply the envelopes not applied yet; returns them."""
    fresh = await ledger.watermarks(projection.name).claim(conn, envelopes)
    if fresh:
        await projection.apply(conn, fresh)
    return fresh


@dataclass(frozen=True)
class Projector:
    """Feeds a projection from Kafka; its watermarks are in `projection_watermarks`."""

    projection: Projection

    @property
    def watermarks(self) -> Watermarks:
        return ledger.watermarks(self.projection.name)

    async def create(self, conn: asyncpg.Connection) -> None:
        await self.projection.create(conn)

    async def apply(
        self, conn: asyncpg.Connection, envelopes: Sequence[Envelope]
    ) -> Sequence[AfterCommit]:
        await self.projection.apply(conn, envelopes)
        return ()
