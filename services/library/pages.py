"""The SOP library's pages (HTML, Bahasa Indonesia, no JavaScript).

- `GET /sop` (officers): every SOP with its versions; for administrators also the upload form
  and the drafts waiting for confirmation.
- `GET /sop/{id}[?versi=N]` (officers): one version (default the latest) with its SOP-AP
  flowchart (inline SVG, `sop.chart`, as `alur sop chart` draws it) and its step table.
- `POST /sop/impor` (administrators; multipart `dokumen`: a .docx or the seed text format,
  `csrf_token`): the document drafted as `alur sop import` drafts it, kept as a draft; 303 to
  `/sop/draf/{draft}`. An unreadable document: 422 naming `dokumen`.
- `GET /sop/draf/{draft}` (administrators): the draft with its warnings, flowchart and steps.
- `POST /sop/draf/{draft}/konfirmasi` (administrators, `csrf_token`): saved through the SOP
  registry as the SOP's next version; 303 to `/sop/{id}?versi=N`. Confirmed already: 409.

Only administrators import and confirm: a new version changes how every new case runs.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from runtime.http.access import AdministratorOnly, OfficerOnly
from runtime.http.csrf import CSRF
from runtime.http.dependencies import Office, Pool, Registry
from runtime.http.errors import HttpError
from runtime.http.navigation import navigation_for
from runtime.http.requests import uuid_or_none
from runtime.http.templates import templates_in
from services.library.drafts import Draft, SopDrafts
from sop.actions import Officer
from sop.chart import render_inline
from sop.definition import SopDefinition
from sop.importer import UnreadableDocument
from sop.registry import InvalidDefinition, SopRegistry, UnknownSop

router = APIRouter()
templates = templates_in(Path(__file__).parent / "templates")

NOT_FOUND = (404, "not_found", "SOP atau versi ini tidak ada")
DRAFT_NOT_FOUND = (404, "not_found", "draf SOP ini tidak ada")
MAX_DOCUMENT_BYTES = 900 * 1024  # under the app's request body limit


async def sop_drafts(pool: Pool, registry: Registry) -> SopDrafts:
    return SopDrafts(pool, registry)


Drafts = Annotated[SopDrafts, Depends(sop_drafts)]


def is_admin(officer: Officer, office: Any) -> bool:
    return bool(officer.roles & set(office.access.administrator_roles))


@router.get("/sop", response_class=HTMLResponse)
async def library(
    request: Request, officer: OfficerOnly, registry: Registry, office: Office, drafts: Drafts
) -> HTMLResponse:
    return await _library(request, officer, registry, office, drafts)


@router.get("/sop/{sop_id}", response_class=HTMLResponse)
async def one_sop(
    request: Request,
    sop_id: str,
    officer: OfficerOnly,
    registry: Registry,
    office: Office,
    versi: str = "",
) -> HTMLResponse:
    definition = await _version(registry, sop_id, versi)
    versions = [v for v in await registry.versions() if v.sop_id == definition.id]
    context = {
        **await _chrome(request, officer),
        "sop": definition,
        "versions": versions,
        "chart": render_inline(definition),
    }
    return templates.TemplateResponse(request, "sop.html", context)


@router.post("/sop/impor", response_class=HTMLResponse, dependencies=[CSRF])
async def upload(
    request: Request,
    officer: AdministratorOnly,
    registry: Registry,
    office: Office,
    drafts: Drafts,
) -> Response:
    document = (await request.form()).get("dokumen")
    problem = None
    if not isinstance(document, UploadFile) or not document.filename:
        problem = "pilih berkas SOP (.docx atau teks)"
    else:
        data = await document.read(MAX_DOCUMENT_BYTES + 1)
        if len(data) > MAX_DOCUMENT_BYTES:
            problem = f"berkas terlalu besar (maksimal {MAX_DOCUMENT_BYTES // 1024} KB)"
        else:
            try:
                draft = await drafts.upload(data, Path(document.filename).name, officer.id)
            except (UnreadableDocument, InvalidDefinition) as error:
                problem = f"dokumen tidak dapat dibaca: {error}"
            except ValueError as error:  # the drafted definition does not validate
                problem = f"dokumen tidak dapat dijadikan SOP: {error}"
    if problem is not None:
        return await _library(request, officer, registry, office, drafts, problem=problem)
    return RedirectResponse(f"/sop/draf/{draft.id}", status_code=303)


@router.get("/sop/draf/{draft_id}", response_class=HTMLResponse)
async def draft_page(
    request: Request, draft_id: str, officer: AdministratorOnly, office: Office, drafts: Drafts
) -> HTMLResponse:
    draft = await _draft(drafts, draft_id)
    return await _draft_page(request, officer, draft)


@router.post("/sop/draf/{draft_id}/konfirmasi", response_class=HTMLResponse, dependencies=[CSRF])
async def confirm(
    request: Request, draft_id: str, officer: AdministratorOnly, office: Office, drafts: Drafts
) -> Response:
    draft = await _draft(drafts, draft_id)
    saved = await drafts.confirm(draft, officer.id)
    if saved is None:
        again = await _draft(drafts, draft_id)
        return await _draft_page(request, officer, again, status=409)
    return RedirectResponse(f"/sop/{saved.id}?versi={saved.version}", status_code=303)


async def _chrome(request: Request, officer: Officer) -> dict[str, Any]:
    return {**await navigation_for(request, officer), "active": "sop"}


async def _library(
    request: Request,
    officer: Officer,
    registry: SopRegistry,
    office: Any,
    drafts: SopDrafts,
    *,
    problem: str | None = None,
) -> HTMLResponse:
    by_sop: dict[str, list[Any]] = {}
    for version in await registry.versions():
        by_sop.setdefault(version.sop_id, []).append(version)
    admin = is_admin(officer, office)
    context = {
        **await _chrome(request, officer),
        "sops": sorted(by_sop.values(), key=lambda vs: (vs[-1].unit or "", vs[-1].name)),
        "drafts": await drafts.pending() if admin else [],
        "problem": problem,
    }
    return templates.TemplateResponse(
        request, "library.html", context, status_code=422 if problem else 200
    )


async def _draft_page(
    request: Request, officer: Officer, draft: Draft, status: int = 200
) -> HTMLResponse:
    context = {
        **await _chrome(request, officer),
        "draft": draft,
        "sop": draft.definition,
        "chart": render_inline(draft.definition),
    }
    return templates.TemplateResponse(request, "draft.html", context, status_code=status)


async def _version(registry: SopRegistry, sop_id: str, versi: str) -> SopDefinition:
    try:
        if not versi.strip():
            return await registry.latest(sop_id)
        if not versi.strip().isdigit():
            raise HttpError(422, "invalid_input", "versi harus berupa angka", "versi")
        return await registry.version(sop_id, int(versi))
    except UnknownSop:
        raise HttpError(*NOT_FOUND) from None


async def _draft(drafts: SopDrafts, draft_id: str) -> Draft:
    parsed: uuid.UUID | None = uuid_or_none(draft_id)
    draft = await drafts.find(parsed) if parsed else None
    if draft is None:
        raise HttpError(*DRAFT_NOT_FOUND)
    return draft
