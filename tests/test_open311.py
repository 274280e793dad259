"""Open311 GeoReport v2 at /open311/v2/, through the running app: every JSON answer valid against
the published schemas (tests/support/open311_schemas.py), a request posted with an API key from
`alur open311 keys create` reaching the register and the officer's queue, refusals in the
spec's error array, XML with the spec's root elements, and no personal data in any GET."""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.support.accounts import cli
from tests.support.casework import Officer
from tests.support.open311_schemas import PUBLISHED, SCHEMAS, check
from tests.support.sandbox import Alur
from tests.support.waiting import eventually

V2 = "/open311/v2"
MARK = uuid.uuid4().hex[:6]
FIRST, LAST = "Rukmini", f"Open311 {MARK}"
EMAIL, PHONE = f"rukmini.{MARK}@contoh.id", "+6281377770000"
DESCRIPTION = f"Vaksin campak habis di posyandu sejak dua minggu ({MARK})."
ADDRESS = f"Jalan Merdeka {MARK}, Sekayu"
REQUEST = {
    "service_code": "imunisasi",
    "first_name": FIRST,
    "last_name": LAST,
    "email": EMAIL,
    "phone": PHONE,
    "description": DESCRIPTION,
    "address_string": ADDRESS,
    "lat": "-2.8833",
    "long": "103.8500",
    "attribute[perihal]": "Vaksin campak habis",
}
# What the reporter sent that no GET may show: who they are, what they wrote, where.
PERSONAL = (FIRST, LAST, EMAIL, PHONE, "81377770000", DESCRIPTION, ADDRESS, "103.85", "Vaksin c")


@dataclass(frozen=True)
class Posted:
    key: str
    number: str  # the plain complaint's service_request_id
    secret: str  # a confidential one's
    notice: str


@pytest.fixture(scope="module")
async def posted(alur: Alur) -> Posted:
    done = await cli(alur, "open311", "keys", "create", "Aplikasi Warga Uji")
    assert done.returncode == 0, done.stderr
    key = done.stdout.strip().splitlines()[-1]
    async with alur.http() as client:
        answer = await client.post(f"{V2}/requests.json", data={"api_key": key, **REQUEST})
        assert answer.status_code == 200, answer.text
        reply = check("RequestResponse", answer.json())[0]
        confidential = {**REQUEST, "attribute[rahasia]": "ya", "api_key": key}
        secret = await client.post(f"{V2}/requests.xml", data=confidential)
    assert secret.status_code == 200, secret.text
    root = ET.fromstring(secret.content)
    assert root.tag == "service_requests"
    return Posted(
        key, reply["service_request_id"], root.findtext("request/service_request_id") or "",
        reply["service_notice"],
    )  # fmt: skip


def test_the_published_schemas_are_there_to_validate_against() -> None:
    if not PUBLISHED:
        pytest.skip(f"the GeoReport v2 schemas are not at {SCHEMAS}: JSON answers not validated")
    assert (SCHEMAS / "requests.json").is_file()


async def test_the_services_are_the_offices_complaint_categories(alur: Alur) -> None:
    async with alur.http() as client:
        listed = check("services", (await client.get(f"{V2}/services.json")).json())
        codes = {s["service_code"]: s for s in listed}
        assert {"imunisasi", "pelayanan-puskesmas", "lainnya"} <= set(codes)
        assert codes["imunisasi"]["group"] == "Bidang Pencegahan dan Pengendalian Penyakit"
        definition = (await client.get(f"{V2}/services/imunisasi.json")).json()
        check("service-definition", definition)
        assert {a["code"] for a in definition["attributes"]} == {"perihal", "anonim", "rahasia"}
        xml = await client.get(f"{V2}/services.xml")
        assert xml.headers["content-type"].startswith("text/xml")
        root = ET.fromstring(xml.content)
        assert root.tag == "services"
        assert {s.findtext("service_code") for s in root.findall("service")} == set(codes)
        defined = ET.fromstring((await client.get(f"{V2}/services/imunisasi.xml")).content)
        assert defined.tag == "service_definition"
        assert defined.find("attributes/attribute/values/value/key") is not None
        unknown = await client.get(f"{V2}/services/tidak-ada.json")
        assert unknown.status_code == 404
        _error(unknown, 404)
        assert (await client.get(f"{V2}/services.yaml")).status_code == 404


