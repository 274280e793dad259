"""The public satisfaction questionnaire (SKM) over HTTP.

- `GET /survei/{case_id}?t=TOKEN` — the questionnaire (HTML, Bahasa Indonesia);
  `POST /survei/{case_id}` — the form's answers (field `t` holds the token).
- `POST /api/surveys/{case_id}?t=TOKEN` `{"skm": {"u1": 1–4, …, "u9": 1–4}, "saran"?}` → 201
  `{"case_id", "event_id"}`; 422 naming the element, 409 "survei sudah diisi", 404 bad link.
- `GET /api/surveys/{case_id}/link` (officer token) → `{"url"}`: the link to give the guest.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates

from cases.case import Case
from runtime.settings import REPO_ROOT
from services.intake.survey_desk import NOT_FOUND, SurveyDesk, SurveyRefused, offer
from skm import ELEMENTS, SCALE, AnswersRefused, parse_answers

router = APIRouter()
templates = Jinja2Templates(
    directory=[Path(__file__).parent / "templates", REPO_ROOT / "runtime" / "templates"]
)


def _desk(request: Request) -> SurveyDesk:
    return request.app.state.survey_desk


def _case_id(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def _refusal(refusal: SurveyRefused) -> JSONResponse:
    return JSONResponse(
        {"error": refusal.code, "message": refusal.message}, status_code=refusal.status
    )


def _invalid(error: AnswersRefused) -> JSONResponse:
    return JSONResponse(
        {"error": "invalid_input", "message": error.reason, "field": error.field},
        status_code=422,
    )


@router.post("/api/surveys/{case_id}", status_code=201)
async def submit_survey(request: Request, case_id: str, t: str = "") -> JSONResponse:
    parsed = _case_id(case_id)
    if parsed is None or not _desk(request).valid(parsed, t):
        return _refusal(NOT_FOUND)
    try:
        body = json.loads(await request.body())
    except (json.JSONDecodeError, UnicodeDecodeError):
        return _invalid(AnswersRefused("body", "isi permintaan bukan JSON yang valid"))
    try:
        answers = parse_answers(body)
    except AnswersRefused as error:
        return _invalid(error)
    recorded = await _desk(request).record(parsed, t, answers)
    if isinstance(recorded, SurveyRefused):
        return _refusal(recorded)
    return JSONResponse(
        {"case_id": str(parsed), "event_id": str(recorded.event_id)}, status_code=201
    )


@router.get("/api/surveys/{case_id}/link")
async def survey_link(request: Request, case_id: str) -> JSONResponse:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    officer = None
    if scheme.lower() == "bearer" and token.strip():
        officer = await request.app.state.directory.by_token(token.strip())
    if officer is None:
        return JSONResponse(
            {"error": "unauthorized", "message": "perlu token petugas yang valid"},
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
    parsed = _case_id(case_id)
    if parsed is None:
        return _refusal(NOT_FOUND)
    desk = _desk(request)
    case = await desk.case(parsed, desk.token(parsed))
    if isinstance(case, SurveyRefused):
        return _refusal(case)
    return JSONResponse({"url": desk.link(parsed)})


async def offered_link(request: Request, case: Case) -> str | None:
    """The questionnaire's link when the case's survey may be answered now (for /lacak)."""
    if offer(case) is not None:
        return None
    return _desk(request).link(case.id)


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
async def survey_form(request: Request, case_id: str, t: str = "") -> HTMLResponse:
    parsed = _case_id(case_id)
    found = await _desk(request).case(parsed, t) if parsed else NOT_FOUND
    if isinstance(found, SurveyRefused):
        return _page(request, case_id, t, refusal=found, status=found.status)
    return _page(request, case_id, t)


@router.post("/survei/{case_id}", response_class=HTMLResponse)
async def submit_survey_form(request: Request, case_id: str) -> HTMLResponse:
    form = await request.form()
    token = str(form.get("t", ""))
    typed = {e.code: str(form.get(e.code, "")) for e in ELEMENTS}
    saran = str(form.get("saran", ""))
    parsed = _case_id(case_id)
    if parsed is None or not _desk(request).valid(parsed, token):
        return _page(request, case_id, token, refusal=NOT_FOUND, status=404)
    try:
        answers = parse_answers({"skm": typed, "saran": saran})
    except AnswersRefused as error:
        return _page(request, case_id, token, answers=typed, saran=saran, error=error, status=422)
    recorded = await _desk(request).record(parsed, token, answers)
    if isinstance(recorded, SurveyRefused):
        return _page(request, case_id, token, refusal=recorded, status=recorded.status)
    return _page(request, case_id, token, done=True, status=201)
