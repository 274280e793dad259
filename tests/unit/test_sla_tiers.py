"""Per-category time tiers of SOP steps (office/sla_tiers.py) and the SLA planner using the
tier of the case's category (services/sla/plan.py); the worker's path through PostgreSQL is in
tests/service/test_sla_tiers_service.py."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from events import Actor, Envelope, SopRef
from office import OfficeConfig, load_office
from office.calendar import WorkingCalendar, step_duration
from office.sla_tiers import LAPOR_TIERS, StepTiers, tiered_duration
from services.sla.categories import RememberCategory
from services.sla.changes import Context, StartTimer
from services.sla.plan import plan
from sop.duration import Duration
from sop.registry import shipped_definitions

WIB = ZoneInfo("Asia/Jakarta")
MUBA = {d.id: d for _, d in shipped_definitions()}["pengaduan-masyarakat-dinkes-muba"]
OFFICE = load_office()
MONDAY = datetime(2026, 4, 6, 9, 0, tzinfo=WIB)
TIERS = {
    "sop": MUBA.id,
    "step": 5,  # the team's analysis: 3 Hari Kerja in the SOP
    "categories": {"Informasi": "sederhana", "pelayanan  puskesmas": "sedang",
                   "Perizinan": "kompleks", "Korupsi": "sangat_kompleks"},
}  # fmt: skip


def _office(**tiers: Any) -> OfficeConfig:
    data = OFFICE.model_dump(mode="json")
    data["sla"]["time_tiers"] = [{**TIERS, **tiers}]
    return OfficeConfig.model_validate(data)


def _context(office: OfficeConfig, category: str | None = None) -> Context:
    return Context(
        office,
        WorkingCalendar.of(office),
        MUBA,
        lambda sop, step: step_duration(office, sop.id, step),
        category,
    )


def _event(event_type: str, step: str, next_step: str, payload: dict[str, Any]) -> Envelope:
    return Envelope(
        event_id=uuid.uuid4(),
        type=event_type,
        schema_version=1,
        case_type="complaint",
        occurred_at=MONDAY,
        actor=Actor(id="petugas", role="petugas_pengaduan"),
        sop=SopRef(id=MUBA.id, version=MUBA.version, step=step, next_step=next_step),
        payload=payload,
        case_id=uuid.uuid4(),
        case_version=4,
        position=40,
    )


def _timer(office: OfficeConfig, category: str | None) -> StartTimer:
    forwarded = _event("StepCompleted", "4", "5", {"activity": "…"})
    started = [c for c in plan(forwarded, _context(office, category)) if isinstance(c, StartTimer)]
    assert len(started) == 1
    return started[0]


@pytest.mark.parametrize(
    ("category", "days"),
    [("informasi", 2), ("Pelayanan Puskesmas", 5), ("PERIZINAN", 14), ("korupsi", 60)],
)
def test_the_step_runs_on_the_tier_of_the_cases_category(category, days):
    started = _timer(_office(), category)
    assert (started.duration_value, started.duration_unit) == (days, "working_days")
    calendar = WorkingCalendar.of(OFFICE)
    assert started.due_at == calendar.deadline(MONDAY, Duration(value=days, unit="working_days"))


def test_without_a_tier_the_step_keeps_its_own_time_standard():
    for category in (None, "lainnya"):
        started = _timer(_office(), category)
        assert (started.duration_value, started.duration_unit) == (3, "working_days")
    assert _timer(OFFICE, "perizinan").duration_value == 3  # no tiers configured


def test_a_default_tier_takes_the_other_categories():
    started = _timer(_office(default="sedang"), "lainnya")
    assert (started.duration_value, started.duration_unit) == (5, "working_days")


def test_another_step_is_not_tiered():
    office = _office()
    reviewed = _event("StepCompleted", "5", "6", {"activity": "…"})
    (started,) = [
        c for c in plan(reviewed, _context(office, "korupsi")) if isinstance(c, StartTimer)
    ]
    assert started.step == "6" and started.duration_value != 60


def test_a_complaint_keeps_its_category_for_its_later_steps_only_when_tiers_are_set():
    complaint = {
        "tracking_number": "ADU-2026-000001",
        "channel": "web",
        "reporter": {"name": "Siti"},
        "subject": "Izin praktik",
        "description": "…",
        "category": "Perizinan",
    }
    received = _event("ComplaintReceived", "1", "2", complaint)
    assert RememberCategory(received.case_id, "Perizinan") in plan(received, _context(_office()))
    assert not [c for c in plan(received, _context(OFFICE)) if isinstance(c, RememberCategory)]


def test_the_lapor_tiers_are_the_default_tiers():
    entry = StepTiers(sop="x", step=1, categories={"a": "sangat_kompleks"})
    assert entry.tiers == LAPOR_TIERS
    duration = tiered_duration([entry], "x", 1, "A")
    assert duration is not None and (duration.value, duration.unit) == (60, "working_days")
    assert tiered_duration([entry], "x", 2, "a") is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"categories": {"informasi": "kilat"}}, "unknown tiers ['kilat']"),
        ({"default": "kilat"}, "unknown tiers ['kilat']"),
        ({"tiers": {"cepat": "secepatnya"}, "categories": {}}, "'secepatnya'"),
        ({"tiers": {"cepat": "Sesuai jadwal"}, "categories": {}}, "is not a time standard"),
        ({"step": 0}, "greater than or equal to 1"),
    ],
)
def test_a_wrong_tier_configuration_is_refused_naming_what_is_wrong(change, message):
    with pytest.raises(ValidationError, match=message.replace("[", r"\[").replace("]", r"\]")):
        _office(**change)


def test_a_step_is_listed_once():
    data = OFFICE.model_dump(mode="json")
    data["sla"]["time_tiers"] = [TIERS, TIERS]
    with pytest.raises(ValidationError, match="listed twice"):
        OfficeConfig.model_validate(data)
