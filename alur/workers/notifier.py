"""Entry point of the notifier worker: `alur serve notifier`.

One FastStream batch subscriber (its own consumer group, every case topic, from the earliest
offset) plans notifications from events; a dispatcher loop in the same process sends them.
Several notifier processes may run: Kafka splits the partitions between their planners, and
their dispatchers share the notifications table through row locks and leases.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import structlog
from faststream import FastStream

from events import Topics
from officers import OfficerDirectory
from runtime.database import pool_when_ready
from runtime.kafka import (
    consumer_broker,
    dead_letters_through,
    ensure_topics,
    subscribe_case_events,
)
from runtime.logs import configure_logging
from services.notifier.audience import Audiences
from services.notifier.backoff import Backoff
from services.notifier.dispatcher import Dispatcher
from services.notifier.email_sender import EmailSender, SmtpServer
from services.notifier.notification_log import NotificationLog
from services.notifier.planner import Links, Planner
from services.notifier.rules import Channel, InvalidRules, load_rules
from services.notifier.settings import NotifierSettings
from services.notifier.templates import Templates
from services.notifier.webhook_sender import WebhookSender
from sop.registry import SopRegistry

log = structlog.get_logger(__name__)


def unavailable(settings: NotifierSettings) -> dict[Channel, str | None]:
    """Why each channel cannot send (recorded on skipped notifications), or None."""
    return {
        "email": None if settings.smtp_host else "ALUR_SMTP_HOST is not set",
        "webhook": None if settings.webhook_url else "ALUR_WEBHOOK_URL is not set",
    }


def build_app(settings: NotifierSettings) -> FastStream:
    topics = Topics(settings.namespace)
    templates = Templates()
    try:
        rules = load_rules(settings.rules_path, templates.names())
    except InvalidRules as error:
        raise SystemExit(f"notification rules: {error}") from None
    if settings.webhook_url and not settings.webhook_secret:
        raise SystemExit("ALUR_WEBHOOK_URL is set but ALUR_WEBHOOK_SECRET is not: set both")
    why_not = unavailable(settings)
    broker = consumer_broker(settings.kafka_bootstrap_servers)
    app = FastStream(broker, logger=None)
    state: dict[str, Any] = {}
    wake = asyncio.Event()

    publish = dead_letters_through(broker)

    subscribe_case_events(
        broker,
        topics,
        settings.group("notifier"),
        lambda: state["planner"],
        batch_size=settings.batch_size,
        attempts=settings.apply_attempts,
    )

    @app.on_startup
    async def start() -> None:
        pool = await pool_when_ready(settings.database_url, max_size=6)
        state["pool"] = pool
        registry = SopRegistry(pool)
        await registry.create()
        directory = OfficerDirectory(pool)
        await directory.create()
        planner = Planner(
            pool,
            rules,
            Audiences(directory, registry),
            registry,
            templates,
            Links(settings.public_url),
            ZoneInfo(settings.office().time_zone),
            unavailable=why_not.__getitem__,
            planned=wake.set,
        )
        await planner.create_tables()
        state["planner"] = planner
        await ensure_topics(settings.kafka_bootstrap_servers, topics)
        for channel, reason in why_not.items():
            if reason:
                log.warning("channel_disabled", channel=channel, reason=reason)

    @app.after_startup
    async def start_dispatching() -> None:
        client = httpx.AsyncClient(timeout=settings.webhook_timeout_seconds)
        state["http"] = client
        dispatcher = Dispatcher(
            NotificationLog(state["pool"]),
            Backoff(settings.retry_base_seconds, settings.retry_cap_seconds, settings.max_attempts),
            email=_email(settings),
            webhook=(
                WebhookSender(settings.webhook_url, settings.webhook_secret, client)
                if settings.webhook_url and settings.webhook_secret
                else None
            ),
            publish=publish,
            dead_letter_topic=topics.dead_letter,
            consumer=settings.group("notifier"),
            lease_seconds=settings.lease_seconds,
        )
        state["dispatching"] = asyncio.create_task(dispatcher.run(wake, settings.poll_seconds))
        log.info("notifier_started", channels=[c for c, r in why_not.items() if r is None])

    @app.on_shutdown
    async def stop_dispatching() -> None:
        task = state.get("dispatching")
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    @app.after_shutdown
    async def stop() -> None:
        if "http" in state:
            await state["http"].aclose()
        if "pool" in state:
            await state["pool"].close()
        log.info("notifier_stopped")

    return app


def _email(settings: NotifierSettings) -> EmailSender | None:
    if not settings.smtp_host:
        return None
    return EmailSender(
        SmtpServer(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.smtp_from,
            username=settings.smtp_username,
            password=settings.smtp_password,
            timeout=settings.smtp_timeout_seconds,
        )
    )


def main() -> None:
    settings = NotifierSettings()
    configure_logging("notifier", fmt=settings.log_format, level=settings.log_level)
    asyncio.run(build_app(settings).run())


if __name__ == "__main__":
    main()
