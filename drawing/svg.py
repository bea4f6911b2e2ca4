"""Server-side SVG pictures of BPMN 2.0 diagrams, drawn from their BPMN-DI layout.

``render_svg(data)`` reads a ``.bpmn`` file and returns an ``<svg>`` document: every ``BPMNShape`` and
``BPMNEdge`` of one ``BPMNDiagram`` drawn in the usual BPMN notation, each in a ``<g>`` carrying
``data-element-id`` (the semantic element's id) and ``data-di-id``. ``marks`` highlights the elements
of a running case (done / active / overdue) and adds a legend. The only exception it raises is
``DiagramRefused``.

The drawing of each kind of element lives in ``drawing.shapes``, ``drawing.icons`` and
``drawing.edges``; shared helpers in ``drawing.kit``.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from lxml import etree

from drawing.edges import EdgeSpec, draw_edge
from drawing.kit import (
    COLOR_NS,
    DEFAULT_FONT_SIZE,
    INK,
    PAPER,
    STATE_LABELS,
    STATE_PAINT,
    STATES,
    SVG_NS,
    Box,
    BpmnDocument,
    Element,
    Paint,
    Point,
    block_height,
    clean,
    di_paint,
    finite,
    is_true,
    local_name,
    num,
    read_bounds,
    read_waypoints,
    safe_colour,
    svg,
    text_width,
    wrap,
)
from drawing.shapes import EXTERNAL_LABELS, SUB_PROCESSES, ShapeSpec, draw_shape
from engine.problems import DiagramRefused, Problem
from engine.xml_safety import parse_xml

NO_LAYOUT = ("the diagram has no layout (BPMN-DI); it cannot be drawn — open it in a modeller and save it "
             "with its layout")
MARGIN = 20.0
LEGEND_HEIGHT = 26.0

# Shapes are painted in layers so that containers never hide what they contain.
_LAYER_POOL, _LAYER_LANE, _LAYER_CONTAINER, _LAYER_NODE, _LAYER_BOUNDARY, _LAYER_EDGE, _LAYER_GROUP = range(7)


def render_svg(data: bytes, path: str = "-", marks: Mapping[str, str] | None = None,
               diagram_index: int = 0, labels: Mapping[str, str] | None = None) -> str:
    """The SVG picture of diagram number ``diagram_index`` of a BPMN file.

    ``marks`` maps element ids to ``"done"``, ``"active"`` or ``"overdue"``; other values are ignored.
    ``labels`` gives the legend's word for each state (the caller's language; English by default).
    Raises DiagramRefused (and nothing else) when the file cannot be read or has no layout.
    """
    try:
        clean_marks = {str(k): v for k, v in (marks or {}).items() if isinstance(v, str) and v in STATES}
        words = {**STATE_LABELS, **{k: str(v) for k, v in (labels or {}).items() if k in STATES}}
        return _render(data, path, clean_marks, diagram_index, words)
    except DiagramRefused:
        raise
    except Exception as exc:  # noqa: BLE001 - the promise is that only DiagramRefused escapes
        message = f"the diagram could not be drawn ({type(exc).__name__}: {exc})"
        raise DiagramRefused([Problem(path, None, None, message)]) from exc


# --- reading the layout ---------------------------------------------------------------------------

@dataclass(frozen=True)
class _Item:
    """One shape or edge to paint, in the order of ``layer`` then ``order``."""

    layer: int
    order: float
    di_id: str
    element_id: str
    kind: str
    state: str | None
    shape: ShapeSpec | None = None
    edge: EdgeSpec | None = None


def _render(data: bytes, path: str, marks: dict[str, str], diagram_index: int, words: dict[str, str]) -> str:
    root = parse_xml(data, path).getroot()
    doc = BpmnDocument(root)
    plane = _plane(root, path, diagram_index)
    font_sizes = _font_sizes(root)
    items = _shape_items(plane, doc, marks, font_sizes) + _edge_items(plane, doc, marks, font_sizes)
    if not any(item.shape is not None for item in items):
        raise _no_layout(root, path)
    items.sort(key=lambda item: (item.layer, item.order))

    states = [s for s in STATES if s in marks.values()]
    view = _extent(items)
    legend_top = view.bottom + 6
    if states:
        view = Box(view.x, view.y, max(view.w, _legend_width(states, words) + 2 * MARGIN), view.h + LEGEND_HEIGHT)

    picture = etree.Element(f"{{{SVG_NS}}}svg", nsmap={None: SVG_NS})
    for name, value in (("viewBox", f"{num(view.x)} {num(view.y)} {num(view.w)} {num(view.h)}"),
                        ("width", num(view.w)), ("height", num(view.h)), ("font-family", "sans-serif"),
                        ("class", "bpmn-diagram"), ("role", "img")):
        picture.set(name, value)
    diagram = plane.getparent()
    title = clean(diagram.get("name") if diagram is not None else None) or _process_name(root)
    if title:
        svg(picture, "title").text = title
    svg(picture, "rect", x=view.x, y=view.y, width=view.w, height=view.h, fill=PAPER, class_="background")

    labels: list[Element] = []
    for item in items:
        classes = ["shape" if item.shape is not None else "edge", item.kind or "unknown"]
        if item.state:
            classes.append(f"state-{item.state}")
        group = svg(picture, "g", class_=" ".join(classes), data_element_id=item.element_id,
                    data_di_id=item.di_id or None)
        label = etree.Element(f"{{{SVG_NS}}}g",
                              {"class": "external-label", "data-element-id": item.element_id})
        if item.shape is not None:
            draw_shape(group, item.shape, doc, label)
        elif item.edge is not None:
            draw_edge(group, item.edge, doc, label)
        if len(label):
            labels.append(label)
    if labels:
        # Labels outside their shapes go last, above every line, so that nothing crosses them.
        svg(picture, "g", class_="labels").extend(labels)
    if states:
        _legend(picture, states, view.x + MARGIN, legend_top, words)
    return etree.tostring(picture, encoding="unicode")


def _plane(root: Element, path: str, diagram_index: int) -> Element:
    diagrams = [d for d in root.iter("{*}BPMNDiagram")]
    if not diagrams:
        raise _no_layout(root, path)
    if not 0 <= diagram_index < len(diagrams):
        raise DiagramRefused([Problem(path, None, None,
                                      f"there is no diagram number {diagram_index}; the file has "
                                      f"{len(diagrams)} (numbered from 0)")])
    plane = next(iter(diagrams[diagram_index].iter("{*}BPMNPlane")), None)
    if plane is None or next(iter(plane.iter("{*}BPMNShape")), None) is None:
        raise _no_layout(root, path)
    return plane


def _no_layout(root: Element, path: str) -> DiagramRefused:
    process = next(iter(root.iter("{*}process")), None)
    if process is not None:
        return DiagramRefused([Problem(path, process.sourceline, process.get("id"), NO_LAYOUT)])
    return DiagramRefused([Problem(path, root.sourceline, None, NO_LAYOUT)])


def _process_name(root: Element) -> str:
    process = next(iter(root.iter("{*}process")), None)
    return clean(process.get("name")) if process is not None else ""


def _font_sizes(root: Element) -> dict[str, float]:
    """Font size of each ``BPMNLabelStyle`` by id, kept within a readable range."""
    sizes: dict[str, float] = {}
    for style in root.iter("{*}BPMNLabelStyle"):
        font = next(iter(style.iter("{*}Font")), None)
        size = finite(font.get("size")) if font is not None else None
        if style.get("id") and size is not None:
            sizes[style.get("id", "")] = min(max(size, 6.0), 24.0)
    return sizes


def _label(di: Element, font_sizes: dict[str, float]) -> tuple[Box | None, float, str]:
    """A DI element's label bounds, font size and text colour."""
    label = next((c for c in di if local_name(c) == "BPMNLabel"), None)
    if label is None:
        return None, DEFAULT_FONT_SIZE, INK
    size = font_sizes.get(label.get("labelStyle") or "", DEFAULT_FONT_SIZE)
    colour = safe_colour(label.get(f"{{{COLOR_NS}}}color")) or INK
    return read_bounds(label), size, colour


