"""Attachments over HTTP (README "Attachments"): officers upload and download a case's files;
the reporter downloads their own with the tracking number and PIN.

- `POST /kasus/{id}/lampiran` (the case page's form: `lampiran`, `keterangan`, `csrf_token`;
  303 to `/kasus/{id}#lampiran`) and `POST /api/cases/{id}/attachments` (the same, multipart,
  answered in JSON): an officer who may read the case, of its unit.
- `GET /kasus/{id}/lampiran/{sha256}`: the file, for an officer who may read the case.
- `POST /api/track/{number}/attachments/{sha256}` (`{"pin"}`) and `POST /lacak/lampiran/{sha256}`
  (the tracking page's form): a file the reporter attached themselves.
A bad file is refused naming the field `lampiran` and the reason (422; 413 beyond the size
limit), and records nothing. Files are handed out as downloads (`Content-Disposition:
attachment`, `nosniff`), never shown inline.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from attachments import AttachmentRefused, Download, Withheld
from attachments.cleaning import DOCX
from cases import CaseNotFound
from runtime.http.access import OfficerOnly
from runtime.http.case_scope import Scope
from runtime.http.csrf import CSRF
from runtime.http.errors import FieldRefused, HttpError, error_response
from runtime.http.templates import templates_in
from services.intake.api import PIN_BODY
from services.intake.cases_api import NOT_FOUND, OTHER_UNIT, CaseId
from services.intake.dependencies import Attachments, Store
from services.intake.reporter_access import Refused, ReporterByForm, ReporterCase, ReporterOnly
from services.intake.request_ids import officer_causation
from services.intake.uploads import FIELD, upload_in
from sop.actions import Officer

router = APIRouter()
templates = templates_in(Path(__file__).parent / "templates")

# What the routes declare beyond the refusals every route has (runtime/http/openapi.py).
FILE_TYPES = ("image/jpeg", "image/png", "application/pdf", DOCX)
FILE = {
    200: {
        "description": "the file, as a download (`Content-Disposition: attachment`)",
        "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in FILE_TYPES},
    },
    410: {
        "description": "the file was erased (its data subject's key destroyed) or is unreadable",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
    },
}
# A multipart body that cannot be parsed is refused by the framework before any route reads it.
MALFORMED = {
    400: {
        "description": "the multipart body cannot be read",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
    }
}
UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "lampiran": {"type": "string", "format": "binary"},
                        "keterangan": {"type": "string", "maxLength": 1000},
                    },
                    "required": ["lampiran"],
                }
            }
        },
    }
}


async def _attach(
    request: Request, officer: Officer, case_id: Any, scope: Scope, attachments: Attachments
) -> list[Any]:
    """Attach the form's file to the case; HttpError/FieldRefused (nothing recorded) otherwise."""
    try:
        scoped = await scope.readable(officer, case_id)
    except CaseNotFound:
        raise HttpError(*NOT_FOUND) from None
    if not scope.access.in_unit(officer, scoped.facts):
        raise HttpError(403, "other_unit", OTHER_UNIT)
    upload = await upload_in(await request.form())
    if upload is None:
        raise FieldRefused(FIELD, "pilih berkas yang akan dilampirkan")
    try:
        return await attachments.attach_files(
            case_id, [upload], officer, request_id=officer_causation(request, officer)
        )
    except AttachmentRefused as refused:
        raise HttpError(refused.status, "invalid_input", refused.reason, FIELD) from None


@router.post(
    "/kasus/{case_id}/lampiran",
    response_class=HTMLResponse,
    dependencies=[CSRF],
    openapi_extra=UPLOAD_BODY,
    responses={303: {"description": "attached: to the case page's attachments"}, **MALFORMED},
)
async def upload_form(
    request: Request,
    officer: OfficerOnly,
    case_id: CaseId,
    scope: Scope,
    attachments: Attachments,
) -> Response:
    try:
        await _attach(request, officer, case_id, scope, attachments)
    except (HttpError, FieldRefused) as error:
        status = error.status if isinstance(error, HttpError) else 422
        message = error.message if isinstance(error, HttpError) else error.reason
        field = error.field
        return templates.TemplateResponse(
            request,
            "attachment_refused.html",
            {"officer": officer, "case_id": case_id, "field": field, "message": message},
            status_code=status,
        )
    return RedirectResponse(f"/kasus/{case_id}#lampiran", status_code=303)


@router.post(
    "/api/cases/{case_id}/attachments",
    status_code=201,
    openapi_extra=UPLOAD_BODY,
    responses=MALFORMED,
)
async def upload_api(
    request: Request,
    officer: OfficerOnly,
    case_id: CaseId,
    scope: Scope,
    attachments: Attachments,
) -> JSONResponse:
    recorded = await _attach(request, officer, case_id, scope, attachments)
    payload = recorded[0].payload
    return JSONResponse(
        {
            "case_id": str(case_id),
            "event_id": str(recorded[0].event_id),
            "sha256": payload["sha256"],
            "media_type": payload["media_type"],
            "size": payload["size"],
            "url": f"/kasus/{case_id}/lampiran/{payload['sha256']}",
        },
        status_code=201,
    )


@router.get("/kasus/{case_id}/lampiran/{sha256}", response_class=Response, responses=FILE)
async def download_for_officer(
    officer: OfficerOnly, case_id: CaseId, sha256: str, scope: Scope, attachments: Attachments
) -> Response:
    try:
        scoped = await scope.readable(officer, case_id)
    except CaseNotFound:
        return error_response(*NOT_FOUND)
    return file_response(await attachments.download(scoped.case, sha256))


@router.post(
    "/api/track/{tracking_number}/attachments/{sha256}",
    response_class=Response,
    responses=FILE,
    openapi_extra={"requestBody": PIN_BODY},
)
async def download_for_reporter(
    reporter: ReporterOnly, sha256: str, store: Store, attachments: Attachments
) -> Response:
    return await _reporters_file(reporter, sha256, store, attachments)


@router.post(
    "/lacak/lampiran/{sha256}", response_class=Response, responses=FILE, dependencies=[CSRF]
)
async def download_from_tracking_page(
    reporter: ReporterByForm, sha256: str, store: Store, attachments: Attachments
) -> Response:
    if isinstance(reporter, Refused):
        return reporter.error().response()
    return await _reporters_file(reporter, sha256, store, attachments)


async def _reporters_file(
    reporter: ReporterCase, sha256: str, store: Store, attachments: Attachments
) -> Response:
    try:
        case = await store.load(reporter.case_id)
    except CaseNotFound:
        return error_response(404, "not_found", "lampiran tidak ditemukan")
    return file_response(await attachments.download(case, sha256, reporters_own=True))


def file_response(found: Download | Withheld) -> Response:
    """The file as a download; the error JSON when it is withheld."""
    if isinstance(found, Withheld):
        code = "not_found" if found.status == 404 else "gone"
        return error_response(found.status, code, found.message)
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", found.filename)
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(found.filename)}"
    return Response(
        found.data,
        media_type=found.media_type,
        headers={
            "Content-Disposition": disposition,
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        },
    )
