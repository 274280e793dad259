"""Per-category time tiers of SOP steps (SP4N-LAPOR!-style: a complaint's follow-up takes 2, 5,
14 or 60 working days by how complex it is), in the office configuration under `sla.time_tiers`:

    sla:
      time_tiers:
        - sop: pengaduan-masyarakat-dinkes-muba     # the SOP and its step that runs on tiers
          step: 5
          tiers:                                    # optional: the LAPOR! tiers by default
            sederhana: 2 Hari Kerja
            sedang: 5 Hari Kerja
            kompleks: 14 Hari Kerja
            sangat_kompleks: 60 Hari Kerja
          categories:                               # a case's category -> its tier
            informasi: sederhana
            pelayanan kesehatan: sedang
            perizinan: kompleks
          default: sedang                           # optional: the tier of other categories

A case whose category is listed (case and spaces do not matter) gets its tier's time at that
step; another category gets the `default` tier, and without a default (or without a category)
the step keeps its own time standard. Every tier's time must be a time standard
(sop/duration.py); every category must name a tier; a step is listed once.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from office.routing_rules import category_key
from sop.duration import Duration, parse_duration

LAPOR_TIERS: dict[str, str] = {
    "sederhana": "2 Hari Kerja",
    "sedang": "5 Hari Kerja",
    "kompleks": "14 Hari Kerja",
    "sangat_kompleks": "60 Hari Kerja",
}


class StepTiers(BaseModel):
    """The time tiers of one SOP step."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sop: str
    step: int = Field(ge=1)
    tiers: dict[str, str] = Field(default_factory=lambda: dict(LAPOR_TIERS))
    categories: dict[str, str] = {}
    default: str | None = None

    @field_validator("tiers")
    @classmethod
    def _times(cls, value: dict[str, str]) -> dict[str, str]:
        if not value:
            raise ValueError("a step with time tiers needs at least one tier")
        for tier, text in value.items():
            duration = parse_duration(text)
            if duration is None or duration.value is None:
                raise ValueError(f"tier {tier!r}: {text!r} is not a time standard")
        return value

    @field_validator("categories")
    @classmethod
    def _keys(cls, value: dict[str, str]) -> dict[str, str]:
        return {category_key(category): tier for category, tier in value.items()}

    @model_validator(mode="after")
    def _known_tiers(self) -> StepTiers:
        named = [*self.categories.values(), *([self.default] if self.default else [])]
        unknown = sorted(set(named) - set(self.tiers))
        if unknown:
            raise ValueError(
                f"{self.sop} step {self.step}: unknown tiers {unknown}"
                f" (tiers: {sorted(self.tiers)})"
            )
        return self

    def tier(self, category: str | None) -> str | None:
        """The tier of a case with this category, or None (the step's own time standard)."""
        if category is not None:
            found = self.categories.get(category_key(category))
            if found:
                return found
        return self.default

    def duration(self, category: str | None) -> Duration | None:
        tier = self.tier(category)
        return parse_duration(self.tiers[tier]) if tier else None


def check_unique(entries: Sequence[StepTiers]) -> Sequence[StepTiers]:
    """Each SOP step has one list of tiers."""
    seen: set[tuple[str, int]] = set()
    for entry in entries:
        key = (entry.sop, entry.step)
        if key in seen:
            raise ValueError(f"time_tiers: {entry.sop} step {entry.step} is listed twice")
        seen.add(key)
    return entries


def tiered_duration(
    entries: Sequence[StepTiers], sop_id: str, step: int, category: str | None
) -> Duration | None:
    """The time a case of `category` has at an SOP step by the office's tiers; None when no
    tier applies (the step keeps its own time standard)."""
    for entry in entries:
        if entry.sop == sop_id and entry.step == step:
            return entry.duration(category)
    return None
