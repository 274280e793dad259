"""No plaintext personal data at rest (issue 13): after a complaint (with a reply and a note that
quotes it) and a visit have reached every projection and the receipt was sent, a `pg_dump` of
the whole sandbox database and a dump of every Kafka topic of the sandbox (the dead-letter topic
too) hold none of the reporter's or visitor's data, while an authorised officer still reads it
on the case; and the database read with another master key reveals nothing."""

from __future__ import annotations

import asyncio
import json
import uuid
from email.message import EmailMessage
from typing import Any

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from events import Topics
from privacy import UNREADABLE, PersonalDataKeys
from runtime.settings import AlurSettings
from tests.support.casework import do, new_officers, open_case, work
from tests.support.dumps import database_bytes, topic_records
from tests.support.mailbox import Mailbox
from tests.support.sandbox import Alur
from tests.support.seed_cases import complaint_office, file_complaint, to_the_survey, visit_sop
from tests.support.waiting import eventually

pytestmark = pytest.mark.sandbox("pdump", mail=True)

RUN = uuid.uuid4().hex[:6]
NAME = f"Wiratmaja Sukmanegara{RUN}"
EMAIL = f"wiratmaja.{RUN}@contoh-pelapor.id"
PHONE = "0813-9911-7264"
DESCRIPTION = f"Dokter jaga puskesmas Sungai Lilin meminta bayaran tambahan {RUN} di luar tarif."
REPLY = f"Saya sudah membayar kwitansi nomor KW{RUN} kemarin sore."
NOTE = f"Pelapor menyebut: meminta bayaran tambahan {RUN}."
PAUSE = f"Menunggu salinan KTP Bapak Wiratmaja {RUN}"
RESUME = f"Salinan KTP Bapak Wiratmaja {RUN} sudah diterima"
GUEST = {
    "nama": f"Kartika Purbasari{RUN}",
    "alamat": f"Jalan Merdeka Raya {RUN} Sekayu",
    "telepon": "0821-5566-3321",
    "keperluan": f"Izin praktik bidan {RUN}",
}
SECRETS = [NAME, EMAIL, PHONE, DESCRIPTION, REPLY, NOTE, PAUSE, RESUME, *GUEST.values()]


def _forms(text: str) -> list[bytes]:
    """How a string may appear in a dump: as text (UTF-8 or JSON-escaped), hex (a bytea column),
    and a phone number's digits."""
    forms = {text, json.dumps(text)[1:-1]}
    if text.replace("-", "").replace(" ", "").isdigit():
        digits = text.replace("-", "").replace(" ", "")
        forms |= {digits, "62" + digits[1:]}
    encoded = {f.encode() for f in forms}
    return [*encoded, *(e.hex().encode() for e in encoded)]


def _leaks(dump: bytes, where: str) -> list[str]:
    lowered = dump.lower()
    return [
        f"{text!r} in {where}"
        for text in SECRETS
        if any(form.lower() in lowered for form in _forms(text))
    ]


async def _dead_letter_a_copy(alur: Alur, case_id: str) -> None:
    """Publish the complaint's own message again as a version no consumer knows: it is
    dead-lettered with its raw envelope."""
    topic = Topics(alur.namespace).cases("complaint")
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=alur.kafka, auto_offset_reset="earliest", group_id=None
    )
    await consumer.start()
    try:
        async with asyncio.timeout(30):
            while True:
                record = await consumer.getone()
                envelope = json.loads(record.value)
                if envelope["case_id"] == case_id and envelope["type"] == "ComplaintReceived":
                    break
    finally:
        await consumer.stop()
    envelope["schema_version"] = 99
    envelope["event_id"] = str(uuid.uuid4())
    producer = AIOKafkaProducer(bootstrap_servers=alur.kafka)
    await producer.start()
    try:
        await producer.send_and_wait(topic, json.dumps(envelope).encode(), key=record.key)
    finally:
        await producer.stop()


def _text(message: EmailMessage) -> str:
    return "".join(
        part.get_content() for part in message.walk() if part.get_content_type() == "text/plain"
    )


async def _sent(alur: Alur, case_id: str) -> bool:
    rows = await alur.sql(
        "SELECT status FROM notifications WHERE case_id = $1::uuid AND audience = 'reporter'"
        " AND channel = 'email'",  # (no webhook gateway here: those are skipped)
        case_id,
    )
    return bool(rows) and all(r["status"] == "sent" for r in rows)


