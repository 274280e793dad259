"""The archive retention schedule (JRA, DOMAIN.md §7) per case type (issue 6)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class RetentionSchedule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
