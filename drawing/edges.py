"""How BPMN edges are drawn: sequence flows, message flows, associations, data associations."""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from drawing.icons import envelope
from drawing.kit import (
    PAPER,
    Box,
    BpmnDocument,
    Element,
    Paint,
    Point,
    block_height,
    clean,
    line,
    local_name,
    polygon,
    polyline,
    svg,
    text_block,
    unit,
    wrap,
)
from drawing.shapes import ACTIVITIES

ARROW_LENGTH = 10.0
ARROW_HALF_WIDTH = 4.0


@dataclass(frozen=True)
class EdgeSpec:
    """Everything needed to draw one ``BPMNEdge``."""

    points: Sequence[Point]  # at least two
    element: Element | None
    kind: str  # the semantic element's local name, "" when unknown
    label_box: Box | None
    paint: Paint  # only the stroke and min_width are used
    font_size: float
    label_fill: str
    message_visible_kind: str | None  # "initiating" / "non_initiating" on message flows


def draw_edge(parent: Element, spec: EdgeSpec, doc: BpmnDocument,
              label_parent: Element | None = None) -> None:
    """Draw one edge into ``parent`` (its ``<g>``): the line, its end decorations and its label (into
    ``label_parent`` when given, so that it can be painted above other edges)."""
    element, kind, points = spec.element, spec.kind, spec.points
    colour = spec.paint.stroke
    name = clean(element.get("name")) if element is not None else ""
    if name:
        svg(parent, "title").text = name
    if kind == "sequenceFlow":
        _sequence_flow(parent, spec, doc)
    elif kind == "messageFlow":
        polyline(parent, points, stroke=colour, stroke_width=spec.paint.width(1.2), stroke_dasharray="8 5",
                 stroke_linejoin="round", class_="outline")
        svg(parent, "circle", cx=points[0][0], cy=points[0][1], r=4, fill=PAPER, stroke=colour,
            stroke_width=1)
        _arrowhead(parent, points, colour, fill=PAPER)
        if spec.message_visible_kind in ("initiating", "non_initiating"):
            mx, my = _midpoint(points)
            envelope(parent, Box(mx - 10, my - 7, 20, 14), False, colour)
            if spec.message_visible_kind == "non_initiating":
                svg(parent, "rect", x=mx - 10, y=my - 7, width=20, height=14, fill="#b0b0b0",
                    fill_opacity=0.6, stroke="none")
    elif kind in ("association", "dataInputAssociation", "dataOutputAssociation"):
        polyline(parent, points, stroke=colour, stroke_width=spec.paint.width(1.2), stroke_dasharray="2 3",
                 stroke_linecap="round", stroke_linejoin="round", class_="outline")
        direction = element.get("associationDirection", "None") if element is not None else "None"
        if kind != "association" or direction in ("One", "Both"):
            _open_arrow(parent, points, colour)
        if kind == "association" and direction == "Both":
            _open_arrow(parent, list(reversed(points)), colour)
    else:  # no (known) semantic element: a plain dotted connector, like an association
        polyline(parent, points, stroke=colour, stroke_width=spec.paint.width(1.0), stroke_dasharray="2 3",
                 stroke_linejoin="round", class_="outline")
    _edge_label(parent if label_parent is None else label_parent, spec, name)


