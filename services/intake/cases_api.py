"""Officers over HTTP: the loaded SOPs, opening cases and acting on them (CONTRACT.md)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from cases import CaseNotFound
from events import ComplaintReceived
from runtime.http.access import PUBLIC, OfficerOnly
from runtime.http.case_scope import Scope
from runtime.http.dependencies import Registry
from runtime.http.errors import HttpError, error_response
from runtime.http.openapi import request_body
from runtime.http.requests import uuid_or_none
from services.intake.api import receipt_response
from services.intake.casework import Opened, fact_view
from services.intake.dependencies import Casework, Intake
from services.intake.intake import Receipt
from services.intake.request_ids import fresh, officer_causation
from services.intake.submission import (
    ACTION_EXAMPLES,
    CASE_EXAMPLES,
    ActionSubmission,
    CaseSubmission,
    SubmissionRefused,
    checked_body,
    parse_action,
    parse_case,
    parse_submission,
)
from sop.actions import Officer, Refusal
from sop.definition import SopDefinition

router = APIRouter()

NOT_FOUND = (404, "not_found", "kasus tidak ditemukan")
OTHER_UNIT = "kasus ini ditangani unit lain"


def _refused(refusal: Refusal) -> JSONResponse:
    return error_response(refusal.http_status, refusal.code, refusal.message, refusal.field)


async def case_in_path(case_id: str) -> uuid.UUID:
    """The case named in the path; 404 when it is not a case id."""
    parsed = uuid_or_none(case_id)
    if parsed is None:
        raise HttpError(*NOT_FOUND)
    return parsed


CaseId = Annotated[uuid.UUID, Depends(case_in_path)]
NewCase = Annotated[CaseSubmission, Depends(checked_body(parse_case))]
Action = Annotated[ActionSubmission, Depends(checked_body(parse_action))]


@router.get("/api/sops", dependencies=[PUBLIC])
async def list_sops(registry: Registry) -> list[dict[str, Any]]:
    return [_sop_view(sop) for sop in await registry.all_latest()]


@router.post(
    "/api/cases", status_code=201, openapi_extra=request_body(CaseSubmission, *CASE_EXAMPLES)
)
async def open_case(
    request: Request,
    officer: OfficerOnly,
    body: NewCase,
    casework: Casework,
    intake: Intake,
) -> JSONResponse:
    request_id = officer_causation(request, officer) or fresh()
    sop = await casework.sop(body.sop)
    if isinstance(sop, Refusal):
        return _refused(sop)
    if sop.step(1).event == ComplaintReceived.type:
        return await _open_complaint(intake, sop, officer, body.data, request_id)
    opened = await casework.open(sop, officer, body.data, body.documents, request_id=request_id)
    if isinstance(opened, Refusal):
        return _refused(opened)
    assert isinstance(opened, Opened)
    return JSONResponse({"case_id": str(opened.case_id)}, status_code=201)


async def _open_complaint(
    intake: Intake, sop: SopDefinition, officer: Officer, data: Any, request_id: str
) -> JSONResponse:
    """A complaint an officer brings in (a letter, the complaint box): same fields as the form."""
    try:
        submission = parse_submission(data)
    except SubmissionRefused as error:
        raise SubmissionRefused(f"data.{error.field}", error.reason) from None
    receipt = await intake.receive(submission, request_id=request_id, officer=officer, sop=sop)
    if isinstance(receipt, Refusal):
        return _refused(receipt)
    assert isinstance(receipt, Receipt)
    return receipt_response(receipt)


@router.get("/api/cases/{case_id}")
async def show_case(
    officer: OfficerOnly, case_id: CaseId, casework: Casework, scope: Scope
) -> JSONResponse:
    try:
        scoped = await scope.readable(officer, case_id)
    except CaseNotFound:
        return error_response(*NOT_FOUND)
    identity = scope.access.sees_identity(officer, scoped.facts)
    return JSONResponse(
        await casework.view(officer, scoped, identity, where="GET /api/cases/{case_id}")
    )


@router.post(
    "/api/cases/{case_id}/actions",
    openapi_extra=request_body(ActionSubmission, *ACTION_EXAMPLES),
)
async def act_on_case(
    request: Request,
    officer: OfficerOnly,
    case_id: CaseId,
    body: Action,
    casework: Casework,
    scope: Scope,
) -> JSONResponse:
    # The caller's key, in the officer's own namespace: never a worker's causation id.
    idempotency_key = officer_causation(request, officer)
    try:
        scoped = await scope.readable(officer, case_id)
    except CaseNotFound:
        return error_response(*NOT_FOUND)
    if not scope.access.in_unit(officer, scoped.facts):
        return error_response(403, "other_unit", OTHER_UNIT)
    recorded = await casework.act(officer, scoped, body.request(), request_id=idempotency_key)
    if isinstance(recorded, Refusal):
        return _refused(recorded)
    return JSONResponse(
        {
            "case_id": str(case_id),
            # What the officer just wrote, as they wrote it (sealed in the store).
            "events": await casework.keys.reveal_tree([fact_view(f) for f in recorded.facts]),
            "status": recorded.case["status"],
            "current_steps": recorded.case["current_steps"],
            "allowed_actions": recorded.case["allowed_actions"],
        }
    )


def _sop_view(sop: SopDefinition) -> dict[str, Any]:
    return {
        "id": sop.id,
        "name": sop.header.name,
        "unit": sop.header.unit,
        "number": sop.header.number,
        "version": sop.version,
        "case_type": sop.case_type,
        "roles": [r.model_dump() for r in sop.roles],
        "steps": [
            {
                "number": s.number,
                "activity": s.activity,
                "roles": s.roles,
                "kind": s.kind,
                "documents": s.documents,
                "duration": s.duration.model_dump() if s.duration else None,
                "output": s.output,
                "action": s.action,
                **({"decision_options": [b.answer for b in s.branches]} if s.branches else {}),
            }
            for s in sop.steps
        ],
        "closing": sop.closing.model_dump() if sop.closing else None,
    }
