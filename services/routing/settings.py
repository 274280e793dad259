from __future__ import annotations

from pydantic import Field

from runtime.settings import AlurSettings


class RoutingSettings(AlurSettings):
    batch_size: int = Field(200, validation_alias="ALUR_ROUTING_BATCH_SIZE")
    apply_attempts: int = Field(3, validation_alias="ALUR_ROUTING_ATTEMPTS")
