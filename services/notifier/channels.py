"""What the notifier can send through, from its settings: the senders of the configured
channels, why the others cannot send, and the checks that stop a notifier started with
settings or rules it cannot use."""

from __future__ import annotations

import httpx

from runtime.mail_thread import MailThread
from services.notifier.email_sender import EmailSender, SmtpServer
from services.notifier.rules import Channel, InvalidRules, Rules, load_rules
from services.notifier.settings import NotifierSettings
from services.notifier.templates import Templates
from services.notifier.webhook_sender import WebhookSender


def checked_rules(settings: NotifierSettings, templates: Templates) -> Rules:
    """The notification rules; stops the worker with the reason if they (or the webhook
    settings) cannot be used."""
    try:
        rules = load_rules(settings.rules_path, templates.names())
    except InvalidRules as error:
        raise SystemExit(f"notification rules: {error}") from None
    if settings.webhook_url and not settings.webhook_secret:
        raise SystemExit("ALUR_WEBHOOK_URL is set but ALUR_WEBHOOK_SECRET is not: set both")
    return rules


def unavailable(settings: NotifierSettings) -> dict[Channel, str | None]:
    """Why each channel cannot send (recorded on skipped notifications), or None."""
    return {
        "email": None if settings.smtp_host else "ALUR_SMTP_HOST is not set",
        "webhook": None if settings.webhook_url else "ALUR_WEBHOOK_URL is not set",
    }


def email_sender(settings: NotifierSettings) -> EmailSender | None:
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
            reply_to=settings.mail_reply_to,
        ),
        MailThread(settings.secret_key_bytes()),
    )


def webhook_sender(settings: NotifierSettings, client: httpx.AsyncClient) -> WebhookSender | None:
    if not (settings.webhook_url and settings.webhook_secret):
        return None
    return WebhookSender(settings.webhook_url, settings.webhook_secret, client)
