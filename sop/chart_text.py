"""The columns of the SOP-AP flowchart and the text in its cells (see sop/chart.py): pure.

Text is wrapped by an estimate of its width (11 px DejaVu Sans: about 6.2 px a character), so
the drawing needs no font at hand; a word longer than a line is cut.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from sop.definition import SopDefinition

CHAR_WIDTH = 6.2
_CELL_PAD = 6


@dataclass(frozen=True)
class Column:
    key: str  # "number", "activity", "role:<id>", "documents", "duration", "output"
    title: str
    left: float
    width: float
    role: str | None = None  # the role id of an actor column
    align: str = "start"

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def centre(self) -> float:
        return self.left + self.width / 2


def columns(definition: SopDefinition) -> list[Column]:
    """No, Kegiatan, one column per role that does a step (in the definition's order), then
    Kelengkapan, Waktu, Output."""
    used = {role for step in definition.steps for role in step.roles}
    roles = [role for role in definition.roles if role.id in used]
    spec: list[tuple[str, str, float, str | None, str]] = [
        ("number", "No", 34, None, "middle"),
        ("activity", "Kegiatan", 250, None, "start"),
    ]
    spec += [(f"role:{r.id}", r.name, 124, r.id, "middle") for r in roles]
    spec += [
        ("documents", "Kelengkapan", 160, None, "start"),
        ("duration", "Waktu", 86, None, "middle"),
        ("output", "Output", 150, None, "start"),
    ]
    found: list[Column] = []
    left = 0.0
    for key, title, width, role, align in spec:
        found.append(Column(key, title, left, width, role, align))
        left += width
    return found


def wrap(text: str, width: float) -> list[str]:
    """The text in lines that fit `width` pixels (at least one line, maybe empty)."""
    limit = max(4, int((width - 2 * _CELL_PAD) / CHAR_WIDTH))
    lines: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > limit:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:limit])
            word = word[limit:]
        candidate = f"{current} {word}" if current else word
        if len(candidate) > limit:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current or not lines:
        lines.append(current)
    return lines


def text_lines(column: Column, top: float, lines: list[str], height: float) -> list[str]:
    """SVG text elements for a cell's lines, left-aligned or centred as the column is."""
    x = column.centre if column.align == "middle" else column.left + _CELL_PAD
    anchor = ' text-anchor="middle"' if column.align == "middle" else ""
    return [
        f'<text x="{x:.1f}" y="{top + index * height:.1f}"{anchor}>{escape(line)}</text>'
        for index, line in enumerate(lines)
        if line
    ]
