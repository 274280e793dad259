"""The benchmark report: one row per measurement, ending with value, raw limit and ratio."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    what: str
    unit: str
    measured: float
    raw_what: str
    raw: float

    @property
    def ratio(self) -> float:
        return self.measured / self.raw if self.raw else float("nan")


def render(rows: list[Row]) -> str:
    header = ("measurement", "unit", "raw limit (same run)", "measured", "raw", "ratio")
    cells = [
        (r.what, r.unit, r.raw_what, f"{r.measured:,.1f}", f"{r.raw:,.1f}", f"{r.ratio:.3f}")
        for r in rows
    ]
    widths = [max(len(str(c[i])) for c in [header, *cells]) for i in range(len(header))]

    def line(values: tuple[str, ...]) -> str:
        return "| " + " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), rule, *(line(c) for c in cells)])
