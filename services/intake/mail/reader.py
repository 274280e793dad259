"""The mail intake's rounds: read every mail in the folder, record what it is, then move it.

The mailbox is blocking (imapclient): each call runs in a thread. A mail is moved only after
`MailIntake.take` returned, that is after its commit; a mail whose recording failed (the
database away, a case busy) stays in the folder and is taken again in the next round. Between
rounds the reader waits with IDLE when the server offers it, else for the poll interval. A lost
connection (the server restarting, the network) is opened again, waiting longer each time (up
to `MAX_BACKOFF` seconds).
"""

from __future__ import annotations

import asyncio
import imaplib
from collections.abc import Callable

import structlog

from services.intake.mail.intake import MailIntake
from services.intake.mail.mailbox import ImapMailbox
from services.intake.mail.settings import MailSettings

log = structlog.get_logger(__name__)

MAX_BACKOFF = 30.0
IDLE_SLICE = 5.0  # seconds of one IDLE command
UNREACHABLE = (imaplib.IMAP4.error, OSError, EOFError)


class MailReader:
    def __init__(
        self,
        settings: MailSettings,
        intake: MailIntake,
        before_move: Callable[[], None] = lambda: None,
    ) -> None:
        self._settings = settings
        self._intake = intake
        self._before_move = before_move  # a fault point for the tests (ALUR_IMAP_FAULT)
        self._folders = {
            "processed": settings.imap_processed_folder,
            "quarantine": settings.imap_quarantine_folder,
        }

    async def run(self) -> None:
        backoff = 1.0
        while True:
            mailbox = ImapMailbox(self._settings)
            try:
                await asyncio.to_thread(mailbox.open)
                log.info("mailbox_opened", idle=mailbox.idles, uidvalidity=mailbox.uidvalidity)
                backoff = 1.0
                while True:
                    await self._round(mailbox)
                    await self._wait(mailbox)
            except UNREACHABLE as error:
                log.warning("mailbox_unreachable", error=type(error).__name__, retry_in=backoff)
            finally:
                await asyncio.to_thread(mailbox.close)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)

    async def _wait(self, mailbox: ImapMailbox) -> None:
        """Until the folder may have changed: IDLE in slices (a stopping worker waits for one
        slice at most), or the poll interval."""
        seconds = self._settings.imap_poll_seconds
        if not mailbox.idles:
            await asyncio.sleep(seconds)
            await asyncio.to_thread(mailbox.check)
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while (left := deadline - loop.time()) > 0:
            if await asyncio.to_thread(mailbox.idle, min(left, IDLE_SLICE)):
                return

    async def _round(self, mailbox: ImapMailbox) -> None:
        largest = self._settings.imap_max_mail_bytes
        for uid, size in await asyncio.to_thread(mailbox.waiting):
            fetched = None if size > largest else await asyncio.to_thread(mailbox.fetch, uid)
            try:
                if fetched is not None:
                    destination = await self._intake.take(mailbox.uidvalidity, uid, fetched.raw)
                elif size > largest:  # never read into memory
                    destination = await self._intake.refuse(mailbox.uidvalidity, uid, "too_large")
                else:
                    continue  # moved away meanwhile
            except Exception as error:  # noqa: BLE001  kept in the folder, taken again next round
                log.error("mail_not_taken", uid=uid, error=type(error).__name__)
                continue
            self._before_move()
            await asyncio.to_thread(mailbox.move, [uid], self._folders[destination])
            log.info("mail_moved", uid=uid, folder=destination)
