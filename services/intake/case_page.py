"""The case page of the officer workspace (HTML, Bahasa Indonesia).

- `GET /kasus/{id}[?identitas=1]` — header, the SOP-AP flowchart with the case's path and
  current step highlighted, the timeline, and the forms of what the officer may do now. A case
  outside the officer's scope reads exactly like an unknown one (404 page). A confidential
  reporter is shown only to the roles the office names, after `?identitas=1` (recorded as
  `ReporterIdentityViewed`).
- `POST /kasus/{id}/tindakan` — one allowed action: `action`, `documents` (repeated), `decision`,
  `assignee`, `note`, `request_id` (hidden: a resent form records nothing twice), `csrf_token`.
- `POST /kasus/{id}/catatan` — an internal note (`note`); `POST /kasus/{id}/jawaban` — an answer
  to the reporter (`message`).

Success answers 303 back to the page; a refusal renders the page again with its 4xx status and
the reason next to the form.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cases import CaseNotFound
from events import ComplaintReceived
from runtime.http.access import OfficerOnly
from runtime.http.case_scope import CaseScope, Scope, ScopedCase
from runtime.http.dependencies import CurrentClock, TimeZone
from runtime.http.navigation import Navigation
from runtime.http.requests import uuid_or_none
from runtime.http.templates import templates_in
from services.intake.case_notes import CaseNotes
from services.intake.case_timeline import assignee_choices, case_header, chart_of, timeline
from services.intake.casework import CaseWork
from services.intake.dependencies import Casework, Store
from services.intake.request_ids import LONGEST_KEY, caller_key
from sop.actions import ActionRequest, Officer, Refusal

router = APIRouter()
templates = templates_in(Path(__file__).parent / "templates")

OTHER_UNIT = "Kasus ini ditangani unit lain: Anda dapat membacanya, tetapi tidak bertindak."
NOT_A_COMPLAINT = "Kasus ini tidak memiliki pelapor untuk dijawab."
BAD_REQUEST_ID = f"request_id terlalu panjang (maksimal {LONGEST_KEY} karakter)"


class _Page:
    """What one request needs to render the case page."""

    def __init__(
        self,
        request: Request,
        nav: dict[str, Any],
        officer: Officer,
        casework: CaseWork,
        scope: CaseScope,
        tz: Any,
    ) -> None:
        self.request, self.nav, self.officer = request, nav, officer
        self.casework, self.scope, self.tz = casework, scope, tz

    async def scoped(self, case_id: str) -> ScopedCase | None:
        parsed = uuid_or_none(case_id)
        if parsed is None:
            return None
        try:
            return await self.scope.readable(self.officer, parsed)
        except CaseNotFound:
            return None

    def not_found(self) -> HTMLResponse:
        return templates.TemplateResponse(
            self.request, "kasus_tidak_ada.html", {**self.nav, "active": None}, status_code=404
        )

    async def render(
        self,
        scoped: ScopedCase,
        *,
        reveal: bool = False,
        status: int = 200,
        error: str | None = None,
        failed: str | None = None,
        form: dict[str, Any] | None = None,
    ) -> HTMLResponse:
        officer, access = self.officer, self.scope.access
        may_see = access.sees_identity(officer, scoped.facts)
        identity = may_see and (reveal or not scoped.facts.confidential)
        view = await self.casework.view(officer, scoped, identity, where="GET /kasus/{case_id}")
        names = await self._names(view)
        actions = view["allowed_actions"] if access.in_unit(officer, scoped.facts) else []
        choices = await assignee_choices(
            self.casework.directory, scoped, actions, lambda o: access.in_unit(o, scoped.facts)
        )
        header = case_header(view, scoped, identity=identity, may_see=may_see)
        # A LAPOR! report shows its LAPOR! id beside Alur's number.
        if view["history"][0]["payload"].get("channel") == "lapor":
            reports = await self.casework.store.inbound_of(scoped.case.id, "lapor")
            header["lapor_ids"] = [report.key for report in reports]
        context = {
            **self.nav,
            "active": None,
            "case": view,
            "header": header,
            "chart": chart_of(scoped, view),
            "timeline": timeline(view, names, self.tz, scoped.sop),
            "actions": actions,
            "choices": choices,
            "other_unit": None if access.in_unit(officer, scoped.facts) else OTHER_UNIT,
            "is_complaint": scoped.case.history[0].type == ComplaintReceived.type,
            # The printable response letter, with the reporter as this page shows them.
            "letter": f"/kasus/{scoped.case.id}/surat-jawaban.pdf"
            + ("?identitas=1" if identity and scoped.facts.confidential else ""),
            "request_id": str(uuid.uuid4()),
            "error": error,
            "failed": failed,
            "form": form or {},
        }
        response = templates.TemplateResponse(
            self.request, "kasus.html", context, status_code=status
        )
        response.headers["Cache-Control"] = "no-store"
        return response

    async def _names(self, view: dict[str, Any]) -> dict[str, str]:
        ids = {h["actor"]["id"] for h in view["history"]}
        ids |= {
            h["payload"].get("assignee") for h in view["history"] if h["payload"].get("assignee")
        }
        ids |= {s["assignee"] for s in view["current_steps"] if s.get("assignee")}
        found = await self.casework.directory.by_ids(ids - {None})
        return {i: o.name for i, o in found.items()}


async def _page(
    request: Request,
    nav: Navigation,
    officer: OfficerOnly,
    casework: Casework,
    scope: Scope,
    tz: TimeZone,
) -> _Page:
    return _Page(request, nav, officer, casework, scope, tz)


# The case page as the signed-in officer sees it (every route of this module starts from it).
CasePage = Annotated[_Page, Depends(_page)]


@router.get("/kasus/{case_id}", response_class=HTMLResponse)
async def case_page(case_id: str, page: CasePage, identitas: str = "") -> HTMLResponse:
    scoped = await page.scoped(case_id)
    if scoped is None:
        return page.not_found()
    return await page.render(scoped, reveal=identitas == "1")


def _text(form: Any, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _causation(request: Request, officer: Officer, form: Any) -> str | Refusal:
    """The officer's request id: the caller's header, else the form's hidden `request_id`
    (in the officer's namespace, as the JSON API records an Idempotency-Key)."""
    key = caller_key(request) or _text(form, "request_id").strip()
    if len(key) > LONGEST_KEY:
        return Refusal("invalid_field", BAD_REQUEST_ID, "request_id")
    return f"officer:{officer.id}:{key or uuid.uuid4()}"


@router.post("/kasus/{case_id}/tindakan", response_class=HTMLResponse)
async def act(request: Request, case_id: str, page: CasePage) -> Response:
    officer, casework, scope = page.officer, page.casework, page.scope
    scoped = await page.scoped(case_id)
    if scoped is None:
        return page.not_found()
    form = await request.form()
    action = _text(form, "action")
    fields = {
        "action": action,
        "documents": [d for d in form.getlist("documents") if isinstance(d, str)],
        "decision": _text(form, "decision") or None,
        "assignee": _text(form, "assignee") or None,
        "note": _text(form, "note").strip() or None,
    }
    if not scope.access.in_unit(officer, scoped.facts):
        return await page.render(scoped, status=403, error=OTHER_UNIT, failed=action, form=fields)
    causation = _causation(request, officer, form)
    if isinstance(causation, Refusal):
        return await page.render(
            scoped, status=422, error=causation.message, failed=action, form=fields
        )
    done = await casework.act(officer, scoped, ActionRequest(**fields), request_id=causation)
    if isinstance(done, Refusal):
        message = done.message[:1].upper() + done.message[1:]
        return await page.render(
            scoped, status=done.http_status, error=message, failed=action, form=fields
        )
    return RedirectResponse(f"/kasus/{scoped.case.id}#riwayat", status_code=303)


async def _write(
    request: Request,
    case_id: str,
    kind: str,
    page: _Page,
    notes: CaseNotes,
) -> Response:
    scoped = await page.scoped(case_id)
    if scoped is None:
        return page.not_found()
    form = await request.form()
    field = "note" if kind == "catatan" else "message"
    text = _text(form, field)
    if not page.scope.access.in_unit(page.officer, scoped.facts):
        return await page.render(scoped, status=403, error=OTHER_UNIT, failed=kind)
    if kind == "jawaban" and scoped.case.history[0].type != ComplaintReceived.type:
        return await page.render(scoped, status=409, error=NOT_A_COMPLAINT, failed=kind)
    causation = _causation(request, page.officer, form)
    if isinstance(causation, Refusal):
        return await page.render(scoped, status=422, error=causation.message, failed=kind)
    write = notes.add_note if kind == "catatan" else notes.answer
    done = await write(page.officer, scoped.case.id, text, causation)
    if isinstance(done, Refusal):
        message = done.message[:1].upper() + done.message[1:] + "."
        return await page.render(
            scoped, status=done.http_status, error=message, failed=kind, form={field: text}
        )
    return RedirectResponse(f"/kasus/{scoped.case.id}#riwayat", status_code=303)


def _notes(page: CasePage, store: Store, clock: CurrentClock) -> CaseNotes:
    return CaseNotes(store, page.casework.keys, clock.now)


Notes = Annotated[CaseNotes, Depends(_notes)]


@router.post("/kasus/{case_id}/catatan", response_class=HTMLResponse)
async def add_note(request: Request, case_id: str, page: CasePage, notes: Notes) -> Response:
    return await _write(request, case_id, "catatan", page, notes)


@router.post("/kasus/{case_id}/jawaban", response_class=HTMLResponse)
async def answer_reporter(request: Request, case_id: str, page: CasePage, notes: Notes) -> Response:
    return await _write(request, case_id, "jawaban", page, notes)
