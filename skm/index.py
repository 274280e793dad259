"""The satisfaction index (IKM), PermenPANRB 14/2017 (DOMAIN.md §5).

NRR per element = sum of its scores / number of answers; IKM = Σ NRR × weight (weights sum
to 1, 1/9 each by default); the converted IKM = IKM × 25 (25–100), graded A–D. Exact
arithmetic (fractions), so a value on a grade's boundary is graded as the regulation says.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from skm.elements import CODES

DEFAULT_WEIGHTS: dict[str, Fraction] = {code: Fraction(1, 9) for code in CODES}


@dataclass(frozen=True)
class Grade:
    letter: str  # A, B, C, D
    label: str  # the *mutu pelayanan*: "Sangat baik", …


# Lower bound of each grade on the converted value, best first: [88.31, 100] A, …
GRADES: tuple[tuple[Fraction, Grade], ...] = (
    (Fraction("88.31"), Grade("A", "Sangat baik")),
    (Fraction("76.61"), Grade("B", "Baik")),
    (Fraction("65"), Grade("C", "Kurang baik")),
    (Fraction("25"), Grade("D", "Tidak baik")),
)


def grade(converted: Fraction | float) -> Grade:
    """The grade of a converted IKM value (25–100)."""
    value = Fraction(converted)
    if not 25 <= value <= 100:
        raise ValueError(f"a converted IKM lies between 25 and 100, not {float(value)}")
    for lower, found in GRADES:
        if value >= lower:
            return found
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass(frozen=True)
class Index:
    respondents: int
    nrr: dict[str, Fraction]  # per element code
    ikm: Fraction  # 1–4
    converted: Fraction  # 25–100
    grade: Grade

    def as_dict(self) -> dict[str, object]:
        return {
            "respondents": self.respondents,
            "nrr": {code: round(float(v), 3) for code, v in self.nrr.items()},
            "ikm": round(float(self.ikm), 3),
            "converted": round(float(self.converted), 3),
            "grade": self.grade.letter,
            "grade_label": self.grade.label,
        }


def nrr(sums: Mapping[str, int], counts: Mapping[str, int]) -> dict[str, Fraction]:
    """Nilai rata-rata per element: the sum of its scores over the number of answers."""
    missing = [code for code in CODES if not counts.get(code)]
    if missing:
        raise ValueError(f"no answers for element {missing[0]}")
    return {code: Fraction(sums[code], counts[code]) for code in CODES}


def index_of(
    nrr_values: Mapping[str, Fraction | float],
    respondents: int,
    weights: Mapping[str, Fraction] | None = None,
) -> Index:
    """The IKM of given NRR values: Σ NRR × weight, converted ×25 and graded."""
    weights = weights or DEFAULT_WEIGHTS
    values = {code: Fraction(nrr_values[code]) for code in CODES}
    ikm = sum((values[code] * weights[code] for code in CODES), Fraction(0))
    converted = ikm * 25
    return Index(respondents, values, ikm, converted, grade(converted))


def index_from_answers(
    answers: Iterable[Mapping[str, int]], weights: Mapping[str, Fraction] | None = None
) -> Index | None:
    """The IKM of respondents' answers ({"u1": 4, …}); None without respondents."""
    sums = dict.fromkeys(CODES, 0)
    counts = dict.fromkeys(CODES, 0)
    respondents = 0
    for answer in answers:
        respondents += 1
        for code in CODES:
            if code in answer:
                sums[code] += answer[code]
                counts[code] += 1
    if respondents == 0:
        return None
    return index_of(nrr(sums, counts), respondents, weights)
