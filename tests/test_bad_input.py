"""Bad input is refused with the field and the reason, and nothing is recorded anywhere."""

from __future__ import annotations

import pytest

from tests.support.accounts import form_token
from tests.support.sandbox import Alur
from tests.support.seed_cases import COMPLAINT


async def _recorded(alur: Alur) -> tuple[int, int, int]:
    events = await alur.sql("SELECT count(*) AS n FROM casestore_events")
    numbers = await alur.sql("SELECT count(*) AS n FROM intake_tracking")
    register = await alur.sql("SELECT count(*) AS n FROM complaint_register")
    return events[0]["n"], numbers[0]["n"], register[0]["n"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**COMPLAINT, "channel": "fax"}, "channel"),
        ({**COMPLAINT, "subject": ""}, "subject"),
        ({k: v for k, v in COMPLAINT.items() if k != "description"}, "description"),
        ({**COMPLAINT, "reporter": {"name": "A", "email": "not-an-address"}}, "reporter.email"),
        ({**COMPLAINT, "reporter": {"email": "a@b.id"}}, "reporter.name"),
        ({**COMPLAINT, "anonymous": "perhaps"}, "anonymous"),
        ({**COMPLAINT, "priority": "high"}, "priority"),
    ],
)
async def test_invalid_complaints_are_refused_naming_the_field_and_record_nothing(
    alur: Alur, body: dict, field: str
) -> None:
    before = await _recorded(alur)
    async with alur.http() as client:
        response = await client.post("/api/complaints", json=body)
    assert response.status_code == 422
    error = response.json()
    assert error["error"] == "invalid_input"
    assert error["field"] == field
    assert error["message"]
    assert await _recorded(alur) == before


async def test_a_body_that_is_not_json_is_refused(alur: Alur) -> None:
    async with alur.http() as client:
        response = await client.post(
            "/api/complaints", content=b"{not json", headers={"content-type": "application/json"}
        )
    assert response.status_code == 422
    assert response.json()["field"] == "body"


async def test_the_form_shows_the_error_in_bahasa_indonesia_and_keeps_the_input(alur: Alur) -> None:
    before = await _recorded(alur)
    async with alur.http() as client:
        page = await client.post(
            "/lapor",
            data={
                "reporter_name": "Rahmat",
                "reporter_email": "salah",
                "subject": "Antrean",
                "description": "Antrean terlalu panjang sekali.",
                "csrf_token": await form_token(client, "/lapor"),
            },
        )
    assert page.status_code == 422
    assert "Surel: alamat surel tidak valid" in page.text
    assert 'value="Rahmat"' in page.text
    assert await _recorded(alur) == before