def _shape_items(plane: Element, doc: BpmnDocument, marks: dict[str, str],
                 font_sizes: dict[str, float]) -> list[_Item]:
    shapes = list(plane.iter("{*}BPMNShape"))
    drawn = {s.get("bpmnElement") for s in shapes if s.get("bpmnElement")}
    items: list[_Item] = []
    for index, di in enumerate(shapes):
        box = read_bounds(di)
        if box is None:
            continue
        element_id = di.get("bpmnElement") or di.get("id") or ""
        element = doc.get(di.get("bpmnElement"))
        kind = local_name(element) if element is not None else ""
        state = marks.get(element_id)
        label_box, size, label_fill = _label(di, font_sizes)
        expanded_attr = di.get("isExpanded")
        expanded = (is_true(expanded_attr) if expanded_attr is not None
                    else element is not None and _has_drawn_children(element, drawn))
        horizontal_attr = di.get("isHorizontal")
        spec = ShapeSpec(
            box=box, element=element, kind=kind, label_box=label_box, paint=di_paint(di, state),
            font_size=size, label_fill=label_fill, is_expanded=expanded,
            is_horizontal=is_true(horizontal_attr) if horizontal_attr is not None else box.w >= box.h,
            marker_visible=di.get("isMarkerVisible", "true").strip().lower() != "false")
        items.append(_Item(_shape_layer(kind, expanded), _shape_order(kind, expanded, box, index),
                           di.get("id") or "", element_id, kind, state, shape=spec))
    return items


