"""Satisfaction survey (SKM) settings: element weights and service units (issue 6, DOMAIN.md §5).

```yaml
survey:
  weights: {u1: 0.2, u2: 0.1, …}      # optional; all nine, summing to 1 (default 1/9 each)
  units:                               # optional: SOP id -> the service unit its IKM counts for
    pelayanan-satu-pintu-dinkes-muba: Pelayanan Satu Pintu
```
Without a `units` entry a survey counts for the unit named in its SOP's header.
"""

from __future__ import annotations

from fractions import Fraction

from pydantic import BaseModel, ConfigDict, Field, field_validator

from skm.elements import CODES
from skm.index import DEFAULT_WEIGHTS

# Weights written as decimals (0.111) cannot sum to exactly 1: this much off is accepted.
WEIGHT_TOLERANCE = 0.001
UNKNOWN_UNIT = "Unit layanan tidak diketahui"


class SurveyRules(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    weights: dict[str, float] | None = None
    units: dict[str, str] = Field(default_factory=dict)

    @field_validator("weights")
    @classmethod
    def _nine_summing_to_one(cls, value: dict[str, float] | None) -> dict[str, float] | None:
        if value is None:
            return None
        if set(value) != set(CODES):
            missing = sorted(set(CODES) - set(value)) or sorted(set(value) - set(CODES))
            raise ValueError(f"survey weights name each of {', '.join(CODES)}; check {missing[0]}")
        if any(w <= 0 for w in value.values()):
            raise ValueError("survey weights are positive")
        total = sum(value.values())
        if abs(total - 1) > WEIGHT_TOLERANCE:
            raise ValueError(f"survey weights sum to 1, not {total:g}")
        return value

    def element_weights(self) -> dict[str, Fraction]:
        """The weight of each element, exactly summing to 1."""
        if self.weights is None:
            return dict(DEFAULT_WEIGHTS)
        exact = {code: Fraction(str(self.weights[code])) for code in CODES}
        total = sum(exact.values(), Fraction(0))
        return {code: w / total for code, w in exact.items()}

    def unit_of(self, sop_id: str, sop_unit: str | None) -> str:
        """The service unit a survey under this SOP counts for."""
        return self.units.get(sop_id) or sop_unit or UNKNOWN_UNIT
