"""The reporter answers the follow-up of their complaint: `POST /api/track/{number}/reply`.

The reporter's, like tracking: the tracking number and the PIN in the body are the reporter's
credentials, checked (and limited) by the `Reporter` access policy before the rest of the body
is read, so a wrong PIN is answered 404 whatever else the body holds. The answer is recorded as
`ReporterReplied` on the case (causation `reporter:{X-Request-Id}`, services/intake/request_ids);
for a complaint that came through SP4N-LAPOR! it stops the auto-close clock
(services/sla/lapor.py).
"""

from __future__ import annotations

import uuid
from datetime import datetime

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from cases import CaseConflict, CaseNotFound, EventStore
from events import Actor, Fact
from events.lapor import ReporterReplied
from runtime.http.dependencies import CurrentClock, Keys
from runtime.http.errors import error_response, json_body
from services.intake.dependencies import Store
from services.intake.reporter_access import NOT_FOUND_MESSAGE, ReporterOnly
from services.intake.request_ids import ReporterRequestId
from services.intake.side_facts import record_beside
from services.intake.submission import parse

log = structlog.get_logger(__name__)

router = APIRouter()

# The reporter acts for themselves; a worker or officer never records this fact.
REPORTER = Actor(id="public", role="pelapor")
ATTEMPTS = 5  # an officer may record on the same case at the same moment


class ReplySubmission(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    pin: str = Field(max_length=20)
    message: str = Field(min_length=1, max_length=5_000)


NOT_FOUND = (404, "not_found", NOT_FOUND_MESSAGE)
REPLY_BODY = {
    "required": True,
    "content": {"application/json": {"schema": ReplySubmission.model_json_schema()}},
}


@router.post(
    "/api/track/{tracking_number}/reply",
    status_code=201,
    openapi_extra={"requestBody": REPLY_BODY},
)
async def reply(
    request: Request,
    reporter: ReporterOnly,
    store: Store,
    keys: Keys,
    clock: CurrentClock,
    causation: ReporterRequestId,
) -> JSONResponse:
    # The policy checked the PIN: only now is the rest of the body judged.
    submission = parse(ReplySubmission, await json_body(request))
    # Sealed with the reporter's key before it is recorded (a new one if theirs is erased).
    subject = await keys.case_subject(reporter.case_id)
    fact_or_error = await _record(
        store, reporter.case_id, subject.seal(submission.message), clock.now(), causation
    )
    if isinstance(fact_or_error, JSONResponse):
        return fact_or_error
    return JSONResponse(
        {
            "tracking_number": reporter.tracking_number,
            "event_id": str(fact_or_error.event_id),
            "type": fact_or_error.type,
            "occurred_at": fact_or_error.occurred_at.isoformat(),
        },
        status_code=201,
    )


async def _record(
    store: EventStore, case_id: uuid.UUID, message: str, now: datetime, causation: str
) -> Fact | JSONResponse:
    for _ in range(ATTEMPTS):
        try:
            fact = await _record_reply(store, case_id, message, now, causation)
        except CaseNotFound:
            return error_response(*NOT_FOUND)
        except CaseConflict:
            continue
        return fact
    return error_response(
        409, "not_allowed_now", "pengaduan sedang diperbarui; coba lagi sebentar lagi"
    )


async def _record_reply(
    store: EventStore, case_id: uuid.UUID, message: str, now: datetime, causation: str
) -> Fact:
    """Append `ReporterReplied` (once per request id)."""
    # The case keeps waiting where it was; an archived case still hears its reporter.
    fact, envelope = await record_beside(
        store,
        case_id,
        ReporterReplied(message=message),
        actor=REPORTER,
        occurred_at=now,
        causation=causation,
    )
    if envelope is not None:
        log.info(
            "reporter_replied",
            case_id=str(case_id),
            event_id=str(fact.event_id),
            position=envelope.position,
        )
    return fact
