"""A case's stored events, read through the event store for the auditor."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from cases import EventStore, StoredFact


class CaseNotStored(LookupError):
    pass


async def stored_history(store: EventStore, case_id: UUID) -> list[StoredFact]:
    """Every event of the case in its order; raises CaseNotStored if it has none."""
    history = await store.history(case_id)
    if not history:
        raise CaseNotStored(str(case_id))
    return history


def up_to(history: list[StoredFact], moment: datetime) -> list[StoredFact]:
    """The events that had happened at `moment` (an aware datetime)."""
    return [s for s in history if s.fact.occurred_at <= moment]
