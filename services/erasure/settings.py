"""Settings of the retention worker (environment)."""

from __future__ import annotations

from pydantic import Field

from runtime.settings import AlurSettings


class RetentionSettings(AlurSettings):
    # How often the worker looks for cases whose inactive period has ended. A decision falls on
    # the office day the period ends; a pass more often than daily only finds it sooner.
    poll_seconds: float = Field(300.0, gt=0, validation_alias="ALUR_RETENTION_POLL_SECONDS")
    # Cases decided per transaction (their rows stay locked until it commits).
    sweep_batch: int = Field(100, ge=1, validation_alias="ALUR_RETENTION_SWEEP_BATCH")
    # Kafka: events applied per transaction, and attempts before a dead letter.
    batch_size: int = Field(500, ge=1, validation_alias="ALUR_RETENTION_BATCH_SIZE")
    apply_attempts: int = Field(3, ge=1, validation_alias="ALUR_RETENTION_ATTEMPTS")
