"""The daily retention job: at the end of a closed case's inactive period, its final disposition.

- musnah: the keys of the case's data subjects are destroyed (crypto-shredding) and
  `CaseRecordsDestroyed` recorded;
- nilai kembali: `CaseReviewDue` lists the case for the archivist's review (`alur archive due`);
- permanen: `CaseRecordsKept` records that the case is kept.

A decision is recorded once per case: its causation id is `retention:{case id}`, and a row is
marked decided in the transaction that holds its lock (`FOR UPDATE SKIP LOCKED`, so several
workers share the work). A worker stopped between destroying keys and recording, or between
recording and marking, repeats the step on its next pass and records nothing twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo

import asyncpg
import structlog

from cases import CaseConflict, CaseNotFound, EventStore
from events import Actor, Fact
from events.retention import CaseRecordsDestroyed, CaseRecordsKept, CaseReviewDue
from runtime.clock import Clock
from runtime.polling import every
from services.erasure.subjects import subjects_of

log = structlog.get_logger(__name__)

ACTOR = Actor(id="retensi", role="sistem")
ATTEMPTS = 5  # an officer acting on the case at that moment: read it again
# Destroys the keys of every data subject of the case (privacy/); how many existed still.
DestroyKeys = Callable[[uuid.UUID], Awaitable[int]]

_DECISIONS = {
    "musnah": CaseRecordsDestroyed,
    "nilai kembali": CaseReviewDue,
    "permanen": CaseRecordsKept,
}


@dataclass(frozen=True)
class Sweep:
    pool: asyncpg.Pool
    store: EventStore
    clock: Clock
    destroy_keys: DestroyKeys
    time_zone: tzinfo
    batch: int = 100

    async def run(self, poll_seconds: float) -> None:
        """A pass every `poll_seconds`, until cancelled."""
        await every(poll_seconds, self.pass_once, "retention")

    async def pass_once(self) -> int:
        """Decide every case whose inactive period ended by today (office date); how many."""
        await self.clock.refresh()
        now = self.clock.now()
        today = now.astimezone(self.time_zone).date()
        decided = 0
        while True:
            async with self.pool.acquire() as conn, conn.transaction():
                rows = await conn.fetch(
                    "SELECT * FROM retention_schedule"
                    " WHERE decided_at IS NULL AND inactive_until <= $1"
                    " ORDER BY inactive_until, case_id LIMIT $2 FOR UPDATE SKIP LOCKED",
                    today,
                    self.batch,
                )
                done = 0
                for row in rows:
                    event_id = await self._decide(row, now)
                    if event_id is None:
                        continue  # the case kept changing: the next pass tries again
                    await conn.execute(
                        "UPDATE retention_schedule SET decided_at = $2, decision_event_id = $3"
                        " WHERE case_id = $1",
                        row["case_id"],
                        now,
                        event_id,
                    )
                    done += 1
            decided += done
            if len(rows) < self.batch or done == 0:
                return decided

    async def _decide(self, row: asyncpg.Record, now: datetime) -> uuid.UUID | None:
        """Apply the row's disposition and record it; the recording event's id (None: the
        case changed at every attempt)."""
        case_id = row["case_id"]
        decision = _DECISIONS[row["final_disposition"]]
        for _ in range(ATTEMPTS):
            try:
                case = await self.store.load(case_id)
            except CaseNotFound:
                log.warning("retention_case_missing", case_id=str(case_id))
                return None
            causation = f"retention:{case_id}"
            earlier = next((f for f in case.history if f.causation_id == causation), None)
            if earlier is not None:
                return earlier.event_id  # recorded by an earlier pass that stopped before marking
            subjects = subjects_of(case.history)
            extra: dict[str, object] = {}
            if decision is CaseRecordsDestroyed:
                destroyed = await self.destroy_keys(case_id)
                extra = {"subjects": subjects}
                log.info(
                    "retention_keys_destroyed",
                    case_id=str(case_id),
                    subjects=len(subjects),
                    keys_destroyed=destroyed,
                )
            payload = decision(
                record_type=row["record_type"],
                closed_on=row["closed_on"],
                active_until=row["active_until"],
                inactive_until=row["inactive_until"],
                **extra,
            )
            fact = Fact(
                event_id=uuid.uuid4(),
                type=decision.type,
                schema_version=decision.schema_version,
                case_type=row["case_type"],
                occurred_at=now,
                actor=ACTOR,
                causation_id=causation,
                payload=payload.model_dump(mode="json"),
            )
            try:
                stored = await self.store.record_once(case_id, fact)
            except CaseConflict:
                continue
            if stored is None:
                continue  # recorded meanwhile by another worker: read it back
            log.info(
                "retention_decided",
                case_id=str(case_id),
                event_id=str(stored.event_id),
                decision=decision.type,
                inactive_until=str(row["inactive_until"]),
            )
            return stored.event_id
        return None
