"""The SP4N-LAPOR! clocks of the office (`sla.lapor` in the office configuration; DOMAIN.md §4).

A complaint that came through LAPOR! (channel "lapor") runs three national clocks next to its
SOP steps' own: verification and forwarding within 3 working days of receipt, the agency's
follow-up within 5 working days of the verification, and the report closes by itself 10
working days after the follow-up when the reporter does not reply. Which SOP events count as
"verified" and "followed up" differs per SOP, so they are named here.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator

from sop.duration import Duration, parse_duration

LaporClock = Literal["lapor_verification", "lapor_follow_up", "lapor_auto_close"]
LAPOR_CLOCKS: tuple[LaporClock, ...] = ("lapor_verification", "lapor_follow_up", "lapor_auto_close")


class LaporClocks(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = True
    verification: str = "3 Hari Kerja"
    follow_up: str = "5 Hari Kerja"
    auto_close: str = "10 Hari Kerja"
    # Events that end the verification clock (and start the follow-up clock).
    verification_done_by: list[str] = ["ComplaintForwardedToTeam", "DispositionGiven"]
    # Events that end the follow-up clock (and start the auto-close clock).
    follow_up_done_by: list[str] = ["ResponseDelivered"]

    @field_validator("verification", "follow_up", "auto_close")
    @classmethod
    def _a_time_standard(cls, value: str) -> str:
        duration = parse_duration(value)
        if duration is None or duration.unit == "service_standard":
            raise ValueError(f"{value!r} is not a time standard")
        return value

    def duration(self, clock: LaporClock) -> Duration:
        text = {
            "lapor_verification": self.verification,
            "lapor_follow_up": self.follow_up,
            "lapor_auto_close": self.auto_close,
        }[clock]
        duration = parse_duration(text)
        assert duration is not None  # checked when the configuration was read
        return duration