def _has_drawn_children(element: Element, drawn: set[str | None]) -> bool:
    return any(child.get("id") in drawn for child in element if isinstance(child.tag, str))


def _shape_layer(kind: str, expanded: bool) -> int:
    if kind == "participant":
        return _LAYER_POOL
    if kind == "lane":
        return _LAYER_LANE
    if expanded and (kind in SUB_PROCESSES or kind == "callActivity"):
        return _LAYER_CONTAINER
    if kind == "boundaryEvent":
        return _LAYER_BOUNDARY
    if kind == "group":
        return _LAYER_GROUP
    return _LAYER_NODE


def _shape_order(kind: str, expanded: bool, box: Box, index: int) -> float:
    """Within a layer: larger containers first (so nested ones stay visible), else file order."""
    if _shape_layer(kind, expanded) in (_LAYER_CONTAINER, _LAYER_LANE):
        return -box.w * box.h
    return float(index)


def _edge_items(plane: Element, doc: BpmnDocument, marks: dict[str, str],
                font_sizes: dict[str, float]) -> list[_Item]:
    items: list[_Item] = []
    for index, di in enumerate(plane.iter("{*}BPMNEdge")):
        points = read_waypoints(di)
        if len(points) < 2:
            continue
        element_id = di.get("bpmnElement") or di.get("id") or ""
        element = doc.get(di.get("bpmnElement"))
        kind = local_name(element) if element is not None else ""
        state = marks.get(element_id)
        if state is None and kind == "sequenceFlow" and element is not None:
            # A flow between finished (or reached) steps was taken: show it as done.
            if marks.get(element.get("sourceRef", "")) == "done" and marks.get(element.get("targetRef", "")):
                state = "done"
        label_box, size, label_fill = _label(di, font_sizes)
        paint = STATE_PAINT[state] if state else Paint(di_paint(di, None).stroke)
        spec = EdgeSpec(points=points, element=element, kind=kind, label_box=label_box, paint=paint,
                        font_size=size, label_fill=label_fill,
                        message_visible_kind=di.get("messageVisibleKind"))
        items.append(_Item(_LAYER_EDGE, float(index), di.get("id") or "", element_id, kind, state, edge=spec))
    return items


# --- extent and legend ----------------------------------------------------------------------------

def _extent(items: list[_Item]) -> Box:
    """The viewBox: everything drawn, labels included, plus a margin."""
    boxes: list[Box] = []
    points: list[Point] = []
    for item in items:
        if item.shape is not None:
            boxes.append(item.shape.box)
            boxes.extend(_label_extent(item.shape))
        elif item.edge is not None:
            points.extend(item.edge.points)
            if item.edge.label_box is not None:
                boxes.append(item.edge.label_box)
    xs = [b.x for b in boxes] + [b.right for b in boxes] + [p[0] for p in points]
    ys = [b.y for b in boxes] + [b.bottom for b in boxes] + [p[1] for p in points]
    left, top = min(xs) - MARGIN, min(ys) - MARGIN
    return Box(left, top, max(xs) + MARGIN - left, max(ys) + MARGIN - top)


def _label_extent(spec: ShapeSpec) -> Iterable[Box]:
    if spec.label_box is not None:
        return [spec.label_box]
    if spec.kind in EXTERNAL_LABELS and spec.element is not None and spec.element.get("name"):
        width = max(spec.box.w, 90.0)
        lines = wrap(clean(spec.element.get("name")), width, spec.font_size, break_words=False)
        width = max([width] + [text_width(line, spec.font_size) for line in lines])
        height = 4 + block_height(len(lines), spec.font_size)
        return [Box(spec.box.cx - width / 2, spec.box.bottom, width, height)]
    return []


def _legend_width(states: list[str], words: dict[str, str]) -> float:
    return sum(30 + text_width(words[s], DEFAULT_FONT_SIZE) for s in states)


def _legend(picture: Element, states: list[str], x: float, top: float, words: dict[str, str]) -> None:
    legend = svg(picture, "g", class_="legend")
    for state in states:
        paint = STATE_PAINT[state]
        svg(legend, "rect", x=x, y=top + 3, width=16, height=11, rx=3, fill=paint.fill, stroke=paint.stroke,
            stroke_width=2, class_=f"state-{state}")
        text = svg(legend, "text", x=x + 21, y=top + 12.5, font_size=DEFAULT_FONT_SIZE, fill=INK)
        text.text = words[state]
        x += 30 + text_width(words[state], DEFAULT_FONT_SIZE)
