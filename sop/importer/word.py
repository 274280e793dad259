"""Reading an SOP document saved as Word (.docx) into the text form the importer reads.

The SOP-AP layout is the same in Word as in a text export, only as tables: `word_text` writes
the document body in order, a paragraph per line and a table row per line with its cells
separated by tabs, and `sop.importer.read_document` reads that text. What Word adds:
- merged cells: a cell spanning N grid columns (`gridSpan`) is its text and N-1 empty cells,
  a cell continuing a vertical merge (`vMerge`) is empty, and the grid columns a row skips
  (`gridBefore`) are empty cells — so every row keeps the grid's columns, as a text export does;
- text over several lines or paragraphs in a cell ("Kepala Bidang" / "Perizinan") is one line,
  words joined by a space; tabs inside a cell are spaces;
- numbered and bulleted paragraphs (Word's list numbering, in a cell or not) are written
  "1. …", "2. …" (or "• …"), numbered per list as Word shows them, so lists in the identity
  block split into items;
- flowchart symbols drawn in a cell: DrawingML shapes by their preset geometry
  (flowChartTerminator, ellipse, roundRect → "(Circle)"; flowChartProcess, rect →
  "(Square)"; flowChartDecision, diamond → "(Diamond)"), the VML shapes of older files (oval,
  roundrect, rect, and the flowchart shape types), lines and connectors ignored; a picture in a
  cell is a marker, its shape read from its name or description when they name one
  ("Belah ketupat", "Decision"), else a marker without a shape ("√"); a shape's fallback copy
  (`mc:Fallback`) is not read twice. Symbols written as text ("(Red Circle)", "√") are text.
Shapes floating over the table that are anchored elsewhere than their actor's cell are not
placed by position: their cell is where Word anchors them.
Pure: reads the bytes given, no files.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

import docx
from docx.oxml.ns import qn
from lxml import etree

from sop.importer.errors import UnreadableDocument
from sop.importer.text import marker_shapes

_PRESET_MARKERS = {
    "flowChartTerminator": "(Circle)",
    "flowChartAlternateProcess": "(Circle)",
    "ellipse": "(Circle)",
    "roundRect": "(Circle)",
    "flowChartConnector": "(Circle)",
    "flowChartProcess": "(Square)",
    "flowChartPredefinedProcess": "(Square)",
    "rect": "(Square)",
    "flowChartDecision": "(Diamond)",
    "diamond": "(Diamond)",
}
# VML shape types (o:spt) of the flowchart shapes: 116 terminator, 109 process, 110 decision,
# 176 alternate process, 3 ellipse, 2 roundRect, 1 rect, 4 diamond.
_VML_TYPES = {
    "116": "(Circle)",
    "176": "(Circle)",
    "3": "(Circle)",
    "2": "(Circle)",
    "109": "(Square)",
    "1": "(Square)",
    "110": "(Diamond)",
    "4": "(Diamond)",
}
_VML_TAGS = {"oval": "(Circle)", "roundrect": "(Circle)", "rect": "(Square)"}
_NS = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "v": "urn:schemas-microsoft-com:vml",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
}
# Shapes (not a picture's frame), pictures and VML shapes, not the fallback copy of a shape.
_SYMBOLS_XPATH = (
    ".//a:prstGeom[not(ancestor::mc:Fallback) and not(ancestor::pic:pic)]"
    " | .//pic:pic[not(ancestor::mc:Fallback)]"
    " | .//v:*[not(ancestor::mc:Fallback)]"
)
_TEXT_XPATH = (
    ".//w:t[not(ancestor::mc:Fallback)] | .//w:tab[not(ancestor::mc:Fallback)]"
    " | .//w:br[not(ancestor::mc:Fallback)] | .//w:cr[not(ancestor::mc:Fallback)]"
)
_SYMBOLS = etree.XPath(_SYMBOLS_XPATH, namespaces=_NS)
_TEXT = etree.XPath(_TEXT_XPATH, namespaces=_NS)
_SPT = "{urn:schemas-microsoft-com:office:office}spt"
_SHAPE_NAMES = {"circle": "(Circle)", "oval": "(Circle)", "ellipse": "(Circle)",
                "capsule": "(Circle)", "square": "(Square)", "rectangle": "(Square)",
                "box": "(Square)", "diamond": "(Diamond)", "rhombus": "(Diamond)"}  # fmt: skip


def word_text(data: bytes, source: str = "<docx>") -> str:
    """The document's body as the importer's text form (see the module docstring); raises
    UnreadableDocument for a file that is not a Word document."""
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as error:
        raise UnreadableDocument(source, 1, f"not a Word (.docx) document: {error}") from error
    numbering = _Numbering(document)
    lines: list[str] = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            lines.append(_paragraph(child, numbering))
        elif child.tag == qn("w:tbl"):
            lines += _table(child, numbering)
    return "\n".join(lines) + "\n"


def _table(table: etree._Element, numbering: _Numbering) -> list[str]:
    lines = []
    for row in table.iterchildren(qn("w:tr")):
        cells: list[str] = [""] * _int(row.find(f"{qn('w:trPr')}/{qn('w:gridBefore')}"))
        for cell in row.iterchildren(qn("w:tc")):
            properties = cell.find(qn("w:tcPr"))
            span = _int(None if properties is None else properties.find(qn("w:gridSpan")), 1)
            merge = None if properties is None else properties.find(qn("w:vMerge"))
            continued = merge is not None and merge.get(qn("w:val"), "continue") == "continue"
            cells.append("" if continued else _cell(cell, numbering))
            cells += [""] * (span - 1)
        lines.append("\t".join(cells))
    return lines


def _cell(cell: etree._Element, numbering: _Numbering) -> str:
    texts = [_paragraph(p, numbering) for p in cell.iter(qn("w:p"))]
    markers = list(_markers(cell))
    return " ".join(text for text in [*markers, *texts] if text)


def _paragraph(paragraph: etree._Element, numbering: _Numbering) -> str:
    parts = [
        element.text or "" if element.tag == qn("w:t") else " " for element in _TEXT(paragraph)
    ]
    text = " ".join("".join(parts).replace("\t", " ").split())
    prefix = numbering.label(paragraph) if text else ""
    return f"{prefix}{text}"


def _markers(cell: etree._Element) -> Iterator[str]:
    """The flowchart symbols drawn in a cell, as the text markers the importer reads."""
    for element in _SYMBOLS(cell):
        if element.tag == f"{{{_NS['a']}}}prstGeom":
            marker = _PRESET_MARKERS.get(element.get("prst", ""))
        elif element.tag == f"{{{_NS['pic']}}}pic":
            marker = _picture(element)
        else:
            marker = _vml(element)
        if marker:
            yield marker


def _picture(picture: etree._Element) -> str:
    """A picture in an actor cell marks the actor; its name or description may name a shape."""
    names = []
    for ancestor in picture.iterancestors():
        if ancestor.tag in (f"{{{_NS['wp']}}}inline", f"{{{_NS['wp']}}}anchor"):
            found = ancestor.find(f"{{{_NS['wp']}}}docPr")
            if found is not None:
                names += [found.get("descr", ""), found.get("name", ""), found.get("title", "")]
            break
    for name in names:
        shapes = marker_shapes(re.sub(r"[_.-]+", " ", name)) or []
        known = [_SHAPE_NAMES[shape] for shape in shapes if shape in _SHAPE_NAMES]
        if known:
            return known[0]
    return "√"


def _vml(element: etree._Element) -> str | None:
    local = etree.QName(element).localname
    if local in _VML_TAGS:
        return _VML_TAGS[local]
    if local == "shape":
        kind = element.get("type", "").lstrip("#")
        number = kind.rsplit("_t", 1)[-1] if "_t" in kind else element.get(_SPT, "")
        return _VML_TYPES.get(number)
    return None


def _int(element: etree._Element | None, default: int = 0) -> int:
    if element is None:
        return default
    try:
        return int(element.get(qn("w:val"), default))
    except ValueError:
        return default


class _Numbering:
    """Word's list numbering as it shows: "1. ", "2. " per list and level, "• " for bullets."""

    def __init__(self, document: docx.document.Document) -> None:
        self._formats: dict[tuple[str, str], str] = {}
        self._counters: dict[tuple[str, str], int] = {}
        self._styles: dict[str, etree._Element] = {}
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            numbering = None
        if numbering is not None:
            abstract = {
                a.get(qn("w:abstractNumId")): a for a in numbering.iterchildren(qn("w:abstractNum"))
            }
            for num in numbering.iterchildren(qn("w:num")):
                reference = num.find(qn("w:abstractNumId"))
                found = abstract.get(reference.get(qn("w:val"))) if reference is not None else None
                for level in found.iterchildren(qn("w:lvl")) if found is not None else ():
                    fmt = level.find(qn("w:numFmt"))
                    key = (num.get(qn("w:numId")), level.get(qn("w:ilvl")))
                    self._formats[key] = fmt.get(qn("w:val")) if fmt is not None else "decimal"
        for style in document.styles.element.iterchildren(qn("w:style")):
            properties = style.find(qn("w:pPr"))
            if properties is not None and properties.find(qn("w:numPr")) is not None:
                self._styles[style.get(qn("w:styleId"))] = properties.find(qn("w:numPr"))

    def label(self, paragraph: etree._Element) -> str:
        properties = paragraph.find(qn("w:pPr"))
        if properties is None:
            return ""
        numbered = properties.find(qn("w:numPr"))
        if numbered is None:
            style = properties.find(qn("w:pStyle"))
            numbered = self._styles.get(style.get(qn("w:val"))) if style is not None else None
        if numbered is None:
            return ""
        num = numbered.find(qn("w:numId"))
        level = numbered.find(qn("w:ilvl"))
        key = (
            num.get(qn("w:val")) if num is not None else "",
            level.get(qn("w:val")) if level is not None else "0",
        )
        fmt = self._formats.get(key)
        if fmt is None or key[0] == "0" or fmt == "none":
            return ""
        if fmt == "bullet":
            return "• "
        self._counters[key] = self._counters.get(key, 0) + 1
        return f"{self._counters[key]}. "
