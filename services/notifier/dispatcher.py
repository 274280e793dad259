"""Sends due notifications, each exactly once, however many dispatchers run.

A dispatcher claims due rows (`FOR UPDATE SKIP LOCKED`, with a lease), sends each through its
channel and records the outcome, fenced by the attempt number of its claim: if its lease ran
out and another dispatcher took the row, its writes change nothing (and an email it was
sending is abandoned before the server accepts it). Failures are retried with exponential
backoff and full jitter; after the last attempt the row is `dead` and a record of it goes to
the dead-letter topic.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import KW_ONLY, dataclass, replace

import aiosmtplib
import structlog

from privacy import ERASED, UNREADABLE, PersonalDataKeys
from runtime.kafka import Publish
from services.notifier.backoff import Backoff
from services.notifier.email_sender import EmailSender, NotRecorded, Refused
from services.notifier.notification_log import Claimed, NotificationLog
from services.notifier.webhook_sender import WebhookFailed, WebhookSender

log = structlog.get_logger(__name__)

Checkpoint = Callable[[Claimed], Awaitable[None]]


async def _no_checkpoint(_: Claimed) -> None:
    return None


@dataclass(frozen=True)
class Dispatcher:
    notifications: NotificationLog
    backoff: Backoff
    _: KW_ONLY
    email: EmailSender | None
    webhook: WebhookSender | None
    publish: Publish
    dead_letter_topic: str
    consumer: str
    lease_seconds: float
    # Reveals a notification's sealed address and texts at the moment it is sent (privacy/).
    keys: PersonalDataKeys
    batch_size: int = 20
    # Called after an email's content is written and before it is recorded sent: a seam
    # for tests that crash the sender at the worst moment.
    before_record: Checkpoint = _no_checkpoint

    @property
    def channels(self) -> list[str]:
        return [
            name for name, sender in (("email", self.email), ("webhook", self.webhook)) if sender
        ]

    async def run(self, wake: asyncio.Event, poll_seconds: float) -> None:
        """Dispatch until cancelled; `wake` is set when new notifications are planned."""
        while True:
            try:
                sent = await self.dispatch_due()
            except Exception as error:  # noqa: BLE001 - e.g. PostgreSQL away: wait and go on
                log.warning("dispatch_failed", error=repr(error))
                sent = 0
            if sent:
                continue
            wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), poll_seconds)

    async def dispatch_due(self) -> int:
        """Send what is due now; returns how many rows were claimed."""
        if not self.channels:
            return 0
        claimed = await self.notifications.claim(self.batch_size, self.lease_seconds, self.channels)
        results = await asyncio.gather(*(self._send(c) for c in claimed), return_exceptions=True)
        for result in results:
            if isinstance(result, Exception):
                # Could not even record the failure (PostgreSQL away): the lease runs out and
                # the row is claimed again.
                log.warning("notification_not_recorded", error=repr(result))
            elif isinstance(result, BaseException):
                raise result
        return len(claimed)

    async def _send(self, claimed: Claimed) -> None:
        with structlog.contextvars.bound_contextvars(
            case_id=str(claimed.case_id),
            event_id=str(claimed.event_id),
            notification_id=str(claimed.notification_id),
            channel=claimed.channel,
            attempt=claimed.attempt,
        ):
            claimed = await self._revealed(claimed)
            if claimed.recipient in (ERASED, UNREADABLE):
                # Erased before it went out: never sent, and said so without an address.
                await self._failed(
                    claimed, "the recipient's personal data was erased", permanent=True
                )
                return
            try:
                if claimed.channel == "email":
                    await self._send_email(claimed)
                else:
                    await self._send_webhook(claimed)
            except Exception as error:  # noqa: BLE001 - recorded; the row is retried
                log.warning("notification_attempt_failed", error=_without(repr(error), claimed))
                await self._failed(claimed, f"{type(error).__name__}: {error}")

    async def _revealed(self, claimed: Claimed) -> Claimed:
        recipient, name, text, html = await self.keys.reveal_all(
            [claimed.recipient, claimed.recipient_name, claimed.body_text, claimed.body_html]
        )
        assert recipient is not None and text is not None and html is not None
        return replace(
            claimed, recipient=recipient, recipient_name=name, body_text=text, body_html=html
        )

    async def _send_email(self, claimed: Claimed) -> None:
        assert self.email is not None

        async def record() -> bool:
            await self.before_record(claimed)
            return await self.notifications.record_sent(claimed, final=False)

        try:
            await self.email.send(claimed, record)
        except NotRecorded:
            log.warning("notification_lease_lost")
            return
        except Refused as error:
            sent = await self._sent_already(claimed)
            await self._failed(claimed, str(error), permanent=error.permanent, was_sent=sent)
            return
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            if await self._sent_already(claimed):
                # The terminator went out but its answer was lost: recorded sent, kept so.
                log.warning("notification_sent_unconfirmed", error=repr(error))
                return
            await self._failed(claimed, f"{type(error).__name__}: {error}")
            return
        await self.notifications.confirm(claimed)
        log.info("notification_sent")

    async def _send_webhook(self, claimed: Claimed) -> None:
        assert self.webhook is not None
        try:
            await self.webhook.send(claimed)
        except WebhookFailed as error:
            await self._failed(claimed, str(error))
            return
        if await self.notifications.record_sent(claimed, final=True):
            log.info("notification_sent")
        else:
            log.warning("notification_lease_lost")

    async def _sent_already(self, claimed: Claimed) -> bool:
        return await self.notifications.status(claimed.notification_id) == "sent"

    async def _failed(
        self, claimed: Claimed, error: str, *, permanent: bool = False, was_sent: bool = False
    ) -> None:
        # A server's refusal may quote the address: it goes no further than the message did.
        error = _without(error, claimed)
        delay = None if permanent else self.backoff.delay(claimed.attempt)
        outcome = "refused" if was_sent else "failed"
        if delay is None:
            await self._dead_letter(claimed, error)
        recorded = await self.notifications.record_failure(
            claimed, error, retry_in=delay, outcome=outcome, was_sent=was_sent
        )
        if not recorded:
            log.warning("notification_lease_lost")
        elif delay is None:
            log.error("notification_dead", error=error)
        else:
            log.warning("notification_retry_scheduled", error=error, retry_in=round(delay, 3))

    async def _dead_letter(self, claimed: Claimed, error: str) -> None:
        """A record of the dead notification (no addresses, no message text) for operators."""
        record = {
            "notification_id": str(claimed.notification_id),
            "case_id": str(claimed.case_id),
            "event_id": str(claimed.event_id),
            "event_type": claimed.event_type,
            "rule": claimed.rule,
            "channel": claimed.channel,
            "attempts": claimed.attempt,
            "error": error,
        }
        headers = {
            "x-alur-reason": f"notification dead after {claimed.attempt} attempts: {error}"[:1000],
            "x-alur-consumer": self.consumer,
            "x-alur-source": f"notification:{claimed.notification_id}",
            "x-alur-delivery": str(claimed.notification_id),
        }
        await self.publish(json.dumps(record).encode(), self.dead_letter_topic, headers)


def _without(text: str, claimed: Claimed) -> str:
    """`text` without the recipient's address (a reporter's must not reach logs or dead letters)."""
    address = claimed.recipient
    return text.replace(address, "[alamat]") if address and len(address) > 3 else text
