"""A case's stored events, read straight from the event store for the auditor."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from events import Fact


class CaseNotStored(LookupError):
    pass


@dataclass(frozen=True)
class StoredFact:
    position: int
    case_version: int
    fact: Fact


async def stored_history(conn: asyncpg.Connection, case_id: UUID) -> list[StoredFact]:
    """Every event of the case in its order; raises CaseNotStored if it has none."""
    exists = await conn.fetchval("SELECT to_regclass('casestore_events') IS NOT NULL")
    rows = []
    if exists:
        rows = await conn.fetch(
            "SELECT notification_id, originator_version, state FROM casestore_events"
            " WHERE originator_id = $1 ORDER BY originator_version",
            case_id,
        )
    if not rows:
        raise CaseNotStored(str(case_id))
    return [
        StoredFact(r["notification_id"], r["originator_version"], _fact(r["state"])) for r in rows
    ]


def up_to(history: list[StoredFact], moment: datetime) -> list[StoredFact]:
    """The events that had happened at `moment` (an aware datetime)."""
    return [s for s in history if s.fact.occurred_at <= moment]


def _fact(state: bytes) -> Fact:
    # The store keeps each eventsourcing event as JSON, the contract's Fact under "fact".
    return Fact.model_validate(json.loads(state)["fact"])
