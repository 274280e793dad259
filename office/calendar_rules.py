"""The office calendar: hours per weekday, cuti bersama option, closures, regional holidays.

Issue 4.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class CalendarRules(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
