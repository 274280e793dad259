"""Input limits at the HTTP edge (issue 12 item 5, issue 16 fix 3), through the app's own
middlewares, routers and error handlers on the in-memory store: the body size limit, field
lengths, control characters (JSON and the form alike), JSON nesting and numbers, the `data` of
an officer-opened case, an event larger than Kafka could carry, and NUL in the URL. Every refusal
names the field (or `body`) and records nothing."""

from __future__ import annotations

import io
import json
import os
import tempfile
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from PIL import Image

from runtime.http.errors import MAX_JSON_DEPTH
from tests.support.accounts import form_token
from tests.support.edge import COMPLAINT, COMPLAINT_SOP, KEYS, OFFICER, VISIT_SOP, edge_client

LIMIT = 200_000


@pytest.fixture
async def client() -> AsyncIterator[tuple[httpx.AsyncClient, Any]]:
    async with edge_client(max_body_bytes=LIMIT) as opened:
        yield opened


async def _refused(
    opened: tuple[httpx.AsyncClient, Any], response: httpx.Response, status: int = 422
) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert await opened[1].last_position() == 0  # nothing recorded
    is_json = response.headers["content-type"].startswith("application/json")
    return response.json() if is_json else {}


def _json(body: Any) -> bytes:
    """JSON as a client may send it (a lone surrogate escaped as `\\ud800`)."""
    return json.dumps(body).encode()


def _complaint(**changes: Any) -> dict[str, Any]:
    reporter = {**COMPLAINT["reporter"], **changes.pop("reporter", {})}
    return {**COMPLAINT, "reporter": reporter, **changes}


# -- the body size limit ------------------------------------------------------------------


async def test_a_body_over_the_limit_is_refused_with_413_before_any_route_reads_it(
    client: tuple[httpx.AsyncClient, Any],
) -> None:
    http, _ = client
    big = _complaint(description="x" * (LIMIT + 1))
    declared = await http.post("/api/complaints", json=big)
    error = await _refused(client, declared, 413)
    assert error["error"] == "payload_too_large"
    assert str(LIMIT) in error["message"]

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: chunked
        body = json.dumps(big).encode()
        for start in range(0, len(body), 4096):
            yield body[start : start + 4096]

    chunked = await http.post(
        "/api/complaints", content=chunks(), headers={"content-type": "application/json"}
    )
    assert "content-length" not in chunked.request.headers
    assert (await _refused(client, chunked, 413))["error"] == "payload_too_large"
    form = await http.post("/lapor", data={"subject": "Antrean", "description": "y" * LIMIT})
    assert (await _refused(client, form, 413))["error"] == "payload_too_large"


async def test_a_body_within_the_limit_is_read_whole_however_it_is_sent(
    client: tuple[httpx.AsyncClient, Any],
) -> None:
    http, store = client
    body = json.dumps(_complaint(description="z" * 9_000)).encode()

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 1000):
            yield body[start : start + 1000]

    accepted = await http.post(
        "/api/complaints", content=chunks(), headers={"content-type": "application/json"}
    )
    assert accepted.status_code == 201, accepted.text
    assert await store.last_position() == 1


# -- lengths and control characters, JSON and the form ------------------------------------

TOO_LONG = [
    ({"reporter": {"name": "N" * 201}}, "reporter.name"),
    ({"reporter": {"email": "a" * 250 + "@b.id"}}, "reporter.email"),
    ({"reporter": {"phone": "1" * 31}}, "reporter.phone"),
    ({"subject": "S" * 201}, "subject"),
    ({"description": "D" * 10_001}, "description"),
    ({"category": "C" * 101}, "category"),
]
CONTROL = [
    ({"subject": "Obat\x00habis"}, "subject"),
    ({"subject": "Obat habis\ndi Puskesmas"}, "subject"),  # one line: no newline
    ({"subject": "Obat\thabis"}, "subject"),
    ({"reporter": {"name": "Siti\x1bAminah"}}, "reporter.name"),
    ({"category": "obat\x85murah"}, "category"),  # C1
    ({"description": "Obat hipertensi\x07 habis sejak seminggu."}, "description"),
    ({"description": "Obat hipertensi \ud800 habis sejak seminggu."}, "description"),
    ({"description": "Obat hipertensi \x7f habis sejak seminggu."}, "description"),
]


