"""Complaints by email (`alur serve mail`) against a real IMAP server: a private Dovecot on
loopback (tests/support/imap.py), read over TLS by the sandbox's mail worker.

What reaches the cases is read through the officers' API and the register; that nothing was
recorded twice is read in the event store (a mail is moved only after its commit, so once it is
in the processed folder every event it could have made is there).
"""

from __future__ import annotations

import asyncio
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

import pytest

from cases import PostgresEventStore
from runtime.mail_thread import MailThread
from services.intake.mail.mailbox import ImapMailbox
from services.intake.mail.settings import MailSettings
from tests.support import imap, sandbox
from tests.support.casework import Officer, add_officer, history, unique_name
from tests.support.imap import Dovecot
from tests.support.sample_files import jpeg_with_gps, pdf, zipped
from tests.support.sandbox import Alur
from tests.support.waiting import eventually

SECRET = "uji-kunci-rahasia-surel-" + "k" * 24
PROCESSED = "Alur/Diproses"
QUARANTINE = "Alur/Karantina"
PER_SENDER = 4
LARGEST = 256 * 1024
OFFICE = "pengaduan@dinkes.test"


@pytest.fixture(scope="module")
def dovecot() -> Iterator[Dovecot]:
    # Not under pytest's own temporary directory: Dovecot's users must reach it.
    server = imap.start(Path(tempfile.mkdtemp(prefix="alur-dovecot-")))
    try:
        yield server
    finally:
        imap.remove(server)


@pytest.fixture(scope="module")
def alur(dovecot: Dovecot) -> Iterator[Alur]:
    env = {
        **dovecot.settings(),
        "ALUR_SECRET_KEY": SECRET,
        "ALUR_IMAP_POLL_SECONDS": "1",
        "ALUR_IMAP_MAILS_PER_SENDER": str(PER_SENDER),
        "ALUR_IMAP_MAX_MAIL_BYTES": str(LARGEST),
    }
    system = sandbox.start("mail", env)
    try:
        yield system
    finally:
        sandbox.stop(system)


@pytest.fixture(scope="module")
async def petugas(alur: Alur) -> Officer:
    return await add_officer(alur, unique_name("petugas"), "petugas_pengaduan")


@pytest.fixture(scope="module")
async def store(alur: Alur) -> AsyncIterator[PostgresEventStore]:
    events = await PostgresEventStore.connect(alur.database_url)
    try:
        yield events
    finally:
        await events.close()


def _mail(sender: str, subject: str, text: str | None = None, **headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = OFFICE
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="example.id")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    if text is not None:
        message.set_content(text)
    return message


async def _append(dovecot: Dovecot, *mails: EmailMessage | bytes) -> None:
    for mail in mails:
        raw = mail if isinstance(mail, bytes) else mail.as_bytes()
        await asyncio.to_thread(dovecot.append, raw)


async def _all_moved(dovecot: Dovecot) -> None:
    async def inbox_empty() -> bool:
        return not await asyncio.to_thread(dovecot.mails, "INBOX")

    await eventually(inbox_empty, timeout=30)


async def _registered(alur: Alur, subject: str) -> dict[str, Any]:
    async def listed() -> dict[str, Any] | None:
        return next((r for r in await alur.register() if r["subject"] == subject), None)

    return await eventually(listed)


async def _complaints(store: PostgresEventStore, subject: str) -> list[uuid.UUID]:
    """The cases opened by a complaint with this subject, read in the event store."""
    envelopes = await store.read_after(0, 100_000)
    return [
        e.case_id
        for e in envelopes
        if e.type == "ComplaintReceived" and e.payload["subject"] == subject
    ]


