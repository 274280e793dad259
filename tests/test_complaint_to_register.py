"""A complaint travels from the web form or API, through the store and Kafka, to the register."""

from __future__ import annotations

import re

from tests.support.accounts import form_token
from tests.support.sandbox import Alur
from tests.support.seed_cases import COMPLAINT
from tests.support.waiting import eventually


async def _row(alur: Alur, tracking_number: str) -> dict | None:
    return next((r for r in await alur.register() if r["tracking_number"] == tracking_number), None)


async def test_a_complaint_posted_over_http_appears_in_the_register(alur: Alur) -> None:
    async with alur.http(headers=alur.auditor) as client:
        response = await client.post("/api/complaints", json=COMPLAINT)
    assert response.status_code == 201, response.text
    receipt = response.json()
    assert re.fullmatch(r"ADU-\d{4}-\d{6}", receipt["tracking_number"])
    assert re.fullmatch(r"\d{6}", receipt["pin"])

    async def registered() -> dict | None:
        return await _row(alur, receipt["tracking_number"])

    row = await eventually(registered)
    assert row["case_id"] == receipt["case_id"]
    assert row["reporter"] == "Siti Aminah"
    assert row["subject"] == COMPLAINT["subject"]
    assert row["channel"] == "web"
    assert row["status"] == "Pengaduan diterima"


async def test_the_register_hides_an_anonymous_reporter(alur: Alur) -> None:
    anonymous = {**COMPLAINT, "anonymous": True, "reporter": {"name": "Budi", "email": "b@x.id"}}
    async with alur.http(headers=alur.auditor) as client:
        receipt = (await client.post("/api/complaints", json=anonymous)).json()

    async def registered() -> dict | None:
        return await _row(alur, receipt["tracking_number"])

    row = await eventually(registered)
    assert row["reporter"] is None
    async with alur.http(headers=alur.auditor) as client:
        page = (await client.get("/register")).text
    assert receipt["tracking_number"] in page
    assert "Budi" not in page
    stored = await alur.sql(
        "SELECT state FROM casestore_events WHERE originator_id = $1::uuid", receipt["case_id"]
    )
    assert b"Budi" not in stored[0]["state"], "an anonymous reporter's name is never recorded"


async def test_the_public_form_gives_a_tracking_number_and_pin_that_track_the_case(
    alur: Alur,
) -> None:
    form = {
        "reporter_name": "Rahmat",
        "reporter_phone": "081234567890",
        "subject": "Petugas tidak ramah",
        "description": "Petugas loket pendaftaran membentak pasien lansia.",
    }
    async with alur.http(headers=alur.auditor) as client:
        page = await client.post(
            "/lapor", data={**form, "csrf_token": await form_token(client, "/lapor")}
        )
        assert page.status_code == 201
        assert "Pengaduan Anda telah diterima" in page.text
        number = re.search(r'id="tracking-number">([^<]+)<', page.text).group(1)
        pin = re.search(r'id="pin">(\d{6})<', page.text).group(1)

        tracked = await client.post(f"/api/track/{number}", json={"pin": pin})
        assert tracked.status_code == 200
        assert tracked.json()["status"] == "Pengaduan diterima"
        wrong_pin = "000000" if pin != "000000" else "111111"
        refused = await client.post(f"/api/track/{number}", json={"pin": wrong_pin})
        assert refused.status_code == 404


async def test_the_register_hides_the_content_of_a_confidential_complaint(alur: Alur) -> None:
    secret = {**COMPLAINT, "confidential": True, "subject": "Pungutan liar oleh petugas loket"}
    async with alur.http(headers=alur.auditor) as client:
        receipt = (await client.post("/api/complaints", json=secret)).json()

    async def registered() -> dict | None:
        return await _row(alur, receipt["tracking_number"])

    row = await eventually(registered)
    assert row["subject"] == "Dirahasiakan"
    async with alur.http(headers=alur.auditor) as client:
        page = (await client.get("/register")).text
    assert "Pungutan liar" not in page
    assert re.search(r"\d{2}-\d{2}-\d{4} \d{2}:\d{2} WIB", page), "times are shown in WIB"
