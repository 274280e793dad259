"""The SOP-AP flowchart of a definition (PermenPANRB 35/2012) as SVG: pure, no I/O.

The drawing is the procedure table the way SOP documents draw it: a column No, the activity
(Kegiatan), one column per actor role (Pelaksana), then the *mutu baku* columns Kelengkapan,
Waktu and Output. Every step is a row; its symbol sits in the column of its (first) role:
a terminator is a rounded capsule, a process a rectangle, a decision a diamond. Arrows join
the steps: a process or terminator to the next step, a decision once per answer to the step
the answer leads to (labelled with the answer; back to an earlier step is a loop, drawn in a
lane beside the columns), an answer that ends the case to a small "Selesai" capsule.

`transitions` lists the arrows; `render_svg` draws them. `highlight` marks a path, the steps
in the order walked (a loop may repeat them: 5 6 5 6 7): its steps and the arrows from each
to the next get the class `highlighted`.

What the SVG promises to its readers (the CLI, the officer workspace, the tests): each actor
column is a `rect.actor-column` with `data-role`; each step is a `g.step` with `data-step`,
`data-kind` and `data-role` holding one shape (`rect` or `polygon`) with class `shape`; each
transition is a `g.transition` with `data-from`, `data-to` (a step number or "end") and
`data-answer` for a decision's branch, holding one `path.arrow`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from xml.sax.saxutils import escape, quoteattr

from sop.chart_text import Column, columns, text_lines, wrap
from sop.definition import END, SopDefinition, Step

_HEADER = 64  # two header rows
_TITLE = 46
_PAD = 10
_LINE = 14  # text line height
_SHAPE_W, _SHAPE_H = 84, 34
_DIAMOND_W, _DIAMOND_H = 92, 52
_LANE = 9  # spacing of loop lanes beside a column
_STYLE = """
.frame{fill:none;stroke:#333;stroke-width:1}
.grid{stroke:#999;stroke-width:.6}
.head{fill:#e8eef7}
.actor-column{fill:none}
text{font-family:'DejaVu Sans',Arial,sans-serif;font-size:11px;fill:#111}
.title{font-size:15px;font-weight:bold}
.head-text{font-weight:bold;text-anchor:middle}
.shape{fill:#fff;stroke:#1f4e99;stroke-width:1.6}
.step.highlighted .shape{fill:#fff3b0;stroke:#c47f00;stroke-width:2.6}
.step.current .shape{fill:#ffd6a0;stroke:#a40000;stroke-width:3.2}
.step-label{text-anchor:middle;font-size:10px;fill:#1f4e99}
.arrow{fill:none;stroke:#333;stroke-width:1.2}
.transition.highlighted .arrow{stroke:#c47f00;stroke-width:2.4}
.answer{font-size:10px;fill:#8a1c1c;font-style:italic}
.end-marker{fill:#fff;stroke:#8a1c1c;stroke-width:1.2}
"""


@dataclass(frozen=True)
class Transition:
    source: int  # step number
    target: int | str  # step number or END
    answer: str | None = None  # a decision's answer


def transitions(definition: SopDefinition) -> list[Transition]:
    """Every arrow of the flowchart, in step order (see the module docstring)."""
    last = len(definition.steps)
    found: list[Transition] = []
    for step in definition.steps:
        if step.kind == "decision":
            for branch in step.branches:
                goto = branch.goto
                target = (
                    goto if goto is not None else (step.number + 1 if step.number < last else END)
                )
                found.append(Transition(step.number, target, branch.answer))
        elif step.number < last:
            found.append(Transition(step.number, step.number + 1))
    return found


@dataclass(frozen=True)
class _Row:
    step: Step
    top: float
    height: float
    lines: dict[str, list[str]]  # column key -> wrapped lines

    @property
    def middle(self) -> float:
        return self.top + self.height / 2


def render_svg(definition: SopDefinition, highlight: Iterable[int] = ()) -> str:
    """The flowchart of `definition` as a standalone SVG document."""
    path = list(highlight)
    marked, walked = set(path), set(pairwise(path))
    cols = columns(definition)
    by_key = {column.key: column for column in cols}
    width = cols[-1].right
    rows = _rows(definition, cols)
    table_bottom = rows[-1].top + rows[-1].height
    height = table_bottom + _PAD
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" class="sop-chart" '
        f'data-sop={quoteattr(definition.id)} data-version="{definition.version}">',
        f"<title>{escape(definition.header.name)}</title>",
        f"<style>{_STYLE}</style>",
        '<defs><marker id="arrowhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" '
        'markerHeight="8" markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker></defs>',
        _text(_PAD, 24, f"SOP {definition.header.name}", "title"),
        _text(_PAD, 40, _subtitle(definition), None),
    ]
    parts += _table(cols, rows, table_bottom)
    centres = {row.step.number: (_centre_x(by_key, row.step), row.middle) for row in rows}
    kinds = {row.step.number: row.step.kind for row in rows}
    lanes: dict[str, int] = {}
    for transition in transitions(definition):
        on_path = (transition.source, transition.target) in walked
        parts += _arrow(transition, centres, kinds, by_key, rows, lanes, on_path)
    for row in rows:
        parts += _shape(row.step, centres[row.step.number], row.step.number in marked)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _subtitle(definition: SopDefinition) -> str:
    bits = [f"versi {definition.version}"]
    if definition.header.number:
        bits.append(f"Nomor {definition.header.number}")
    if definition.header.unit:
        bits.append(definition.header.unit)
    return " · ".join(bits)


def _rows(definition: SopDefinition, cols: Sequence[Column]) -> list[_Row]:
    rows: list[_Row] = []
    top = float(_TITLE + _HEADER)
    for step in definition.steps:
        texts = {
            "number": str(step.number),
            "activity": step.activity,
            "documents": "; ".join([*step.documents, *step.equipment]),
            "duration": str(step.duration) if step.duration else "",
            "output": step.output or "",
        }
        lines = {c.key: wrap(texts[c.key], c.width) for c in cols if c.key in texts}
        tallest = max(len(found) for found in lines.values())
        shape = _DIAMOND_H if step.kind == "decision" else _SHAPE_H
        height = max(tallest * _LINE + 2 * _PAD, shape + 2 * _PAD + 10)
        rows.append(_Row(step, top, height, lines))
        top += height
    return rows


def _table(cols: Sequence[Column], rows: Sequence[_Row], bottom: float) -> list[str]:
    width = cols[-1].right
    top, middle = _TITLE, _TITLE + _HEADER / 2
    parts = [
        f'<rect class="head" x="0" y="{top}" width="{width:.0f}" height="{_HEADER}"/>',
        f'<rect class="frame" x="0" y="{top}" width="{width:.0f}" height="{bottom - top:.0f}"/>',
    ]
    actors = [c for c in cols if c.role]
    standard = [c for c in cols if c.key in ("documents", "duration", "output")]
    inner = {c.key for c in [*actors[1:], *standard[1:]]}  # under a spanning header cell
    for group, title in ((actors, "Pelaksana"), (standard, "Mutu Baku")):
        left, right = group[0].left, group[-1].right
        parts.append(_text((left + right) / 2, top + 20, title, "head-text"))
        parts.append(_line(left, middle, right, middle))
    for column in cols:
        spans_both = column.key in ("number", "activity")
        label_top = top + (_HEADER / 2 - 12 if spans_both else _HEADER / 2 + 4)
        for index, line in enumerate(wrap(column.title, column.width)[:2]):
            parts.append(_text(column.centre, label_top + 12 + index * 12, line, "head-text"))
        parts.append(
            _line(column.left, middle if column.key in inner else top, column.left, bottom)
        )
        if column.role:
            parts.append(
                f'<rect class="actor-column" data-role={quoteattr(column.role)} '
                f'x="{column.left:.1f}" y="{top}" width="{column.width:.1f}" '
                f'height="{bottom - top:.1f}"/>'
            )
    parts.append(_line(0, top + _HEADER, width, top + _HEADER))
    for row in rows:
        parts.append(_line(0, row.top + row.height, width, row.top + row.height))
        for column in cols:
            found = row.lines.get(column.key)
            if found:
                parts += text_lines(column, row.top + _PAD + 10, found, _LINE)
    return parts


def _centre_x(by_key: dict[str, Column], step: Step) -> float:
    return by_key[f"role:{step.roles[0]}"].centre


def _shape(step: Step, centre: tuple[float, float], highlighted: bool) -> list[str]:
    x, y = centre
    css = "step highlighted" if highlighted else "step"
    head = (
        f'<g class="{css}" data-step="{step.number}" data-kind="{step.kind}" '
        f"data-role={quoteattr(step.roles[0])}>"
        f"<title>{escape(f'{step.number}. {step.activity}')}</title>"
    )
    if step.kind == "decision":
        w, h = _DIAMOND_W / 2, _DIAMOND_H / 2
        points = f"{x:.1f},{y - h:.1f} {x + w:.1f},{y:.1f} {x:.1f},{y + h:.1f} {x - w:.1f},{y:.1f}"
        shape = f'<polygon class="shape" points="{points}"/>'
    else:
        radius = _SHAPE_H / 2 if step.kind == "terminator" else 2
        shape = (
            f'<rect class="shape" x="{x - _SHAPE_W / 2:.1f}" y="{y - _SHAPE_H / 2:.1f}" '
            f'width="{_SHAPE_W}" height="{_SHAPE_H}" rx="{radius}" ry="{radius}"/>'
        )
    label = _text(x, y + 4, str(step.number), "step-label")
    return [head, shape, label, "</g>"]


def _edge(kind: str, centre: tuple[float, float], side: str) -> tuple[float, float]:
    """Where an arrow leaves or enters a shape: its top, bottom, left or right point."""
    x, y = centre
    w = (_DIAMOND_W if kind == "decision" else _SHAPE_W) / 2
    h = (_DIAMOND_H if kind == "decision" else _SHAPE_H) / 2
    return {"top": (x, y - h), "bottom": (x, y + h), "left": (x - w, y), "right": (x + w, y)}[side]


def _arrow(
    transition: Transition,
    centres: dict[int, tuple[float, float]],
    kinds: dict[int, str],
    by_key: dict[str, Column],
    rows: Sequence[_Row],
    lanes: dict[str, int],
    highlighted: bool,
) -> list[str]:
    source = transition.source
    start_centre, kind = centres[source], kinds[source]
    row = rows[source - 1]
    label_at: tuple[float, float]
    if transition.target == END:
        points, extra, label_at = _to_end(kind, start_centre, by_key, row.step)
    else:
        target = int(transition.target)
        end_centre, end_kind = centres[target], kinds[target]
        extra = []
        if target == source + 1 and not (kind == "decision" and _taken_down(transition, rows)):
            points = _down(_edge(kind, start_centre, "bottom"), _edge(end_kind, end_centre, "top"))
            label_at = (points[0][0] + 5, points[0][1] + 11)
        else:
            points, label_at = _detour(transition, centres, kinds, by_key, row, lanes)
    css = "transition highlighted" if highlighted else "transition"
    answer = f" data-answer={quoteattr(transition.answer)}" if transition.answer else ""
    path = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y) in enumerate(points))
    label = _text(*label_at, transition.answer, "answer") if transition.answer else ""
    return [
        f'<g class="{css}" data-from="{source}" data-to="{transition.target}"{answer}>'
        f'<path class="arrow" d="{path}" marker-end="url(#arrowhead)"/>{label}{"".join(extra)}'
        "</g>"
    ]


def _to_end(
    kind: str, centre: tuple[float, float], by_key: dict[str, Column], step: Step
) -> tuple[list[tuple[float, float]], list[str], tuple[float, float]]:
    """An answer that ends the case: an arrow out of the shape's side to a small "Selesai"
    capsule — on the left in the last actor column, so it stays clear of the mutu baku text."""
    actor_keys = [key for key in by_key if key.startswith("role:")]
    left = actor_keys[-1] == f"role:{step.roles[0]}" and len(actor_keys) > 1
    sx, sy = _edge(kind, centre, "left" if left else "right")
    ex = sx - 16 if left else sx + 16
    box = ex - 46 if left else ex
    extra = [
        f'<rect class="end-marker" x="{box:.1f}" y="{sy - 9:.1f}" width="46" height="18" '
        'rx="9" ry="9"/>',
        _text(box + 23, sy + 4, "Selesai", "step-label"),
    ]
    label_at = (box, sy - 13) if left else (sx + 4, sy - 5)
    return [(sx, sy), (ex, sy)], extra, label_at


def _taken_down(transition: Transition, rows: Sequence[_Row]) -> bool:
    """Whether another answer of the same decision already takes the way down."""
    step = rows[transition.source - 1].step
    nexts = [b for b in step.branches if b.goto in (None, step.number + 1)]
    return bool(nexts) and nexts[0].answer != transition.answer


def _down(start: tuple[float, float], end: tuple[float, float]) -> list[tuple[float, float]]:
    (sx, sy), (ex, ey) = start, end
    if abs(sx - ex) < 0.5:
        return [start, end]
    bend = (sy + ey) / 2
    return [start, (sx, bend), (ex, bend), end]


def _detour(
    transition: Transition,
    centres: dict[int, tuple[float, float]],
    kinds: dict[int, str],
    by_key: dict[str, Column],
    row: _Row,
    lanes: dict[str, int],
) -> tuple[list[tuple[float, float]], tuple[float, float]]:
    """A loop back or a jump forward: out of the source's side facing the target, along a lane
    at the edge of the source's column, into the target's side facing the source. In one
    column, a loop runs in the left lane and a jump in the right one."""
    source, target = transition.source, int(transition.target)
    column = by_key[f"role:{row.step.roles[0]}"]
    (tx, ty), back = centres[target], target <= source
    if abs(tx - column.centre) < 0.5:
        side = entry = "left" if back else "right"
    else:
        side = "left" if tx < column.centre else "right"
        entry = "right" if side == "left" else "left"
    count = lanes.get(f"{column.key}:{side}", 0)
    lanes[f"{column.key}:{side}"] = count + 1
    lane_x = column.left + 6 + count * _LANE if side == "left" else column.right - 6 - count * _LANE
    sx, sy = _edge(kinds[source], centres[source], side)
    ex, ey = _edge(kinds[target], (tx, ty), entry)
    points = [(sx, sy), (lane_x, sy), (lane_x, ey), (ex, ey)]
    label_x = sx - 4 - 5.6 * len(transition.answer or "") if side == "left" else sx + 4
    return points, (label_x, sy - 5)


def _text(x: float, y: float, content: str, css: str | None) -> str:
    cls = f' class="{css}"' if css else ""
    return f'<text x="{x:.1f}" y="{y:.1f}"{cls}>{escape(content)}</text>'


def _line(x1: float, y1: float, x2: float, y2: float) -> str:
    return f'<line class="grid" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"/>'


def render_inline(
    definition: SopDefinition, highlight: Iterable[int] = (), current: int | None = None
) -> str:
    """The flowchart as an `<svg>` element to put inside an HTML page: no XML declaration and
    no `<style>` element (a page's Content-Security-Policy forbids inline styles; the page's
    stylesheet styles `.sop-chart`). `current` (the step a case waits at) also gets `current`."""
    svg = render_svg(definition, highlight)
    svg = svg.split("\n", 1)[1]  # the XML declaration
    start, end = svg.index("<style>"), svg.index("</style>") + len("</style>")
    svg = svg[:start] + svg[end:].lstrip("\n")
    svg = svg.replace('class="sop-chart"', 'class="sop-chart" role="img"', 1)
    if current is not None:
        for css in ("step highlighted", "step"):
            svg = svg.replace(
                f'<g class="{css}" data-step="{current}"',
                f'<g class="{css} current" data-step="{current}"',
                1,
            )
    return svg


def page_stylesheet(scope: str = "svg.sop-chart") -> str:
    """The chart's styles as rules of a page's stylesheet, each under `scope`."""
    rules = [line for line in _STYLE.strip().splitlines() if line]
    return "\n".join(f"{scope} {rule}" for rule in rules) + "\n"
