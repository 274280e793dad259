"""The invariant table: one row per invariant (or measurement), what was expected, what was
found, and its status; the run fails on the first FAIL, naming its first offending case."""

from __future__ import annotations

from dataclasses import dataclass

OK, FAIL, INFO, PENDING = "ok", "FAIL", "info", "pending"


@dataclass(frozen=True)
class Row:
    invariant: str
    expected: str
    found: str
    status: str  # OK, FAIL, INFO (a measurement) or PENDING (see soak/edge.py)
    first: str = ""  # the first offending case or item, for a FAIL

    @classmethod
    def check(cls, invariant: str, expected: str, found: str, holds: bool, first: str = "") -> Row:
        return cls(invariant, expected, found, OK if holds else FAIL, "" if holds else first)


def render(rows: list[Row]) -> str:
    header = ("invariant", "expected", "found", "status")
    cells = [(r.invariant, r.expected, r.found, r.status) for r in rows]
    widths = [max(len(c[i]) for c in [header, *cells]) for i in range(4)]

    def line(values: tuple[str, ...]) -> str:
        return "| " + " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), rule, *(line(c) for c in cells)])


def first_failure(rows: list[Row]) -> Row | None:
    return next((r for r in rows if r.status == FAIL), None)
