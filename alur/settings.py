"""Settings every Alur process reads from the environment (CONTRACT.md "Settings")."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

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
    # The office's time zone (WIB by default) until the office configuration lands.
    time_zone: str = Field("Asia/Jakarta", validation_alias="ALUR_TIMEZONE")
    log_format: str = Field("json", validation_alias="ALUR_LOG_FORMAT")
    log_level: str = Field("info", validation_alias="ALUR_LOG_LEVEL")

    def group(self, name: str) -> str:
        """The Kafka consumer group id of one consumer, inside this installation."""
        return f"{self.namespace}.{name}"
