"""Dispatchers in this process, against their own PostgreSQL database and the test SMTP
server: a sender that dies mid-message, a refusal, and two dispatchers racing still give
exactly one email per notification."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from privacy import PersonalDataKeys
from runtime.mail_thread import MailThread
from runtime.settings import AlurSettings
from services.notifier import notification_log
from services.notifier.backoff import Backoff
from services.notifier.dispatcher import Dispatcher
from services.notifier.email_sender import EmailSender, SmtpServer
from services.notifier.notification_log import Claimed, NotificationLog, Planned
from tests.support.mailbox import Mailbox
from tests.support.waiting import eventually


class SimulatedCrash(BaseException):
    """The process dies: nothing in the dispatcher gets to handle it."""


@pytest.fixture
async def pool() -> AsyncIterator[asyncpg.Pool]:
    admin_url = AlurSettings().database_url
    name = f"alur_dispatch_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(admin_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = urlunsplit(urlsplit(admin_url)._replace(path=f"/{name}"))
    pool = await asyncpg.create_pool(url, min_size=1, max_size=8)
    try:
        async with pool.acquire() as conn:
            await notification_log.create(conn)
        yield pool
    finally:
        await pool.close()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def _planned(pool: asyncpg.Pool, recipient: str) -> Planned:
    planned = Planned(
        case_id=uuid.uuid4(),
        event_id=uuid.uuid4(),
        event_type="ComplaintReceived",
        rule="receipt_to_reporter",
        channel="email",
        recipient=recipient,
        audience="reporter",
        recipient_name=None,
        subject="Pengaduan Anda telah diterima: ADU-2026-000001",
        body_text="Nomor pengaduan: ADU-2026-000001\n.\nbaris yang diawali titik\n",
        body_html="<p>Nomor pengaduan: ADU-2026-000001</p>",
    )
    async with pool.acquire() as conn:
        assert await notification_log.insert(conn, planned)
    return planned


def _dispatcher(pool: asyncpg.Pool, mailbox: Mailbox, **options: object) -> Dispatcher:
    async def publish(body: bytes, topic: str, headers: dict[str, str]) -> None:
        raise AssertionError("nothing should be dead-lettered here")

    return Dispatcher(
        NotificationLog(pool),
        Backoff(base_seconds=0.01, cap_seconds=0.05, max_attempts=5),
        email=EmailSender(
            SmtpServer(mailbox.host, mailbox.port, "Alur <alur@dispatch.test>"),
            THREAD,
        ),
        webhook=None,
        publish=publish,
        dead_letter_topic="unused",
        consumer="test",
        keys=PersonalDataKeys.in_memory(),
        **options,  # type: ignore[arg-type]
    )


THREAD = MailThread(b"k" * 32)


def _message_id(planned: Planned) -> str:
    return THREAD.message_id(planned.case_id, planned.notification_id, "dispatch.test")


async def _attempts(pool: asyncpg.Pool, planned: Planned) -> list[tuple[int, str | None]]:
    rows = await pool.fetch(
        "SELECT attempt, outcome FROM notification_attempts WHERE notification_id = $1"
        " ORDER BY attempt",
        planned.notification_id,
    )
    return [(r["attempt"], r["outcome"]) for r in rows]


async def _sent_by(dispatcher: Dispatcher, pool: asyncpg.Pool, planned: Planned) -> bool:
    await dispatcher.dispatch_due()
    status = await pool.fetchval(
        "SELECT status FROM notifications WHERE notification_id = $1", planned.notification_id
    )
    return status == "sent"


async def test_a_sender_that_dies_after_writing_the_message_leaves_one_email(
    pool: asyncpg.Pool, mailbox: Mailbox
) -> None:
    planned = await _planned(pool, f"crash-{uuid.uuid4().hex[:8]}@example.id")

    async def die(claimed: Claimed) -> None:
        raise SimulatedCrash(str(claimed.notification_id))

    doomed = _dispatcher(pool, mailbox, lease_seconds=0.5, before_record=die)
    with pytest.raises(SimulatedCrash):
        await doomed.dispatch_due()
    # The whole message was written, but not its end: the server kept nothing.
    assert mailbox.with_id(_message_id(planned)) == []
    assert await _attempts(pool, planned) == [(1, None)]

    fresh = _dispatcher(pool, mailbox, lease_seconds=30)

    async def sent() -> bool:
        return await _sent_by(fresh, pool, planned)

    await eventually(sent, timeout=10)
    (mail,) = mailbox.with_id(_message_id(planned))
    assert mail.rcpt_tos == [planned.recipient]
    assert "\n.\nbaris yang diawali titik" in mail.part("plain")
    assert await _attempts(pool, planned) == [(1, "abandoned"), (2, "sent")]


async def test_a_message_the_server_refuses_at_the_end_is_sent_again_once(
    pool: asyncpg.Pool, mailbox: Mailbox
) -> None:
    planned = await _planned(pool, f"refused-{uuid.uuid4().hex[:8]}@example.id")
    mailbox.refuse_once(planned.recipient)
    dispatcher = _dispatcher(pool, mailbox, lease_seconds=30)

    async def sent() -> bool:
        return await _sent_by(dispatcher, pool, planned)

    await eventually(sent, timeout=10)
    assert len(mailbox.with_id(_message_id(planned))) == 1
    assert await _attempts(pool, planned) == [(1, "refused"), (2, "sent")]


async def test_two_dispatchers_racing_send_each_notification_once(
    pool: asyncpg.Pool, mailbox: Mailbox
) -> None:
    tag = uuid.uuid4().hex[:8]
    planned = [await _planned(pool, f"race-{tag}-{n}@example.id") for n in range(24)]
    racers = [_dispatcher(pool, mailbox, lease_seconds=30, batch_size=4) for _ in range(2)]

    async def drain(dispatcher: Dispatcher) -> int:
        claimed = 0
        while n := await dispatcher.dispatch_due():
            claimed += n
        return claimed

    claims = await asyncio.gather(*(drain(d) for d in racers))
    assert sum(claims) == len(planned)
    for one in planned:
        assert len(mailbox.with_id(_message_id(one))) == 1, one.recipient
    statuses = await pool.fetch("SELECT DISTINCT status, attempts FROM notifications")
    assert [(r["status"], r["attempts"]) for r in statuses] == [("sent", 1)]