@pytest.mark.parametrize(("changes", "field"), TOO_LONG + CONTROL)
async def test_a_field_too_long_or_holding_a_control_character_is_refused_naming_it(
    client: tuple[httpx.AsyncClient, Any], changes: dict[str, Any], field: str
) -> None:
    http, _ = client
    response = await http.post("/api/complaints", content=_json(_complaint(**changes)))
    error = await _refused(client, response)
    assert (error["error"], error["field"]) == ("invalid_input", field)
    # An officer bringing the same complaint in (a letter) is refused the same way.
    letter = {"sop": COMPLAINT_SOP, "data": _complaint(**changes)}
    brought = await http.post("/api/cases", content=_json(letter), headers=OFFICER)
    assert (await _refused(client, brought))["field"] == f"data.{field}"


FORM_FIELDS = {"reporter.name": "reporter_name", "subject": "subject", "category": "category"}
FORM_LABELS = {"reporter.name": "Nama", "subject": "Perihal", "category": "Kategori"}


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ("Obat\x00habis", "subject"),
        ("Obat habis\r\ndi Puskesmas", "subject"),
        ("Siti\x1bAminah", "reporter.name"),
        ("C" * 101, "category"),
    ],
)
async def test_the_form_refuses_the_same_fields_and_says_which(
    client: tuple[httpx.AsyncClient, Any], value: str, field: str
) -> None:
    http, _ = client
    form = {
        "reporter_name": "Siti Aminah",
        "subject": "Obat habis",
        "description": "Obat hipertensi habis sejak seminggu.",
        FORM_FIELDS[field]: value,
    }
    page = await http.post("/lapor", data={**form, "csrf_token": await form_token(http, "/lapor")})
    await _refused(client, page)
    assert f"{FORM_LABELS[field]}: " in page.text


async def test_tabs_and_newlines_stay_in_a_description_a_forms_crlf_becomes_a_newline(
    client: tuple[httpx.AsyncClient, Any],
) -> None:
    http, store = client
    text = "Obat habis:\r\n\t- amlodipin\r\n\t- kaptopril"
    page = await http.post(
        "/lapor",
        data={
            "reporter_name": "Siti Aminah",
            "subject": "Obat habis",
            "description": text,
            "csrf_token": await form_token(http, "/lapor"),
        },
    )
    assert page.status_code == 201, page.text
    (stored,) = await store.read_after(0, 10)
    description = await KEYS.reveal(stored.payload["description"])
    assert description == "Obat habis:\n\t- amlodipin\n\t- kaptopril"


# -- JSON itself ----------------------------------------------------------------------------


def _nested(depth: int) -> bytes:
    """`depth` objects, one inside the other."""
    return b'{"a":' * depth + b"1" + b"}" * depth


@pytest.mark.parametrize(
    "body",
    [
        _nested(MAX_JSON_DEPTH + 1),
        b"[" * 50_000 + b"]" * 50_000,  # past the parser's own recursion limit
        b'{"subject": NaN}',
        b'{"subject": 1e400}',
        b'{"subject": ' + b"9" * 5_000 + b"}",  # past Python's integer-string limit
        b'{"subject": "unterminated',
        b"\xff\xfe",
    ],
    ids=["depth-33", "depth-50000", "nan", "infinity", "5000-digits", "truncated", "not-utf8"],
)
async def test_json_that_is_too_deep_or_not_finite_is_a_422_never_a_500(
    client: tuple[httpx.AsyncClient, Any], body: bytes
) -> None:
    http, _ = client
    for path, headers in (("/api/complaints", {}), ("/api/cases", OFFICER)):
        response = await http.post(
            path, content=body, headers={**headers, "content-type": "application/json"}
        )
        assert (await _refused(client, response))["field"] == "body", path


async def test_json_nested_up_to_the_limit_is_read(client: tuple[httpx.AsyncClient, Any]) -> None:
    http, _ = client
    response = await http.post(
        "/api/complaints", content=_nested(MAX_JSON_DEPTH), headers={"content-type": "a/json"}
    )
    assert response.status_code == 422
    assert response.json()["field"] not in ("body", None)  # read, then refused field by field


