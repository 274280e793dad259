from __future__ import annotations

from pydantic import Field

from runtime.settings import AlurSettings


class ProjectionSettings(AlurSettings):
    batch_size: int = Field(500, validation_alias="ALUR_PROJECTION_BATCH_SIZE")
    apply_attempts: int = Field(3, validation_alias="ALUR_PROJECTION_ATTEMPTS")
