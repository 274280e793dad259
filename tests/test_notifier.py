"""Notifications through Alur's public surface: complaints over HTTP, email at a real SMTP
server, webhooks at a loopback gateway, the dead-letter topic on Kafka, the per-case log."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import uuid
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from events import Envelope, StepRecorded, Topics
from runtime.mail_thread import MailThread, tracking_in_subject
from runtime.settings import AlurSettings
from tests.support.casework import add_officer, do, open_case, sop_id
from tests.support.gateway import Gateway
from tests.support.mailbox import Mailbox, Received
from tests.support.sandbox import NOTIFIER_ATTEMPTS, PUBLIC_URL, REPLY_TO, Alur
from tests.support.seed_cases import COMPLAINT, file_complaint
from tests.support.waiting import eventually


def _unique() -> str:
    return uuid.uuid4().hex[:8]


def _phone() -> str:
    return f"+62812{uuid.uuid4().int % 10**8:08d}"


def _complaint(**changes: Any) -> dict[str, Any]:
    tag = _unique()
    reporter = {
        "name": f"Siti Aminah {tag}",
        "email": f"pelapor-{tag}@example.id",
        "phone": _phone(),
    }
    return {**COMPLAINT, "reporter": reporter, **changes}


async def _submit(alur: Alur, body: dict[str, Any]) -> dict[str, Any]:
    async with alur.http() as client:
        return await file_complaint(client, **body)


async def _mail_to(mailbox: Mailbox, address: str, count: int = 1) -> list[Received]:
    async def arrived() -> list[Received]:
        found = mailbox.to(address)
        return found if len(found) >= count else []

    return await eventually(arrived)


async def _envelopes(alur: Alur, case_id: str, count: int) -> list[Envelope]:
    consumer = AIOKafkaConsumer(
        Topics(alur.namespace).cases("complaint"),
        bootstrap_servers=alur.kafka,
        group_id=f"{alur.namespace}.test-{_unique()}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    found: list[Envelope] = []
    try:
        async with asyncio.timeout(60):
            while len(found) < count:
                for records in (await consumer.getmany(timeout_ms=500)).values():
                    found += [
                        Envelope.model_validate_json(r.value)
                        for r in records
                        if r.key == case_id.encode()
                    ]
    finally:
        await consumer.stop()
    return sorted(found, key=lambda e: e.case_version)


async def test_the_reporter_receives_a_receipt_with_the_tracking_number_and_link(
    alur: Alur, mailbox: Mailbox
) -> None:
    complaint = _complaint()
    receipt = await _submit(alur, complaint)
    number = receipt["tracking_number"]

    (mail,) = await _mail_to(mailbox, complaint["reporter"]["email"])
    assert str(mail.message["Subject"]).startswith(f"[{number}] ")
    assert mail.mail_from == "pengaduan@dinkes.test"
    text, html = mail.part("plain"), mail.part("html")
    link = f"{PUBLIC_URL}/lacak?nomor={number}"
    assert number in text and link in text
    assert f'href="{link}"' in html
    assert complaint["reporter"]["name"] in text
    # The PIN is stored only as a hash: the message points to the receipt page instead.
    assert "PIN" in text and "tanda terima" in text
    # It threads back: a reply to the intake mailbox finds the case by its Message-ID.
    assert mail.message_id.endswith("@dinkes.test>")
    thread = MailThread(AlurSettings().secret_key_bytes())
    assert thread.case_in([mail.message_id]) == uuid.UUID(receipt["case_id"])
    assert tracking_in_subject("Balas: " + str(mail.message["Subject"])) == number
    assert str(mail.message["Reply-To"]) == REPLY_TO
    assert mail.message["Auto-Submitted"] == "auto-generated"


async def test_a_redelivered_event_yields_one_email(alur: Alur, mailbox: Mailbox) -> None:
    complaint = _complaint()
    receipt = await _submit(alur, complaint)
    address = complaint["reporter"]["email"]
    await _mail_to(mailbox, address)
    (received,) = await _envelopes(alur, receipt["case_id"], 1)

    # The same envelope again, then a later event of the case on the same partition: once
    # the later one is notified, the copy before it has been consumed too.
    later = received.model_copy(
        update={
            "event_id": uuid.uuid4(),
            "type": "ComplaintRegistered",
            "payload": StepRecorded(activity="Dicatat").model_dump(mode="json"),
            "case_version": 2,
            "position": received.position + 50_000_000,
        }
    )
    producer = AIOKafkaProducer(bootstrap_servers=alur.kafka)
    await producer.start()
    try:
        for envelope in (received, later):
            await producer.send_and_wait(
                Topics(alur.namespace).cases("complaint"),
                envelope.model_dump_json().encode(),
                key=envelope.key,
            )
    finally:
        await producer.stop()

    await _mail_to(mailbox, address, count=2)

    async def all_settled() -> bool:
        rows = await alur.sql(
            "SELECT count(*) AS n FROM notifications WHERE case_id = $1"
            " AND status NOT IN ('sent', 'skipped', 'dead')",
            received.case_id,
        )
        return rows[0]["n"] == 0

    await eventually(all_settled)
    subjects = [str(m.message["Subject"]) for m in mailbox.to(address)]
    assert len(subjects) == 2, subjects
    assert "diterima" in subjects[0] and "Pengaduan dicatat" in subjects[1]
    rows = await alur.sql(
        "SELECT count(*) AS n FROM notifications WHERE event_id = $1 AND channel = 'email'"
        " AND rule = 'receipt_to_reporter'",
        received.event_id,
    )
    assert rows[0]["n"] == 1


async def test_a_confidential_anonymous_complaint_leaks_nothing_to_officers_or_gateways(
    alur: Alur, mailbox: Mailbox, gateway: Gateway
) -> None:
    tag = _unique()
    tu = await add_officer(
        alur, f"Tata Usaha {tag}", "bagian_tata_usaha", email=f"tu-{tag}@dinkes.test"
    )
    opd = await add_officer(alur, f"Kepala OPD {tag}", "kepala_opd", email=f"opd-{tag}@dinkes.test")
    kabid = await add_officer(
        alur,
        f"Kabid {tag}",
        "kepala_bidang",
        superior=opd.name,
        email=f"kabid-{tag}@dinkes.test",
        phone=(kabid_phone := _phone()),
    )
    secret = {
        "name": f"Pelapor Rahasia {tag}",
        "email": f"rahasia-{tag}@example.id",
        "phone": _phone(),
    }
    letter = {
        **COMPLAINT,
        "channel": "post",
        "anonymous": True,
        "confidential": True,
        "reporter": secret,
        "subject": f"Pungutan liar di loket {tag}",
        "description": f"Petugas loket meminta uang tambahan {tag}.",
    }
    async with alur.http() as client:
        jambi = await sop_id(client, "Penanganan Pengaduan Masyarakat", "Jambi")
        case_id = (await open_case(client, tu, jambi, letter))["case_id"]
        await do(client, case_id, tu, "register_complaint")
        await do(client, case_id, opd, "dispose_to_head_of_division", assignee=kabid.name)

    kabid_mail = await _mail_to(mailbox, f"kabid-{tag}@dinkes.test")
    await _mail_to(mailbox, f"opd-{tag}@dinkes.test")  # step 3 landed on the head of office
    reporter_mail = await _mail_to(mailbox, secret["email"], count=3)
    phones = {secret["phone"], kabid_phone}

    async def both_webhooks() -> bool:
        return {d.document["to"] for d in gateway.for_case(case_id)} == phones

    await eventually(both_webhooks)
    # This test's officers only: other sandboxes share the mailbox, and their cases can have
    # the same id (it is derived from the tracking number).
    officer_mail = [
        m
        for m in mailbox.messages()
        if case_id in m.part("plain") and any(f"-{tag}@dinkes.test" in to for to in m.rcpt_tos)
    ]
    assert len(officer_mail) >= 2
    forbidden = [
        secret["name"],
        secret["email"],
        secret["phone"],
        letter["subject"],
        letter["description"],
    ]
    for mail in officer_mail:
        seen = str(mail.message["Subject"]) + mail.part("plain") + mail.part("html")
        assert not [f for f in forbidden if f in seen], seen
        assert "Dirahasiakan" in seen
    assert kabid_mail[0].part("plain").count("Dirahasiakan") == 1
    for delivery in gateway.for_case(case_id):
        body = delivery.body.decode()
        leaked = [f for f in forbidden if f != secret["phone"] and f in body]
        assert not leaked, body
    # The reporter reads their own complaint's subject by email (in the receipt, whichever of
    # their mails came first), never their name (anonymous).
    assert any(letter["subject"] in m.part("plain") for m in reporter_mail)
    assert not [m for m in reporter_mail if secret["name"] in m.part("plain")]


def _signed_by(gateway: Gateway, headers: dict[str, str], body: bytes) -> bool:
    timestamp = headers["X-Alur-Timestamp"]
    expected = hmac.new(gateway.secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest(headers["X-Alur-Signature"], f"sha256={expected.hexdigest()}")


async def test_a_healthy_gateway_gets_signed_webhooks_without_the_reporters_identity(
    alur: Alur, gateway: Gateway
) -> None:
    complaint = _complaint()
    receipt = await _submit(alur, complaint)

    async def delivered() -> list:
        return gateway.for_case(receipt["case_id"])

    (delivery,) = await eventually(delivered)
    assert delivery.status == 200
    assert _signed_by(gateway, delivery.headers, delivery.body)
    assert not _signed_by(gateway, delivery.headers, delivery.body + b" ")
    document = delivery.document
    assert delivery.headers["X-Alur-Delivery"] == document["delivery_id"]
    assert document["to"] == complaint["reporter"]["phone"]
    assert receipt["tracking_number"] in document["text"]
    assert complaint["reporter"]["name"] not in delivery.body.decode()


async def test_a_failing_gateway_is_retried_with_backoff_then_dead_lettered(
    alur: Alur, gateway: Gateway
) -> None:
    complaint = _complaint()
    gateway.fail_for(complaint["reporter"]["phone"])
    dead_letters = AIOKafkaConsumer(
        Topics(alur.namespace).dead_letter,
        bootstrap_servers=alur.kafka,
        group_id=f"{alur.namespace}.test-dlt-{_unique()}",
        auto_offset_reset="earliest",
    )
    await dead_letters.start()
    try:
        receipt = await _submit(alur, complaint)
        case_id = receipt["case_id"]

        async def dead() -> list:
            return await alur.sql(
                "SELECT * FROM notifications WHERE case_id = $1 AND channel = 'webhook'"
                " AND status = 'dead'",
                uuid.UUID(case_id),
            )

        (row,) = await eventually(dead)
        tries = gateway.for_case(case_id)
        assert [t.status for t in tries] == [500] * NOTIFIER_ATTEMPTS
        assert {t.headers["X-Alur-Delivery"] for t in tries} == {str(row["notification_id"])}
        assert row["attempts"] == NOTIFIER_ATTEMPTS and "HTTP 500" in row["last_error"]

        source = f"notification:{row['notification_id']}".encode()
        async with asyncio.timeout(30):
            while True:
                record = await dead_letters.getone()
                headers = dict(record.headers)
                if headers.get("x-alur-source") == source:
                    break
        assert headers["x-alur-consumer"] == f"{alur.namespace}.notifier".encode()
        assert b"HTTP 500" in headers["x-alur-reason"]
        dead_record = json.loads(record.value)
        assert dead_record["case_id"] == case_id and dead_record["attempts"] == NOTIFIER_ATTEMPTS
        assert complaint["reporter"]["phone"] not in record.value.decode()
    finally:
        await dead_letters.stop()


async def test_officers_see_a_cases_notifications_and_their_attempts(
    alur: Alur, mailbox: Mailbox
) -> None:
    officer = await add_officer(alur, f"Petugas Log {_unique()}", "petugas_pengaduan")
    complaint = _complaint()
    receipt = await _submit(alur, complaint)
    await _mail_to(mailbox, complaint["reporter"]["email"])
    path = f"/api/cases/{receipt['case_id']}/notifications"
    async with alur.http() as client:
        assert (await client.get(path)).status_code == 401

        async def logged() -> list[dict[str, Any]]:
            response = await client.get(path, headers=officer.headers)
            assert response.status_code == 200, response.text
            rows = response.json()
            return rows if all(r["status"] == "sent" for r in rows) and len(rows) >= 2 else []

        rows = await eventually(logged)
    receipts = [r for r in rows if r["rule"] == "receipt_to_reporter"]
    assert {r["channel"] for r in receipts} == {"email", "webhook"}
    email = next(r for r in receipts if r["channel"] == "email")
    assert receipt["tracking_number"] in email["subject"]
    assert email["recipient"] != complaint["reporter"]["email"]  # masked for officers
    assert email["recipient"].endswith("@example.id")
    assert [a["outcome"] for a in email["attempt_log"]] == ["sent"]
