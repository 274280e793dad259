"""A replay shares its projections between two processes by what each costs to rebuild, so
both finish at about the same time; a single projection is rebuilt in one."""

from __future__ import annotations

from alur.commands.replay_lane import split
from services.projections.catalog import PROJECTIONS


def _cost(names: set[str] | frozenset[str]) -> float:
    return sum(e.replay_cost for e in PROJECTIONS if e.name in names)


def test_the_second_lane_takes_about_half_of_the_replay() -> None:
    there = split(PROJECTIONS)
    here = {e.name for e in PROJECTIONS} - there
    assert there and here
    total = _cost(here) + _cost(there)
    assert abs(_cost(here) - _cost(there)) <= 0.1 * total


def test_one_projection_is_rebuilt_in_one_process() -> None:
    assert split(PROJECTIONS[:1]) == frozenset()
    assert split([]) == frozenset()
