"""The satisfaction survey (SKM): the public questionnaire after a closed complaint or a visit,
recorded once as a SurveySubmitted event, counted in the IKM of its service unit.

This module runs its own sandbox: its office configuration names the service units and
weights the first element double (DOMAIN.md §5: weights are the office's), so the IKM it reads
holds exactly this module's surveys.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import yaml

from office.config import DEFAULT_OFFICE
from tests.support.accounts import form_token
from tests.support.casework import (
    Officer,
    case,
    do,
    new_officers,
    open_case,
    published_types,
    work,
)
from tests.support.sandbox import Alur
from tests.support.seed_cases import (
    MUBA_COMPLAINTS,
    complaint_office,
    file_complaint,
    to_the_survey,
    visit_sop,
)
from tests.support.waiting import eventually

VISIT_SOP = "pelayanan-satu-pintu-dinkes-muba"
COMPLAINT_UNIT = "Unit Pengaduan Masyarakat"
VISIT_UNIT = "Pelayanan Satu Pintu"
CODES = [f"u{i}" for i in range(1, 10)]
OFFICE = {
    **yaml.safe_load(DEFAULT_OFFICE.read_text(encoding="utf-8")),
    "survey": {
        "weights": {"u1": 0.2, **{code: 0.1 for code in CODES[1:]}},
        "units": {MUBA_COMPLAINTS: COMPLAINT_UNIT, VISIT_SOP: VISIT_UNIT},
    },
}
pytestmark = pytest.mark.sandbox("survey", office=OFFICE)


async def _closed_complaint(alur: Alur, client: httpx.AsyncClient) -> tuple[str, str, str]:
    """A complaint worked from receipt to archive: (case id, tracking number, pin)."""
    office = await complaint_office(alur)
    receipt = await file_complaint(client)
    case_id, number, pin = receipt["case_id"], receipt["tracking_number"], receipt["pin"]
    for officer, action, *fields in [*office.to_the_team(), *office.to_the_reporter()]:
        # The survey is not offered while the complaint is being handled.
        track = await client.post(f"/api/track/{number}", json={"pin": pin})
        assert track.json()["survey_url"] is None, track.text
        await do(client, case_id, officer, action, **(fields[0] if fields else {}))
    done = await do(client, case_id, office.petugas, "archive")
    assert done["status"] == "closed"
    # Closed, its survey is offered: on the reporter's tracking page, never to an officer.
    link = await client.get(f"/api/surveys/{case_id}/link", headers=office.petugas.headers)
    assert link.status_code == 403, link.text
    return case_id, number, pin


async def _visit(client: httpx.AsyncClient, satpam: Officer) -> str:
    opened = await open_case(client, satpam, await visit_sop(client), {"tujuan": "Seksi Farmasi"})
    return opened["case_id"]


async def _unit(
    client: httpx.AsyncClient, alur: Alur, unit: str, **period: Any
) -> dict[str, Any] | None:
    """The unit's IKM as an officer reads it (survey answers go without credentials)."""
    response = await client.get("/api/ikm", params=period, headers=alur.auditor)
    assert response.status_code == 200, response.text
    return next((u for u in response.json()["units"] if u["unit"] == unit), None)


def _form(scores: dict[str, int], token: str, saran: str = "", csrf: str = "") -> dict[str, str]:
    return {
        "t": token,
        "saran": saran,
        "csrf_token": csrf,
        **{k: str(v) for k, v in scores.items()},
    }


