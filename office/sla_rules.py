"""SLA timer rules of the office: when a warning comes, which steps get a timer (issue 4).

The polling interval is a process setting (`ALUR_SLA_POLL_SECONDS`), not an office rule.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from office.lapor_clocks import LaporClocks
from office.sla_tiers import StepTiers, check_unique


class SlaRules(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    # The share of a step's time after which the officer is warned (0.75: at 75%).
    warning_share: float = Field(0.75, gt=0, lt=1)
    # A step only the public does (the reporter receives the response, the customer answers)
    # has no timer by default: nobody in the office can be late, nobody is there to escalate to.
    public_steps_timed: bool = False
    # The SP4N-LAPOR! clocks of complaints that came through LAPOR! (office/lapor_clocks.py).
    lapor: LaporClocks = LaporClocks()
    # Per-category time tiers of SOP steps (office/sla_tiers.py).
    time_tiers: list[StepTiers] = []

    @field_validator("time_tiers")
    @classmethod
    def _one_entry_per_step(cls, value: list[StepTiers]) -> list[StepTiers]:
        return list(check_unique(value))
