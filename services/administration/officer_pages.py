"""The administration's officer pages (HTML, Bahasa Indonesia; `AdministrationOnly`).

- `GET /admin`: the officers (roles, unit, superior, account state), the form to add one, the
  office closures, the acting officials (Plt) and the org chart (services/administration/
  office_pages.py).
- `POST /admin/petugas` (`name`, `roles` (repeated), `unit`, `superior`, `email`, `phone`):
  adds the officer as `alur users add` does; 201 page with a one-time activation link.
- `GET /admin/petugas/{id}`: one officer, with the forms below.
- `POST /admin/petugas/{id}` (`roles`, `unit`, `superior`): 303 back to the officer.
- `POST /admin/petugas/{id}/nonaktif` | `/aktif`: disable (sessions end, tokens refused) or
  enable; 303. An officer does not disable themself (409).
- `POST /admin/petugas/{id}/sandi`: the password cleared, sessions ended, a new activation link
  shown once.
- `POST /admin/petugas/{id}/totp`: a new TOTP secret shown once (earlier codes stop working);
  `POST /admin/petugas/{id}/totp/hapus`: removed; 303.

Every POST carries `csrf_token`. Only an administrator gives or takes an administrator role.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from officers import OfficerRefused
from officers.activation import PATH as ACTIVATION_PATH
from officers.directory import reassign, roster
from runtime.http.csrf import CSRF
from runtime.http.dependencies import Office, Registry, provided
from runtime.http.errors import HttpError
from runtime.settings import AlurSettings
from services.administration.access import AdministrationOnly, OfficerAccounts, is_administrator
from services.administration.forms import FieldProblem, officer_form
from services.administration.index import chrome, known_roles, render_index, templates
from sop.actions import Officer

log = structlog.get_logger(__name__)
router = APIRouter()
Settings = Annotated[AlurSettings, provided(AlurSettings)]

NOT_FOUND = (404, "not_found", "petugas tidak ditemukan")
ADMIN_ROLES_ONLY = "hanya administrator yang boleh memberi atau mencabut peran administrator"
NOT_YOURSELF = "Anda tidak dapat menonaktifkan akun Anda sendiri"


@router.get("/admin", response_class=HTMLResponse)
async def administration(
    request: Request,
    officer: AdministrationOnly,
    accounts: OfficerAccounts,
    registry: Registry,
    office: Office,
) -> HTMLResponse:
    return await render_index(request, officer, accounts, registry, office)


@router.post("/admin/petugas", response_class=HTMLResponse, dependencies=[CSRF])
async def add_officer(
    request: Request,
    officer: AdministrationOnly,
    accounts: OfficerAccounts,
    registry: Registry,
    office: Office,
    settings: Settings,
) -> Response:
    form = await request.form()
    roles = await known_roles(registry, office)
    try:
        wanted = officer_form(form, roles, new=True)
        _may_grant(officer, office, wanted.roles, [])
        added = await accounts.directory.enlist(
            wanted.name,
            wanted.roles,
            known_roles=roles,
            unit=wanted.unit,
            superior=wanted.superior,
            email=wanted.email,
            phone=wanted.phone,
            token_life=timedelta(days=settings.token_days),
        )
    except (FieldProblem, OfficerRefused) as problem:
        return await render_index(
            request, officer, accounts, registry, office, form, _problem(problem)
        )
    log.info("officer_added", officer_id=added.officer.id, by=officer.id)
    link = await _activation(accounts, settings, added.officer)
    return await _once(request, officer, office, added.officer, link=link, status=201)


@router.get("/admin/petugas/{officer_id}", response_class=HTMLResponse)
async def one_officer(
    request: Request,
    officer_id: str,
    officer: AdministrationOnly,
    accounts: OfficerAccounts,
    registry: Registry,
    office: Office,
) -> HTMLResponse:
    return await _officer_page(request, officer, accounts, registry, office, officer_id)


@router.post("/admin/petugas/{officer_id}", response_class=HTMLResponse, dependencies=[CSRF])
async def change_officer(
    request: Request,
    officer_id: str,
    officer: AdministrationOnly,
    accounts: OfficerAccounts,
    registry: Registry,
    office: Office,
) -> Response:
    target = await _target(accounts, officer_id)
    form = await request.form()
    roles = await known_roles(registry, office)
    try:
        wanted = officer_form(form, roles, new=False)
        _may_grant(officer, office, wanted.roles, target.roles)
        await reassign(
            accounts.directory,
            target,
            wanted.roles,
            known_roles=roles,
            unit=wanted.unit,
            superior=wanted.superior,
        )
    except (FieldProblem, OfficerRefused) as problem:
        return await _officer_page(
            request, officer, accounts, registry, office, officer_id, form, _problem(problem)
        )
    log.info("officer_changed", officer_id=target.id, by=officer.id)
    return RedirectResponse(f"/admin/petugas/{target.id}", status_code=303)


@router.post("/admin/petugas/{officer_id}/nonaktif", dependencies=[CSRF])
async def disable(
    officer_id: str, officer: AdministrationOnly, accounts: OfficerAccounts
) -> Response:
    target = await _target(accounts, officer_id)
    if target.id == officer.id:
        raise HttpError(409, "not_allowed_now", NOT_YOURSELF)
    await accounts.directory.set_disabled(target.id, True)
    log.info("officer_disabled", officer_id=target.id, by=officer.id)
    return RedirectResponse(f"/admin/petugas/{target.id}", status_code=303)


@router.post("/admin/petugas/{officer_id}/aktif", dependencies=[CSRF])
async def enable(
    officer_id: str, officer: AdministrationOnly, accounts: OfficerAccounts
) -> Response:
    target = await _target(accounts, officer_id)
    await accounts.directory.set_disabled(target.id, False)
    log.info("officer_enabled", officer_id=target.id, by=officer.id)
    return RedirectResponse(f"/admin/petugas/{target.id}", status_code=303)


@router.post("/admin/petugas/{officer_id}/sandi", response_class=HTMLResponse, dependencies=[CSRF])
async def reset_password(
    request: Request,
    officer_id: str,
    officer: AdministrationOnly,
    accounts: OfficerAccounts,
    office: Office,
    settings: Settings,
) -> HTMLResponse:
    target = await _target(accounts, officer_id)
    await accounts.directory.clear_password(target.id)
    log.info("officer_password_reset", officer_id=target.id, by=officer.id)
    link = await _activation(accounts, settings, target)
    return await _once(request, officer, office, target, link=link)


@router.post("/admin/petugas/{officer_id}/totp", response_class=HTMLResponse, dependencies=[CSRF])
async def enrol_totp(
    request: Request,
    officer_id: str,
    officer: AdministrationOnly,
    accounts: OfficerAccounts,
    office: Office,
) -> HTMLResponse:
    target = await _target(accounts, officer_id)
    enrolment = await accounts.second_factor.enrol(target.id)
    log.info("officer_totp_enrolled", officer_id=target.id, by=officer.id)
    return await _once(request, officer, office, target, enrolment=enrolment)


@router.post("/admin/petugas/{officer_id}/totp/hapus", dependencies=[CSRF])
async def remove_totp(
    officer_id: str, officer: AdministrationOnly, accounts: OfficerAccounts
) -> Response:
    target = await _target(accounts, officer_id)
    await accounts.second_factor.remove(target.id)
    log.info("officer_totp_removed", officer_id=target.id, by=officer.id)
    return RedirectResponse(f"/admin/petugas/{target.id}", status_code=303)


def _may_grant(officer: Officer, office: Any, roles: list[str], had: frozenset[str] | list) -> None:
    administrator = set(office.access.administrator_roles)
    changed = (set(roles) ^ set(had)) & administrator
    if changed and not is_administrator(officer, office):
        raise FieldProblem("roles", ADMIN_ROLES_ONLY)


def _problem(problem: FieldProblem | OfficerRefused) -> FieldProblem:
    if isinstance(problem, FieldProblem):
        return problem
    text = str(problem)  # the directory's refusals, said in Bahasa Indonesia here
    if "superior" in text or "own superior" in text:
        return FieldProblem("superior", "atasan tidak dikenal atau membentuk lingkaran atasan")
    if "already exists" in text:
        return FieldProblem("name", "sudah ada petugas dengan nama ini")
    if "email" in text:
        return FieldProblem("email", "alamat surel tidak valid")
    if "role" in text:
        return FieldProblem("roles", "peran tidak dikenal")
    return FieldProblem("name", "nama harus berisi huruf atau angka")


async def _target(accounts: Any, officer_id: str) -> Officer:
    found = (await accounts.directory.by_ids([officer_id])).get(officer_id)
    if found is None:
        raise HttpError(*NOT_FOUND)
    return found


async def _activation(accounts: Any, settings: AlurSettings, officer: Officer) -> str:
    token, _expires = await accounts.activations.issue(
        officer.id, timedelta(hours=settings.activation_hours)
    )
    return f"{settings.public_url.rstrip('/')}{ACTIVATION_PATH}{token}"


async def _officer_page(
    request: Request,
    officer: Officer,
    accounts: Any,
    registry: Any,
    office: Any,
    officer_id: str,
    form: Any = None,
    problem: FieldProblem | None = None,
) -> HTMLResponse:
    entries = await roster(accounts.directory)
    entry = next((e for e in entries if e.officer.id == officer_id), None)
    if entry is None:
        raise HttpError(*NOT_FOUND)
    context = {
        **await chrome(request, officer),
        "entry": entry,
        "others": [e.officer for e in entries if e.officer.id != officer_id],
        "names": {e.officer.id: e.officer.name for e in entries},
        "roles": await known_roles(registry, office),
        "form": form,
        "errors": {problem.field: problem.reason} if problem else {},
    }
    status = 422 if problem else 200
    return templates.TemplateResponse(request, "officer_admin.html", context, status_code=status)


async def _once(
    request: Request,
    officer: Officer,
    office: Any,
    target: Officer,
    *,
    link: str | None = None,
    enrolment: Any = None,
    status: int = 200,
) -> HTMLResponse:
    context = {
        **await chrome(request, officer),
        "target": target,
        "link": link,
        "enrolment": enrolment,
    }
    response = templates.TemplateResponse(request, "once.html", context, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    return response