async def test_the_reporter_of_a_closed_complaint_answers_the_survey_once_and_the_ikm_counts_it(
    alur: Alur,
) -> None:
    async with alur.http() as client:
        case_id, tracking_number, pin = await _closed_complaint(alur, client)
        track = await client.post(f"/api/track/{tracking_number}", json={"pin": pin})
        survey_url = track.json()["survey_url"]
        assert survey_url.startswith(f"/survei/{case_id}?t=")
        lacak = {
            "nomor": tracking_number,
            "pin": pin,
            "csrf_token": await form_token(client, "/lacak"),
        }
        page = await client.post("/lacak", data=lacak)
        assert "Survei Kepuasan Masyarakat" in page.text and survey_url in page.text.replace(
            "&amp;", "&"
        )
        token = survey_url.split("t=", 1)[1]

        form = await client.get(survey_url)
        assert form.status_code == 200
        for element in ("Persyaratan", "Waktu Penyelesaian", "Sarana dan Prasarana"):
            assert element in form.text
        assert form.text.count('type="radio"') == 9 * 4

        # The first element (weight 0.2) is poor, the other eight (0.1 each) very good.
        answers = {"u1": 1, **{code: 4 for code in CODES[1:]}}
        sent = await client.post(
            f"/survei/{case_id}",
            data=_form(
                answers, token, "Loket farmasi perlu ditambah", await form_token(client, "/lapor")
            ),
        )
        assert sent.status_code == 201, sent.text
        assert "Terima kasih" in sent.text

        csrf = await form_token(client, "/lapor")
        again = await client.post(f"/survei/{case_id}", data=_form(answers, token, csrf=csrf))
        assert again.status_code == 409
        assert "Survei sudah diisi" in again.text
        api_again = await client.post(
            f"/api/surveys/{case_id}", params={"t": token}, json={"skm": answers}
        )
        assert api_again.status_code == 409
        assert api_again.json() == {"error": "already_submitted", "message": "survei sudah diisi"}
        track = await client.post(f"/api/track/{tracking_number}", json={"pin": pin})
        assert track.json()["survey_url"] is None

        async def counted() -> dict[str, Any] | None:
            return await _unit(client, alur, COMPLAINT_UNIT)

        unit = await eventually(counted)
        # IKM = 0.2 × 1 + 0.8 × 4 = 3.4 → 85 → B; with equal weights it would be 3.667 → A.
        assert unit["respondents"] == 1
        assert unit["nrr"] == {"u1": 1.0, **{code: 4.0 for code in CODES[1:]}}
        assert (unit["ikm"], unit["converted"], unit["grade"], unit["grade_label"]) == (
            3.4, 85.0, "B", "Baik",
        )  # fmt: skip
        assert await _unit(client, alur, COMPLAINT_UNIT, year=2001) is None

    types = await published_types(alur, "complaint", case_id, 11)
    assert types[-1] == "SurveySubmitted"
    assert types.count("SurveySubmitted") == 1


async def test_bad_answers_are_refused_naming_the_element_and_record_nothing(alur: Alur) -> None:
    (satpam,) = await new_officers(alur, "satpam")
    async with alur.http() as client:
        case_id = await _visit(client, satpam)
        link = await client.get(f"/api/surveys/{case_id}/link", headers=satpam.headers)
        assert link.status_code == 200, link.text
        token = link.json()["url"].split("t=", 1)[1]
        before = len((await case(client, case_id, satpam))["history"])
        complete = dict.fromkeys(CODES, 3)

        for body, field in (
            ({"skm": {**complete, "u3": None}}, "skm.u3"),
            ({"skm": {**complete, "u4": 5}}, "skm.u4"),
            ({"skm": {k: v for k, v in complete.items() if k != "u9"}}, "skm.u9"),
            ({"skm": complete, "nilai": 4}, "nilai"),
        ):
            refused = await client.post(f"/api/surveys/{case_id}", params={"t": token}, json=body)
            assert refused.status_code == 422, body
            assert refused.json()["field"] == field
            assert refused.json()["error"] == "invalid_input"

        typed = {k: v for k, v in complete.items() if k != "u6"}
        csrf = await form_token(client, "/lapor")
        page = await client.post(
            f"/survei/{case_id}", data=_form(typed, token, "Ruang tunggu", csrf)
        )
        assert page.status_code == 422
        assert "Kompetensi Pelaksana" in page.text  # the element left unanswered
        assert page.text.count("checked") == 8  # what was typed is kept
        assert "Ruang tunggu" in page.text

        wrong = await client.post(
            f"/api/surveys/{case_id}", params={"t": "0" * 32}, json={"skm": complete}
        )
        assert wrong.status_code == 404
        assert (await client.get(f"/survei/{case_id}", params={"t": "x"})).status_code == 404
        after = len((await case(client, case_id, satpam))["history"])
        assert after == before


