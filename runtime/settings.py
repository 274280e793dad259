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
    # "system", or "simulated": every service reads one shared simulated time (runtime/clock.py);
    # "simulated" only where the deployment says it is a demo (ALUR_DEMO=true).
    clock: str = Field("system", validation_alias="ALUR_CLOCK")
    demo: bool = Field(False, validation_alias="ALUR_DEMO")
    # Keys the reporters' PIN hashes (and what else must not be guessed), at least 32 bytes.
    # ALUR_SECRET_KEY, or a file holding it (ALUR_SECRET_KEY_FILE, e.g. a Docker secret).
    # Unset on a developer machine: a key is made once under .run/ (see `secret_key_bytes`).
    secret_key: str | None = Field(None, validation_alias="ALUR_SECRET_KEY")
    secret_key_file: Path | None = Field(None, validation_alias="ALUR_SECRET_KEY_FILE")
    # How long a process keeps a personal-data key it has unwrapped (privacy/store.py); a
    # destroyed key is forgotten at once by every process that listens, by this time at latest.
    key_cache_seconds: float = Field(60.0, ge=0, validation_alias="ALUR_KEY_CACHE_SECONDS")
    # The largest request body the web reads (413 beyond it), and the largest event it stores
    # (413 beyond it): below Kafka's message limit (1 MiB by default), so the relay can always
    # publish what the web accepted.
    max_body_bytes: int = Field(1024 * 1024, ge=1024, validation_alias="ALUR_MAX_BODY_BYTES")
    max_event_bytes: int = Field(
        512 * 1024, ge=1024, le=1_000_000, validation_alias="ALUR_MAX_EVENT_BYTES"
    )
    run_dir: Path = Field(REPO_ROOT / ".run", validation_alias="ALUR_RUN_DIR")
    # Attachments (attachments/): the largest file accepted, and the directory files are kept in
    # (sealed with their data subject's key); unset: `attachments` under the run directory.
    attachment_max_bytes: int = Field(
        10 * 1024 * 1024, ge=1024, validation_alias="ALUR_ATTACHMENT_MAX_BYTES"
    )
    attachment_dir_path: Path | None = Field(None, validation_alias="ALUR_ATTACHMENT_DIR")
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
        """The secret key; SystemExit naming the problem when it is shorter than 32 bytes or its
        file cannot be read."""
        if self.secret_key:
            return _long_enough(self.secret_key.encode(), "ALUR_SECRET_KEY")
        if self.secret_key_file is not None:
            try:
                key = self.secret_key_file.read_bytes().strip()
            except OSError as error:
                raise SystemExit(
                    f"ALUR_SECRET_KEY_FILE {str(self.secret_key_file)!r} cannot be read:"
                    f" {error.strerror}"
                ) from None
            return _long_enough(key, "ALUR_SECRET_KEY_FILE")
        path = self.run_dir / "secret.key"
        if not path.exists():
            self.run_dir.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(secrets.token_hex(32))
        return _long_enough(path.read_text().strip().encode(), str(path))

    @property
    def attachment_dir(self) -> Path:
        return self.attachment_dir_path or self.run_dir / "attachments"

    def checked_clock(self) -> str:
        """`clock`, once the deployment allows it: SystemExit when it is simulated outside a
        demo (anyone holding the simulated clock could make every deadline pass)."""
        if self.clock == "simulated" and not self.demo:
            raise SystemExit(
                "ALUR_CLOCK=simulated is for demonstrations and tests only: set ALUR_DEMO=true"
                " as well to say this deployment is one, or ALUR_CLOCK=system"
            )
        return self.clock

    def office(self) -> OfficeConfig:
        return load_office(self.office_path)

    def group(self, name: str) -> str:
        """The Kafka consumer group id of one consumer, inside this installation."""
        return f"{self.namespace}.{name}"


MIN_SECRET_KEY_BYTES = 32


def _long_enough(key: bytes, source: str) -> bytes:
    if len(key) < MIN_SECRET_KEY_BYTES:
        raise SystemExit(
            f"the secret key from {source} has {len(key)} bytes; at least"
            f" {MIN_SECRET_KEY_BYTES} are needed (e.g. `python3 -c 'import secrets;"
            " print(secrets.token_hex(32))'`)"
        )
    return key
