from __future__ import annotations

from pydantic import Field

from alur.settings import AlurSettings


class ProjectionSettings(AlurSettings):
    apply_attempts: int = Field(3, validation_alias="ALUR_PROJECTION_ATTEMPTS")
