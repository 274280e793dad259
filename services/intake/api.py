"""Intake over HTTP: the complaint API, the public form (Bahasa Indonesia) and tracking."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from cases import CaseNotFound
from events import CATALOG
from runtime.settings import REPO_ROOT
from services.intake.intake import ComplaintIntake, Receipt
from services.intake.submission import SubmissionRefused, parse_submission
from services.intake.survey_api import offered_link
from services.intake.tracking import TrackingNumbers

router = APIRouter()
templates = Jinja2Templates(
    directory=[Path(__file__).parent / "templates", REPO_ROOT / "runtime" / "templates"]
)


def _intake(request: Request) -> ComplaintIntake:
    return request.app.state.intake


def _refusal(error: SubmissionRefused) -> JSONResponse:
    return JSONResponse(
        {"error": "invalid_input", "message": error.reason, "field": error.field},
        status_code=422,
    )


@router.post("/api/complaints", status_code=201)
async def submit_complaint(request: Request) -> JSONResponse:
    try:
        data = json.loads(await request.body())
    except (json.JSONDecodeError, UnicodeDecodeError):
        return JSONResponse(
            {
                "error": "invalid_json",
                "message": "isi permintaan bukan JSON yang valid",
                "field": "body",
            },
            status_code=422,
        )
    try:
        submission = parse_submission(data)
    except SubmissionRefused as error:
        return _refusal(error)
    receipt = await _intake(request).receive(submission, request_id=_request_id(request))
    assert isinstance(receipt, Receipt), receipt  # the web checks the complaint SOP at start
    return JSONResponse(
        {
            "case_id": str(receipt.case_id),
            "tracking_number": receipt.tracking_number,
            "pin": receipt.pin,
        },
        status_code=201,
    )


@router.get("/api/track/{tracking_number}")
async def track(request: Request, tracking_number: str, pin: str = "") -> JSONResponse:
    view = await _reporter_view(request, tracking_number, pin)
    if view is None:
        return JSONResponse(
            {"error": "not_found", "message": "nomor pengaduan atau PIN tidak cocok"},
            status_code=404,
        )
    return JSONResponse(view)


@router.get("/", include_in_schema=False)
async def home() -> RedirectResponse:
    return RedirectResponse("/lapor")


@router.get("/lapor", response_class=HTMLResponse)
async def complaint_form(request: Request) -> HTMLResponse:
    return templates.TemplateResponse(request, "complaint_form.html", {"form": {}, "error": None})


@router.post("/lapor", response_class=HTMLResponse)
async def submit_complaint_form(request: Request) -> HTMLResponse:
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
    receipt = await _intake(request).receive(submission, request_id=_request_id(request))
    assert isinstance(receipt, Receipt), receipt
    return templates.TemplateResponse(
        request, "receipt.html", {"receipt": receipt}, status_code=201
    )


@router.get("/lacak", response_class=HTMLResponse)
async def track_page(request: Request, nomor: str = "", pin: str = "") -> HTMLResponse:
    view = await _reporter_view(request, nomor, pin) if nomor else None
    return templates.TemplateResponse(
        request,
        "track.html",
        {"nomor": nomor, "view": view, "not_found": bool(nomor) and view is None},
        status_code=404 if nomor and view is None else 200,
    )


FIELD_LABELS = {
    "reporter.name": "Nama",
    "reporter.email": "Surel",
    "reporter.phone": "Nomor telepon",
    "subject": "Perihal",
    "description": "Uraian pengaduan",
    "category": "Kategori",
}


async def _reporter_view(request: Request, tracking_number: str, pin: str) -> dict[str, Any] | None:
    tracking: TrackingNumbers = request.app.state.tracking
    case_id = await tracking.verify(tracking_number, pin)
    if case_id is None:
        return None
    try:
        case = await request.app.state.store.load(case_id)
    except CaseNotFound:
        return None
    return {
        "tracking_number": tracking_number,
        "status": case.status,
        "received_at": case.history[0].occurred_at.isoformat(),
        "survey_url": await offered_link(request, case),
        "history": [
            {
                "type": fact.type,
                "label": CATALOG.label(fact.type),
                "occurred_at": fact.occurred_at.isoformat(),
            }
            for fact in case.history
        ],
    }


def _request_id(request: Request) -> str:
    return request.headers.get("x-request-id") or f"http:{uuid.uuid4()}"
