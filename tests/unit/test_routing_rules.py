"""Routing rules and the org chart as office data: validation, acting officials, strategies."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from office import load_office
from office.org_chart import OrgChart


def _chart(**fields: object) -> OrgChart:
    return OrgChart.model_validate(fields)


def _plt(official: str, acting: str, first_day: str, last_day: str) -> dict[str, str]:
    return {"official": official, "acting": acting, "first_day": first_day, "last_day": last_day}


def test_an_acting_official_stands_in_only_on_their_days() -> None:
    chart = _chart(
        acting=[
            {
                "official": "dr. Budi Santoso",
                "acting": "Rina Wati",
                "first_day": "2026-03-16",
                "last_day": "2026-03-20",
                "reason": "cuti tahunan",
            }
        ]
    )
    assert chart.stand_in("dr-budi-santoso", date(2026, 3, 16)) == ("rina-wati", "dr-budi-santoso")
    assert chart.stand_in("dr-budi-santoso", date(2026, 3, 20)) == ("rina-wati", "dr-budi-santoso")
    assert chart.stand_in("dr-budi-santoso", date(2026, 3, 21)) == ("dr-budi-santoso", None)
    assert chart.stand_in("rina-wati", date(2026, 3, 17)) == ("rina-wati", None)


def test_an_absent_acting_official_is_replaced_in_turn() -> None:
    chart = _chart(
        acting=[
            _plt("a", "b", "2026-01-01", "2026-01-31"),
            _plt("b", "c", "2026-01-10", "2026-01-12"),
        ]
    )
    assert chart.stand_in("a", date(2026, 1, 11)) == ("c", "a")
    assert chart.stand_in("a", date(2026, 1, 13)) == ("b", "a")


def test_overlapping_acting_officials_for_one_official_are_refused() -> None:
    with pytest.raises(ValidationError, match="overlapping"):
        _chart(
            acting=[
                {
                    "official": "a",
                    "acting": "b",
                    "first_day": "2026-01-01",
                    "last_day": "2026-01-10",
                },
                {
                    "official": "a",
                    "acting": "c",
                    "first_day": "2026-01-10",
                    "last_day": "2026-01-12",
                },
            ]
        )


def test_an_acting_period_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValidationError, match="before first_day"):
        _chart(
            acting=[
                {
                    "official": "a",
                    "acting": "b",
                    "first_day": "2026-02-01",
                    "last_day": "2026-01-01",
                }
            ]
        )


def test_a_loop_of_superior_roles_is_refused() -> None:
    with pytest.raises(ValidationError, match="loop"):
        _chart(superiors={"a": "b", "b": "c", "c": "a"})


def test_the_office_escalates_the_pelayanan_prima_follow_up_to_the_head_of_office() -> None:
    chart = load_office().org_chart
    assert chart.escalation_role("pelayanan-prima-bkk-palembang", "7") == "kepala_kantor"
    assert chart.escalation_role("pelayanan-prima-bkk-palembang", "4") is None
    assert chart.superior_role("petugas_layanan") == "ka_tim_kerja"
    assert chart.superior_role("kepala_kantor") is None
