"""Small building blocks shared by the SVG renderer: geometry, paint, SVG elements, text, BPMN look-ups.

Nothing here knows how a particular BPMN element looks; see ``drawing.shapes``,
``drawing.icons`` and ``drawing.edges`` for that, and ``drawing.svg`` for the API.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeAlias

from lxml import etree

SVG_NS = "http://www.w3.org/2000/svg"
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
DI_NS = "http://www.omg.org/spec/DD/20100524/DI"
COLOR_NS = "http://www.omg.org/spec/BPMN/non-normative/color/1.0"
BIOC_NS = "http://bpmn.io/schema/bpmn/biocolor/1.0"
DIAGRAM_NAMESPACES = frozenset({BPMNDI_NS, DC_NS, DI_NS})

Element: TypeAlias = etree._Element
Point = tuple[float, float]

INK = "#000000"
PAPER = "#ffffff"
DEFAULT_FONT_SIZE = 11.0
LINE_HEIGHT = 1.2  # times the font size

STATES = ("done", "active", "overdue", "problem", "added", "changed", "removed")
# problem: an element the checks refuse; added, changed, removed: the difference between two versions


# --- geometry -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle in diagram coordinates."""

    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def inset(self, d: float) -> Box:
        return Box(self.x + d, self.y + d, max(self.w - 2 * d, 0.0), max(self.h - 2 * d, 0.0))


def finite(value: str | None) -> float | None:
    """A coordinate attribute as a finite float, or None when missing or not a number."""
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) and abs(number) < 1e7 else None


def read_bounds(element: Element | None) -> Box | None:
    """The ``dc:Bounds`` child of a DI element as a Box; None when absent or unusable."""
    if element is None:
        return None
    bounds = next((c for c in element if _local(c) == "Bounds"), None)
    if bounds is None:
        return None
    x, y, w, h = (finite(bounds.get(a)) for a in ("x", "y", "width", "height"))
    if x is None or y is None or w is None or h is None or w < 0 or h < 0:
        return None
    return Box(x, y, w, h)


def read_waypoints(edge: Element) -> list[Point]:
    points: list[Point] = []
    for child in edge:
        if _local(child) == "waypoint":
            x, y = finite(child.get("x")), finite(child.get("y"))
            if x is not None and y is not None:
                points.append((x, y))
    return points


def unit(a: Point, b: Point) -> Point:
    """The unit vector from a to b ((1, 0) when they coincide)."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = math.hypot(dx, dy)
    return (dx / length, dy / length) if length > 1e-9 else (1.0, 0.0)


def regular_polygon(cx: float, cy: float, r: float, sides: int, start_deg: float = -90) -> list[Point]:
    return [(cx + r * math.cos(math.radians(start_deg + i * 360 / sides)),
             cy + r * math.sin(math.radians(start_deg + i * 360 / sides))) for i in range(sides)]


# --- paint ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Paint:
    """Stroke and fill of a shape's outline; ``min_width`` thickens the outline of marked shapes."""

    stroke: str = INK
    fill: str = PAPER
    min_width: float = 0.0

    def width(self, base: float) -> float:
        return max(base, self.min_width)


STATE_PAINT: dict[str, Paint] = {
    "done": Paint("#2e7d32", "#e8f5e9", 2.0),
    "active": Paint("#1565c0", "#e3f2fd", 3.0),
    "overdue": Paint("#c62828", "#ffebee", 3.0),
    "problem": Paint("#e65100", "#fff3e0", 4.0),
    "added": Paint("#1b5e20", "#c8e6c9", 3.0),
    "changed": Paint("#f57f17", "#fff9c4", 3.0),
    "removed": Paint("#b71c1c", "#ffcdd2", 3.0),
}

# Words shown in the legend; the web layer may replace them with translations.
STATE_LABELS: dict[str, str] = {state: state for state in STATES}

_COLOUR = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?|[a-zA-Z]{3,20}"
                     r"|rgb\(\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*\)")


def safe_colour(value: str | None) -> str | None:
    """A colour from the diagram if it is plainly a colour (hex, name or rgb()), else None."""
    if value is None:
        return None
    value = value.strip()
    return value if _COLOUR.fullmatch(value) else None


def di_paint(di: Element, state: str | None) -> Paint:
    """The paint of a shape: its state's when marked, else the modeller's colours, else black on white."""
    if state in STATE_PAINT:
        return STATE_PAINT[state]
    stroke = safe_colour(di.get(f"{{{COLOR_NS}}}border-color") or di.get(f"{{{BIOC_NS}}}stroke"))
    fill = safe_colour(di.get(f"{{{COLOR_NS}}}background-color") or di.get(f"{{{BIOC_NS}}}fill"))
    return Paint(stroke or INK, fill or PAPER)


# --- SVG elements ---------------------------------------------------------------------------------

