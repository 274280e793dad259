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
    # Reporters' secrets (services/intake/reporter_access.py): wrong PINs before a lock, per
    # tracking number and per client address; the first lock, doubled by each further lock of
    # the same key up to the longest.
    pin_failures: int = Field(5, ge=1, validation_alias="ALUR_PIN_FAILURES")
    pin_address_failures: int = Field(20, ge=1, validation_alias="ALUR_PIN_ADDRESS_FAILURES")
    pin_lock_seconds: float = Field(60.0, gt=0, validation_alias="ALUR_PIN_LOCK_SECONDS")
    pin_longest_lock_seconds: float = Field(
        3600.0, gt=0, validation_alias="ALUR_PIN_LONGEST_LOCK_SECONDS"
    )
    # Complaints from the public (the API and the /lapor form) per client address and window.
    complaints_per_address: int = Field(10, ge=1, validation_alias="ALUR_COMPLAINTS_PER_ADDRESS")
    complaint_window_seconds: float = Field(
        600.0, gt=0, validation_alias="ALUR_COMPLAINT_WINDOW_SECONDS"
    )

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
