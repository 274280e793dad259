"""Routing rules: category to unit and assignees, disposition chains, assignment strategy.

Issue 4.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class RoutingRules(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
