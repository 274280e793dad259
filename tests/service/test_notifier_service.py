"""Notification planning through the consumer framework, in milliseconds: the reporter's
receipt, what an anonymous confidential complaint may tell, the assignment of a routed step,
and redelivery. (tests/test_notifier.py: the same through the workers, SMTP and a gateway.)"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import pytest

from cases import InMemoryEventStore
from events import Actor, Reporter
from events.channels import ReporterMailBounced
from events.routing import CaseRouted
from office import load_office
from privacy import PersonalDataKeys
from services.intake.side_facts import record_beside
from services.notifier.audience import Audiences
from services.notifier.notification_log import NotificationLog
from services.notifier.planner import Links, Planner
from services.notifier.rules import load_rules
from services.notifier.settings import RULES
from services.notifier.templates import Templates
from services.notifier.undeliverable import REASON
from services.routing.router import Router
from sop.actions import Officer
from sop.registry import SopRegistry
from tests.support.desk import Desk
from tests.support.seed_cases import to_the_team
from tests.support.service_layer import Line

OFFICE = load_office()  # the shipped office: its routing rules send "pelayanan kesehatan" …
YANKES = "Bidang Pelayanan Kesehatan"  # … to this unit
TEMPLATES = Templates()
PUBLIC_URL = "https://pengaduan.dinkes.test"
TEAM = "tim_pengelola_pengaduan"


@pytest.fixture
async def line(
    store: InMemoryEventStore,
    pool: asyncpg.Pool,
    registry: SopRegistry,
    desk: Desk,
    router_for: Callable[..., Router],
) -> AsyncIterator[Line]:
    planner = Planner(
        rules=load_rules(RULES, TEMPLATES.names()),
        audiences=Audiences(desk.directory, registry),
        registry=registry,
        templates=TEMPLATES,
        links=Links(PUBLIC_URL),
        time_zone=ZoneInfo(OFFICE.time_zone),
        keys=PersonalDataKeys.in_memory(),
        unavailable=lambda _channel: None,  # every channel configured: all planned pending
    )
    async with Line.running(store, pool, routing=router_for(OFFICE), notifier=planner) as line:
        yield line


@pytest.fixture
def notifications(pool: asyncpg.Pool) -> NotificationLog:
    return NotificationLog(pool)


def _seen(notification: dict[str, Any]) -> str:
    """Everything a notification says: its subject and both bodies."""
    return notification["subject"] + notification["body_text"] + notification["body_html"]


@pytest.mark.parametrize(
    ("reporter", "receipts"),
    [
        (
            Reporter(name="Siti Aminah", email="siti@example.id", phone="+6281234567890"),
            {("email", "siti@example.id"), ("webhook", "+6281234567890")},
        ),
        (Reporter(name="Siti Aminah", email="siti@example.id"), {("email", "siti@example.id")}),
        (Reporter(name="Siti Aminah"), set()),
    ],
    ids=["email-and-phone", "email-only", "no-contact"],
)
async def test_a_complaint_plans_the_reporters_receipt_where_they_left_a_contact(
    desk: Desk,
    line: Line,
    notifications: NotificationLog,
    reporter: Reporter,
    receipts: set[tuple[str, str]],
) -> None:
    case_id = await desk.complaint(reporter=reporter)

    await line.relay()

    planned = [
        n for n in await notifications.for_case(case_id) if n["rule"] == "receipt_to_reporter"
    ]
    assert {(n["channel"], n["recipient"]) for n in planned} == receipts
    for receipt in planned:
        assert (
            receipt["subject"]
            == ("[ADU-2026-000001] " if receipt["channel"] == "email" else "")
            + "Pengaduan Anda telah diterima: ADU-2026-000001"
        )
        assert (receipt["audience"], receipt["status"]) == ("reporter", "pending")
        assert f"{PUBLIC_URL}/lacak?nomor=ADU-2026-000001" in receipt["body_text"]
    email = [n for n in planned if n["channel"] == "email"]
    assert all("Yth. Siti Aminah" in n["body_text"] for n in email)


async def test_an_anonymous_confidential_complaint_plans_nothing_that_discloses_its_reporter(
    desk: Desk, line: Line, notifications: NotificationLog
) -> None:
    await desk.hire(
        "Tata Usaha", "petugas_pengaduan", email="tu@dinkes.test", phone="+6281311112222"
    )
    secret = Reporter(name="Pelapor Rahasia", email="rahasia@example.id", phone="+6281299990000")
    subject, description = "Pungutan liar di loket", "Petugas loket meminta uang tambahan."
    case_id = await desk.complaint(
        reporter=secret,
        anonymous=True,
        confidential=True,
        subject=subject,
        description=description,
    )

    await line.relay()

    planned = await notifications.for_case(case_id)
    to_officers = [n for n in planned if n["audience"] != "reporter"]
    assert [(n["recipient"], n["rule"]) for n in to_officers] == [
        ("tu@dinkes.test", "work_to_step_officers")
    ]
    assert secret.name is not None
    assert not [n for n in planned if secret.name in _seen(n)]
    for told in [*to_officers, *(n for n in planned if n["channel"] == "webhook")]:
        seen = _seen(told)
        assert not [f for f in (subject, description, secret.email, secret.phone) if f in seen]
    assert "Dirahasiakan" in _seen(to_officers[0])
    # The reporter reads their own complaint's subject, by email only.
    (receipt,) = [n for n in planned if n["audience"] == "reporter" and n["channel"] == "email"]
    assert (receipt["recipient"], subject in receipt["body_text"]) == (secret.email, True)


async def test_a_routed_step_plans_the_assignment_for_its_assignee(
    desk: Desk, line: Line, notifications: NotificationLog, petugas: Officer
) -> None:
    ani = await desk.hire("Ani Yankes", TEAM, unit=YANKES, email="ani@dinkes.test")
    budi = await desk.hire("Budi Yankes", TEAM, unit=YANKES, email="budi@dinkes.test")
    case_id = await desk.complaint("pelayanan kesehatan")
    await desk.work(case_id, to_the_team(petugas))

    await line.settle()  # the forwarding is routed; the CaseRouted is planned in turn

    planned = await notifications.for_case(case_id)
    to_officers = [n for n in planned if n["audience"] != "reporter"]
    waiting = [n for n in to_officers if n["event_type"] == "ComplaintForwardedToTeam"]
    assert {(n["recipient"], n["rule"]) for n in waiting} == {
        (ani.email, "work_to_step_officers"),
        (budi.email, "work_to_step_officers"),
    }
    waiting_subject = "[ADU-2026-000001] Pekerjaan menunggu Anda: ADU-2026-000001"
    assert all(n["subject"] == waiting_subject for n in waiting)
    (assignment,) = [n for n in to_officers if n["event_type"] == CaseRouted.type]
    assert (assignment["recipient"], assignment["rule"]) == (ani.email, "assignment_to_officer")
    assert (assignment["recipient_name"], assignment["subject"]) == (
        ani.name,
        "[ADU-2026-000001] Penugasan baru: ADU-2026-000001",
    )
    assert "Langkah berikutnya: Tim melakukan analisa" in assignment["body_text"]


async def test_a_redelivered_event_plans_nothing_twice(
    desk: Desk, line: Line, notifications: NotificationLog, pool: asyncpg.Pool
) -> None:
    case_id = await desk.complaint()
    batch = await line.relay()
    planned = await notifications.for_case(case_id)
    assert len(planned) == 2  # the receipt, by email and webhook

    await line.deliver(*batch)  # Kafka delivers the batch again: the watermark skips it
    assert line.given("notifier") == [batch[0].event_id]
    # The worker crashed before its watermark committed: it plans the event again, and the
    # notification ids (event, rule, recipient, channel) are the ones it planned before.
    await pool.execute("DELETE FROM consumer_watermarks WHERE consumer = 'notifier'")
    await line.deliver(*batch)
    assert line.given("notifier") == [batch[0].event_id] * 2

    assert await notifications.for_case(case_id) == planned


async def test_after_a_bounce_no_more_email_goes_to_the_reporters_address(
    desk: Desk, line: Line, notifications: NotificationLog, petugas: Officer
) -> None:
    reporter = Reporter(name="Siti Aminah", email="Siti@Example.id", phone="+6281234567890")
    case_id = await desk.complaint(reporter=reporter)
    await line.relay()
    await record_beside(
        desk.store,
        case_id,
        ReporterMailBounced(status="5.1.1"),
        actor=Actor(id="mail", role="system"),
        occurred_at=desk.clock.now(),
        causation="bounce:1",
    )
    await desk.work(case_id, to_the_team(petugas)[:1])  # registered: the reporter is told
    other = await desk.complaint(reporter=reporter.model_copy(update={"email": "siti@example.id"}))
    await line.relay()

    def to_reporter(rows: list[dict[str, Any]]) -> list[tuple[str, str, str, str | None]]:
        return [
            (n["event_type"], n["channel"], n["status"], n["last_error"])
            for n in rows
            if n["audience"] == "reporter"
        ]

    skipped = ("skipped", REASON)
    assert sorted(to_reporter(await notifications.for_case(case_id))) == [
        ("ComplaintReceived", "email", "pending", None),
        ("ComplaintReceived", "webhook", "pending", None),
        ("ComplaintRegistered", "email", *skipped),
        ("ComplaintRegistered", "webhook", "pending", None),
    ]
    # Another case of the same address (as written differently): its receipt is not mailed.
    assert sorted(to_reporter(await notifications.for_case(other))) == [
        ("ComplaintReceived", "email", *skipped),
        ("ComplaintReceived", "webhook", "pending", None),
    ]