async def _everywhere(alur: Alur, case_id: str, visit_id: str) -> bool:
    """Every projection and the notifier have the complaint and the visit."""
    found = await alur.sql(
        "SELECT (SELECT count(*) FROM complaint_register WHERE case_id = $1::uuid"
        "        AND case_version >= 3) AS register,"
        " (SELECT count(*) FROM case_timeline WHERE case_id = $1::uuid) AS timeline,"
        " (SELECT count(*) FROM notifier_complaints WHERE case_id = $1::uuid) AS notifier,"
        " (SELECT count(*) FROM guest_book WHERE case_id = $2::uuid"
        "        AND visitor_name IS NOT NULL) AS guests",
        case_id,
        visit_id,
    )
    row = found[0]
    return row["register"] == 1 and row["timeline"] >= 3 and row["notifier"] and row["guests"]


async def test_no_dump_of_the_database_or_of_kafka_holds_personal_data(
    alur: Alur, mailbox: Mailbox
) -> None:
    office = await complaint_office(alur)
    satpam, resepsionis, layanan = await new_officers(
        alur, "satpam", "resepsionis", "petugas_layanan"
    )
    async with alur.http() as client:
        receipt = await file_complaint(
            client,
            reporter={"name": NAME, "email": EMAIL, "phone": PHONE},
            description=DESCRIPTION,
        )
        case_id = receipt["case_id"]
        replied = await client.post(
            f"/api/track/{receipt['tracking_number']}/reply",
            json={"pin": receipt["pin"], "message": REPLY},
        )
        assert replied.status_code == 201, replied.text
        registered = await do(client, case_id, office.petugas, "register_complaint", note=NOTE)
        assert registered["events"][0]["payload"]["note"] == NOTE  # the officer reads it back
        # The clock stopped and restarted, each with the officer's reason.
        await do(client, case_id, office.petugas, "suspend_clock", note=PAUSE)
        await do(client, case_id, office.petugas, "resume_clock", note=RESUME)
        visit = await open_case(client, satpam, await visit_sop(client), {"tujuan": "Farmasi"})
        await work(client, visit["case_id"], to_the_survey(resepsionis, layanan, GUEST))

    await eventually(lambda: _sent(alur, case_id), timeout=60)
    assert any(NAME in _text(m.message) for m in mailbox.to(EMAIL)), "the receipt names them"
    await eventually(lambda: _everywhere(alur, case_id, visit["case_id"]), timeout=60)
    await _dead_letter_a_copy(alur, case_id)
    dead_letter_topic = Topics(alur.namespace).dead_letter

    async def dead_lettered() -> dict[str, bytes] | None:
        dumps = await topic_records(alur)
        return dumps if case_id.encode() in dumps.get(dead_letter_topic, b"") else None

    topics = await eventually(dead_lettered, timeout=60)

    database = await database_bytes(alur.database_url)
    assert b"personal_data_keys" in database and b"complaint_register" in database  # a real dump
    leaks = _leaks(database, "pg_dump")
    for topic, dump in topics.items():
        leaks += _leaks(dump, topic)
    assert not leaks, leaks
    # The dumps hold the sealed values instead (the test looks where the data is).
    assert b"alur:v1:" in topics[Topics(alur.namespace).cases("complaint")]
    assert b"alur:v1:" in topics[dead_letter_topic]

    # An authorised officer reads it all on the case.
    async with alur.http() as client:
        shown = await client.get(f"/api/cases/{case_id}", headers=alur.auditor)
        guests = await client.get("/api/guest-book", headers=alur.auditor)
    assert shown.status_code == 200
    for text in (NAME, EMAIL, PHONE, DESCRIPTION, REPLY, NOTE, PAUSE, RESUME):
        assert text in shown.text, text
    assert all(text in guests.text for text in GUEST.values())
    (row,) = [r for r in await alur.register() if r["case_id"] == case_id]
    assert row["reporter"] == NAME

    # A copy of the database without the master key reveals nothing.
    pool = await asyncpg.create_pool(alur.database_url, min_size=1, max_size=1)
    try:
        sealed: list[Any] = [
            r["reporter_name"]
            for r in await pool.fetch(
                "SELECT reporter_name FROM complaint_register WHERE case_id = $1::uuid", case_id
            )
        ]
        thief = PersonalDataKeys.over(pool, b"stolen copy, another key " * 2)
        assert await thief.reveal_all(sealed) == [UNREADABLE]
        office_keys = PersonalDataKeys.over(pool, AlurSettings().secret_key_bytes())
        assert await office_keys.reveal_all(sealed) == [NAME]
    finally:
        await pool.close()
