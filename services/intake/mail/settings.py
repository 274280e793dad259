"""The mail intake's settings (README "Email intake"). Without `ALUR_IMAP_HOST` it is off."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from runtime.settings import AlurSettings


class MailSettings(AlurSettings):
    imap_host: str | None = Field(None, validation_alias="ALUR_IMAP_HOST")
    imap_port: int | None = Field(None, validation_alias="ALUR_IMAP_PORT")  # 993, or 143
    imap_username: str | None = Field(None, validation_alias="ALUR_IMAP_USERNAME")
    imap_password: str | None = Field(None, validation_alias="ALUR_IMAP_PASSWORD")
    # tls: TLS from the first byte (imaps); starttls: plain, then STARTTLS; none: no TLS at all.
    imap_security: Literal["tls", "starttls", "none"] = Field(
        "tls", validation_alias="ALUR_IMAP_SECURITY"
    )
    # Certificates trusted besides the system's (a private CA), for tls and starttls.
    imap_ca_file: Path | None = Field(None, validation_alias="ALUR_IMAP_CA_FILE")
    imap_folder: str = Field("INBOX", validation_alias="ALUR_IMAP_FOLDER")
    imap_processed_folder: str = Field(
        "Alur/Diproses", validation_alias="ALUR_IMAP_PROCESSED_FOLDER"
    )
    imap_quarantine_folder: str = Field(
        "Alur/Karantina", validation_alias="ALUR_IMAP_QUARANTINE_FOLDER"
    )
    # How often the folder is read when the server has no IDLE (and how long one IDLE lasts).
    imap_poll_seconds: float = Field(30.0, gt=0, validation_alias="ALUR_IMAP_POLL_SECONDS")
    imap_timeout_seconds: float = Field(30.0, gt=0, validation_alias="ALUR_IMAP_TIMEOUT_SECONDS")
    # A larger mail is quarantined unread (reason too_large).
    imap_max_mail_bytes: int = Field(
        50 * 1024 * 1024, ge=1024, validation_alias="ALUR_IMAP_MAX_MAIL_BYTES"
    )
    # Mails taken in from one sender per window; beyond it they are dropped (a flood).
    imap_mails_per_sender: int = Field(20, ge=1, validation_alias="ALUR_IMAP_MAILS_PER_SENDER")
    imap_sender_window_seconds: float = Field(
        3600.0, gt=0, validation_alias="ALUR_IMAP_SENDER_WINDOW_SECONDS"
    )
    # Tests only: "exit_before_move" ends the process right after a mail's commit, before its
    # move (the exactly-once test). Never set in a deployment.
    imap_fault: Literal["exit_before_move"] | None = Field(None, validation_alias="ALUR_IMAP_FAULT")

    def port(self) -> int:
        return self.imap_port or (993 if self.imap_security == "tls" else 143)