def _of(events: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [e for e in events if e["type"] == kind]


def _bounce(bounced_message_id: str) -> bytes:
    report = EmailMessage()
    report["From"] = "Mail Delivery System <MAILER-DAEMON@mx.example.id>"
    report["To"] = OFFICE
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report["Message-ID"] = make_msgid(domain="mx.example.id")
    report.set_content("Surel Anda tidak dapat dikirim.")
    report.make_mixed()
    report.replace_header("Content-Type", 'multipart/report; report-type="delivery-status"')
    raw = report.as_bytes().decode().rstrip().removesuffix("--")
    boundary = report.get_boundary()
    return (
        raw.rsplit(f"--{boundary}", 1)[0]
        + f"--{boundary}\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.id\r\n\r\n"
        "Final-Recipient: rfc822; siti@example.id\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"
        f"--{boundary}\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"Message-ID: {bounced_message_id}\r\nSubject: [ADU] Pengaduan diterima\r\n\r\n"
        f"--{boundary}--\r\n"
    ).encode()


async def test_mails_become_complaints_replies_and_bounces_once(
    alur: Alur, dovecot: Dovecot, petugas: Officer, store: PostgresEventStore
) -> None:
    siti = "Siti Aminah <siti@example.id>"
    plain = _mail(siti, "Obat hipertensi habis", "Obat hipertensi di Puskesmas habis seminggu.")
    html = _mail("budi@example.id", "Antrean pendaftaran panjang")
    html.set_content(
        "<html><body><p>Antrean <b>sangat</b> panjang sejak pagi.</p></body></html>",
        subtype="html",
    )
    files = _mail("rina@example.id", "Lantai ruang tunggu rusak", "Foto dan surat terlampir.")
    files.add_attachment(jpeg_with_gps(), maintype="image", subtype="jpeg", filename="lantai.jpg")
    files.add_attachment(pdf("surat"), maintype="application", subtype="pdf", filename="s.pdf")
    files.add_attachment(zipped("a.txt"), maintype="application", subtype="zip", filename="x.zip")
    quoted = (
        b"From: =?iso-8859-1?q?Dewi_Lestari?= <dewi@example.id>\r\n"
        b"To: pengaduan@dinkes.test\r\nMessage-ID: <qp1@example.id>\r\n"
        b"Subject: =?utf-8?q?Petugas_loket_=E2=80=94_tidak_ramah?=\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=iso-8859-1\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        b"Saya menunggu =B12 jam dan petugas tidak ramah. Mohon perbaikan =\r\npelayanan.\r\n"
    )
    only_subject = _mail("eko@example.id", "Toilet puskesmas kotor sekali", "")
    dropped = [
        _mail(siti, "Sedang cuti", "Saya sedang cuti.", Auto_Submitted="auto-replied"),
        _mail("news@example.id", "Buletin mingguan", "Berita.", Precedence="bulk"),
        _mail("x@example.id", "Loop", "Berulang.", X_Loop=OFFICE),
        _mail(OFFICE, "[ADU-2026-000001] Diterima", "Alur.", X_Alur_Notification="received"),
        _mail("postmaster@example.id", "Pemberitahuan", "Kotak surat penuh."),
    ]
    malformed = b"Subject: tanpa pengirim\r\nMessage-ID: <bad@x>\r\n\r\nIsi tanpa pengirim.\r\n"
    large = _mail("besar@example.id", "Surel yang terlalu besar", "x" * LARGEST)
    mails = (plain, html, files, quoted, only_subject, *dropped, malformed, large)
    await _append(dovecot, *mails)
    await _all_moved(dovecot)

    # Five complaints on channel email; the automatic mails made nothing; two quarantined.
    a = await _registered(alur, "Obat hipertensi habis")
    b = await _registered(alur, "Antrean pendaftaran panjang")
    c = await _registered(alur, "Lantai ruang tunggu rusak")
    d = await _registered(alur, "Petugas loket — tidak ramah")
    e = await _registered(alur, "Toilet puskesmas kotor sekali")
    assert {r["channel"] for r in (a, b, c, d, e)} == {"email"}
    processed = await asyncio.to_thread(dovecot.mails, PROCESSED)
    assert len(processed) == 5 + len(dropped)
    quarantined = await asyncio.to_thread(dovecot.mails, QUARANTINE)
    assert quarantined[0] == malformed and b"Surel yang terlalu besar" in quarantined[1]
    reasons = await alur.sql("SELECT reason FROM mail_quarantine ORDER BY uid")
    assert [r["reason"] for r in reasons] == ["no_sender", "too_large"]
    for subject in ("Sedang cuti", "Buletin mingguan", "Loop", "Diterima", "Pemberitahuan"):
        assert await _complaints(store, subject) == []

    received = _of(await history(alur, a["case_id"], petugas), "ComplaintReceived")[0]["payload"]
    assert received["channel"] == "email"
    assert received["reporter"]["email"] == "siti@example.id"
    assert received["reporter"]["name"] == "Siti Aminah"
    assert received["description"] == "Obat hipertensi di Puskesmas habis seminggu."
    html_text = _of(await history(alur, b["case_id"], petugas), "ComplaintReceived")[0]
    assert "Antrean" in html_text["payload"]["description"]
    assert "<b>" not in html_text["payload"]["description"]
    c_events = await history(alur, c["case_id"], petugas)
    kept = _of(c_events, "AttachmentAdded")
    assert sorted(f["payload"]["media_type"] for f in kept) == ["application/pdf", "image/jpeg"]
    c_text = _of(c_events, "ComplaintReceived")[0]["payload"]["description"]
    assert "Lampiran surel yang tidak diterima" in c_text and "x.zip" in c_text
    d_text = _of(await history(alur, d["case_id"], petugas), "ComplaintReceived")[0]
    assert d_text["payload"]["description"] == (
        "Saya menunggu ±2 jam dan petugas tidak ramah. Mohon perbaikan pelayanan."
    )
    e_text = _of(await history(alur, e["case_id"], petugas), "ComplaintReceived")[0]
    assert e_text["payload"]["description"] == "Toilet puskesmas kotor sekali"

    # Replies: by the tracking number from the reporter's address, by In-Reply-To from anyone
    # who got Alur's mail; the tracking number from a stranger opens a new complaint.
    thread = MailThread(SECRET.encode())
    reply = _mail(
        "siti@example.id", f"Re: [{a['tracking_number']}] Obat", "Sudah ada obatnya? Terima kasih."
    )
    sent_to_budi = thread.message_id(uuid.UUID(b["case_id"]), uuid.uuid4(), "dinkes.test")
    threaded = _mail("budi.lain@example.id", "Re: Pengaduan", "Antrean masih panjang hari ini.")
    threaded["In-Reply-To"] = sent_to_budi
    stranger = _mail("orang@example.id", f"Re: [{a['tracking_number']}] Ikut", "Saya juga.......")
    sent_to_dewi = thread.message_id(uuid.UUID(d["case_id"]), uuid.uuid4(), "dinkes.test")
    flood = [_mail("banjir@example.id", f"Banjir {n}", "Isi yang sama lagi.") for n in range(6)]
    await _append(dovecot, reply, threaded, stranger, _bounce(sent_to_dewi), reply, *flood)
    await _all_moved(dovecot)

    a_replies = _of(await history(alur, a["case_id"], petugas), "ReporterReplied")
    assert [(r["payload"]["channel"], r["payload"]["message"]) for r in a_replies] == [
        ("email", "Sudah ada obatnya? Terima kasih.")
    ]
    b_replies = _of(await history(alur, b["case_id"], petugas), "ReporterReplied")
    assert [r["payload"]["message"] for r in b_replies] == ["Antrean masih panjang hari ini."]
    assert len(await _complaints(store, f"Re: [{a['tracking_number']}] Ikut")) == 1
    bounces = _of(await history(alur, d["case_id"], petugas), "ReporterMailBounced")
    assert [x["payload"]["status"] for x in bounces] == ["5.1.1"]
    floods = [len(await _complaints(store, f"Banjir {n}")) for n in range(6)]
    assert floods == [1] * PER_SENDER + [0] * (6 - PER_SENDER)


async def test_a_worker_killed_between_commit_and_move_records_the_mail_once(
    alur: Alur, dovecot: Dovecot, store: PostgresEventStore
) -> None:
    running = alur.processes.pop("mail")
    running.terminate()
    await asyncio.to_thread(running.wait, 20)
    normal = alur.env
    alur.env = {**normal, "ALUR_IMAP_FAULT": "exit_before_move"}
    try:
        faulty = sandbox.start_worker(alur, "mail", name="mail-fault")
    finally:
        alur.env = normal
    mail = _mail("tono@example.id", "Ambulans datang terlambat", "Datang dua jam kemudian.")
    await _append(dovecot, mail)
    assert await asyncio.to_thread(faulty.wait, 30) == 70  # exited after the commit
    assert len(await _complaints(store, "Ambulans datang terlambat")) == 1
    (waiting,) = await asyncio.to_thread(dovecot.mails, "INBOX")  # not moved
    assert b"Subject: Ambulans datang terlambat" in waiting

    sandbox.start_worker(alur, "mail")
    await _all_moved(dovecot)
    assert len(await _complaints(store, "Ambulans datang terlambat")) == 1
    await _registered(alur, "Ambulans datang terlambat")


async def test_the_imap_server_restarting_loses_nothing(
    alur: Alur, dovecot: Dovecot, store: PostgresEventStore
) -> None:
    before = _mail("ani@example.id", "Jadwal imunisasi berubah", "Jadwal berubah tanpa kabar.")
    after = _mail("ani@example.id", "Vaksin tidak tersedia", "Vaksin campak kosong minggu ini.")
    await _append(dovecot, before)
    await asyncio.to_thread(dovecot.restart)  # while the worker reads or waits in IDLE
    await _append(dovecot, after)
    await _all_moved(dovecot)
    for subject in ("Jadwal imunisasi berubah", "Vaksin tidak tersedia"):
        assert len(await _complaints(store, subject)) == 1
        await _registered(alur, subject)


@pytest.mark.parametrize("security", ["none", "starttls"])
def test_the_mailbox_opens_without_tls_and_with_starttls(dovecot: Dovecot, security: str) -> None:
    settings = MailSettings(
        ALUR_IMAP_HOST="127.0.0.1",
        ALUR_IMAP_PORT=dovecot.port,
        ALUR_IMAP_SECURITY=security,
        ALUR_IMAP_CA_FILE=dovecot.ca_file,
        ALUR_IMAP_USERNAME=imap.USER,
        ALUR_IMAP_PASSWORD=imap.PASSWORD,
    )
    mailbox = ImapMailbox(settings)
    mailbox.open()
    try:
        assert mailbox.idles and mailbox.uidvalidity > 0
        secured = mailbox.client.socket().__class__.__name__ == "SSLSocket"
        assert secured == (security == "starttls")
    finally:
        mailbox.close()


def test_a_mailbox_closed_while_its_thread_waits_in_idle_logs_out_after_that_slice(
    dovecot: Dovecot,
) -> None:
    # What a stopping mail worker does: the reader's thread is inside an IDLE slice when the
    # worker closes the mailbox from another thread.
    settings = MailSettings(
        ALUR_IMAP_HOST="127.0.0.1",
        ALUR_IMAP_PORT=dovecot.port,
        ALUR_IMAP_SECURITY="starttls",
        ALUR_IMAP_CA_FILE=dovecot.ca_file,
        ALUR_IMAP_USERNAME=imap.USER,
        ALUR_IMAP_PASSWORD=imap.PASSWORD,
        ALUR_IMAP_TIMEOUT_SECONDS=60,
    )
    mailbox = ImapMailbox(settings)
    mailbox.open()
    with ThreadPoolExecutor(2) as threads:
        idling = threads.submit(mailbox.idle, 2.0)
        deadline = time.monotonic() + 10
        while getattr(mailbox.client, "_idle_tag", None) is None:  # the IDLE has begun
            assert time.monotonic() < deadline, "the IDLE did not begin"
            time.sleep(0.01)
        closing = threads.submit(mailbox.close)
        assert idling.result(timeout=30) is False  # the slice ran out, nothing was heard
        closing.result(timeout=30)
