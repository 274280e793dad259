"""Attaching files to cases and handing them out again (`AttachmentIntake`).

An attachment is one `AttachmentAdded` event (the file's SHA-256, type, size; its name and
description sealed) and one file in `AttachmentFiles`, sealed with the key of the case's data
subject. The file is written first, then the event: an event never names a missing file, and
a file whose event was not recorded is never handed out (downloads start from the events).

Handing out opens the file with its subject's key and checks its SHA-256 against the event's:
a destroyed key (erasure, musnah) or a deleted file reads as erased (410), an altered file as
unreadable.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import structlog

from attachments.cleaning import EXTENSIONS, AttachmentRefused, CleanFile, cleaned
from attachments.store import SHA256, AttachmentFiles
from cases import Case, CaseConflict, Change, EventStore, GroupCommit
from events import Actor, Envelope, Fact
from events.attachments import AttachmentAdded
from privacy import ERASED, PersonalDataKeys, Subject
from sop.actions import Officer

log = structlog.get_logger(__name__)

ATTEMPTS = 5  # officers acting on the case at that moment: read it again
PUBLIC_ACTOR = "public"  # the actor id of what the reporter did themselves (sop/engine.py)
NOT_FOUND = "lampiran tidak ditemukan"
GONE = f"lampiran telah dihapus {ERASED}"
UNREADABLE = "lampiran tidak dapat dibaca (berkas rusak atau diubah)"


@dataclass(frozen=True)
class Upload:
    """A file as it was sent: its bytes, the name it came with, what the sender said of it."""

    data: bytes
    filename: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Download:
    data: bytes
    media_type: str
    filename: str


@dataclass(frozen=True)
class Withheld:
    """Why a file is not handed out: 404 (no such attachment here), 410 (erased)."""

    status: int
    message: str


@dataclass
class AttachmentIntake:
    files: AttachmentFiles
    keys: PersonalDataKeys
    max_bytes: int
    store: EventStore
    writer: GroupCommit
    now: Callable[[], datetime]  # the office's clock

    def check(self, upload: Upload) -> CleanFile:
        """The file, checked and cleaned (nothing is stored); `AttachmentRefused` otherwise."""
        return cleaned(upload.data, upload.filename, self.max_bytes)

    async def recorded(
        self,
        subject: Subject,
        file: CleanFile,
        description: str | None,
        *,
        case_type: str,
        actor: Actor,
        occurred_at: datetime,
        causation_id: str | None,
    ) -> Fact:
        """Keep the file sealed with `subject`'s key; the fact that records it (not yet stored)."""
        await self.files.put(subject.case_id, file.sha256, subject.seal_bytes(file.data))
        payload = AttachmentAdded(
            sha256=file.sha256,
            media_type=file.media_type,  # type: ignore[arg-type]  (one of EXTENSIONS)
            size=file.size,
            filename=subject.seal(file.filename),
            description=subject.seal_optional(description or None),
        )
        return Fact(
            event_id=uuid.uuid4(),
            type=AttachmentAdded.type,
            schema_version=AttachmentAdded.schema_version,
            case_type=case_type,
            occurred_at=occurred_at,
            actor=actor,
            causation_id=causation_id,
            payload=payload.model_dump(mode="json"),
        )

    async def attach_files(
        self,
        case_id: uuid.UUID,
        files: Sequence[Upload],
        officer: Officer,
        *,
        request_id: str | None = None,
    ) -> list[Envelope]:
        """Attach files to an existing case on `officer`'s behalf, all in one transaction (the
        caller has checked the officer may). `AttachmentRefused` (nothing recorded) when one of
        the files cannot be attached; `CaseNotFound` for an unknown case."""
        checked = [(self.check(upload), upload.description) for upload in files]
        if not checked:
            return []
        actor = Actor(id=officer.id, role=min(officer.roles) if officer.roles else "petugas")
        subject = await self.keys.case_subject(case_id)
        for _ in range(ATTEMPTS):
            case = await self.store.load(case_id)
            for file, description in checked:
                case.record(
                    await self.recorded(
                        subject,
                        file,
                        description,
                        case_type=case.case_type,
                        actor=actor,
                        occurred_at=self.now(),
                        causation_id=request_id,
                    )
                )
            try:
                envelopes = await self.writer.commit(Change(case.collect_events()))
            except CaseConflict:
                continue
            for envelope in envelopes:
                log.info(
                    "attachment_added",
                    case_id=str(case_id),
                    event_id=str(envelope.event_id),
                    position=envelope.position,
                    media_type=envelope.payload["media_type"],
                    size=envelope.payload["size"],
                )
            return envelopes
        raise CaseConflict(case_id)

    async def download(
        self, case: Case, sha256: str, *, reporters_own: bool = False
    ) -> Download | Withheld:
        """The file attached to `case` with this SHA-256 (`reporters_own`: only one the reporter
        attached themselves)."""
        fact = _attachment(case.history, sha256, reporters_own)
        if fact is None:
            return Withheld(404, NOT_FOUND)
        payload = AttachmentAdded.model_validate(fact.payload)
        sealed = await self.files.get(case.id, sha256)
        if sealed is None:
            return Withheld(410, GONE)
        opened = await self.keys.open_bytes(sealed)
        if opened == ERASED:
            return Withheld(410, GONE)
        if isinstance(opened, str) or hashlib.sha256(opened).hexdigest() != sha256:
            log.warning("attachment_unreadable", case_id=str(case.id), event_id=str(fact.event_id))
            return Withheld(410, UNREADABLE)
        name = await self.keys.reveal(payload.filename)
        if not name or name.startswith("["):
            name = f"lampiran-{sha256[:8]}.{EXTENSIONS[payload.media_type]}"
        return Download(opened, payload.media_type, name)


def _attachment(history: Sequence[Fact], sha256: str, reporters_own: bool) -> Fact | None:
    if not SHA256.match(sha256):
        return None
    for fact in history:
        mine = not reporters_own or fact.actor.id == PUBLIC_ACTOR
        if fact.type == AttachmentAdded.type and fact.payload.get("sha256") == sha256 and mine:
            return fact
    return None


__all__ = ["AttachmentIntake", "AttachmentRefused", "Download", "Upload", "Withheld"]
