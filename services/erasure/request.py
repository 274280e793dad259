"""Erasure on request (UU 27/2022 Pasal 8, 43, 44): `alur privacy erase`.

For one case, or for every case of a person (found by email or phone through the key store's
blind indexes), `PersonalDataErased` is recorded on each case — who asked, the legal basis, the
reason and the data subjects' opaque ids, no personal data — and then the subjects' keys are
destroyed: every sealed value of theirs reads "[dihapus]" in the events, on Kafka, in every
read model and in the notifier's tables. The case, its steps, times and SLA figures stay. A
case's attachments (sealed with those keys, so unreadable already) are deleted with a case's
erasure; a person's erasure leaves other subjects' files of the case alone.

Recording comes first, with a causation id made of the case and its subjects
(`erasure:{case id}:{subject ids}`): an erasure stopped half-way is finished by running it
again, and an erasure run twice records nothing the second time.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import structlog

from attachments import AttachmentFiles
from cases import CaseConflict, CaseNotFound, EventStore
from events import Actor, Fact
from events.privacy import PersonalDataErased
from privacy import PersonalDataKeys
from services.erasure.subjects import subjects_of

log = structlog.get_logger(__name__)

ATTEMPTS = 5  # officers acting on the case at that moment: read it again


class NothingToErase(LookupError):
    """No sealed personal data for what was named (message in Bahasa Indonesia)."""


@dataclass(frozen=True)
class Request:
    """Who asked, on what legal basis, why, and who runs the erasure (the events' actor)."""

    requested_by: str
    legal_basis: str
    reason: str
    actor: Actor


@dataclass(frozen=True)
class Erased:
    case_id: uuid.UUID
    subjects: tuple[str, ...]
    event_id: uuid.UUID | None  # None: erased before, nothing recorded now
    keys_destroyed: int


@dataclass(frozen=True)
class Erasure:
    store: EventStore
    keys: PersonalDataKeys
    files: AttachmentFiles | None = None

    async def case(self, case_id: uuid.UUID, request: Request, now: datetime) -> Erased:
        """Erase the personal data of every data subject of the case."""
        try:
            case = await self.store.load(case_id)
        except CaseNotFound:
            raise NothingToErase(f"kasus {case_id} tidak ditemukan") from None
        subjects = subjects_of(case.history)
        if not subjects:
            raise NothingToErase(
                f"kasus {case_id} tidak menyimpan data pribadi tersegel (tidak ada yang dihapus)"
            )
        event_id = await self._record(case_id, subjects, "case", request, now)
        destroyed = await self.keys.destroy_case(case_id)
        if self.files is not None:
            await self.files.delete_case(case_id)
        return Erased(case_id, tuple(subjects), event_id, len(destroyed.subject_ids))

    async def person(
        self, request: Request, now: datetime, *, email: str | None, phone: str | None
    ) -> list[Erased]:
        """Erase a person's personal data in every case they are a data subject of."""
        found = await self.keys.subjects_of_person(email=email, phone=phone)
        if not found:
            raise NothingToErase(
                "tidak ada data pribadi tersimpan untuk kontak ini (atau sudah dihapus)"
            )
        by_case: dict[uuid.UUID, list[str]] = {}
        for subject_id, case_id in found:
            by_case.setdefault(case_id, []).append(str(subject_id))
        recorded = {
            case_id: await self._record(case_id, subjects, "subject", request, now)
            for case_id, subjects in by_case.items()
        }
        destroyed = await self.keys.destroy_person(email=email, phone=phone)
        gone = {str(s) for s in destroyed.subject_ids}
        return [
            Erased(case_id, tuple(subjects), recorded[case_id], len(gone & set(subjects)))
            for case_id, subjects in by_case.items()
        ]

    async def _record(
        self,
        case_id: uuid.UUID,
        subjects: Sequence[str],
        scope: Literal["case", "subject"],
        request: Request,
        now: datetime,
    ) -> uuid.UUID | None:
        """Record the erasure on the case once; its event id, None if recorded before."""
        payload = PersonalDataErased(
            requested_by=request.requested_by,
            legal_basis=request.legal_basis,
            reason=request.reason,
            scope=scope,
            subjects=list(subjects),
        )
        digest = hashlib.sha256(",".join(sorted(subjects)).encode()).hexdigest()[:32]
        for _ in range(ATTEMPTS):
            case = await self.store.load(case_id)
            fact = Fact(
                event_id=uuid.uuid4(),
                type=PersonalDataErased.type,
                schema_version=PersonalDataErased.schema_version,
                case_type=case.case_type,
                occurred_at=now,
                actor=request.actor,
                causation_id=f"erasure:{case_id}:{digest}",
                payload=payload.model_dump(mode="json"),
            )
            try:
                stored = await self.store.record_once(case_id, fact)
            except CaseConflict:
                continue
            if stored is not None:
                log.info(
                    "personal_data_erased",
                    case_id=str(case_id),
                    event_id=str(stored.event_id),
                    subjects=len(subjects),
                    scope=scope,
                )
                return stored.event_id
            return None
        raise CaseConflict(str(case_id))
