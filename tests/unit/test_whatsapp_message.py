"""A WhatsApp gateway's message, checked, and where its media come from (no I/O beyond a mock
transport): the sender's number in its international form, the complaint's subject and
description from the text, and media URLs fetched only from the allowed hosts, within the
size limit, without following a redirect."""

from __future__ import annotations

import httpx
import pytest

from runtime.http.errors import FieldRefused, HttpError
from runtime.signatures import signature, signature_problem, signed_headers
from services.intake.submission import parse
from services.intake.whatsapp_message import NO_TEXT, GatewayMessage, Media, MediaSource


def _message(**fields: object) -> GatewayMessage:
    return parse(GatewayMessage, {"message_id": "m1", "from": "0812 3456 7890", **fields})


def test_the_subject_is_the_first_line_and_the_number_is_international() -> None:
    long = (
        "Pelayanan di Puskesmas Sekayu sangat lambat dan petugas tidak ramah sama sekali hari ini"
    )
    message = _message(text=f"{long}\nBaris kedua.")
    assert message.phone == "+6281234567890"
    assert message.subject.endswith(" …") and len(message.subject) <= 62
    assert message.description == f"{long}\nBaris kedua."
    assert _message(text="Halo").description == "Pesan WhatsApp: Halo"
    assert _message(text="Ok").subject == "Pengaduan melalui WhatsApp"
    only_media = _message(media=[{"data": "aGFsbw=="}])
    assert (only_media.description, only_media.text) == (NO_TEXT, None)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({}, "body"),  # neither text nor media
        ({"text": "x", "from": "bukan"}, "from"),
        ({"text": "x", "media": [{}]}, "media.0"),
        ({"text": "x", "media": [{"url": "https://a", "data": "aA=="}]}, "media.0"),
        ({"text": "x", "to": "+62"}, "to"),
    ],
)
def test_a_body_that_is_no_message_names_its_field(fields: dict[str, object], field: str) -> None:
    with pytest.raises(FieldRefused) as refused:
        _message(**fields)
    assert refused.value.field == field


def _source(handler: httpx.MockTransport, max_bytes: int = 100) -> MediaSource:
    client = httpx.AsyncClient(transport=handler)
    return MediaSource(client, frozenset({"media.gateway.test"}), max_bytes)


async def test_media_urls_are_fetched_only_from_the_allowed_hosts_and_within_the_limit() -> None:
    asked: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        if request.url.path == "/moved":
            return httpx.Response(302, headers={"Location": "http://169.254.169.254/"})
        return httpx.Response(200, content=b"x" * (200 if request.url.path == "/big" else 10))

    source = _source(httpx.MockTransport(answer))
    (fetched,) = await source.uploads([Media(url="https://media.gateway.test/a.jpg")])
    assert fetched.data == b"x" * 10
    refused = [
        Media(url="https://elsewhere.test/a.jpg"),
        Media(url="file:///etc/passwd"),
        Media(url="https://media.gateway.test/moved"),
        Media(url="https://media.gateway.test/big"),
        Media(data="tidak base64!"),
    ]
    fields = []
    for n, item in enumerate(refused):
        with pytest.raises(FieldRefused) as error:
            await source.uploads([Media(data="aGFsbw=="), item])
        fields.append((n, error.value.field))
    assert fields == [(n, "media.1.url") for n in range(4)] + [(4, "media.1.data")]
    assert asked == [
        "https://media.gateway.test/a.jpg",
        "https://media.gateway.test/moved",  # not followed
        "https://media.gateway.test/big",
    ]


async def test_an_unreachable_media_host_is_503_so_the_gateway_delivers_again() -> None:
    def away(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(HttpError) as error:
        await _source(httpx.MockTransport(away)).uploads([Media(url="http://media.gateway.test/")])
    assert (error.value.status, error.value.field) == (503, "media.0.url")


def test_a_signature_is_trusted_only_for_its_body_secret_and_moment() -> None:
    body = b'{"text": "halo"}'
    headers = signed_headers("rahasia", "1700000000", body)
    given = headers["X-Alur-Signature"]
    assert given == signature("rahasia", "1700000000", body)
    assert signature_problem("rahasia", "1700000000", given, body, now=1700000100) is None
    problems = [
        signature_problem("lain", "1700000000", given, body, now=1700000100),
        signature_problem("rahasia", "1700000000", given, body + b" ", now=1700000100),
        signature_problem("rahasia", "1700000000", given, body, now=1700000000 + 301),
        signature_problem("rahasia", "1700000000", None, body, now=1700000100),
        signature_problem("rahasia", "kemarin", given, body, now=1700000100),
    ]
    assert all(problems), problems
