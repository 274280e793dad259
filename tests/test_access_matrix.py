"""Who may use what: every route of the app × every kind of caller, against the live system.

The route table comes from the app itself (`require_policies`): a route missing from the
expectations below, or one declaring no policy, fails this module. The callers:

- `anonymous`: no credentials;
- `reporter`: the confidential complaint's tracking number and right PIN (no officer credentials);
- `guesser`: the same tracking number with a wrong PIN;
- `other_unit`: a complaint team member of another bidang;
- `unit`: the team member of the case's bidang that routing gave the case to;
- `head`: the head of office (sees every case; the office names that role for reporters' identity);
- `auditor`: an auditor (sees every case, not reporters' identity).

A confidential complaint is routed to `unit`'s bidang; every request is made about it. Then every
response body of the callers out of scope is searched for its reporter's name and subject.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from alur.web import build_app
from officers import officer_id
from runtime.http.access import require_policies
from runtime.settings import AlurSettings
from tests.support.accounts import form_token
from tests.support.casework import Officer, add_officer, case, unique_name, work
from tests.support.sample_files import png_with_text
from tests.support.sandbox import Alur
from tests.support.seed_cases import MUBA_COMPLAINTS, file_complaint, to_the_team
from tests.support.waiting import eventually

UNIT = "Bidang Pencegahan dan Pengendalian Penyakit"
OTHER_UNIT = "Bidang Pelayanan Kesehatan"
NAME = f"Wulandari Rahasia {uuid.uuid4().hex[:6]}"
SUBJECT = f"Pungutan liar di loket imunisasi {uuid.uuid4().hex[:6]}"
OFFICE = {
    "name": "Dinas Kesehatan Uji Akses",
    "time_zone": "Asia/Jakarta",
    "complaint_sop": MUBA_COMPLAINTS,
    "org_chart": {"head_of_office": "kepala_dinas"},
    "routing": {
        "categories": {"imunisasi": {"unit": UNIT}, "pelayanan kesehatan": {"unit": OTHER_UNIT}},
        "chains": {MUBA_COMPLAINTS: [5]},
    },
    "access": {"identity_roles": ["kepala_dinas"]},
}
pytestmark = pytest.mark.sandbox("access", office=OFFICE, env={"ALUR_PIN_FAILURES": "1000"})

CALLERS = ("anonymous", "reporter", "guesser", "other_unit", "unit", "head", "auditor")
OUT_OF_SCOPE = ("anonymous", "guesser", "other_unit")
OFFICERS = ("other_unit", "unit", "head", "auditor")
ALLOWED, DENIED = "allowed", "denied"


@dataclass(frozen=True)
class World:
    case_id: str
    tracking_number: str
    pin: str
    officers: dict[str, dict[str, str]]  # caller -> headers
    spare: str  # the id of an officer the administration routes are asked about
    sha256: str  # a file the unit's officer attached to the case


@pytest.fixture(scope="module")
async def world(alur: Alur) -> World:
    petugas = await add_officer(alur, unique_name("petugas"), "petugas_pengaduan")
    unit = await add_officer(alur, "Tim Unit Akses", "tim_pengelola_pengaduan", unit=UNIT)
    other = await add_officer(alur, "Tim Lain Akses", "tim_pengelola_pengaduan", unit=OTHER_UNIT)
    head = await add_officer(alur, unique_name("kadis"), "kepala_dinas")
    spare = await add_officer(alur, unique_name("cadangan"), "petugas_pengaduan")
    async with alur.http() as client:
        receipt = await file_complaint(
            client,
            reporter={"name": NAME, "email": "wulan@contoh.id", "phone": "+6281299990000"},
            subject=SUBJECT,
            category="imunisasi",
            confidential=True,
        )
        await work(client, receipt["case_id"], to_the_team(petugas))
    await _routed(alur, receipt["case_id"], unit)
    async with alur.http() as client:
        attached = await client.post(
            f"/api/cases/{receipt['case_id']}/attachments",
            headers=unit.headers,
            files={"lampiran": ("denah.png", PNG, "image/png")},
        )
    assert attached.status_code == 201, attached.text
    return World(
        receipt["case_id"],
        receipt["tracking_number"],
        receipt["pin"],
        {
            "other_unit": other.headers,
            "unit": unit.headers,
            "head": head.headers,
            "auditor": alur.auditor,
        },
        officer_id(spare.name),
        attached.json()["sha256"],
    )


async def _routed(alur: Alur, case_id: str, officer: Officer) -> None:
    async def routed() -> bool:
        async with alur.http() as client:
            history = (await case(client, case_id, officer))["history"]
        return any(e["type"] == "CaseRouted" for e in history)

    await eventually(routed)


# -- what each route is asked, and what each caller should get ---------------------------------

# (world, caller, the client's CSRF token for forms) -> httpx request arguments
Request = Callable[[World, str, str], dict[str, Any]]


def _pin(world: World, caller: str) -> str:
    return world.pin if caller == "reporter" else "000000"


def _reporter_body(world: World, caller: str, _: str) -> dict[str, Any]:
    return {"json": {} if caller == "anonymous" else {"pin": _pin(world, caller)}}


COMPLAINT_FORM = {
    "reporter_name": "Warga Uji",
    "reporter_email": "warga@contoh.id",
    "reporter_phone": "+6281200000000",
    "subject": "Antrean panjang",
    "description": "Antrean di loket terlalu panjang.",
}


def _spare(data: dict[str, Any] | None = None) -> Request:
    """A request about the spare officer (the head of office is the one caller who may)."""
    return lambda w, c, t: {
        "path": {"officer_id": w.spare},
        "data": {"csrf_token": t, **(data or {})},
    }


PNG = png_with_text("denah")


def _file(w: World, c: str, t: str) -> dict[str, Any]:
    return {"data": {"csrf_token": t}, "files": {"lampiran": ("denah.png", PNG, "image/png")}}


REQUESTS: dict[tuple[str, str], Request] = {
    ("GET", "/"): lambda w, c, t: {},
    ("GET", "/admin"): lambda w, c, t: {},
    ("POST", "/admin/libur"): lambda w, c, t: {"data": {"csrf_token": t}},
    ("POST", "/admin/petugas"): lambda w, c, t: {"data": {"csrf_token": t}},
    ("GET", "/admin/petugas/{officer_id}"): lambda w, c, t: {"path": {"officer_id": w.spare}},
    ("POST", "/admin/petugas/{officer_id}"): _spare(),
    ("POST", "/admin/petugas/{officer_id}/aktif"): _spare(),
    ("POST", "/admin/petugas/{officer_id}/nonaktif"): _spare(),
    ("POST", "/admin/petugas/{officer_id}/sandi"): _spare(),
    ("POST", "/admin/petugas/{officer_id}/totp"): _spare(),
    ("POST", "/admin/petugas/{officer_id}/totp/hapus"): _spare(),
    ("GET", "/aktivasi/{token}"): lambda w, c, t: {"path": {"token": "bukan-tautan"}},
    ("POST", "/aktivasi/{token}"): lambda w, c, t: {"path": {"token": "bukan-tautan"}, "data": {}},
    ("GET", "/api/archive"): lambda w, c, t: {},
    ("POST", "/api/cases"): lambda w, c, t: {"json": {"sop": "tidak-ada", "data": {}}},
    ("GET", "/api/cases/{case_id}"): lambda w, c, t: {},
    ("POST", "/api/cases/{case_id}/actions"): lambda w, c, t: {"json": {"action": "tidak_ada"}},
    ("POST", "/api/cases/{case_id}/attachments"): _file,
    ("GET", "/api/cases/{case_id}/notifications"): lambda w, c, t: {},
    ("GET", "/api/cases/{case_id}/timeline"): lambda w, c, t: {},
    # The gateway's, by its signature alone: no caller here signs (tests/test_whatsapp_channel).
    ("POST", "/api/channels/whatsapp"): lambda w, c, t: {
        "json": {"message_id": f"akses-{c}", "from": "+6281200000000", "text": "Halo, tolong."}
    },
    ("GET", "/api/clock"): lambda w, c, t: {},
    ("POST", "/api/clock/advance"): lambda w, c, t: {"json": {"minutes": 1}},
    ("POST", "/api/complaints"): lambda w, c, t: {
        "json": {
            "channel": "web",
            "reporter": {"name": "Warga Uji", "email": "warga@contoh.id"},
            "subject": "Antrean panjang",
            "description": "Antrean di loket terlalu panjang.",
        }
    },
    ("GET", "/api/guest-book"): lambda w, c, t: {},
    ("GET", "/api/ikm"): lambda w, c, t: {},
    ("GET", "/api/register"): lambda w, c, t: {},
    ("GET", "/api/sla/compliance"): lambda w, c, t: {},
    ("GET", "/api/sops"): lambda w, c, t: {},
    ("GET", "/api/statistik"): lambda w, c, t: {},
    ("POST", "/api/surveys/{case_id}"): lambda w, c, t: {"params": {"t": "0" * 32}, "json": {}},
    ("GET", "/api/surveys/{case_id}/link"): lambda w, c, t: {},
    ("GET", "/api/time-in-step"): lambda w, c, t: {},
    ("POST", "/api/track/{tracking_number}"): _reporter_body,
    ("POST", "/api/track/{tracking_number}/attachments/{sha256}"): lambda w, c, t: {
        "path": {"sha256": w.sha256},
        **_reporter_body(w, c, t),
    },
    ("POST", "/api/track/{tracking_number}/reply"): lambda w, c, t: {
        "json": {"pin": _pin(w, c), "message": "Terima kasih"} if c != "anonymous" else {}
    },
    ("GET", "/buku-tamu"): lambda w, c, t: {},
    ("GET", "/buku-tamu.{kind}"): lambda w, c, t: {"path": {"kind": "csv"}},
    ("GET", "/dasbor"): lambda w, c, t: {},
    ("GET", "/health"): lambda w, c, t: {},
    # The workspace's forms, asked what no one may do: nothing is recorded (422 in scope).
    ("GET", "/kasus/{case_id}"): lambda w, c, t: {},
    ("POST", "/kasus/{case_id}/tindakan"): lambda w, c, t: {"data": {"action": "bukan-tindakan"}},
    ("POST", "/kasus/{case_id}/catatan"): lambda w, c, t: {"data": {"note": " "}},
    ("POST", "/kasus/{case_id}/jawaban"): lambda w, c, t: {"data": {"message": " "}},
    ("GET", "/ikm.{kind}"): lambda w, c, t: {"path": {"kind": "csv"}},
    ("POST", "/kasus/{case_id}/lampiran"): _file,
    ("GET", "/kasus/{case_id}/lampiran/{sha256}"): lambda w, c, t: {"path": {"sha256": w.sha256}},
    ("GET", "/kasus/{case_id}/surat-jawaban.pdf"): lambda w, c, t: {},
    ("POST", "/keluar"): lambda w, c, t: {"data": {}},
    ("GET", "/lacak"): lambda w, c, t: {},
    ("POST", "/lacak"): lambda w, c, t: {
        "data": {"csrf_token": t}
        | ({} if c == "anonymous" else {"nomor": w.tracking_number, "pin": _pin(w, c)})
    },
    ("POST", "/lacak/lampiran/{sha256}"): lambda w, c, t: {
        "path": {"sha256": w.sha256},
        "data": {"csrf_token": t}
        | ({} if c == "anonymous" else {"nomor": w.tracking_number, "pin": _pin(w, c)}),
    },
    ("GET", "/lapor"): lambda w, c, t: {},
    ("POST", "/lapor"): lambda w, c, t: {"data": {**COMPLAINT_FORM, "csrf_token": t}},
    ("GET", "/masuk"): lambda w, c, t: {},
    ("GET", "/meja"): lambda w, c, t: {},
    ("POST", "/meja/kasus"): lambda w, c, t: {"data": {"csrf_token": t}},
    ("POST", "/meja/lapor"): lambda w, c, t: {"data": {"csrf_token": t}},
    ("POST", "/meja/pengaduan"): lambda w, c, t: {"data": {"csrf_token": t}},
    ("POST", "/meja/tamu"): lambda w, c, t: {"data": {"csrf_token": t}},
    ("POST", "/masuk"): lambda w, c, t: {
        "data": {"username": "x", "password": "y", "csrf_token": t}
    },
    ("GET", "/openapi.json"): lambda w, c, t: {},
    ("GET", "/open311/v2/requests.{format}"): lambda w, c, t: {"path": {"format": "json"}},
    ("POST", "/open311/v2/requests.{format}"): lambda w, c, t: {
        "path": {"format": "json"},
        "data": {"service_code": "imunisasi", "description": "Antrean di loket terlalu panjang."},
    },
    ("GET", "/open311/v2/requests/{service_request_id}.{format}"): lambda w, c, t: {
        "path": {"format": "xml", "service_request_id": w.tracking_number}
    },
    ("GET", "/open311/v2/services.{format}"): lambda w, c, t: {"path": {"format": "xml"}},
    ("GET", "/open311/v2/services/{service_code}.{format}"): lambda w, c, t: {
        "path": {"format": "json", "service_code": "imunisasi"}
    },
    ("GET", "/open311/v2/tokens/{token_id}.{format}"): lambda w, c, t: {
        "path": {"format": "json", "token_id": w.tracking_number}
    },
    ("GET", "/register"): lambda w, c, t: {},
    ("GET", "/register.{kind}"): lambda w, c, t: {"path": {"kind": "csv"}},
    ("GET", "/static/alur.css"): lambda w, c, t: {},
    ("GET", "/sop"): lambda w, c, t: {},
    ("GET", "/sop/{sop_id}"): lambda w, c, t: {"path": {"sop_id": MUBA_COMPLAINTS}},
    ("GET", "/sop/draf/{draft_id}"): lambda w, c, t: {"path": {"draft_id": str(uuid.uuid4())}},
    ("POST", "/sop/draf/{draft_id}/konfirmasi"): lambda w, c, t: {
        "path": {"draft_id": str(uuid.uuid4())},
        "data": {"csrf_token": t},
    },
    ("POST", "/sop/impor"): lambda w, c, t: {"data": {"csrf_token": t}},
    ("GET", "/statistik"): lambda w, c, t: {},
    ("GET", "/survei/{case_id}"): lambda w, c, t: {"params": {"t": "0" * 32}},
    ("GET", "/tugas"): lambda w, c, t: {},
    ("POST", "/survei/{case_id}"): lambda w, c, t: {"data": {"t": "0" * 32, "csrf_token": t}},
}

# Routes every caller is refused as asked here (logging out without a session, wrong credentials,
# a link that is no link, a survey token that is wrong, the clock that only an administrator
# moves and no caller here is one, a complaint's survey link that no officer hands out).
EVERYONE_REFUSED = {
    ("POST", "/aktivasi/{token}"),
    ("GET", "/aktivasi/{token}"),
    ("POST", "/keluar"),
    ("POST", "/masuk"),
    ("POST", "/api/surveys/{case_id}"),
    ("GET", "/survei/{case_id}"),
    ("POST", "/survei/{case_id}"),
    ("POST", "/api/clock/advance"),
    ("GET", "/api/surveys/{case_id}/link"),
    # The world's file is an officer's: a reporter gets only the files they sent themselves
    # (tests/test_attachments.py hands the reporter theirs).
    ("POST", "/api/track/{tracking_number}/attachments/{sha256}"),
    ("POST", "/lacak/lampiran/{sha256}"),
    # Open311 shows no confidential complaint to anyone (the world's is one): 404.
    ("GET", "/open311/v2/requests/{service_request_id}.{format}"),
    ("GET", "/open311/v2/tokens/{token_id}.{format}"),
}


def expected(audience: str, method: str, path: str, caller: str) -> str:
    if (method, path) in EVERYONE_REFUSED:
        return DENIED
    if audience == "public":
        return ALLOWED
    if audience == "reporter":
        return ALLOWED if caller == "reporter" else DENIED
    if audience == "officer":
        if caller not in OFFICERS:
            return DENIED
        about_one_case = "{case_id}" in path
        return DENIED if about_one_case and caller == "other_unit" else ALLOWED
    if audience == "administration":
        return ALLOWED if caller == "head" else DENIED
    # administrator, open311_client (an API key): no caller here is one; respondent: no right
    # token; gateway: no signature
    return DENIED


def outcome(audience: str, status: int) -> str:
    if status in (401, 403, 404, 405, 429):
        return DENIED
    if status == 422 and audience in ("reporter", "respondent"):
        return DENIED  # the credential itself (the PIN, the token) was missing
    return ALLOWED if status < 500 else f"server error {status}"


def _url(world: World, path: str, values: dict[str, str]) -> str:
    values = {"case_id": world.case_id, "tracking_number": world.tracking_number, **values}
    return path.format(**values)


async def test_every_route_answers_every_caller_as_its_policy_says(
    alur: Alur, world: World
) -> None:
    table = require_policies(build_app(AlurSettings()))
    routes = {(m, p): a for (m, p), a in table.items() if m != "HEAD"}
    assert set(routes) == set(REQUESTS), "every route needs its row here"
    wrong = []
    bodies: dict[str, list[str]] = {c: [] for c in CALLERS}
    async with alur.http(follow_redirects=False) as client:
        csrf = await form_token(client, "/lapor")
        without = await client.post("/lapor", data=COMPLAINT_FORM)
        assert (without.status_code, without.json()["error"]) == (403, "csrf_refused")
        for caller in CALLERS:
            for (method, path), audience in sorted(routes.items()):
                asked = dict(REQUESTS[(method, path)](world, caller, csrf))
                url = _url(world, path, asked.pop("path", {}))
                headers = world.officers.get(caller, {})
                response = await client.request(method, url, headers=headers, **asked)
                bodies[caller].append(response.text)
                got = outcome(audience, response.status_code)
                want = expected(audience, method, path, caller)
                if got != want:
                    wrong.append(f"{caller:10} {method:4} {path}: {response.status_code} ({want})")
    assert wrong == [], "\n".join(wrong)
    for caller in OUT_OF_SCOPE:
        leaked = [b for b in bodies[caller] if NAME in b or SUBJECT in b]
        assert leaked == [], (caller, leaked[0][:300])
    # In scope but not named by the office for it: the subject, never the reporter.
    for caller in ("unit", "auditor", "reporter"):
        assert not any(NAME in b for b in bodies[caller]), caller
    assert any(SUBJECT in b for b in bodies["unit"])


async def test_the_reporters_identity_is_shown_to_the_roles_the_office_names_and_recorded(
    alur: Alur, world: World
) -> None:
    path = f"/api/cases/{world.case_id}"
    async with alur.http() as client:
        unit = (await client.get(path, headers=world.officers["unit"])).json()
        head = (await client.get(path, headers=world.officers["head"])).json()
        after = (await client.get(path, headers=world.officers["auditor"])).json()
    assert unit["history"][0]["payload"]["reporter"]["name"] == "Dirahasiakan"
    assert head["history"][0]["payload"]["reporter"]["name"] == NAME
    viewings = [e for e in after["history"] if e["type"] == "ReporterIdentityViewed"]
    assert viewings and viewings[-1]["actor"]["role"] == "kepala_dinas"
    assert after["history"][0]["payload"]["reporter"]["name"] == "Dirahasiakan"


async def test_an_officer_of_another_unit_cannot_act_on_the_case(alur: Alur, world: World) -> None:
    async with alur.http() as client:
        response = await client.post(
            f"/api/cases/{world.case_id}/actions",
            json={"action": "submit_draft", "documents": []},
            headers=world.officers["other_unit"],
        )
    assert response.status_code == 404

    async def in_its_unit() -> bool:  # the read model knows the unit too (it follows)
        return bool(
            await alur.sql(
                "SELECT 1 FROM case_access WHERE case_id = $1 AND unit IS NOT NULL",
                uuid.UUID(world.case_id),
            )
        )

    await eventually(in_its_unit)
