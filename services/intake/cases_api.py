"""Officers over HTTP: the loaded SOPs, opening cases and acting on them (CONTRACT.md)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from cases import CaseNotFound
from events import ComplaintReceived
from services.intake.casework import CaseWork, Opened, fact_view
from services.intake.intake import ComplaintIntake, Receipt
from services.intake.submission import (
    ActionSubmission,
    CaseSubmission,
    SubmissionRefused,
    parse,
    parse_submission,
)
from sop.actions import ActionRequest, Officer, Refusal
from sop.definition import SopDefinition

router = APIRouter()


def _error(status: int, code: str, message: str, field: str | None = None) -> JSONResponse:
    body: dict[str, Any] = {"error": code, "message": message}
    if field is not None:
        body["field"] = field
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, headers=headers)


def _refused(refusal: Refusal) -> JSONResponse:
    return _error(refusal.http_status, refusal.code, refusal.message, refusal.field)


def _invalid(error: SubmissionRefused) -> JSONResponse:
    return _error(422, "invalid_input", error.reason, error.field)


UNAUTHORIZED = ("unauthorized", "perlu token petugas yang valid (Authorization: Bearer TOKEN)")
NOT_FOUND = ("not_found", "kasus tidak ditemukan")


async def _officer(request: Request) -> Officer | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return await request.app.state.directory.by_token(token.strip())


async def _json(request: Request) -> Any:
    try:
        return json.loads(await request.body())
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise SubmissionRefused("body", "isi permintaan bukan JSON yang valid") from None


def _case_id(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


@router.get("/api/sops")
async def list_sops(request: Request) -> list[dict[str, Any]]:
    return [_sop_view(sop) for sop in await request.app.state.registry.all_latest()]


@router.post("/api/cases", status_code=201)
async def open_case(request: Request) -> JSONResponse:
    officer = await _officer(request)
    if officer is None:
        return _error(401, *UNAUTHORIZED)
    try:
        body = parse(CaseSubmission, await _json(request))
    except SubmissionRefused as error:
        return _invalid(error)
    casework: CaseWork = request.app.state.casework
    sop = await casework.sop(body.sop)
    if isinstance(sop, Refusal):
        return _refused(sop)
    request_id = _request_id(request)
    if sop.step(1).event == ComplaintReceived.type:
        return await _open_complaint(request, sop, officer, body.data, request_id)
    opened = await casework.open(sop, officer, body.data, body.documents, request_id=request_id)
    if isinstance(opened, Refusal):
        return _refused(opened)
    assert isinstance(opened, Opened)
    return JSONResponse({"case_id": str(opened.case_id)}, status_code=201)


async def _open_complaint(
    request: Request, sop: SopDefinition, officer: Officer, data: Any, request_id: str
) -> JSONResponse:
    """A complaint an officer brings in (a letter, the complaint box): same fields as the form."""
    try:
        submission = parse_submission(data)
    except SubmissionRefused as error:
        return _invalid(SubmissionRefused(f"data.{error.field}", error.reason))
    intake: ComplaintIntake = request.app.state.intake
    receipt = await intake.receive(submission, request_id=request_id, officer=officer, sop=sop)
    if isinstance(receipt, Refusal):
        return _refused(receipt)
    assert isinstance(receipt, Receipt)
    return JSONResponse(
        {
            "case_id": str(receipt.case_id),
            "tracking_number": receipt.tracking_number,
            "pin": receipt.pin,
        },
        status_code=201,
    )


@router.get("/api/cases/{case_id}")
async def show_case(request: Request, case_id: str) -> JSONResponse:
    officer = await _officer(request)
    if request.headers.get("authorization") and officer is None:
        return _error(401, *UNAUTHORIZED)
    parsed = _case_id(case_id)
    if parsed is None:
        return _error(404, *NOT_FOUND)
    try:
        view = await request.app.state.casework.view(parsed, officer)
    except CaseNotFound:
        return _error(404, *NOT_FOUND)
    return JSONResponse(view)


@router.post("/api/cases/{case_id}/actions")
async def act_on_case(request: Request, case_id: str) -> JSONResponse:
    officer = await _officer(request)
    if officer is None:
        return _error(401, *UNAUTHORIZED)
    parsed = _case_id(case_id)
    if parsed is None:
        return _error(404, *NOT_FOUND)
    try:
        body = parse(ActionSubmission, await _json(request))
    except SubmissionRefused as error:
        return _invalid(error)
    action = ActionRequest(
        action=body.action,
        documents=tuple(body.documents),
        note=body.note,
        decision=body.decision,
        assignee=body.assignee,
        data=body.data,
    )
    idempotency_key = request.headers.get("idempotency-key") or request.headers.get("x-request-id")
    casework: CaseWork = request.app.state.casework
    try:
        recorded = await casework.act(officer, parsed, action, request_id=idempotency_key)
    except CaseNotFound:
        return _error(404, *NOT_FOUND)
    if isinstance(recorded, Refusal):
        return _refused(recorded)
    return JSONResponse(
        {
            "case_id": str(parsed),
            "events": [fact_view(f) for f in recorded.facts],
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


def _request_id(request: Request) -> str:
    return request.headers.get("x-request-id") or f"http:{uuid.uuid4()}"
