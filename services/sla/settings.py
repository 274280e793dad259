"""Settings of the SLA timer worker (environment)."""

from __future__ import annotations

from pydantic import Field

from runtime.settings import AlurSettings


class SlaSettings(AlurSettings):
    # How often the worker looks for due timers: a timer fires late by at most this much
    # (plus the time of the pass itself).
    poll_seconds: float = Field(1.0, gt=0, validation_alias="ALUR_SLA_POLL_SECONDS")
    # Due timers taken per transaction (their rows stay locked until it commits).
    fire_batch: int = Field(200, ge=1, validation_alias="ALUR_SLA_FIRE_BATCH")
    # Facts appended to the event store at once while firing (distinct cases).
    fire_concurrency: int = Field(4, ge=1, validation_alias="ALUR_SLA_FIRE_CONCURRENCY")
    # Kafka: events applied per transaction, and attempts before a dead letter.
    batch_size: int = Field(500, ge=1, validation_alias="ALUR_SLA_BATCH_SIZE")
    apply_attempts: int = Field(3, ge=1, validation_alias="ALUR_SLA_ATTEMPTS")
