"""Settings every Alur process reads from the environment (CONTRACT.md "Settings")."""

from __future__ import annotations

import secrets
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from office import OfficeConfig, load_office

REPO_ROOT = Path(__file__).resolve().parent.parent


class AlurSettings(BaseSettings):
    """Shared settings; each service extends this class with its own."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", populate_by_name=True)

    database_url: str = Field(
        "postgresql://alur:alur@127.0.0.1:55432/alur", validation_alias="DATABASE_URL"
    )
    kafka_bootstrap_servers: str = Field(
        "127.0.0.1:9092", validation_alias="KAFKA_BOOTSTRAP_SERVERS"
    )
    # Prefix of every topic and consumer group, so two installations (or a test run
    # next to a demo) can share one broker without reading each other's messages.
    namespace: str = Field("alur", validation_alias="ALUR_NAMESPACE")
    http_host: str = Field("127.0.0.1", validation_alias="ALUR_HTTP_HOST")
    http_port: int = Field(8080, validation_alias="ALUR_HTTP_PORT")
    # Path of the office configuration (office/config.py); the shipped example by default.
    office_path: Path | None = Field(None, validation_alias="ALUR_OFFICE")
    # Keys the reporters' PIN hashes. Unset on a developer machine: a key is made once
    # under .run/ (see `secret_key_bytes`). A real site sets it.
    # "system", or "simulated": every service reads one shared simulated time (alur/clock.py).
    clock: str = Field("system", validation_alias="ALUR_CLOCK")
    secret_key: str | None = Field(None, validation_alias="ALUR_SECRET_KEY")
    run_dir: Path = Field(REPO_ROOT / ".run", validation_alias="ALUR_RUN_DIR")
    log_format: str = Field("json", validation_alias="ALUR_LOG_FORMAT")
    log_level: str = Field("info", validation_alias="ALUR_LOG_LEVEL")
    # Officer accounts (README "Officer accounts"): a session ends after this much idle time and
    # at the latest this long after its login; cookies always Secure (else only over HTTPS).
    session_idle_minutes: float = Field(30.0, gt=0, validation_alias="ALUR_SESSION_IDLE_MINUTES")
    session_max_hours: float = Field(12.0, gt=0, validation_alias="ALUR_SESSION_MAX_HOURS")
    cookie_secure: bool = Field(False, validation_alias="ALUR_COOKIE_SECURE")
    # How long API tokens (`alur users add`, `alur tokens create`) and activation links work.
    token_days: float = Field(365.0, gt=0, validation_alias="ALUR_TOKEN_DAYS")
    activation_hours: float = Field(72.0, gt=0, validation_alias="ALUR_ACTIVATION_HOURS")
    # Wrong logins before a lock (growing from 1 minute): per account, and per address.
    login_failures: int = Field(5, ge=1, validation_alias="ALUR_LOGIN_FAILURES")
    login_address_failures: int = Field(20, ge=1, validation_alias="ALUR_LOGIN_ADDRESS_FAILURES")
    # Where people open Alur (activation links; the notifier's links in messages).
    public_url: str = Field("http://127.0.0.1:8080", validation_alias="ALUR_PUBLIC_URL")

    def secret_key_bytes(self) -> bytes:
        if self.secret_key:
            return self.secret_key.encode()
        path = self.run_dir / "secret.key"
        if not path.exists():
            self.run_dir.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(secrets.token_hex(32))
        return path.read_text().strip().encode()

    def office(self) -> OfficeConfig:
        return load_office(self.office_path)

    def group(self, name: str) -> str:
        """The Kafka consumer group id of one consumer, inside this installation."""
        return f"{self.namespace}.{name}"
