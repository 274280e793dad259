"""Exponential backoff with full jitter: attempt n waits uniform(0, min(cap, base * 2^(n-1)))."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Backoff:
    base_seconds: float
    cap_seconds: float
    max_attempts: int
    uniform: Callable[[float, float], float] = random.uniform

    def delay(self, attempt: int) -> float | None:
        """Seconds to wait after failed attempt `attempt` (1-based); None: give up."""
        if attempt >= self.max_attempts:
            return None
        ceiling = min(self.cap_seconds, self.base_seconds * 2 ** (attempt - 1))
        return self.uniform(0.0, ceiling)
