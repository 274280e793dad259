"""The reporter answers the follow-up of their complaint: `POST /api/track/{number}/reply`.

Public, like tracking: the tracking number and its PIN are the reporter's credentials (checked
by `TrackingNumbers.verify`, as `GET /api/track/{number}` does). The answer is recorded as
`ReporterReplied` on the case; for a complaint that came through SP4N-LAPOR! it stops the
auto-close clock (services/sla/lapor.py).
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from cases import CaseConflict, CaseNotFound, EventStore
from events import Actor, Envelope, Fact, SopRef
from events.lapor import ReporterReplied
from services.intake.submission import SubmissionRefused, parse
from services.intake.tracking import TrackingNumbers

log = structlog.get_logger(__name__)

router = APIRouter()

# The reporter acts for themselves; a worker or officer never records this fact.
REPORTER = Actor(id="public", role="pelapor")
ATTEMPTS = 5  # an officer may record on the same case at the same moment


class ReplySubmission(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    pin: str = Field(max_length=20)
    message: str = Field(min_length=1, max_length=5_000)


def _error(status: int, code: str, message: str, field: str | None = None) -> JSONResponse:
    body: dict[str, Any] = {"error": code, "message": message}
    if field is not None:
        body["field"] = field
    return JSONResponse(body, status_code=status)


NOT_FOUND = (404, "not_found", "nomor pengaduan atau PIN tidak cocok")


@router.post("/api/track/{tracking_number}/reply", status_code=201)
async def reply(request: Request, tracking_number: str) -> JSONResponse:
    try:
        data = json.loads(await request.body())
    except (json.JSONDecodeError, UnicodeDecodeError):
        return _error(422, "invalid_json", "isi permintaan bukan JSON yang valid", "body")
    pin = data.get("pin") if isinstance(data, dict) else None
    tracking: TrackingNumbers = request.app.state.tracking
    case_id = await tracking.verify(tracking_number, pin) if isinstance(pin, str) else None
    if case_id is None:
        return _error(*NOT_FOUND)
    try:
        submission = parse(ReplySubmission, data)
    except SubmissionRefused as error:
        return _error(422, "invalid_input", error.reason, error.field)
    causation = request.headers.get("x-request-id") or f"http:{uuid.uuid4()}"
    fact_or_error = await _record(
        request.app.state.store,
        case_id,
        submission.message,
        request.app.state.clock.now(),
        causation,
    )
    if isinstance(fact_or_error, JSONResponse):
        return fact_or_error
    return JSONResponse(
        {
            "tracking_number": tracking_number,
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
            return _error(*NOT_FOUND)
        except CaseConflict:
            continue
        return fact
    return _error(409, "not_allowed_now", "pengaduan sedang diperbarui; coba lagi sebentar lagi")


async def _record_reply(
    store: EventStore, case_id: uuid.UUID, message: str, now: datetime, causation: str
) -> Fact:
    """Append `ReporterReplied` (once per request id)."""
    case = await store.load(case_id)
    earlier = next((f for f in case.history if f.causation_id == causation), None)
    if earlier is not None:
        return earlier
    # The case keeps waiting where it was; an archived case still hears its reporter.
    last = case.history[-1].sop
    fact = Fact(
        event_id=uuid.uuid4(),
        type=ReporterReplied.type,
        schema_version=ReporterReplied.schema_version,
        case_type=case.case_type,
        occurred_at=now,
        actor=REPORTER,
        sop=None
        if last is None
        else SopRef(id=last.id, version=last.version, step=None, next_step=last.next_step),
        causation_id=causation,
        payload=ReporterReplied(message=message).model_dump(mode="json"),
    )
    envelope: Envelope | None = await store.record_once(case_id, fact)
    if envelope is not None:
        log.info(
            "reporter_replied",
            case_id=str(case_id),
            event_id=str(fact.event_id),
            position=envelope.position,
        )
    return fact