async def test_posting_needs_a_working_api_key_and_names_a_bad_field(
    alur: Alur, posted: Posted
) -> None:
    async with alur.http() as client:
        for key in ("o311_salah", None):
            data = {**REQUEST, **({"api_key": key} if key else {})}
            refused = await client.post(f"{V2}/requests.json", data=data)
            assert refused.status_code == 403, refused.text
            _error(refused, 403)
        as_xml = await client.post(f"{V2}/requests.xml", data={**REQUEST, "api_key": "x"})
        root = ET.fromstring(as_xml.content)
        assert (as_xml.status_code, root.tag, root.findtext("error/code")) == (403, "errors", "403")
        for field, value in (("lat", "utara"), ("service_code", "tidak-ada"), ("email", "bukan")):
            bad = await client.post(
                f"{V2}/requests.json", data={**REQUEST, field: value, "api_key": posted.key}
            )
            assert bad.status_code == 400, (field, bad.text)
            assert _error(bad, 400).startswith(field), bad.text
    assert re.fullmatch(r"ADU-\d{4}-\d{6}", posted.number)
    assert posted.number in posted.notice and "PIN" in posted.notice


async def test_a_posted_request_reaches_the_register_and_the_officers_queue(
    alur: Alur, posted: Posted, petugas: Officer
) -> None:
    async def registered() -> dict[str, Any] | None:
        rows = await alur.register()
        return next((r for r in rows if r["tracking_number"] == posted.number), None)

    row = await eventually(registered)
    assert (row["channel"], row["category"], row["subject"]) == (
        "open311", "imunisasi", "Vaksin campak habis",
    )  # fmt: skip
    assert row["reporter"] == f"{FIRST} {LAST}"

    async def queued() -> bool:
        async with alur.http(headers=petugas.headers) as client:
            # Searched by its number: the shared sandbox's queue holds many pages of cases.
            page = await client.get("/tugas", params={"q": posted.number})
            return posted.number in page.text

    await eventually(queued)


async def test_requests_are_listed_without_personal_data(alur: Alur, posted: Posted) -> None:
    async def listed() -> dict[str, Any] | None:
        async with alur.http() as client:
            found = (await client.get(f"{V2}/requests.json")).json()
        return next((r for r in found if r["service_request_id"] == posted.number), None)

    request = await eventually(listed)  # the register is a read model: it follows
    assert request["status"] == "open"
    assert (request["service_code"], request["service_name"]) == ("imunisasi", "Imunisasi")
    assert request["status_notes"]
    now = datetime.now(UTC)
    bodies = []
    async with alur.http() as client:
        for path, params in (
            ("requests.json", {}),
            ("requests.json", {"service_request_id": f"{posted.number},{posted.secret}"}),
            ("requests.json", {"service_code": "imunisasi,lainnya", "status": "open"}),
            ("requests.json", {"start_date": (now - timedelta(days=1)).isoformat()}),
            (f"requests/{posted.number}.json", {}),
        ):
            answer = await client.get(f"{V2}/{path}", params=params)
            assert answer.status_code == 200, (path, answer.text)
            found = check("requests", answer.json())
            assert posted.number in {r["service_request_id"] for r in found}, (path, params)
            assert posted.secret not in answer.text, "a confidential complaint is left out"
            bodies.append(answer.text)
        for params in (
            {"service_code": "lainnya"},
            {"status": "closed"},
            {"start_date": (now + timedelta(days=1)).isoformat()},
        ):
            found = (await client.get(f"{V2}/requests.json", params=params)).json()
            assert posted.number not in {r["service_request_id"] for r in found}, params
        token = await client.get(f"{V2}/tokens/{posted.number}.json")
        assert check("TokenResponse", token.json())[0]["service_request_id"] == posted.number
        xml = await client.get(f"{V2}/requests/{posted.number}.xml")
        root = ET.fromstring(xml.content)
        assert (root.tag, root.findtext("request/service_request_id")) == (
            "service_requests", posted.number,
        )  # fmt: skip
        bodies += [token.text, xml.text]
        for path in (f"requests/{posted.secret}.json", f"tokens/{posted.secret}.json"):
            hidden = await client.get(f"{V2}/{path}")
            assert hidden.status_code == 404, path
            _error(hidden, 404)
        for params, field in (
            ({"status": "dibuka"}, "status"),
            ({"start_date": "kemarin"}, "start_date"),
            ({"start_date": "2026-01-01", "end_date": "2026-06-01"}, "end_date"),
        ):
            bad = await client.get(f"{V2}/requests.json", params=params)
            assert bad.status_code == 400, params
            assert _error(bad, 400).startswith(field)
    leaked = [(p, b[:200]) for b in bodies for p in PERSONAL if p in b]
    assert leaked == []


def _error(response: httpx.Response, status: int) -> str:
    """The description of the spec's one-error array (its code checked)."""
    errors = response.json()
    assert isinstance(errors, list) and len(errors) == 1, errors
    assert set(errors[0]) == {"code", "description"} and errors[0]["code"] == status, errors
    return errors[0]["description"]
