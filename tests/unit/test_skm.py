"""The satisfaction index (IKM) follows PermenPANRB 14/2017 (DOMAIN.md §5)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from office.survey_rules import SurveyRules
from skm import CODES, AnswersRefused, grade, index_from_answers, index_of, nrr, parse_answers


def test_the_regulations_example_3_059_converts_to_76_475_and_grades_c() -> None:
    index = index_of(dict.fromkeys(CODES, Fraction("3.059")), respondents=1)
    assert index.ikm == Fraction("3.059")
    assert index.converted == Fraction("76.475")
    assert (index.grade.letter, index.grade.label) == ("C", "Kurang baik")
    assert index.as_dict()["converted"] == 76.475


@pytest.mark.parametrize(
    ("converted", "letter", "label"),
    [
        ("25", "D", "Tidak baik"),
        ("64.99", "D", "Tidak baik"),
        ("65", "C", "Kurang baik"),
        ("76.60", "C", "Kurang baik"),
        ("76.61", "B", "Baik"),
        ("88.30", "B", "Baik"),
        ("88.31", "A", "Sangat baik"),
        ("100", "A", "Sangat baik"),
    ],
)
def test_grades_change_exactly_at_the_regulations_boundaries(
    converted: str, letter: str, label: str
) -> None:
    found = grade(Fraction(converted))
    assert (found.letter, found.label) == (letter, label)


@pytest.mark.parametrize("outside", ["24.99", "100.01"])
def test_a_converted_value_outside_25_to_100_is_not_graded(outside: str) -> None:
    with pytest.raises(ValueError):
        grade(Fraction(outside))


def test_nrr_is_the_sum_of_an_elements_scores_over_its_answers() -> None:
    answers = [
        dict.fromkeys(CODES, 4),
        dict.fromkeys(CODES, 3),
        {**dict.fromkeys(CODES, 2), "u9": 1},
    ]
    index = index_from_answers(answers)
    assert index is not None
    assert index.respondents == 3
    assert index.nrr["u1"] == 3
    assert index.nrr["u9"] == Fraction(8, 3)
    # IKM = Σ NRR / 9 = (8 × 3 + 8/3) / 9
    assert index.ikm == (8 * 3 + Fraction(8, 3)) / 9
    assert index.converted == index.ikm * 25


def test_weights_from_the_office_change_the_index_and_sum_to_one() -> None:
    weights = {**dict.fromkeys(CODES, 0.1), "u1": 0.2}
    rules = SurveyRules(weights=weights)
    exact = rules.element_weights()
    assert sum(exact.values()) == 1
    scores = {**dict.fromkeys(CODES, Fraction(2)), "u1": Fraction(4)}
    assert index_of(scores, 1, exact).ikm == Fraction("2.4")
    assert index_of(scores, 1).ikm == Fraction(20, 9)  # (4 + 8 × 2) / 9


@pytest.mark.parametrize(
    "weights",
    [
        dict.fromkeys(CODES, 0.2),  # sums to 1.8
        dict.fromkeys(CODES[:8], 0.125),  # u9 missing
        {**dict.fromkeys(CODES, 0.125), "u9": 0.0},  # not positive
    ],
)
def test_office_weights_must_name_all_nine_elements_and_sum_to_one(weights: dict) -> None:
    with pytest.raises(ValueError):
        SurveyRules(weights=weights)


def test_a_survey_counts_for_the_configured_unit_else_the_sops_own() -> None:
    rules = SurveyRules(units={"sop-a": "Seksi Pelayanan Kesehatan"})
    assert rules.unit_of("sop-a", "Dinas Kesehatan") == "Seksi Pelayanan Kesehatan"
    assert rules.unit_of("sop-b", "Dinas Kesehatan") == "Dinas Kesehatan"


def test_answers_name_the_first_missing_or_out_of_range_element() -> None:
    complete = dict.fromkeys(CODES, 3)
    assert parse_answers({"skm": complete, "saran": " Antrian lebih cepat "}).saran == (
        "Antrian lebih cepat"
    )
    assert parse_answers({"skm": {k: str(v) for k, v in complete.items()}}).skm == complete
    for bad, field in (
        ({"skm": {**complete, "u3": None}}, "skm.u3"),
        ({"skm": {**complete, "u4": 5}}, "skm.u4"),
        ({"skm": {**complete, "u5": 0}}, "skm.u5"),
        ({"skm": {**complete, "u6": "tiga"}}, "skm.u6"),
        ({"skm": {**complete, "u7": 2.5}}, "skm.u7"),
        ({"skm": {**complete, "u8": True}}, "skm.u8"),
        ({"skm": {**complete, "u10": 4}}, "skm.u10"),
        ({}, "skm"),
        ({"skm": complete, "saran": "x" * 2001}, "saran"),
    ):
        with pytest.raises(AnswersRefused) as refused:
            parse_answers(bad)
        assert refused.value.field == field, bad


def test_no_respondents_no_index() -> None:
    assert index_from_answers([]) is None
    with pytest.raises(ValueError):
        nrr(dict.fromkeys(CODES, 0), dict.fromkeys(CODES, 0))


@pytest.mark.parametrize("saran", ["Antrian\x00cepat", "Antrian\x1bcepat", "Antrian \ud800"])
def test_a_suggestion_with_a_control_character_is_refused(saran: str) -> None:
    complete = dict.fromkeys(CODES, 3)
    with pytest.raises(AnswersRefused) as refused:
        parse_answers({"skm": complete, "saran": saran})
    assert refused.value.field == "saran"
    kept = parse_answers({"skm": complete, "saran": "Antrian cepat.\r\n\tTerima kasih"})
    assert kept.saran == "Antrian cepat.\n\tTerima kasih"