# -- the data of an officer-opened case -----------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"nama": {"depan": {"kata": "Rina"}}}, "data.nama.depan"),
        ({f"isian{i}": i for i in range(51)}, "data"),
        ({"nama": "R" * 5_001}, "data.nama"),
        ({"nama": "Rina\x00"}, "data.nama"),
        ({"nama": "Rina\x1b"}, "data.nama"),
        ({"k" * 65: "Rina"}, "data"),
        ({"": "Rina"}, "data"),
        ({"jumlah": 2**60}, "data.jumlah"),
        ({"daftar": list(range(51))}, "data.daftar"),
        ({f"isi{i}": "a" * 5_000 for i in range(14)}, "data"),  # over 64 KiB as JSON
    ],
    ids=[
        "depth-3",
        "51-members",
        "long-text",
        "nul",
        "escape",
        "long-key",
        "empty-key",
        "big-integer",
        "long-list",
        "64-kib",
    ],
)
async def test_a_visits_data_outside_the_rule_is_refused_naming_where(
    client: tuple[httpx.AsyncClient, Any], data: dict[str, Any], field: str
) -> None:
    http, _ = client
    response = await http.post("/api/cases", json={"sop": VISIT_SOP, "data": data}, headers=OFFICER)
    error = await _refused(client, response)
    assert (error["error"], error["field"]) == ("invalid_input", field)
    acted = await http.post(  # an action's data follows the same rule (checked before the case)
        "/api/cases/00000000-0000-0000-0000-000000000000/actions",
        json={"action": "greet_visitor", "data": data},
        headers=OFFICER,
    )
    assert (await _refused(client, acted))["field"] == field


async def test_a_visits_flat_data_within_the_rule_opens_the_case(
    client: tuple[httpx.AsyncClient, Any],
) -> None:
    http, store = client
    data = {
        "nama": "dr. Rina\nApotek Sehat",
        "jumlah": 3,
        "nilai": 4.5,
        "hadir": True,
        "catatan": None,
        "skm": {"u1": 4, "u2": 3},
        "berkas": ["KTP", "Surat izin"],
    }
    response = await http.post("/api/cases", json={"sop": VISIT_SOP, "data": data}, headers=OFFICER)
    assert response.status_code == 201, response.text
    (stored,) = await store.read_after(0, 10)
    # Stored sealed, its shape kept: texts are ciphertext, numbers and the scores are not.
    assert stored.payload["data"]["jumlah"] == 3 and stored.payload["data"]["skm"] == data["skm"]
    assert "Rina" not in str(stored.payload)
    assert await KEYS.reveal_tree(stored.payload["data"]) == data


# -- an event larger than Kafka could carry -------------------------------------------------


async def test_an_event_larger_than_the_store_accepts_is_refused_with_413() -> None:
    async with edge_client(max_event_bytes=2048) as (http, store):
        response = await http.post("/api/complaints", json=_complaint(description="d" * 3_000))
        assert response.status_code == 413, response.text
        assert response.json()["error"] == "payload_too_large"
        assert await store.last_position() == 0
        # A sealed description takes about 4/3 of its text, plus its envelope (privacy/).
        fits = await http.post("/api/complaints", json=_complaint(description="d" * 700))
        assert fits.status_code == 201, fits.text


# -- the URL --------------------------------------------------------------------------------


async def test_a_nul_in_a_query_parameter_or_the_path_never_reaches_the_database(
    client: tuple[httpx.AsyncClient, Any],
) -> None:
    http, _ = client
    query = await http.get("/register.csv?q=obat%00habis", headers=OFFICER)
    error = await _refused(client, query)
    assert (error["error"], error["field"]) == ("invalid_input", "q")
    path = await http.post("/api/track/ADU-2026-%00/reply", json={"pin": "1", "message": "x"})
    assert (await _refused(client, path, 404))["error"] == "not_found"


async def test_a_large_uploaded_file_never_touches_the_disk_before_it_is_sealed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_disk(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("an upload was spooled to a temporary file")

    # A PNG of about 3 MB (random pixels do not compress), as a photo from a phone would be.
    image = Image.frombytes("RGB", (1024, 1024), os.urandom(1024 * 1024 * 3))
    photo = io.BytesIO()
    image.save(photo, "PNG")
    assert photo.tell() > 2 * 1024 * 1024
    async with edge_client() as (http, store):
        monkeypatch.setattr(tempfile, "TemporaryFile", no_disk)
        page = await http.post(
            "/lapor",
            data={
                "reporter_name": "Siti Aminah",
                "subject": "Foto antrean",
                "description": "Antrean di loket pendaftaran sampai ke halaman.",
                "csrf_token": await form_token(http, "/lapor"),
            },
            files={"lampiran": ("antrean.png", photo.getvalue(), "image/png")},
        )
        assert page.status_code == 201, page.text
        assert [e.type for e in await store.read_after(0, 10)] == [
            "ComplaintReceived",
            "AttachmentAdded",
        ]
