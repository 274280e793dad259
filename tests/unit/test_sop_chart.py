"""The SOP-AP flowchart (sop/chart.py) of the four seed SOPs, read back as XML: one shape per
step, of the step's kind, in its actor's column; one arrow per transition, labelled with the
decision's answer; the mutu baku columns beside; a highlighted path."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from sop.chart import render_svg
from sop.definition import END, SopDefinition
from sop.registry import shipped_definitions

SVG = "{http://www.w3.org/2000/svg}"
SEED_SOPS = {definition.id: definition for _, definition in shipped_definitions()}
SHAPES = {"terminator": "rect", "process": "rect", "decision": "polygon"}


def _expected_arrows(definition: SopDefinition) -> list[tuple[str, str, str | None]]:
    """(from, to, answer) of every arrow the SOP-AP drawing must have, from the definition."""
    arrows = []
    last = len(definition.steps)
    for step in definition.steps:
        if step.kind == "decision":
            for branch in step.branches:
                goto = branch.goto
                if goto is None:
                    goto = step.number + 1 if step.number < last else END
                arrows.append((str(step.number), str(goto), branch.answer))
        elif step.number < last:
            arrows.append((str(step.number), str(step.number + 1), None))
    return arrows


def _chart(definition: SopDefinition, highlight=()) -> ET.Element:
    return ET.fromstring(render_svg(definition, highlight).encode("utf-8"))


def _shape_box(group: ET.Element) -> tuple[float, float]:
    """The horizontal extent of a step's shape."""
    shape = [e for e in group if e.get("class") == "shape"]
    assert len(shape) == 1
    if shape[0].tag == f"{SVG}rect":
        left = float(shape[0].get("x"))
        return left, left + float(shape[0].get("width"))
    xs = [float(point.split(",")[0]) for point in shape[0].get("points").split()]
    return min(xs), max(xs)


def test_the_four_seed_sops_are_drawn():
    assert len(SEED_SOPS) == 4


@pytest.mark.parametrize("sop_id", sorted(SEED_SOPS))
def test_every_step_is_one_shape_of_its_kind_in_its_actors_column(sop_id):
    definition = SEED_SOPS[sop_id]
    root = _chart(definition)
    assert root.tag == f"{SVG}svg"
    columns = {
        rect.get("data-role"): (
            float(rect.get("x")),
            float(rect.get("x")) + float(rect.get("width")),
        )
        for rect in root.iter(f"{SVG}rect")
        if rect.get("class") == "actor-column"
    }
    steps = [g for g in root.iter(f"{SVG}g") if "step" in (g.get("class") or "").split()]
    assert [int(g.get("data-step")) for g in steps] == [s.number for s in definition.steps]
    for group, step in zip(steps, definition.steps, strict=True):
        assert group.get("data-kind") == step.kind
        assert group.get("data-role") == step.roles[0]
        shape = next(e for e in group if e.get("class") == "shape")
        assert shape.tag == f"{SVG}{SHAPES[step.kind]}"
        if step.kind == "terminator":
            assert float(shape.get("rx")) >= float(shape.get("height")) / 2 - 0.01  # a capsule
        left, right = _shape_box(group)
        column_left, column_right = columns[step.roles[0]]
        assert column_left < left < right < column_right, (step.number, step.roles[0])


@pytest.mark.parametrize("sop_id", sorted(SEED_SOPS))
def test_there_is_one_arrow_per_transition_labelled_with_its_answer(sop_id):
    definition = SEED_SOPS[sop_id]
    root = _chart(definition)
    groups = [g for g in root.iter(f"{SVG}g") if "transition" in (g.get("class") or "").split()]
    drawn = [(g.get("data-from"), g.get("data-to"), g.get("data-answer")) for g in groups]
    assert sorted(drawn, key=str) == sorted(_expected_arrows(definition), key=str)
    for group in groups:
        arrows = [e for e in group if e.get("class") == "arrow"]
        assert len(arrows) == 1 and arrows[0].get("marker-end") == "url(#arrowhead)"
        labels = ["".join(e.itertext()) for e in group if e.get("class") == "answer"]
        assert labels == ([group.get("data-answer")] if group.get("data-answer") else [])


def test_a_loop_back_is_drawn_from_the_decision_to_the_earlier_step():
    definition = SEED_SOPS["pengaduan-masyarakat-dinkes-muba"]  # step 6: "tidak" → step 5
    root = _chart(definition)
    loops = [
        g for g in root.iter(f"{SVG}g") if g.get("data-from") == "6" and g.get("data-to") == "5"
    ]
    assert len(loops) == 1 and loops[0].get("data-answer")


def test_the_mutu_baku_columns_stand_beside_the_actors():
    definition = SEED_SOPS["pengaduan-masyarakat-dinkes-jambi"]
    root = _chart(definition)
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    for heading in ("Pelaksana", "Mutu Baku", "Kelengkapan", "Waktu", "Output", "Kegiatan"):
        assert heading in texts
    assert "30 menit" in texts and "Penyimpanan arsip" in texts


def test_a_highlighted_path_marks_its_steps_and_the_arrows_between_them():
    definition = SEED_SOPS["pengaduan-masyarakat-dinkes-jambi"]
    root = _chart(definition, highlight=[1, 2, 3])
    marked = [
        (g.get("data-step") or f"{g.get('data-from')}>{g.get('data-to')}")
        for g in root.iter(f"{SVG}g")
        if "highlighted" in (g.get("class") or "").split()
    ]
    assert sorted(marked) == sorted(["1>2", "2>3", "1", "2", "3"])


def test_names_with_markup_characters_are_escaped():
    definition = SEED_SOPS["pelayanan-prima-bkk-palembang"]
    odd = definition.model_copy(
        update={"header": definition.header.model_copy(update={"name": 'A & B <"C">'})}
    )
    root = _chart(odd)
    assert root.find(f"{SVG}title").text == 'A & B <"C">'
