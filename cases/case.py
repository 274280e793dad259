"""A case (a complaint, a visit, a service) as an event-sourced aggregate.

Each stored event wraps one `events.Fact`, so the store holds exactly what the contract
describes. Keep these classes at this module path: the stored topic is the class path.

A fact is validated once, where it is decided: a new event keeps its JSON form (what is
stored) as a `FactJson` that still carries the fact, so neither the case nor the envelope the
store returns decodes it again (cases/codec.py).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from cases.codec import FactJson, fact_of
from events import CATALOG, Fact
from events.attachments import AttachmentAdded

# Events after which a case stands where it stood: its status is the event before them.
NOT_A_STATUS = frozenset({AttachmentAdded.type})


class Case(Aggregate):
    class Opened(Aggregate.Created):
        fact: dict[str, Any]

    class Recorded(Aggregate.Event):
        fact: dict[str, Any]

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Case)
            aggregate._evolve(fact_of(self.fact))

    def __init__(self, fact: dict[str, Any]) -> None:
        self.history: list[Fact] = []
        self._evolve(fact_of(fact))

    @classmethod
    def open(cls, case_id: UUID, fact: Fact) -> Case:
        return cls._create(cls.Opened, id=case_id, fact=FactJson(fact))

    def record(self, fact: Fact) -> None:
        self.trigger_event(self.Recorded, fact=FactJson(fact))

    def _evolve(self, fact: Fact) -> None:
        self.history.append(fact)

    @property
    def case_type(self) -> str:
        return self.history[0].case_type

    @property
    def status(self) -> str:
        """The Bahasa Indonesia label of the latest event (a file attached is no status)."""
        latest = next(
            (f for f in reversed(self.history) if f.type not in NOT_A_STATUS), self.history[0]
        )
        return CATALOG.label(latest.type)