async def test_visits_count_for_their_unit_from_the_guest_and_from_the_officers_survey_step(
    alur: Alur,
) -> None:
    satpam, resepsionis, layanan = await new_officers(
        alur, "satpam", "resepsionis", "petugas_layanan"
    )
    async with alur.http() as client:
        # A guest answers through the link the receptionist gives.
        guest_visit = await _visit(client, satpam)
        link = (await client.get(f"/api/surveys/{guest_visit}/link", headers=satpam.headers)).json()
        token = link["url"].split("t=", 1)[1]
        sent = await client.post(
            f"/api/surveys/{guest_visit}", params={"t": token},
            json={"skm": dict.fromkeys(CODES, 4), "saran": "Ramah"},
        )  # fmt: skip
        assert sent.status_code == 201, sent.text
        recorded = await case(client, guest_visit, satpam)
        survey = recorded["history"][-1]
        assert survey["type"] == "SurveySubmitted"

        # The visit SOP's own survey step, recorded by the officer with the answers.
        officer_visit = await _visit(client, satpam)
        await work(client, officer_visit, to_the_survey(resepsionis, layanan))
        await do(
            client, officer_visit, layanan, "submit_survey",
            data={"skm": dict.fromkeys(CODES, 3), "saran": "Antrian cepat"},
        )  # fmt: skip
        await do(client, officer_visit, satpam, "escort_out")
        # Answered at the desk: the public link is not offered any more.
        again = await client.get(f"/api/surveys/{officer_visit}/link", headers=satpam.headers)
        assert again.status_code == 409

        async def both_counted() -> dict[str, Any] | None:
            unit = await _unit(client, alur, VISIT_UNIT)
            return unit if unit and unit["respondents"] == 2 else None

        unit = await eventually(both_counted)
        assert unit["nrr"] == dict.fromkeys(CODES, 3.5)
        assert (unit["ikm"], unit["converted"], unit["grade"]) == (3.5, 87.5, "B")

        refused = await client.get("/api/ikm", params={"semester": 3}, headers=alur.auditor)
        assert refused.status_code == 422
        assert refused.json()["field"] == "semester"


async def test_an_officer_hands_a_visitor_the_link_but_never_a_complaints_and_never_answers(
    alur: Alur,
) -> None:
    (satpam,) = await new_officers(alur, "satpam")
    async with alur.http() as client:
        receipt = await file_complaint(client)
        # A complaint's link is its reporter's, on their own tracking page.
        refused = await client.get(
            f"/api/surveys/{receipt['case_id']}/link", headers=satpam.headers
        )
        assert refused.status_code == 403, refused.text
        assert refused.json()["error"] == "forbidden"

        visit = await _visit(client, satpam)
        link = await client.get(f"/api/surveys/{visit}/link", headers=satpam.headers)
        assert link.status_code == 200, link.text
        token = link.json()["url"].split("t=", 1)[1]
        before = len((await case(client, visit, satpam))["history"])
        answers = dict.fromkeys(CODES, 4)
        for credentials in (satpam.headers, {"Authorization": "Bearer bukan-token"}):
            api = await client.post(
                f"/api/surveys/{visit}", params={"t": token}, json={"skm": answers},
                headers=credentials,
            )  # fmt: skip
            assert api.status_code == 403, api.text
            assert api.json()["error"] == "forbidden"
            csrf = await form_token(client, "/lapor")
            page = await client.post(
                f"/survei/{visit}", data=_form(answers, token, csrf=csrf), headers=credentials
            )
            assert page.status_code == 403
            assert "tidak dengan akun petugas" in page.text
        assert len((await case(client, visit, satpam))["history"]) == before

        # The visitor, on their own, with the link.
        url = f"/api/surveys/{visit}"
        sent = await client.post(url, params={"t": token}, json={"skm": answers})
        assert sent.status_code == 201, sent.text
