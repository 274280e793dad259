"""`KeyRows` in memory, for tests and tools that run without PostgreSQL (as cases/memory.py)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from privacy.table import Conn, NewKey


@dataclass
class InMemoryKeyRows:
    rows: dict[uuid.UUID, NewKey] = field(default_factory=dict)  # in insertion order
    destroyed: set[uuid.UUID] = field(default_factory=set)

    async def create(self) -> None:
        return None

    async def insert(self, row: NewKey, conn: Conn = None) -> None:
        self.rows[row.subject_id] = row

    async def wrapped(self, subject_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, bytes | None]:
        return {
            s: None if s in self.destroyed else self.rows[s].wrapped_key
            for s in subject_ids
            if s in self.rows
        }

    async def case_of(self, subject_id: uuid.UUID) -> uuid.UUID | None:
        row = self.rows.get(subject_id)
        return row.case_id if row else None

    async def live_subject(self, case_id: uuid.UUID) -> uuid.UUID | None:
        return next(
            (s for s, r in self.rows.items() if r.case_id == case_id and s not in self.destroyed),
            None,
        )

    async def person(
        self, email_index: bytes | None, phone_index: bytes | None
    ) -> list[tuple[uuid.UUID, uuid.UUID]]:
        return [
            (s, r.case_id)
            for s, r in self.rows.items()
            if s not in self.destroyed
            and (
                (email_index is not None and r.email_index == email_index)
                or (phone_index is not None and r.phone_index == phone_index)
            )
        ]

    async def destroy(
        self,
        *,
        case_id: uuid.UUID | None = None,
        indexes: tuple[bytes | None, bytes | None] | None = None,
        conn: Conn = None,
    ) -> list[tuple[uuid.UUID, uuid.UUID]]:
        if case_id is not None:
            found = [(s, r.case_id) for s, r in self.rows.items() if r.case_id == case_id]
            found = [(s, c) for s, c in found if s not in self.destroyed]
        elif indexes is not None:
            found = await self.person(*indexes)
        else:
            raise ValueError("a case or a person's indexes are needed")
        for subject_id, _ in found:
            self.destroyed.add(subject_id)
            self.rows[subject_id] = replace(
                self.rows[subject_id], email_index=None, phone_index=None
            )
        return found
