"""Recording a public satisfaction survey (SKM) on its case, once per case.

The public questionnaire is offered after a visit, or once a complaint (or a service case) is
closed, through a link that carries a keyed hash of the case id: whoever holds the link may
answer, nobody can guess another case's link. The answers become a `SurveySubmitted` event
(payload `StepRecorded`, answers in `data`) that is not an SOP step: `sop.step` is None and
`sop.next_step` is where the case waits (None when closed), so the SOP engine ignores it.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import structlog

from cases import Case, CaseConflict, CaseNotFound, EventStore
from events import Actor, Envelope, Fact, SopRef
from events.steps import StepRecorded
from skm import Answers
from sop.registry import SopRegistry, UnknownSop

log = structlog.get_logger(__name__)

SURVEY_EVENT = "SurveySubmitted"
PUBLIC = "publik"  # the actor id (and fallback role) of a member of the public
ACTIVITY = "Survei Kepuasan Masyarakat diisi oleh pengguna layanan"
# Case types whose survey is offered only once the case is closed.
AFTER_CLOSING = {"complaint", "service"}
ATTEMPTS = 5


@dataclass(frozen=True)
class SurveyRefused:
    status: int  # HTTP status: 404 unknown link, 409 already answered or not yet offered
    code: str
    message: str  # Bahasa Indonesia


NOT_FOUND = SurveyRefused(404, "not_found", "tautan survei tidak valid")
ALREADY = SurveyRefused(409, "already_submitted", "survei sudah diisi")
NOT_YET = SurveyRefused(409, "not_offered", "survei dapat diisi setelah pengaduan selesai")
REPORTERS_OWN = SurveyRefused(
    403,
    "forbidden",
    "tautan survei pengaduan hanya untuk pelapor, di halaman lacak pengaduannya",
)


def survey_token(secret: bytes, case_id: uuid.UUID | str) -> str:
    digest = hmac.new(secret, f"survei:{case_id}".encode(), hashlib.sha256).hexdigest()
    return digest[:32]


def closed(case: Case) -> bool:
    """Whether the case's SOP is done: its latest SOP-bound fact leads nowhere."""
    refs = [fact.sop for fact in case.history if fact.sop is not None]
    return bool(refs) and refs[-1].next_step is None


def answered(case: Case) -> bool:
    """Whether someone answered the questionnaire: a survey event that holds answers (an
    officer may record the visit SOP's survey step with a suggestion only)."""
    return any(
        fact.type == SURVEY_EVENT and "skm" in fact.payload.get("data", {}) for fact in case.history
    )


def offer(case: Case) -> SurveyRefused | None:
    """None if the case's survey may be answered now, else why not."""
    if answered(case):
        return ALREADY
    if case.case_type in AFTER_CLOSING and not closed(case):
        return NOT_YET
    return None


@dataclass
class SurveyDesk:
    store: EventStore
    registry: SopRegistry
    secret: bytes
    now: Callable[[], datetime]

    def token(self, case_id: uuid.UUID | str) -> str:
        return survey_token(self.secret, case_id)

    def link(self, case_id: uuid.UUID | str) -> str:
        """The questionnaire's path for this case (the site's address goes in front)."""
        return f"/survei/{case_id}?t={self.token(case_id)}"

    async def link_for_desk(self, case_id: uuid.UUID) -> str | SurveyRefused:
        """The link an officer may hand a visitor: never a complaint's (its reporter has it
        on their tracking page), and only while the survey may be answered."""
        try:
            case = await self.store.load(case_id)
        except CaseNotFound:
            return NOT_FOUND
        if case.case_type == "complaint":
            return REPORTERS_OWN
        return offer(case) or self.link(case_id)

    def valid(self, case_id: uuid.UUID, token: str) -> bool:
        return hmac.compare_digest(self.token(case_id), token or "")

    async def case(self, case_id: uuid.UUID, token: str) -> Case | SurveyRefused:
        """The case a link opens, or why the questionnaire is not offered."""
        if not self.valid(case_id, token):
            return NOT_FOUND
        try:
            case = await self.store.load(case_id)
        except CaseNotFound:
            return NOT_FOUND
        return offer(case) or case

    async def record(
        self, case_id: uuid.UUID, token: str, answers: Answers
    ) -> Envelope | SurveyRefused:
        """Append the survey to its case, once: a second answer is refused."""
        for _ in range(ATTEMPTS):
            case = await self.case(case_id, token)
            if isinstance(case, SurveyRefused):
                return case
            fact = await self._fact(case, answers)
            try:
                stored = await self.store.record_once(case_id, fact)
            except CaseConflict:
                continue  # an officer acted meanwhile: read the case again
            if stored is None:
                return ALREADY
            log.info(
                "survey_recorded",
                case_id=str(case_id),
                event_id=str(stored.event_id),
                position=stored.position,
            )
            return stored
        raise CaseConflict(str(case_id))

    async def _fact(self, case: Case, answers: Answers) -> Fact:
        ref = next(fact.sop for fact in reversed(case.history) if fact.sop is not None)
        return Fact(
            event_id=uuid.uuid4(),
            type=SURVEY_EVENT,
            schema_version=StepRecorded.schema_version,
            case_type=case.case_type,
            occurred_at=self.now(),
            actor=Actor(id=PUBLIC, role=await self._public_role(ref.id, ref.version)),
            sop=SopRef(id=ref.id, version=ref.version, step=None, next_step=ref.next_step),
            causation_id=f"survey:{case.id}",
            payload=StepRecorded(
                activity=ACTIVITY, data=answers.model_dump(exclude_none=True)
            ).model_dump(mode="json"),
        )

    async def _public_role(self, sop_id: str, version: int) -> str:
        try:
            sop = await self.registry.version(sop_id, version)
        except UnknownSop:
            return PUBLIC
        return next((role.id for role in sop.roles if role.public), PUBLIC)
