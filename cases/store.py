"""The event store: cases in PostgreSQL through the `eventsourcing` library.

The library is synchronous (psycopg 3); async callers must run these methods in a thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import unquote, urlsplit
from uuid import UUID

import psycopg
from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, Notification

from audit.chain import install as install_chain
from cases.case import Case
from events import Envelope, Fact

# One case's new events, decided but not yet stored.
Change = Sequence[Case.Opened | Case.Recorded]


class CaseConflict(Exception):
    """Someone else recorded an event on the case first (optimistic concurrency)."""


class CaseNotFound(LookupError):
    pass


def postgres_env(database_url: str, pool_size: int = 2) -> dict[str, str]:
    """The `eventsourcing` PostgreSQL settings for a `postgresql://` URL."""
    url = urlsplit(database_url)
    if url.scheme not in ("postgresql", "postgres"):
        raise ValueError(f"DATABASE_URL must be a postgresql:// URL, not {url.scheme!r}")
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": url.path.lstrip("/"),
        "POSTGRES_HOST": url.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(url.port or 5432),
        "POSTGRES_USER": unquote(url.username or ""),
        "POSTGRES_PASSWORD": unquote(url.password or ""),
        "POSTGRES_POOL_SIZE": str(pool_size),
        "POSTGRES_LOCK_TIMEOUT": "5",
        # Off on purpose: in 9.5 it mixes tables between applications and loses ordering.
        "POSTGRES_ENABLE_DB_FUNCTIONS": "n",
        "CREATE_TABLE": "y",
    }


class CaseStore(Application):
    """Appends case events atomically per case and reads them back in global order."""

    name = "CaseStore"  # the table is casestore_events

    def __init__(self, database_url: str, pool_size: int = 2) -> None:
        """`pool_size`: connections kept open; the web (many requests at once) wants more
        than a worker that appends from one loop."""
        # One process at a time creates the tables (two concurrent CREATE TABLE IF NOT EXISTS
        # can fail) and installs the hash chain that links every stored event (audit/chain.py)
        # before its first append.
        with psycopg.connect(database_url, autocommit=True) as setup:
            setup.execute("SELECT pg_advisory_lock(hashtext('alur.casestore.setup'))")
            super().__init__(env=postgres_env(database_url, pool_size))
            with setup.transaction(), setup.cursor() as cursor:
                install_chain(cursor)

    def opening(self, case_id: UUID, fact: Fact) -> Change:
        """The events that open a new case (nothing is stored yet)."""
        return Case.open(case_id, fact).collect_events()

    def commit(self, *changes: Change) -> list[list[Envelope]]:
        """Store the changes of several cases in one transaction: all of them, or none."""
        try:
            recordings = self.save(*(event for change in changes for event in change))
        except IntegrityError as error:
            raise CaseConflict(str(error)) from error
        envelopes = iter(envelope_of(r.domain_event, r.notification.id) for r in recordings)
        return [[next(envelopes) for _ in change] for change in changes]

    def open(self, case_id: UUID, fact: Fact) -> Envelope:
        return self.commit(self.opening(case_id, fact))[0][0]

    def record_once(self, case_id: UUID, fact: Fact) -> Envelope | None:
        """Append a worker's fact to a case, unless its causation id is already there.

        For workers (routing, SLA timers) that decide from the stream: a retry or a second
        worker that decided the same thing records nothing (returns None). Raises
        `CaseConflict` if the case changed between reading and appending; read and try again.
        """
        case = self.case(case_id)
        if fact.causation_id is not None and any(
            earlier.causation_id == fact.causation_id for earlier in case.history
        ):
            return None
        case.record(fact)
        return self.commit(case.collect_events())[0][0]

    def case(self, case_id: UUID) -> Case:
        try:
            return self.repository.get(case_id)
        except AggregateNotFoundError:
            raise CaseNotFound(str(case_id)) from None

    def envelopes_after(self, position: int, limit: int) -> list[Envelope]:
        """Stored events after `position` in global order (positions may have gaps)."""
        notifications = self.recorder.select_notifications(
            start=position, limit=limit, inclusive_of_start=False
        )
        return [self._envelope(n) for n in notifications]

    def last_position(self) -> int:
        return self.recorder.max_notification_id() or 0

    def _envelope(self, notification: Notification) -> Envelope:
        return envelope_of(self.mapper.to_domain_event(notification), notification.id)


def envelope_of(event: Case.Opened | Case.Recorded, position: int) -> Envelope:
    return Envelope.model_validate(
        {
            **event.fact,
            "case_id": event.originator_id,
            "case_version": event.originator_version,
            "position": position,
        }
    )
