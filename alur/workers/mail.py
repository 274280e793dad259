"""The mail intake worker: `alur serve mail` (README "Email intake").

Reads the office's mailbox over IMAP (services/intake/mail/) and records each mail as a
complaint, a reply or a bounce on its case. Without `ALUR_IMAP_HOST` it says once that mail
intake is off and stays idle, so `make run` and the test sandboxes run it everywhere. Run one
per mailbox: two readers of one folder would only find each other's mails recorded already.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import timedelta
from zoneinfo import ZoneInfo

import structlog

from attachments import AttachmentIntake, DirectoryFiles
from cases import GroupCommit, PostgresEventStore
from privacy import PersonalDataKeys
from runtime.mail_thread import MailThread
from runtime.throttle import Throttle
from runtime.worker import Process, Started, serve
from services.intake.intake import ComplaintIntake
from services.intake.mail.intake import MailIntake
from services.intake.mail.quarantine import Quarantine
from services.intake.mail.reader import MailReader
from services.intake.mail.settings import MailSettings
from services.intake.tracking import TrackingNumbers
from sop.engine import SopEngine
from sop.registry import SopRegistry

log = structlog.get_logger(__name__)
FAULT_EXIT_STATUS = 70


async def start(settings: MailSettings, process: Process) -> Started:
    if settings.imap_host is None:
        log.info("mail_intake_off", reason="ALUR_IMAP_HOST is not set")
        return Started(says={"intake": "off"})
    office = settings.office()
    secret = settings.secret_key_bytes()
    pool = await process.pool(max_size=4)
    clock = await process.clock(ZoneInfo(office.time_zone))
    store = await PostgresEventStore.connect(settings.database_url, pool_size=3)
    process.closing(store.close)
    writer = GroupCommit(store, max_fact_bytes=settings.max_event_bytes)
    process.closing(writer.close)
    registry = SopRegistry(pool)
    await registry.create()
    keys = PersonalDataKeys.over(pool, secret, settings.key_cache_seconds)
    await keys.create()
    process.closing((await keys.listen(settings.database_url)).close)
    throttle = Throttle(pool, secret, clock.now)
    await throttle.create()
    quarantine = Quarantine(pool)
    await quarantine.create()
    attachments = AttachmentIntake(
        DirectoryFiles(settings.attachment_dir),
        keys,
        settings.attachment_max_bytes,
        store,
        writer,
        clock.now,
    )
    complaints = ComplaintIntake(
        writer,
        TrackingNumbers(store, secret),
        registry,
        office.complaint_sop,
        SopEngine(clock.now),
        keys,
        attachments,
    )
    intake = MailIntake(
        complaints,
        store,
        keys,
        attachments,
        MailThread(secret),
        throttle,
        quarantine,
        clock.now,
        settings.imap_mails_per_sender,
        timedelta(seconds=settings.imap_sender_window_seconds),
    )
    reader = MailReader(settings, intake, before_move=_fault(settings))
    return Started(
        pool,
        loops=[reader.run],
        says={"intake": "on", "security": settings.imap_security, "folder": settings.imap_folder},
    )


def _fault(settings: MailSettings) -> Callable[[], None]:
    if settings.imap_fault != "exit_before_move":
        return lambda: None

    def exit_now() -> None:
        log.warning("mail_fault_exit", fault=settings.imap_fault)
        os._exit(FAULT_EXIT_STATUS)

    return exit_now


def main() -> None:
    settings = MailSettings()
    serve("mail", settings, lambda process: start(settings, process))


if __name__ == "__main__":
    main()
