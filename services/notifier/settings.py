from __future__ import annotations

from pathlib import Path

from pydantic import Field

from runtime.settings import AlurSettings

RULES = Path(__file__).resolve().parent / "rules.yaml"


class NotifierSettings(AlurSettings):
    # Where email goes (CONTRACT.md). Without a host, email notifications are recorded as
    # skipped, with the reason, instead of being sent.
    smtp_host: str | None = Field(None, validation_alias="ALUR_SMTP_HOST")
    smtp_port: int = Field(25, validation_alias="ALUR_SMTP_PORT")
    smtp_from: str = Field("Alur <alur@localhost>", validation_alias="ALUR_SMTP_FROM")
    smtp_username: str | None = Field(None, validation_alias="ALUR_SMTP_USERNAME")
    smtp_password: str | None = Field(None, validation_alias="ALUR_SMTP_PASSWORD")
    smtp_timeout_seconds: float = Field(15.0, validation_alias="ALUR_SMTP_TIMEOUT_SECONDS")
    # The Reply-To of every email: the office's intake mailbox (`alur serve mail` reads it), so
    # a reporter's reply becomes part of their case. Unset: no Reply-To (replies go to From).
    mail_reply_to: str | None = Field(None, validation_alias="ALUR_MAIL_REPLY_TO")
    # A gateway (WhatsApp, SMS) that takes signed JSON. Unset: webhook notifications skipped.
    webhook_url: str | None = Field(None, validation_alias="ALUR_WEBHOOK_URL")
    webhook_secret: str | None = Field(None, validation_alias="ALUR_WEBHOOK_SECRET")
    webhook_timeout_seconds: float = Field(5.0, validation_alias="ALUR_WEBHOOK_TIMEOUT_SECONDS")
    # Retries: attempt n waits a random time in [0, min(cap, base * 2^(n-1))] (full jitter).
    max_attempts: int = Field(6, ge=1, validation_alias="ALUR_NOTIFIER_MAX_ATTEMPTS")
    retry_base_seconds: float = Field(
        2.0, gt=0, validation_alias="ALUR_NOTIFIER_RETRY_BASE_SECONDS"
    )
    retry_cap_seconds: float = Field(
        600.0, gt=0, validation_alias="ALUR_NOTIFIER_RETRY_CAP_SECONDS"
    )
    # How long a dispatcher owns a row it is sending; past it, the row is someone else's.
    lease_seconds: float = Field(60.0, gt=0, validation_alias="ALUR_NOTIFIER_LEASE_SECONDS")
    poll_seconds: float = Field(1.0, gt=0, validation_alias="ALUR_NOTIFIER_POLL_SECONDS")
    rules_path: Path = Field(RULES, validation_alias="ALUR_NOTIFICATION_RULES")
    # Where reporters and officers open the links in their messages.
    public_url: str = Field("http://127.0.0.1:8080", validation_alias="ALUR_PUBLIC_URL")
    batch_size: int = Field(200, validation_alias="ALUR_NOTIFIER_BATCH_SIZE")
    # Receipts (the reporter's notification of a new complaint) per address and channel in a
    # window; beyond it they are recorded skipped with the reason (receipt_limit.py).
    receipts_per_recipient: int = Field(5, ge=1, validation_alias="ALUR_RECEIPTS_PER_RECIPIENT")
    receipt_window_seconds: float = Field(
        3600.0, gt=0, validation_alias="ALUR_RECEIPT_WINDOW_SECONDS"
    )
    apply_attempts: int = Field(3, validation_alias="ALUR_NOTIFIER_APPLY_ATTEMPTS")
