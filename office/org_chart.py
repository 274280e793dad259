"""The office org chart: superiors, head of office, escalations, acting officials (Plt).

Issue 4.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class OrgChart(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
