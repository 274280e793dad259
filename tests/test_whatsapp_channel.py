"""The WhatsApp gateway's door (`POST /api/channels/whatsapp`) on the shared sandbox, whose
gateway secret is the outgoing webhooks' (`ALUR_WEBHOOK_SECRET`): a message signed wrong is
refused and records nothing; the first message from a number opens a complaint with its photo
cleaned, and the receipt webhook carries its tracking number to the gateway; a second delivery
changes nothing; a later message from the number joins the case, even one sent at once."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import time
import uuid
from typing import Any

import httpx
from PIL import Image

from runtime.signatures import signed_headers
from tests.support.gateway import Gateway
from tests.support.sample_files import GPS_IFD, jpeg_with_gps
from tests.support.sandbox import Alur
from tests.support.waiting import eventually

PATH = "/api/channels/whatsapp"


async def _send(
    client: httpx.AsyncClient,
    body: dict[str, Any],
    secret: str,
    *,
    at: float | None = None,
    signed: bytes | None = None,
) -> httpx.Response:
    """POST the body signed with `secret` at `at` (now); `signed`: sign other bytes instead."""
    raw = json.dumps(body).encode()
    headers = signed_headers(secret, str(int(at or time.time())), raw if signed is None else signed)
    return await client.post(
        PATH, content=raw, headers={**headers, "Content-Type": "application/json"}
    )


async def _history(alur: Alur, case_id: str) -> list[dict[str, Any]]:
    async with alur.http() as client:
        response = await client.get(f"/api/cases/{case_id}", headers=alur.auditor)
    assert response.status_code == 200, response.text
    return response.json()["history"]


async def test_a_number_opens_a_complaint_then_joins_it_and_a_redelivery_changes_nothing(
    alur: Alur, gateway: Gateway
) -> None:
    local = f"0812{uuid.uuid4().int % 10**8:08d}"  # as a reporter types it
    phone = "+62" + local[1:]
    text = f"Obat hipertensi di Puskesmas Sekayu habis sejak seminggu {uuid.uuid4().hex[:6]}."
    first = {
        "message_id": f"wamid.{uuid.uuid4().hex}",
        "from": phone,
        "name": "Siti WhatsApp",
        "text": text,
        "media": [
            {
                "data": base64.b64encode(jpeg_with_gps()).decode(),
                "mime_type": "image/jpeg",
                "filename": "IMG-WA0001.jpg",
            }
        ],
        "timestamp": int(time.time()),
    }
    async with alur.http() as client:
        # Not the gateway: a wrong secret, a body other than the one signed, a stale timestamp,
        # no signature at all. Each is refused before anything is read or recorded.
        refused = [
            await _send(client, first, "not-the-secret"),
            await _send(client, first, gateway.secret, signed=b"{}"),
            await _send(client, first, gateway.secret, at=time.time() - 3600),
            await client.post(PATH, json=first),
        ]
        assert [r.status_code for r in refused] == [401] * 4, [r.text for r in refused]
        # A body that is no message: 422 naming the field.
        bad = await _send(client, {**first, "from": "bukan nomor"}, gateway.secret)
        assert (bad.status_code, bad.json()["field"]) == (422, "from"), bad.text
        stray = await _send(client, {**first, "extra": 1}, gateway.secret)
        assert (stray.status_code, stray.json()["field"]) == (422, "extra"), stray.text
        elsewhere = {**first, "media": [{"url": "http://169.254.169.254/latest/meta-data"}]}
        fetched = await _send(client, elsewhere, gateway.secret)
        assert (fetched.status_code, fetched.json()["field"]) == (422, "media.0.url")

        # The gateway: the refused deliveries recorded nothing, so this one opens the complaint.
        opened = await _send(client, first, gateway.secret)
        assert opened.status_code == 201, opened.text
        answer = opened.json()
        assert answer["outcome"] == "complaint"
        case_id, number = answer["case_id"], answer["tracking_number"]

        again = await _send(client, first, gateway.secret)
        assert (again.status_code, again.json()) == (200, {**answer, "outcome": "duplicate"})

        asked = f"Sudah ada tindak lanjut? {uuid.uuid4().hex[:6]}"
        follow_up = {"message_id": f"wamid.{uuid.uuid4().hex}", "from": local, "text": asked}
        joined = await _send(client, follow_up, gateway.secret)
        assert joined.status_code == 201, joined.text
        assert joined.json() == {"outcome": "reply", "case_id": case_id, "tracking_number": number}
        assert (await _send(client, follow_up, gateway.secret)).status_code == 200

    history = await _history(alur, case_id)
    types = [e["type"] for e in history]
    assert types[:2] == ["ComplaintReceived", "AttachmentAdded"], types
    assert types.count("ReporterReplied") == 1 and types.count("ComplaintReceived") == 1
    received = history[0]["payload"]
    assert (received["channel"], received["description"]) == ("whatsapp", text)
    assert received["reporter"]["phone"] == phone
    (reply,) = [e["payload"] for e in history if e["type"] == "ReporterReplied"]
    assert reply == {"message": asked, "channel": "whatsapp"}
    # At rest the reporter's words and number are sealed (privacy/): none in plaintext.
    rows = await alur.sql(
        "SELECT state FROM casestore_events WHERE originator_id = $1::uuid", case_id
    )
    stored = b"".join(bytes(r["state"]) for r in rows)
    assert len(rows) >= 3  # the complaint, its photo, the reply
    assert not [s for s in (text, asked, local[1:]) if s.encode() in stored]

    # The photo is kept cleaned: no EXIF, no GPS position.
    photo = history[1]["payload"]
    async with alur.http() as client:
        got = await client.get(f"/kasus/{case_id}/lampiran/{photo['sha256']}", headers=alur.auditor)
    assert got.status_code == 200, got.text
    image = Image.open(io.BytesIO(got.content))
    assert not image.getexif().get_ifd(GPS_IFD) and "exif" not in image.info

    # The answer with the tracking number goes to the sender through the gateway.
    async def receipt() -> list[dict[str, Any]]:
        return [
            d.document
            for d in gateway.for_case(case_id)
            if d.document["rule"] == "receipt_to_reporter"
        ]

    (sent,) = await eventually(receipt)
    assert sent["to"] == phone and number in sent["text"]
    assert "Balas pesan ini" in sent["text"] and "PIN" not in sent["text"]  # none was given


async def test_two_first_messages_from_a_number_at_once_open_one_complaint(
    alur: Alur, gateway: Gateway
) -> None:
    phone = f"+62813{uuid.uuid4().int % 10**8:08d}"
    messages = [
        {"message_id": f"wamid.{uuid.uuid4().hex}", "from": phone, "text": f"Pengaduan {n}."}
        for n in range(2)
    ]
    async with alur.http() as client:
        answers = await asyncio.gather(*(_send(client, m, gateway.secret) for m in messages))
    assert [a.status_code for a in answers] == [201, 201], [a.text for a in answers]
    assert sorted(a.json()["outcome"] for a in answers) == ["complaint", "reply"]
    assert len({a.json()["case_id"] for a in answers}) == 1