def _sequence_flow(parent: Element, spec: EdgeSpec, doc: BpmnDocument) -> None:
    element, points, colour = spec.element, spec.points, spec.paint.stroke
    assert element is not None
    polyline(parent, points, stroke=colour, stroke_width=spec.paint.width(1.5), stroke_linejoin="round",
             class_="outline")
    _arrowhead(parent, points, colour, fill=colour)
    source = doc.get(element.get("sourceRef"))
    identifier = element.get("id")
    start, direction = points[0], unit(points[0], points[1])
    if source is not None and identifier and source.get("default") == identifier:
        # The default-flow slash, a short stroke across the line near its source.
        at = (start[0] + 10 * direction[0], start[1] + 10 * direction[1])
        slant = _rotate(direction, 60)
        line(parent, (at[0] - 6 * slant[0], at[1] - 6 * slant[1]),
             (at[0] + 6 * slant[0], at[1] + 6 * slant[1]), stroke=colour, stroke_width=1.5)
    elif (source is not None and local_name(source) in ACTIVITIES
          and any(local_name(c) == "conditionExpression" for c in element)):
        # The conditional-flow mini-diamond, its tail on the activity's border.
        normal = (-direction[1], direction[0])
        diamond = [start,
                   (start[0] + 8 * direction[0] + 5 * normal[0], start[1] + 8 * direction[1] + 5 * normal[1]),
                   (start[0] + 16 * direction[0], start[1] + 16 * direction[1]),
                   (start[0] + 8 * direction[0] - 5 * normal[0], start[1] + 8 * direction[1] - 5 * normal[1])]
        polygon(parent, diamond, fill=PAPER, stroke=colour, stroke_width=1.2)


def _rotate(vector: Point, degrees: float) -> Point:
    angle = math.radians(degrees)
    return (vector[0] * math.cos(angle) - vector[1] * math.sin(angle),
            vector[0] * math.sin(angle) + vector[1] * math.cos(angle))


def _arrow_base(points: Sequence[Point]) -> tuple[Point, Point, Point]:
    """The tip, the unit direction of the last non-empty segment, and its normal."""
    tip = points[-1]
    previous = next((p for p in reversed(points[:-1]) if math.dist(p, tip) > 1e-6), points[0])
    direction = unit(previous, tip)
    return tip, direction, (-direction[1], direction[0])


def _arrowhead(parent: Element, points: Sequence[Point], colour: str, fill: str) -> None:
    tip, d, n = _arrow_base(points)
    back = (tip[0] - ARROW_LENGTH * d[0], tip[1] - ARROW_LENGTH * d[1])
    polygon(parent, [tip, (back[0] + ARROW_HALF_WIDTH * n[0], back[1] + ARROW_HALF_WIDTH * n[1]),
                     (back[0] - ARROW_HALF_WIDTH * n[0], back[1] - ARROW_HALF_WIDTH * n[1])],
            fill=fill, stroke=colour, stroke_width=1, stroke_linejoin="round")


def _open_arrow(parent: Element, points: Sequence[Point], colour: str) -> None:
    tip, d, n = _arrow_base(points)
    back = (tip[0] - ARROW_LENGTH * d[0], tip[1] - ARROW_LENGTH * d[1])
    polyline(parent, [(back[0] + ARROW_HALF_WIDTH * n[0], back[1] + ARROW_HALF_WIDTH * n[1]), tip,
                      (back[0] - ARROW_HALF_WIDTH * n[0], back[1] - ARROW_HALF_WIDTH * n[1])],
             stroke=colour, stroke_width=1.2, stroke_linejoin="round")


def _midpoint(points: Sequence[Point]) -> Point:
    """The point halfway along the polyline."""
    lengths = [math.dist(a, b) for a, b in zip(points, points[1:], strict=False)]
    remaining = sum(lengths) / 2
    for (a, b), length in zip(zip(points, points[1:], strict=False), lengths, strict=True):
        if remaining <= length and length > 0:
            t = remaining / length
            return (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))
        remaining -= length
    return points[-1]


def _edge_label(parent: Element, spec: EdgeSpec, name: str) -> None:
    if not name:
        return
    size = spec.font_size
    box = spec.label_box
    if box is not None and box.w >= 2 and box.h >= 2:
        lines = wrap(name, box.w * 1.15 + 6, size, break_words=False)
        text_block(parent, lines, box.cx, box.cy - block_height(len(lines), size) / 2, size,
                   fill=spec.label_fill, halo=True)
        return
    mx, my = _midpoint(spec.points)
    lines = wrap(name, 90.0, size, break_words=False)
    text_block(parent, lines, mx, my - 4 - block_height(len(lines), size), size, fill=spec.label_fill,
               halo=True)


