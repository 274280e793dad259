"""The category of each complaint, kept by the SLA worker for the office's time tiers
(office/sla_tiers.py): a step later in the case runs on its category's tier, but only the
first event (`ComplaintReceived`) carries the category.

Kept only while the office configures time tiers (`sla.time_tiers`): the planner records it
(`RememberCategory`, in the event's transaction) and the worker reads it back into the
planning context of the case's later events (`category_of`).
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

import asyncpg

from runtime.database import create_once

SCHEMA = """
CREATE TABLE IF NOT EXISTS sla_case_categories (
    case_id uuid PRIMARY KEY,
    category text NOT NULL
);
"""


async def create(conn: asyncpg.Connection) -> None:
    await create_once(conn, "sla_case_categories", SCHEMA)


async def category_of(conn: asyncpg.Connection, case_id: UUID) -> str | None:
    return await conn.fetchval(
        "SELECT category FROM sla_case_categories WHERE case_id = $1", case_id
    )


@dataclass(frozen=True)
class RememberCategory:
    """Keep a complaint's category for the time tiers of its later steps."""

    case_id: UUID
    category: str

    async def apply(self, conn: asyncpg.Connection) -> None:
        await conn.execute(
            "INSERT INTO sla_case_categories (case_id, category) VALUES ($1, $2)"
            " ON CONFLICT (case_id) DO NOTHING",
            self.case_id,
            self.category,
        )
