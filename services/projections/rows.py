"""A projection table whose rows belong to cases: read for a batch of cases, folded in memory,
written back whole (delete the cases' rows, COPY the new ones) in the batch's transaction.

Folding a batch in memory and writing each touched case once is what lets the same code serve
live batches of a few events and replay batches of many thousands.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any
from uuid import UUID

import asyncpg

Row = dict[str, Any]


class CaseRows:
    def __init__(self, table: str, columns: tuple[str, ...]) -> None:
        self.table = table
        self.columns = columns

    async def load(self, conn: asyncpg.Connection, case_ids: Collection[UUID]) -> list[Row]:
        if not case_ids:
            return []
        rows = await conn.fetch(
            f"SELECT {', '.join(self.columns)} FROM {self.table}"  # noqa: S608 - our names
            " WHERE case_id = ANY($1::uuid[])",
            list(case_ids),
        )
        return [dict(r) for r in rows]

    async def replace(
        self, conn: asyncpg.Connection, case_ids: Collection[UUID], rows: Iterable[Row]
    ) -> None:
        """The rows of `case_ids` become exactly `rows`."""
        if not case_ids:
            return
        await conn.execute(
            f"DELETE FROM {self.table} WHERE case_id = ANY($1::uuid[])",  # noqa: S608
            list(case_ids),
        )
        await self.insert(conn, rows)

    async def insert(self, conn: asyncpg.Connection, rows: Iterable[Row]) -> None:
        records = [tuple(row[c] for c in self.columns) for row in rows]
        if records:
            await conn.copy_records_to_table(self.table, records=records, columns=self.columns)
