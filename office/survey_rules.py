"""Satisfaction survey (SKM) settings: element weights, service units (issue 6)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class SurveyRules(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
