from __future__ import annotations

from pydantic import Field

from runtime.settings import AlurSettings


class RelaySettings(AlurSettings):
    batch_size: int = Field(500, validation_alias="ALUR_RELAY_BATCH_SIZE")
    # The relay wakes on the store's NOTIFY; this is the fallback poll when none arrives.
    poll_seconds: float = Field(1.0, validation_alias="ALUR_RELAY_POLL_SECONDS")
    retry_seconds: float = Field(2.0, validation_alias="ALUR_RELAY_RETRY_SECONDS")
