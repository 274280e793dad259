"""Intake over HTTP: the complaint API, the public form (Bahasa Indonesia) and tracking.

A complaint is parsed once, where it enters (the `Complaint` dependency for JSON, the form's
handler for the form), and reaches the intake as a `ComplaintSubmission`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from cases import CaseNotFound
from events import CATALOG
from runtime.http.access import PUBLIC
from runtime.http.errors import error_response
from runtime.http.openapi import request_body
from runtime.http.requests import RequestId
from runtime.http.templates import templates_in
from services.intake.dependencies import Desk, Intake, Store, Tracking
from services.intake.intake import Receipt
from services.intake.submission import (
    COMPLAINT_EXAMPLES,
    ComplaintSubmission,
    SubmissionRefused,
    checked_body,
    parse_submission,
)
from services.intake.survey_api import offered_link

router = APIRouter()
templates = templates_in(Path(__file__).parent / "templates")

FIELD_LABELS = {
    "reporter.name": "Nama",
    "reporter.email": "Surel",
    "reporter.phone": "Nomor telepon",
    "subject": "Perihal",
    "description": "Uraian pengaduan",
    "category": "Kategori",
}


Complaint = Annotated[
    ComplaintSubmission, Depends(checked_body(parse_submission, not_json="invalid_json"))
]


def receipt_response(receipt: Receipt) -> JSONResponse:
    """201 with what the reporter needs to follow their complaint."""
    return JSONResponse(
        {
            "case_id": str(receipt.case_id),
            "tracking_number": receipt.tracking_number,
            "pin": receipt.pin,
        },
        status_code=201,
    )


@router.post(
    "/api/complaints",
    status_code=201,
    dependencies=[PUBLIC],
    openapi_extra=request_body(ComplaintSubmission, *COMPLAINT_EXAMPLES),
)
async def submit_complaint(
    complaint: Complaint,
    intake: Intake,
    request_id: RequestId,
) -> JSONResponse:
    receipt = await intake.receive(complaint, request_id=request_id)
    assert isinstance(receipt, Receipt), receipt  # the web checks the complaint SOP at start
    return receipt_response(receipt)


@router.get("/api/track/{tracking_number}", dependencies=[PUBLIC])
async def track(
    tracking_number: str, tracking: Tracking, store: Store, desk: Desk, pin: str = ""
) -> JSONResponse:
    view = await _reporter_view(tracking, store, desk, tracking_number, pin)
    if view is None:
        return error_response(404, "not_found", "nomor pengaduan atau PIN tidak cocok")
    return JSONResponse(view)


@router.get("/", include_in_schema=False, dependencies=[PUBLIC])
async def home() -> RedirectResponse:
    return RedirectResponse("/lapor")


@router.get("/lapor", response_class=HTMLResponse, dependencies=[PUBLIC])
async def complaint_form(request: Request) -> HTMLResponse:
    return templates.TemplateResponse(request, "complaint_form.html", {"form": {}, "error": None})


@router.post("/lapor", response_class=HTMLResponse, dependencies=[PUBLIC])
async def submit_complaint_form(
    request: Request, intake: Intake, request_id: RequestId
) -> HTMLResponse:
    form = dict(await request.form())
    data = {
        "channel": "web",
        "reporter": {k: form.get(f"reporter_{k}", "") for k in ("name", "email", "phone")},
        "subject": form.get("subject", ""),
        "description": form.get("description", ""),
        "category": form.get("category") or None,
        "anonymous": form.get("anonymous") == "on",
        "confidential": form.get("confidential") == "on",
    }
    try:
        submission = parse_submission(data)
    except SubmissionRefused as error:
        return templates.TemplateResponse(
            request,
            "complaint_form.html",
            {"form": form, "error": error, "field_label": FIELD_LABELS.get(error.field)},
            status_code=422,
        )
    receipt = await intake.receive(submission, request_id=request_id)
    assert isinstance(receipt, Receipt), receipt
    return templates.TemplateResponse(
        request, "receipt.html", {"receipt": receipt}, status_code=201
    )


@router.get("/lacak", response_class=HTMLResponse, dependencies=[PUBLIC])
async def track_page(
    request: Request, tracking: Tracking, store: Store, desk: Desk, nomor: str = "", pin: str = ""
) -> HTMLResponse:
    view = await _reporter_view(tracking, store, desk, nomor, pin) if nomor else None
    return templates.TemplateResponse(
        request,
        "track.html",
        {"nomor": nomor, "view": view, "not_found": bool(nomor) and view is None},
        status_code=404 if nomor and view is None else 200,
    )


async def _reporter_view(
    tracking: Tracking, store: Store, desk: Desk, tracking_number: str, pin: str
) -> dict[str, Any] | None:
    case_id = await tracking.verify(tracking_number, pin)
    if case_id is None:
        return None
    try:
        case = await store.load(case_id)
    except CaseNotFound:
        return None
    return {
        "tracking_number": tracking_number,
        "status": case.status,
        "received_at": case.history[0].occurred_at.isoformat(),
        "survey_url": offered_link(desk, case),
        "history": [
            {
                "type": fact.type,
                "label": CATALOG.label(fact.type),
                "occurred_at": fact.occurred_at.isoformat(),
            }
            for fact in case.history
        ],
    }
