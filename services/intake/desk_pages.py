"""The intake desk (`/meja`, officers; HTML, Bahasa Indonesia, no JavaScript).

- `GET /meja[?sop=ID]`: three forms — a complaint that came by post or the complaint box, a
  walk-in visitor for the guest book, a case under any loaded SOP (`?sop=` picks the SOP whose
  first step's documents the form lists as checkboxes).
- `POST /meja/pengaduan` (multipart: `channel` post|box, `complaint_sop` (a complaint SOP;
  default the office's), `reporter_name|email|phone`, `subject`, `description`, `category`,
  `anonymous`, `confidential`, `lampiran` (the scanned letter, optional)): the same intake as
  `POST /api/complaints`, the officer recorded as who entered it; 201 page with the tracking
  number and PIN to hand or post to the reporter.
- `POST /meja/tamu` (`visit_sop`, `nama`, `instansi`, `keperluan`, `bertemu`,
  `telepon`): opens a visit; the guest book reads its data. 303 to `/kasus/{id}`.
- `POST /meja/kasus` (`sop`, `documents` (repeated), `note`): 303 to `/kasus/{id}`.
- `POST /meja/lapor` (multipart: `berkas_lapor`, the report sheet of the SP4N-LAPOR! admin
  panel, CSV or XLSX): each report opened once as a complaint on channel `lapor`
  (services/intake/lapor/); the page lists each report with its number, new or imported
  before.

Every POST carries `csrf_token`. Bad input: the page again, 4xx, the message by its field.
The scanned letters are checked and cleaned by the attachment store (attachments/) and
recorded with the complaint in one transaction: a refused letter is a 422 on `lampiran` and
nothing is recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from attachments import AttachmentRefused, Upload
from events import ComplaintReceived
from runtime.http.access import OfficerOnly
from runtime.http.csrf import CSRF
from runtime.http.dependencies import Office, Registry
from runtime.http.navigation import navigation_for
from runtime.http.templates import templates_in
from services.intake.casework import Opened
from services.intake.dependencies import Attachments, Casework, Intake
from services.intake.desk_forms import (
    DESK_CHANNELS,
    GUEST_FIELDS,
    FormRefused,
    complaint_of,
    files_of,
    guest_of,
    new_case_of,
)
from services.intake.intake import Receipt
from services.intake.lapor.bridge import LaporImport
from services.intake.lapor.sheet import SheetRefused, read_sheet
from services.intake.request_ids import fresh, officer_causation
from sop.actions import Officer, Refusal
from sop.definition import SopDefinition
from sop.registry import UnknownSop

log = structlog.get_logger(__name__)
router = APIRouter()
templates = templates_in(Path(__file__).parent / "templates")

UNKNOWN_SOP = "SOP ini tidak dikenal"
LAPOR_SHEET = "berkas_lapor"


@dataclass(frozen=True)
class DeskSops:
    complaints: list[SopDefinition]
    visits: list[SopDefinition]
    others: list[SopDefinition]

    @classmethod
    def sorted(cls, sops: Sequence[SopDefinition]) -> DeskSops:
        def complaint(sop: SopDefinition) -> bool:
            return sop.step(1).event == ComplaintReceived.type

        return cls(
            [s for s in sops if complaint(s)],
            [s for s in sops if s.case_type == "visit" and not complaint(s)],
            [s for s in sops if not complaint(s)],
        )


@router.get("/meja", response_class=HTMLResponse)
async def desk(
    request: Request, officer: OfficerOnly, registry: Registry, office: Office, sop: str = ""
) -> HTMLResponse:
    return await _page(request, officer, registry, office, chosen=sop.strip())


@router.post("/meja/pengaduan", response_class=HTMLResponse, dependencies=[CSRF])
async def complaint(
    request: Request,
    officer: OfficerOnly,
    intake: Intake,
    registry: Registry,
    office: Office,
    attachments: Attachments,
) -> Response:
    form = await request.form()
    try:
        submission = complaint_of(form)
        letters = []
        for upload in files_of(form, "lampiran"):
            data = await upload.read()
            try:
                letters.append((attachments.check(Upload(data, upload.filename)), None))
            except AttachmentRefused as bad:
                raise FormRefused("lampiran", f"{upload.filename}: {bad.reason}") from None
        sop = await _sop(
            registry, str(form.get("complaint_sop") or office.complaint_sop), "complaint_sop"
        )
    except FormRefused as refused:
        return await _page(request, officer, registry, office, form=form, refused=refused)
    request_id = officer_causation(request, officer) or fresh()
    # The complaint and its scanned letters are recorded together: both or neither.
    receipt = await intake.receive(
        submission, request_id=request_id, officer=officer, sop=sop, files=letters
    )
    if isinstance(receipt, Refusal):
        return await _page(request, officer, registry, office, form=form, refusal=receipt)
    assert isinstance(receipt, Receipt)
    log.info("desk_complaint_entered", case_id=str(receipt.case_id), letters=len(letters))
    context = {
        **await navigation_for(request, officer),
        "active": "meja",
        "receipt": receipt,
        "letters": len(letters),
    }
    return templates.TemplateResponse(request, "desk_receipt.html", context, status_code=201)


@router.post("/meja/lapor", response_class=HTMLResponse, dependencies=[CSRF])
async def lapor_sheet(
    request: Request, officer: OfficerOnly, intake: Intake, registry: Registry, office: Office
) -> Response:
    form = await request.form()
    upload = form.get(LAPOR_SHEET)
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise FormRefused(LAPOR_SHEET, "pilih berkas laporan (CSV atau XLSX) dari SP4N-LAPOR!")
        imported = await LaporImport(intake).run(read_sheet(await upload.read()), officer)
    except SheetRefused as refused:
        refused_field = FormRefused(LAPOR_SHEET, str(refused))
        return await _page(request, officer, registry, office, form=form, refused=refused_field)
    except FormRefused as refused:
        return await _page(request, officer, registry, office, form=form, refused=refused)
    if isinstance(imported, Refusal):
        return await _page(request, officer, registry, office, form=form, refusal=imported)
    new = sum(item.new for item in imported)
    log.info("desk_lapor_imported", new=new, before=len(imported) - new)
    context = {
        **await navigation_for(request, officer),
        "active": "meja",
        "imported": imported,
        "new": new,
    }
    return templates.TemplateResponse(
        request, "lapor_imported.html", context, status_code=201 if new else 200
    )


@router.post("/meja/tamu", response_class=HTMLResponse, dependencies=[CSRF])
async def visitor(
    request: Request, officer: OfficerOnly, casework: Casework, registry: Registry, office: Office
) -> Response:
    form = await request.form()
    try:
        sop = await _sop(registry, str(form.get("visit_sop") or ""), "visit_sop")
        guest = guest_of(form)
    except FormRefused as refused:
        return await _page(request, officer, registry, office, form=form, refused=refused)
    request_id = officer_causation(request, officer) or fresh()
    documents = list(sop.step(1).documents)
    opened = await casework.open(sop, officer, guest, documents, request_id=request_id)
    return await _opened(request, officer, registry, office, form, opened)


@router.post("/meja/kasus", response_class=HTMLResponse, dependencies=[CSRF])
async def new_case(
    request: Request, officer: OfficerOnly, casework: Casework, registry: Registry, office: Office
) -> Response:
    form = await request.form()
    chosen = str(form.get("sop") or "")
    try:
        sop = await _sop(registry, chosen)
        if sop.step(1).event == ComplaintReceived.type:
            raise FormRefused("sop", "pengaduan dicatat dengan formulir pengaduan di atas")
        wanted = new_case_of(form, list(sop.step(1).documents))
    except FormRefused as refused:
        page = _page(request, officer, registry, office, form=form, refused=refused, chosen=chosen)
        return await page
    request_id = officer_causation(request, officer) or fresh()
    opened = await casework.open(
        sop, officer, {}, wanted.documents, request_id=request_id, note=wanted.note
    )
    return await _opened(request, officer, registry, office, form, opened, chosen=chosen)


async def _opened(
    request: Request,
    officer: Officer,
    registry: Any,
    office: Any,
    form: Any,
    opened: Opened | Refusal,
    chosen: str = "",
) -> Response:
    if isinstance(opened, Refusal):
        return await _page(
            request, officer, registry, office, form=form, refusal=opened, chosen=chosen
        )
    log.info("desk_case_opened", case_id=str(opened.case_id))
    return RedirectResponse(f"/kasus/{opened.case_id}", status_code=303)


async def _sop(registry: Any, sop_id: str, field: str = "sop") -> SopDefinition:
    if not sop_id.strip():
        raise FormRefused(field, "pilih SOP")
    try:
        return await registry.latest(sop_id.strip())
    except UnknownSop:
        raise FormRefused(field, UNKNOWN_SOP) from None


async def _page(
    request: Request,
    officer: Officer,
    registry: Any,
    office: Any,
    *,
    form: Any = None,
    refused: FormRefused | None = None,
    refusal: Refusal | None = None,
    chosen: str = "",
) -> HTMLResponse:
    sops = DeskSops.sorted(await registry.all_latest())
    picked = next((s for s in sops.others if s.id == chosen), None)
    errors = {refused.field: refused.reason} if refused else {}
    status = 422 if refused else (refusal.http_status if refusal else 200)
    context = {
        **await navigation_for(request, officer),
        "active": "meja",
        "sops": sops,
        "picked": picked,
        "chosen": chosen,
        "complaint_sop": office.complaint_sop,
        "channels": DESK_CHANNELS,
        "guest_fields": GUEST_FIELDS,
        "form": form or {},
        "errors": errors,
        "refusal": refusal,
    }
    return templates.TemplateResponse(request, "desk.html", context, status_code=status)
