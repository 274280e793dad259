"""The order in which a unit's eligible officers are offered a step (pure, no I/O).

The router gives the step to the first officer in that order who is present or has an acting
official (Plt) able to do it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

T = TypeVar("T")


def in_turn(candidates: Sequence[T], turn: int) -> list[T]:
    """Round robin: the officer whose turn it is first, then the ones after them, wrapping."""
    if not candidates:
        return []
    start = turn % len(candidates)
    return [*candidates[start:], *candidates[:start]]


def by_load(candidates: Sequence[T], load: Mapping[T, int]) -> list[T]:
    """Least loaded: fewest open assigned steps first; ties keep the candidates' order."""
    return sorted(candidates, key=lambda c: load.get(c, 0))
