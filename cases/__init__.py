"""The write side: cases as event-sourced aggregates, stored through one event-store port.

`EventStore` (cases/port.py) is the port; `PostgresEventStore` (cases/postgres.py) and
`InMemoryEventStore` (cases/memory.py) are its adapters; cases/codec.py decodes stored rows.
"""

from cases.case import Case
from cases.codec import StoredFact, StoredRecord
from cases.group_commit import GroupCommit
from cases.memory import InMemoryEventStore
from cases.port import (
    CaseConflict,
    CaseNotFound,
    Change,
    EventStore,
    EventTooLarge,
    InboundMessage,
    StoreUnavailable,
    TrackingRecord,
)
from cases.postgres import PostgresEventStore

__all__ = [
    "Case",
    "CaseConflict",
    "CaseNotFound",
    "Change",
    "EventStore",
    "EventTooLarge",
    "GroupCommit",
    "InMemoryEventStore",
    "InboundMessage",
    "PostgresEventStore",
    "StoreUnavailable",
    "StoredFact",
    "StoredRecord",
    "TrackingRecord",
]