def num(value: float) -> str:
    """A coordinate written compactly: at most two decimals, no trailing zeros, no ``-0``."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def points_attr(points: Iterable[Point]) -> str:
    return " ".join(f"{num(x)},{num(y)}" for x, y in points)


def svg(parent: Element, tag: str, **attrs: str | float | None) -> Element:
    """Append an SVG child; attribute names use ``_`` for ``-`` and None values are left out."""
    element = etree.SubElement(parent, f"{{{SVG_NS}}}{tag}")
    for name, value in attrs.items():
        if value is None:
            continue
        name = "class" if name == "class_" else name.replace("_", "-")
        element.set(name, num(value) if isinstance(value, (int, float)) else value)
    return element


def polygon(parent: Element, points: Sequence[Point], **attrs: str | float | None) -> Element:
    return svg(parent, "polygon", points=points_attr(points), **attrs)


def polyline(parent: Element, points: Sequence[Point], **attrs: str | float | None) -> Element:
    return svg(parent, "polyline", points=points_attr(points), fill="none", **attrs)


def line(parent: Element, a: Point, b: Point, **attrs: str | float | None) -> Element:
    return svg(parent, "line", x1=a[0], y1=a[1], x2=b[0], y2=b[1], **attrs)


def path(parent: Element, d: str, **attrs: str | float | None) -> Element:
    return svg(parent, "path", d=d, **attrs)


# --- text -----------------------------------------------------------------------------------------

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NARROW = set("iljI.,;:'|!()[]{}/\\ `\"-")
_WIDE = set("mwMW@%")


def clean(text: str | None) -> str:
    """Text safe to put in XML: characters XML 1.0 forbids removed, NFC-normalised."""
    if not text:
        return ""
    return unicodedata.normalize("NFC", _NOT_XML.sub("", text)).strip()


def text_width(text: str, size: float) -> float:
    """An estimate of the rendered width of ``text`` in a sans-serif font of ``size`` pixels."""
    width = 0.0
    for char in text:
        if unicodedata.combining(char):
            continue
        if char in _NARROW or char in "tfr":
            width += 0.32
        elif char in _WIDE:
            width += 0.86
        elif char == " ":
            width += 0.28
        elif char.isupper():
            width += 0.67
        else:
            width += 0.56
    return width * size


def wrap(text: str, max_width: float, size: float, break_words: bool = True) -> list[str]:
    """Greedy word wrapping; explicit line breaks are kept; over-long words are cut unless
    ``break_words`` is False (then they overflow, which reads better outside a shape)."""
    lines: list[str] = []
    for paragraph in text.splitlines():
        current = ""
        for word in paragraph.split():
            candidate = f"{current} {word}" if current else word
            if text_width(candidate, size) <= max_width or not current:
                current = candidate
            else:
                lines.append(current)
                current = word
            while break_words and text_width(current, size) > max_width and len(current) > 1:
                cut = _fitting_prefix(current, max_width, size)
                lines.append(current[:cut])
                current = current[cut:]
        if current:
            lines.append(current)
    return lines


def _fitting_prefix(word: str, max_width: float, size: float) -> int:
    cut = 1
    while cut < len(word) and text_width(word[:cut + 1], size) <= max_width:
        cut += 1
    return cut


def limit_lines(lines: list[str], max_lines: int) -> list[str]:
    """At most ``max_lines`` lines, the last one ending in an ellipsis when text was dropped."""
    if max_lines < 1:
        return lines[:1]
    if len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines]
    kept[-1] = kept[-1].rstrip(" .,;:") + "…"
    return kept


def text_block(parent: Element, lines: Sequence[str], x: float, top: float, size: float,
               anchor: str = "middle", fill: str = INK, transform: str | None = None,
               halo: bool = False) -> Element | None:
    """Lines of text whose first line box starts at ``top``; ``x`` is where ``anchor`` applies.

    ``halo`` outlines the letters in white so that a label stays readable where a line crosses it.
    """
    if not lines:
        return None
    text = svg(parent, "text", x=x, y=top, font_size=size, text_anchor=anchor, fill=fill,
               transform=transform, class_="label")
    if halo:
        for name, value in (("stroke", PAPER), ("stroke-width", "3"), ("stroke-linejoin", "round"),
                            ("paint-order", "stroke")):
            text.set(name, value)
    step = size * LINE_HEIGHT
    for index, content in enumerate(lines):
        span = svg(text, "tspan", x=x, y=top + size * 0.95 + index * step)
        span.text = content
    return text


def block_height(line_count: int, size: float) -> float:
    return line_count * size * LINE_HEIGHT


# --- BPMN semantic model --------------------------------------------------------------------------

def _local(element: Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


local_name = _local


class BpmnDocument:
    """Every semantic element of a BPMN file by id, wherever it is nested."""

    def __init__(self, root: Element):
        self.root = root
        self.by_id: dict[str, Element] = {}
        others: dict[str, Element] = {}
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            identifier = element.get("id")
            if not identifier:
                continue
            namespace = etree.QName(element).namespace
            if namespace == BPMN_NS:
                self.by_id.setdefault(identifier, element)
            elif namespace not in DIAGRAM_NAMESPACES:
                others.setdefault(identifier, element)
        for identifier, element in others.items():
            self.by_id.setdefault(identifier, element)

    def get(self, identifier: str | None) -> Element | None:
        return self.by_id.get(identifier.strip()) if identifier else None

    @staticmethod
    def children(element: Element, name: str) -> list[Element]:
        return [c for c in element if _local(c) == name]

    @staticmethod
    def child_text(element: Element, name: str) -> str:
        found = next((c for c in element if _local(c) == name), None)
        return (found.text or "").strip() if found is not None else ""

    def event_definitions(self, event: Element) -> list[str]:
        """Kinds of an event's definitions (``message``, ``timer``…), inline or by reference."""
        kinds = [_local(c)[: -len("EventDefinition")] for c in event if _local(c).endswith("EventDefinition")]
        for reference in self.children(event, "eventDefinitionRef"):
            target = self.get((reference.text or "").strip())
            if target is not None and _local(target).endswith("EventDefinition"):
                kinds.append(_local(target)[: -len("EventDefinition")])
        return kinds


def is_true(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() in ("true", "1")
