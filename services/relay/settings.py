from __future__ import annotations

from pydantic import Field

from runtime.settings import AlurSettings


class RelaySettings(AlurSettings):
    batch_size: int = Field(500, validation_alias="ALUR_RELAY_BATCH_SIZE")
    # The relay wakes on the store's NOTIFY; this is the fallback poll when none arrives.
    poll_seconds: float = Field(1.0, validation_alias="ALUR_RELAY_POLL_SECONDS")
    # After a wake, how long the relay lets more appends arrive before it reads: one pass
    # (a read, a produce, a checkpoint) then carries a burst of commits instead of each alone.
    gather_seconds: float = Field(0.01, ge=0, le=1, validation_alias="ALUR_RELAY_GATHER_SECONDS")
    retry_seconds: float = Field(2.0, validation_alias="ALUR_RELAY_RETRY_SECONDS")
