"""What officers write on a case besides its steps: an internal note (`InternalNoteAdded`, for
the office only) and an answer to the reporter (`ReporterAnswered`, on the tracking page and
sent by the notifier). Both are sealed with the case subject's key before they are recorded,
once per request id (a retried form records nothing twice); the case stays where it waits.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import structlog

from cases import CaseConflict, EventStore
from events import Actor, Fact
from events.notes import InternalNoteAdded, ReporterAnswered
from events.payload import Payload
from privacy import PersonalDataKeys
from services.intake.side_facts import record_beside
from sop.actions import Officer, Refusal

log = structlog.get_logger(__name__)

ATTEMPTS = 5  # others may record on the same case at the same moment
LONGEST = 5_000
EMPTY = {"note": "catatan wajib diisi", "message": "jawaban wajib diisi"}
TOO_LONG = f"terlalu panjang (maksimal {LONGEST} karakter)"
BUSY = "kasus sedang diperbarui; coba lagi sebentar lagi"


@dataclass(frozen=True)
class CaseNotes:
    store: EventStore
    keys: PersonalDataKeys
    now: Callable[[], datetime]

    async def add_note(
        self, officer: Officer, case_id: uuid.UUID, text: str, causation: str
    ) -> Fact | Refusal:
        return await self._write(officer, case_id, "note", text, causation)

    async def answer(
        self, officer: Officer, case_id: uuid.UUID, text: str, causation: str
    ) -> Fact | Refusal:
        return await self._write(officer, case_id, "message", text, causation)

    async def _write(
        self, officer: Officer, case_id: uuid.UUID, field: str, text: str, causation: str
    ) -> Fact | Refusal:
        text = text.strip()
        if not text:
            return Refusal("missing_field", EMPTY[field], field)
        if len(text) > LONGEST:
            return Refusal("invalid_field", TOO_LONG, field)
        sealed = (await self.keys.case_subject(case_id)).seal(text)
        payload: Payload = (
            InternalNoteAdded(note=sealed) if field == "note" else ReporterAnswered(message=sealed)
        )
        for _ in range(ATTEMPTS):
            try:
                return await self._record(officer, case_id, payload, causation)
            except CaseConflict:
                continue
        return Refusal("not_allowed_now", BUSY)

    async def _record(
        self, officer: Officer, case_id: uuid.UUID, payload: Payload, causation: str
    ) -> Fact:
        fact, envelope = await record_beside(
            self.store,
            case_id,
            payload,
            actor=Actor(id=officer.id, role=sorted(officer.roles)[0]),
            occurred_at=self.now(),
            causation=causation,
        )
        if envelope is not None:
            log.info(
                "case_note_recorded",
                case_id=str(case_id),
                event_id=str(fact.event_id),
                event_type=fact.type,
                position=envelope.position,
            )
        return fact
