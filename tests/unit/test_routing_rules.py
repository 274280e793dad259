"""Routing rules and the org chart as office data: validation, acting officials, strategies."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from events import Actor, Fact, SopRef
from events.routing import CaseRouted
from office import load_office
from office.org_chart import OrgChart
from office.routing_rules import RoutingRules
from services.routing.choice import by_load, in_turn
from sop.actions import ActionRequest, Officer, Refusal
from sop.engine import SopEngine
from sop.progress import progress
from sop.registry import shipped_definitions

SHIPPED = {d.id: d for _, d in shipped_definitions()}
MUBA = SHIPPED["pengaduan-masyarakat-dinkes-muba"]
T0 = datetime(2026, 3, 17, 2, 0, tzinfo=UTC)


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
                _plt("a", "b", "2026-01-01", "2026-01-10"),
                _plt("a", "c", "2026-01-10", "2026-01-12"),
            ]
        )


def test_an_acting_period_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValidationError, match="before first_day"):
        _chart(acting=[_plt("a", "b", "2026-02-01", "2026-01-01")])


def test_a_loop_of_superior_roles_is_refused() -> None:
    with pytest.raises(ValidationError, match="loop"):
        _chart(superiors={"a": "b", "b": "c", "c": "a"})


def test_the_office_escalates_the_pelayanan_prima_follow_up_to_the_head_of_office() -> None:
    chart = load_office().org_chart
    assert chart.escalation_role("pelayanan-prima-bkk-palembang", "7") == "kepala_kantor"
    assert chart.escalation_role("pelayanan-prima-bkk-palembang", "4") is None
    assert chart.superior_role("petugas_layanan") == "ka_tim_kerja"
    assert chart.superior_role("kepala_kantor") is None


# -- routing rules -----------------------------------------------------------------------------


def _rules(**fields: object) -> RoutingRules:
    return RoutingRules.model_validate(fields)


RULES = _rules(
    strategy="round_robin",
    unit_strategies={"seksi  P2P": "least_loaded"},
    categories={
        "Imunisasi": {"unit": "Seksi P2P", "assignees": ["Siti Aminah", "rina-wati"]},
        "pelayanan puskesmas": {"unit": "Bidang Yankes"},
    },
    default={"unit": "Sekretariat"},
    chains={MUBA.id: [5, {"step": 6, "unit": "Pimpinan"}]},
)


def test_a_complaint_goes_to_the_unit_of_its_category_whatever_its_case_or_spacing() -> None:
    target = RULES.target(MUBA.id, 5, "  IMUNISASI ")
    assert target is not None
    assert (target.unit, target.rule, target.strategy) == (
        "Seksi P2P",
        "category:imunisasi",
        "least_loaded",
    )
    assert target.assignees == ["siti-aminah", "rina-wati"]
    assert "ditangani Seksi P2P" in target.why


def test_a_complaint_without_a_rule_for_its_category_goes_to_the_default_unit() -> None:
    for category in ("parkir", None):
        target = RULES.target(MUBA.id, 5, category)
        assert target is not None
        assert (target.unit, target.rule, target.strategy) == (
            "Sekretariat",
            "default",
            "round_robin",
        )
        assert "aturan bawaan" in target.why


def test_a_chain_step_with_its_own_unit_ignores_the_category() -> None:
    target = RULES.target(MUBA.id, 6, "imunisasi")
    assert target is not None
    assert (target.unit, target.rule) == ("Pimpinan", f"chain:{MUBA.id}:6")


def test_steps_outside_the_chain_are_not_routed() -> None:
    assert RULES.target(MUBA.id, 3, "imunisasi") is None
    assert RULES.target("another-sop", 5, "imunisasi") is None
    assert _rules(chains={MUBA.id: [5]}).target(MUBA.id, 5, "parkir") is None  # no default


def test_chains_must_name_steps_the_sop_has() -> None:
    rules = _rules(chains={MUBA.id: [5, 12, 1], "sop-tidak-ada": [2]})
    problems = rules.problems(SHIPPED)
    assert any("step 12" in p and MUBA.id in p for p in problems)
    assert any("step 1," in p for p in problems)
    assert any("sop-tidak-ada" in p and "not loaded" in p for p in problems)
    assert RULES.problems(SHIPPED) == []


def test_the_shipped_office_rules_fit_the_shipped_sops() -> None:
    assert load_office().routing.problems(SHIPPED) == []


def test_a_category_or_a_chain_step_given_twice_is_refused() -> None:
    with pytest.raises(ValidationError, match="categories given twice"):
        _rules(categories={"Imunisasi": {"unit": "A"}, "imunisasi": {"unit": "B"}})
    with pytest.raises(ValidationError, match="names a step twice"):
        _rules(chains={MUBA.id: [5, {"step": 5, "unit": "A"}]})


def test_an_unknown_strategy_is_refused() -> None:
    with pytest.raises(ValidationError):
        _rules(strategy="random")


# -- strategies -------------------------------------------------------------------------------


def test_round_robin_starts_with_whose_turn_it_is_and_wraps() -> None:
    officers = ["ani", "budi", "citra"]
    assert [in_turn(officers, turn)[0] for turn in range(5)] == [
        "ani",
        "budi",
        "citra",
        "ani",
        "budi",
    ]
    assert in_turn(officers, 2) == ["citra", "ani", "budi"]
    assert in_turn([], 3) == []


def test_least_loaded_offers_the_officer_with_fewest_open_steps_first() -> None:
    assert by_load(["ani", "budi", "citra"], {"ani": 3, "budi": 1}) == ["citra", "budi", "ani"]
    assert by_load(["ani", "budi"], {}) == ["ani", "budi"]  # a tie keeps the order


# -- a routed step in the engine --------------------------------------------------------------


def _routed(history: list[Fact], step: str, assignee: str) -> Fact:
    return Fact(
        event_id=uuid.uuid4(),
        type=CaseRouted.type,
        schema_version=CaseRouted.schema_version,
        case_type="complaint",
        occurred_at=T0,
        actor=Actor(id="routing", role="sistem"),
        sop=SopRef(id=MUBA.id, version=MUBA.version, step=None, next_step=step),
        causation_id=f"routing:{history[-1].event_id}",
        payload=CaseRouted(
            step=step, unit="Seksi P2P", assignee=assignee, rule="default", reason="uji"
        ).model_dump(mode="json"),
    )


def test_a_routed_step_may_only_be_done_by_its_assignee_until_the_case_moves_on() -> None:
    engine = SopEngine(clock=lambda: T0)
    petugas = Officer("petugas", "Petugas", frozenset({"petugas_pengaduan"}))
    ani = Officer("ani", "Ani", frozenset({"tim_pengelola_pengaduan"}))
    budi = Officer("budi", "Budi", frozenset({"tim_pengelola_pengaduan"}))
    opened = engine.open(MUBA, None, {"subject": "x"})
    assert isinstance(opened, Fact)
    history = [opened]
    for action in ("register_complaint", "review_complaint", "forward_to_team"):
        step = MUBA.step(progress(MUBA, history).waiting_at)  # type: ignore[arg-type]
        decided = engine.decide(
            MUBA, history, petugas, ActionRequest(action, documents=step.documents)
        )
        assert not isinstance(decided, Refusal), decided
        history += decided
    history.append(_routed(history, "5", "ani"))
    state = progress(MUBA, history)
    assert (state.waiting_at, state.assignee) == (5, "ani")
    draft = ActionRequest("submit_draft", documents=MUBA.step(5).documents)
    refused = engine.decide(MUBA, history, budi, draft, directory={"ani": ani})
    assert isinstance(refused, Refusal)
    assert (refused.http_status, refused.message) == (403, "langkah ini didisposisikan kepada Ani")
    done = engine.decide(MUBA, history, ani, draft)
    assert not isinstance(done, Refusal), done
    assert progress(MUBA, history + done).assignee is None
