"""The public satisfaction questionnaire (SKM) over HTTP.

- `GET /survei/{case_id}?t=TOKEN` — the questionnaire (HTML, Bahasa Indonesia);
  `POST /survei/{case_id}` — the form's answers (field `t` holds the token).
- `POST /api/surveys/{case_id}?t=TOKEN` `{"skm": {"u1": 1–4, …, "u9": 1–4}, "saran"?}` → 201
  `{"case_id", "event_id"}`; 422 naming the element, 409 "survei sudah diisi", 404 bad link.
- `GET /api/surveys/{case_id}/link` (officer) → `{"url"}`: the link to give a visitor at the
  desk; 403 for a complaint (its reporter finds the link on their own tracking page).

The questionnaire is the respondent's (services/intake/respondent_access.py): the link's token
opens it, and a request carrying an officer's credentials never records answers (403).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse

from cases.case import Case
from runtime.http.access import Officers
from runtime.http.csrf import CSRF
from runtime.http.errors import error_response, invalid_input, json_body
from runtime.http.requests import uuid_or_none
from runtime.http.templates import templates_in
from services.intake.dependencies import Desk
from services.intake.respondent_access import Answering, AnsweringPage, ViewingPage
from services.intake.survey_desk import NOT_FOUND, SurveyDesk, SurveyRefused, offer
from skm import ELEMENTS, SCALE, AnswersRefused, parse_answers
from sop.actions import Officer

router = APIRouter()
templates = templates_in(Path(__file__).parent / "templates")

# Who may hand a guest the questionnaire's link.
LinkGiver = Annotated[Officer, Depends(Officers("perlu token petugas yang valid"))]


def _refusal(refusal: SurveyRefused) -> JSONResponse:
    return error_response(refusal.status, refusal.code, refusal.message)


@router.post("/api/surveys/{case_id}", status_code=201)
async def submit_survey(request: Request, link: Answering, desk: Desk, t: str = "") -> JSONResponse:
    """`t` is the link's token (the `Respondent` policy reads it; named here for the schema)."""
    try:
        answers = parse_answers(await json_body(request, code="invalid_input"))
    except AnswersRefused as error:
        return invalid_input(error.field, error.reason)
    recorded = await desk.record(link.case_id, link.token, answers)
    if isinstance(recorded, SurveyRefused):
        return _refusal(recorded)
    return JSONResponse(
        {"case_id": str(link.case_id), "event_id": str(recorded.event_id)}, status_code=201
    )


@router.get("/api/surveys/{case_id}/link")
async def survey_link(_: LinkGiver, case_id: str, desk: Desk) -> JSONResponse:
    parsed = uuid_or_none(case_id)
    if parsed is None:
        return _refusal(NOT_FOUND)
    link = await desk.link_for_desk(parsed)
    if isinstance(link, SurveyRefused):
        return _refusal(link)
    return JSONResponse({"url": link})


def offered_link(desk: SurveyDesk, case: Case) -> str | None:
    """The questionnaire's link when the case's survey may be answered now (for /lacak)."""
    if offer(case) is not None:
        return None
    return desk.link(case.id)


def _page(
    request: Request,
    case_id: str,
    token: str,
    *,
    answers: dict[str, str] | None = None,
    saran: str = "",
    error: AnswersRefused | None = None,
    refusal: SurveyRefused | None = None,
    done: bool = False,
    status: int = 200,
) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        "survey_form.html",
        {
            "case_id": case_id,
            "token": token,
            "elements": ELEMENTS,
            "scale": SCALE,
            "answers": answers or {},
            "saran": saran,
            "error": error,
            "error_element": _element_name(error.field) if error else None,
            "refusal": refusal,
            "done": done,
        },
        status_code=status,
    )


def _element_name(field: str) -> str | None:
    code = field.removeprefix("skm.")
    return next((e.name for e in ELEMENTS if e.code == code), None)


@router.get("/survei/{case_id}", response_class=HTMLResponse)
async def survey_form(
    request: Request, case_id: str, link: ViewingPage, desk: Desk, t: str = ""
) -> HTMLResponse:
    if isinstance(link, SurveyRefused):
        return _page(request, case_id, t, refusal=link, status=link.status)
    found = await desk.case(link.case_id, link.token)
    if isinstance(found, SurveyRefused):
        return _page(request, case_id, t, refusal=found, status=found.status)
    return _page(request, case_id, t)


@router.post("/survei/{case_id}", response_class=HTMLResponse, dependencies=[CSRF])
async def submit_survey_form(
    request: Request, case_id: str, link: AnsweringPage, desk: Desk
) -> HTMLResponse:
    form = await request.form()
    token = str(form.get("t", ""))
    if isinstance(link, SurveyRefused):
        return _page(request, case_id, token, refusal=link, status=link.status)
    typed = {e.code: str(form.get(e.code, "")) for e in ELEMENTS}
    saran = str(form.get("saran", ""))
    try:
        answers = parse_answers({"skm": typed, "saran": saran})
    except AnswersRefused as error:
        return _page(request, case_id, token, answers=typed, saran=saran, error=error, status=422)
    recorded = await desk.record(link.case_id, link.token, answers)
    if isinstance(recorded, SurveyRefused):
        return _page(request, case_id, token, refusal=recorded, status=recorded.status)
    return _page(request, case_id, token, done=True, status=201)
