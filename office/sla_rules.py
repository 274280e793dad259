"""SLA timer rules: warning share, polling, SP4N-LAPOR! clocks (issue 4)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class SlaRules(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
