"""Intake over HTTP: the complaint API, the public form (Bahasa Indonesia) and tracking.

A complaint is parsed once, where it enters (the `Complaint` dependency for JSON, the form's
handler for the form), and reaches the intake as a `ComplaintSubmission`; a complaint that
passed its checks then counts against its address's quota (services/intake/complaint_quota.py).

Tracking takes the PIN by POST, never in the URL: `POST /api/track/{tracking_number}`
`{"pin"}` and the `/lacak` form; both are the reporter's access policy
(services/intake/reporter_access.py), which checks and limits the PIN first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from attachments import AttachmentRefused, CleanFile
from cases import CaseNotFound
from events import CATALOG
from events.attachments import AttachmentAdded
from events.notes import InternalNoteAdded, ReporterAnswered
from privacy import PersonalDataKeys
from runtime.http.access import PUBLIC
from runtime.http.csrf import CSRF
from runtime.http.dependencies import Keys
from runtime.http.errors import FieldRefused
from runtime.http.openapi import request_body
from runtime.http.templates import templates_in
from services.intake.complaint_quota import Quota
from services.intake.dependencies import Attachments, Desk, Intake, Store
from services.intake.intake import Receipt
from services.intake.reporter_access import (
    NOT_FOUND,
    Refused,
    ReporterByForm,
    ReporterCase,
    ReporterOnly,
    client_address,
)
from services.intake.request_ids import PublicRequestId
from services.intake.submission import (
    COMPLAINT_EXAMPLES,
    ComplaintSubmission,
    SubmissionRefused,
    checked_body,
    parse_submission,
)
from services.intake.survey_api import offered_link
from services.intake.uploads import upload_in

router = APIRouter()
templates = templates_in(Path(__file__).parent / "templates")

# What the reporter never sees of their case: the office's internal notes.
OFFICE_ONLY = frozenset({InternalNoteAdded.type})
FIELD_LABELS = {
    "reporter.name": "Nama",
    "reporter.email": "Surel",
    "reporter.phone": "Nomor telepon",
    "subject": "Perihal",
    "description": "Uraian pengaduan",
    "category": "Kategori",
    "lampiran": "Lampiran",
    "keterangan": "Keterangan lampiran",
}


# What the reporter's routes take in their JSON body (the PIN, checked first).
PIN_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {"pin": {"type": "string", "maxLength": 100}},
                "required": ["pin"],
            }
        }
    },
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
    request: Request,
    complaint: Complaint,
    intake: Intake,
    quota: Quota,
    request_id: PublicRequestId,
) -> JSONResponse:
    refused = await quota.admit(client_address(request))
    if refused is not None:
        raise refused.error()
    receipt = await intake.receive(complaint, request_id=request_id)
    assert isinstance(receipt, Receipt), receipt  # the web checks the complaint SOP at start
    return receipt_response(receipt)


@router.post("/api/track/{tracking_number}", openapi_extra={"requestBody": PIN_BODY})
async def track(reporter: ReporterOnly, store: Store, desk: Desk, keys: Keys) -> JSONResponse:
    view = await _reporter_view(store, desk, reporter, keys)
    if view is None:
        raise NOT_FOUND.error()
    return JSONResponse(view)


@router.get("/", include_in_schema=False, dependencies=[PUBLIC])
async def home() -> RedirectResponse:
    return RedirectResponse("/lapor")


@router.get("/lapor", response_class=HTMLResponse, dependencies=[PUBLIC])
async def complaint_form(request: Request, attachments: Attachments) -> HTMLResponse:
    return _form_page(request, attachments, {"form": {}, "error": None})


@router.post("/lapor", response_class=HTMLResponse, dependencies=[PUBLIC, CSRF])
async def submit_complaint_form(
    request: Request,
    intake: Intake,
    quota: Quota,
    request_id: PublicRequestId,
    attachments: Attachments,
) -> HTMLResponse:
    """The public form (multipart, with an optional file `lampiran`, or urlencoded without)."""
    received = await request.form()
    form = {k: v for k, v in received.items() if isinstance(v, str)}
    data = {
        "channel": "web",
        "reporter": {k: form.get(f"reporter_{k}", "") for k in ("name", "email", "phone")},
        "subject": form.get("subject", ""),
        "description": form.get("description", ""),
        "category": form.get("category") or None,
        "anonymous": form.get("anonymous") == "on",
        "confidential": form.get("confidential") == "on",
    }
    files: list[tuple[CleanFile, str | None]] = []
    try:
        submission = parse_submission(data)
        upload = await upload_in(received)
        if upload is not None:
            try:
                files.append((attachments.check(upload), upload.description))
            except AttachmentRefused as bad:
                refused_file = FieldRefused("lampiran", bad.reason)
                return _form_refused(request, attachments, form, refused_file, bad.status)
    except (SubmissionRefused, FieldRefused) as error:
        return _form_refused(request, attachments, form, error, 422)
    refused = await quota.admit(client_address(request))
    if refused is not None:
        return _form_page(
            request,
            attachments,
            {"form": form, "error": None, "refused": refused},
            status_code=refused.status,
            headers={"Retry-After": str(refused.retry_after)},
        )
    receipt = await intake.receive(submission, request_id=request_id, files=files)
    assert isinstance(receipt, Receipt), receipt
    return templates.TemplateResponse(
        request, "receipt.html", {"receipt": receipt}, status_code=201
    )


def _form_refused(
    request: Request,
    attachments: Attachments,
    form: dict[str, str],
    error: FieldRefused,
    status: int,
) -> HTMLResponse:
    context = {"form": form, "error": error, "field_label": FIELD_LABELS.get(error.field)}
    return _form_page(request, attachments, context, status_code=status)


def _form_page(
    request: Request, attachments: Attachments, context: dict[str, Any], **kwargs: Any
) -> HTMLResponse:
    """The complaint form, with the attachment size limit it states."""
    limit = {"max_attachment_mb": f"{attachments.max_bytes / (1024 * 1024):g}"}
    return templates.TemplateResponse(request, "complaint_form.html", context | limit, **kwargs)


@router.get("/lacak", response_class=HTMLResponse, dependencies=[PUBLIC])
async def track_form(request: Request, nomor: str = "") -> HTMLResponse:
    """The empty form (the number may come filled in from a receipt's link; never the PIN)."""
    return _track_page(request, nomor.strip())


@router.post("/lacak", response_class=HTMLResponse, dependencies=[CSRF])
async def track_page(
    request: Request, reporter: ReporterByForm, store: Store, desk: Desk, keys: Keys
) -> HTMLResponse:
    nomor = str((await request.form()).get("nomor", "")).strip()
    if isinstance(reporter, Refused):
        return _track_page(request, nomor, refused=reporter)
    view = await _reporter_view(store, desk, reporter, keys)
    if view is not None:
        view["attachments"] = await _reporters_attachments(store, reporter)
    return _track_page(request, nomor, view=view, refused=None if view else NOT_FOUND)


def _track_page(
    request: Request,
    nomor: str,
    *,
    view: dict[str, Any] | None = None,
    refused: Refused | None = None,
) -> HTMLResponse:
    retry_after = refused.retry_after if refused else None
    return templates.TemplateResponse(
        request,
        "track.html",
        {"nomor": nomor, "view": view, "refused": refused},
        status_code=refused.status if refused else 200,
        headers={"Retry-After": str(retry_after)} if retry_after else None,
    )


async def _reporters_attachments(store: Store, reporter: ReporterCase) -> list[dict[str, Any]]:
    """The files the reporter attached themselves (downloads on the tracking page)."""
    case = await store.load(reporter.case_id)
    return [
        {
            "sha256": fact.payload["sha256"],
            "media_type": fact.payload["media_type"],
            "size": fact.payload["size"],
        }
        for fact in case.history
        if fact.type == AttachmentAdded.type and fact.actor.id == "public"
    ]


async def _reporter_view(
    store: Store, desk: Desk, reporter: ReporterCase, keys: PersonalDataKeys
) -> dict[str, Any] | None:
    """The case as its reporter sees it: every event but the office's internal notes; an
    officer's answer with its message."""
    try:
        case = await store.load(reporter.case_id)
    except CaseNotFound:
        return None
    answers = await keys.reveal_all(
        [f.payload.get("message") for f in case.history if f.type == ReporterAnswered.type]
    )
    return {
        "tracking_number": reporter.tracking_number,
        "status": case.status,
        "received_at": case.history[0].occurred_at.isoformat(),
        "survey_url": offered_link(desk, case),
        "history": [
            {
                "type": fact.type,
                "label": CATALOG.label(fact.type),
                "occurred_at": fact.occurred_at.isoformat(),
                **({"message": answers.pop(0)} if fact.type == ReporterAnswered.type else {}),
            }
            for fact in case.history
            if fact.type not in OFFICE_ONLY
        ],
    }
