"""The notifier worker: `alur serve notifier`.

One consumer group (every case topic, from the earliest offset) plans notifications from
events; a dispatcher loop in the same process sends them. Several notifier processes may run:
Kafka splits the partitions between their planners, and their dispatchers share the
notifications table through row locks and leases.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from functools import partial
from zoneinfo import ZoneInfo

import httpx
import structlog

from events import Topics
from officers import OfficerDirectory
from privacy import PersonalDataKeys
from runtime.worker import Feed, Process, Started, serve
from services.notifier import channels
from services.notifier.audience import Audiences
from services.notifier.backoff import Backoff
from services.notifier.dispatcher import Dispatcher
from services.notifier.notification_log import NotificationLog
from services.notifier.planner import Links, Planner
from services.notifier.receipt_limit import ReceiptLimit
from services.notifier.settings import NotifierSettings
from services.notifier.templates import Templates
from sop.registry import SopRegistry

log = structlog.get_logger(__name__)


async def start(settings: NotifierSettings, process: Process) -> Started:
    templates = Templates()
    rules = channels.checked_rules(settings, templates)
    why_not = channels.unavailable(settings)
    pool = await process.pool(max_size=6)
    registry = SopRegistry(pool)
    await registry.create()
    directory = OfficerDirectory(pool)
    await directory.create()
    keys = PersonalDataKeys.over(pool, settings.secret_key_bytes(), settings.key_cache_seconds)
    await keys.create()
    # A key destroyed elsewhere is forgotten here at once.
    process.closing((await keys.listen(settings.database_url)).close)
    wake = asyncio.Event()
    planner = Planner(
        rules,
        Audiences(directory, registry),
        registry,
        templates,
        Links(settings.public_url),
        ZoneInfo(settings.office().time_zone),
        keys,
        unavailable=why_not.__getitem__,
        planned=wake.set,
        receipts=ReceiptLimit(
            settings.receipts_per_recipient, timedelta(seconds=settings.receipt_window_seconds)
        ),
    )
    http = httpx.AsyncClient(timeout=settings.webhook_timeout_seconds)
    process.closing(http.aclose)
    dispatcher = Dispatcher(
        NotificationLog(pool),
        Backoff(settings.retry_base_seconds, settings.retry_cap_seconds, settings.max_attempts),
        email=channels.email_sender(settings),
        webhook=channels.webhook_sender(settings, http),
        publish=process.dead_letters(),
        dead_letter_topic=Topics(settings.namespace).dead_letter,
        consumer=settings.group("notifier"),
        lease_seconds=settings.lease_seconds,
        keys=keys,
    )
    for channel, reason in why_not.items():
        if reason:
            log.warning("channel_disabled", channel=channel, reason=reason)
    return Started(
        pool,
        feeds=[
            Feed(
                settings.group("notifier"), [planner], settings.batch_size, settings.apply_attempts
            )
        ],
        loops=[partial(dispatcher.run, wake, settings.poll_seconds)],
        says={"channels": [c for c, r in why_not.items() if r is None]},
    )


def main() -> None:
    settings = NotifierSettings()
    serve("notifier", settings, lambda process: start(settings, process))


if __name__ == "__main__":
    main()
