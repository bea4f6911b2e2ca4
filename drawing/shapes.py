"""How each kind of BPMN shape is drawn: activities, events, gateways, data, pools, lanes, artifacts."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from drawing.icons import MARKER, activity_markers, event_icon, gateway_marker, task_icon
from drawing.kit import (
    LINE_HEIGHT,
    PAPER,
    Box,
    BpmnDocument,
    Element,
    Paint,
    block_height,
    clean,
    is_true,
    limit_lines,
    line,
    local_name,
    num,
    path,
    polygon,
    polyline,
    svg,
    text_block,
    text_width,
    wrap,
)

TASK_TYPES: dict[str, str] = {
    "task": "", "userTask": "user", "serviceTask": "service", "scriptTask": "script", "sendTask": "send",
    "receiveTask": "receive", "manualTask": "manual", "businessRuleTask": "businessRule",
    "globalTask": "", "globalUserTask": "user", "globalScriptTask": "script", "globalManualTask": "manual",
    "globalBusinessRuleTask": "businessRule",
}
SUB_PROCESSES = frozenset({"subProcess", "adHocSubProcess", "transaction"})
ACTIVITIES = frozenset(TASK_TYPES) | SUB_PROCESSES | {"callActivity"}
EVENTS = frozenset({"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent",
                    "boundaryEvent", "implicitThrowEvent"})
THROW_EVENTS = frozenset({"endEvent", "intermediateThrowEvent", "implicitThrowEvent"})
GATEWAYS = frozenset({"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
                      "complexGateway"})
DATA_OBJECTS = frozenset({"dataObject", "dataObjectReference", "dataInput", "dataOutput"})
DATA_STORES = frozenset({"dataStore", "dataStoreReference"})
CONVERSATIONS = frozenset({"conversation", "subConversation", "callConversation"})
EXTERNAL_LABELS = EVENTS | GATEWAYS | DATA_OBJECTS | DATA_STORES | CONVERSATIONS

ROUNDING = 10.0
BAND = 30.0  # the width of the name band of pools and lanes
ICON_ZONE = 22.0  # the task-type picture occupies this square in the top-left corner


@dataclass(frozen=True)
class ShapeSpec:
    """Everything needed to draw one ``BPMNShape``."""

    box: Box
    element: Element | None  # the semantic element, None when bpmnElement refers to nothing
    kind: str  # the semantic element's local name, "" when unknown
    label_box: Box | None
    paint: Paint
    font_size: float
    label_fill: str
    is_expanded: bool
    is_horizontal: bool
    marker_visible: bool


def draw_shape(parent: Element, spec: ShapeSpec, doc: BpmnDocument,
               label_parent: Element | None = None) -> None:
    """Draw one shape into ``parent`` (its ``<g>``), with its label and a tooltip title.

    Labels outside the shape (events, gateways, data…) go into ``label_parent`` when given, so that
    they can be painted above the edges.
    """
    text = label_text(spec.element, doc) if spec.element is not None else ""
    if text:
        svg(parent, "title").text = text
    drawer = _drawer(spec.kind) if spec.element is not None else None
    if drawer is None:
        _plain(parent, spec, text)
        return
    drawer(parent, spec, doc, text)
    if spec.kind in EXTERNAL_LABELS or (spec.kind == "group" and spec.label_box is not None):
        external_label(parent if label_parent is None else label_parent, spec, text)


def _drawer(kind: str) -> Callable[[Element, ShapeSpec, BpmnDocument, str], None] | None:
    if kind in ACTIVITIES:
        return _activity
    if kind in EVENTS:
        return _event
    if kind in GATEWAYS:
        return _gateway
    if kind in DATA_OBJECTS:
        return _data_object
    if kind in DATA_STORES:
        return _data_store
    if kind in CONVERSATIONS:
        return _conversation
    return _OTHERS.get(kind)


def label_text(element: Element | None, doc: BpmnDocument) -> str:
    """The words shown for an element: its name, an annotation's text, a group's category value."""
    if element is None:
        return ""
    kind = local_name(element)
    if kind == "textAnnotation":
        return clean(doc.child_text(element, "text"))
    if kind == "group":
        category = doc.get(element.get("categoryValueRef"))
        if category is not None and category.get("value"):
            return clean(category.get("value"))
    name = element.get("name")
    if not name and kind in ("dataObjectReference", "dataStoreReference"):
        target = doc.get(element.get("dataObjectRef") or element.get("dataStoreRef"))
        name = target.get("name") if target is not None else None
    text = clean(name)
    state = next((c for c in element if local_name(c) == "dataState"), None)
    state_name = clean(state.get("name")) if state is not None else ""
    if state_name and f"[{state_name}]" not in text:  # some modellers already put the state in the name
        text = f"{text}\n[{state_name}]".strip()
    return text


# --- labels ---------------------------------------------------------------------------------------

def external_label(parent: Element, spec: ShapeSpec, text: str) -> None:
    """A label outside the shape: at its BPMNLabel bounds when given, else centred below."""
    if not text:
        return
    size = spec.font_size
    box = spec.label_box
    if box is not None and box.w >= 2 and box.h >= 2:
        lines = wrap(text, box.w * 1.15 + 6, size, break_words=False)
        text_block(parent, lines, box.cx, box.cy - block_height(len(lines), size) / 2, size,
                   fill=spec.label_fill, halo=True)
    else:
        lines = wrap(text, max(spec.box.w, 90.0), size, break_words=False)
        text_block(parent, lines, spec.box.cx, spec.box.bottom + 4, size, fill=spec.label_fill, halo=True)


def inside_label(parent: Element, spec: ShapeSpec, text: str, box: Box, reserved_bottom: float = 0.0,
                 icon: bool = False) -> None:
    """A label wrapped to ``box`` and centred in it, cut with an ellipsis when it does not fit.

    With ``icon`` (a task-type picture in the top-left corner) a label that would run into the
    picture is moved down below it.
    """
    if not text:
        return
    size = spec.font_size
    lines = wrap(text, max(box.w - 10, 20.0), size)
    area = Box(box.x, box.y, box.w, box.h - reserved_bottom)
    top = area.cy - block_height(len(lines), size) / 2
    if icon and top < box.y + ICON_ZONE and text_width(lines[0], size) / 2 > box.w / 2 - ICON_ZONE - 2:
        area = Box(box.x, box.y + ICON_ZONE - 2, box.w, max(area.h - ICON_ZONE + 2, 0.0))
    lines = limit_lines(lines, int((area.h - 4) // (size * LINE_HEIGHT)))
    top = area.cy - block_height(len(lines), size) / 2
    text_block(parent, lines, box.cx, top, size, fill=spec.label_fill)


def _top_left_label(parent: Element, spec: ShapeSpec, text: str, inset: float = 8.0) -> None:
    if not text:
        return
    size = spec.font_size
    lines = limit_lines(wrap(text, max(spec.box.w - 2 * inset, 20.0), size), 3)
    text_block(parent, lines, spec.box.x + inset, spec.box.y + 5, size, anchor="start", fill=spec.label_fill)


# --- activities -----------------------------------------------------------------------------------

def _rounded(parent: Element, box: Box, paint: Paint, width: float, fill: str | None = None,
             dash: str | None = None, class_: str | None = "outline") -> None:
    radius = min(ROUNDING, box.w / 4, box.h / 4)
    svg(parent, "rect", x=box.x, y=box.y, width=box.w, height=box.h, rx=radius, ry=radius,
        fill=paint.fill if fill is None else fill, stroke=paint.stroke, stroke_width=paint.width(width),
        stroke_dasharray=dash, class_=class_)


def _activity(parent: Element, spec: ShapeSpec, doc: BpmnDocument, text: str) -> None:
    element, kind, box, paint = spec.element, spec.kind, spec.box, spec.paint
    assert element is not None
    called = doc.get(element.get("calledElement")) if kind == "callActivity" else None
    called_kind = local_name(called) if called is not None else ""
    calls_task = called_kind in TASK_TYPES
    expandable = kind in SUB_PROCESSES or (kind == "callActivity" and not calls_task)
    expanded = expandable and spec.is_expanded
    event_sub = kind in SUB_PROCESSES and is_true(element.get("triggeredByEvent"))

    width = 4.0 if kind == "callActivity" else (1.0 if event_sub else 1.5)
    _rounded(parent, box, paint, width, dash="3 3" if event_sub else None)
    if kind == "transaction":
        _rounded(parent, box.inset(3), paint, 1.0, fill="none", class_=None)

    icon_kind = TASK_TYPES.get(kind) or (TASK_TYPES.get(called_kind, "") if calls_task else "")
    icon_kind = icon_kind if box.w >= 30 and box.h >= 30 else ""
    if icon_kind:
        task_icon(parent, icon_kind, box.x + 6, box.y + 6, paint.stroke)
        if kind == "receiveTask" and is_true(element.get("instantiate")):
            svg(parent, "circle", cx=box.x + 14, cy=box.y + 13.5, r=10, fill="none", stroke=paint.stroke,
                stroke_width=1)

    markers = _markers(element, kind, expandable and not expanded)
    if expanded:
        _top_left_label(parent, spec, text)
    else:
        inside_label(parent, spec, text, box, reserved_bottom=MARKER + 2 if markers else 0.0,
                     icon=bool(icon_kind))
    activity_markers(parent, box, markers, paint.stroke)


def _markers(element: Element, kind: str, collapsed: bool) -> list[str]:
    markers: list[str] = []
    if is_true(element.get("isForCompensation")):
        markers.append("compensation")
    for child in element:
        name = local_name(child)
        if name == "standardLoopCharacteristics":
            markers.append("loop")
        elif name == "multiInstanceLoopCharacteristics":
            markers.append("sequential" if is_true(child.get("isSequential")) else "parallel")
    if kind == "adHocSubProcess":
        markers.append("adhoc")
    if collapsed:
        markers.append("collapsed")
    return markers


# --- events and gateways --------------------------------------------------------------------------

def _event(parent: Element, spec: ShapeSpec, doc: BpmnDocument, text: str) -> None:
    element, kind, box, paint = spec.element, spec.kind, spec.box, spec.paint
    assert element is not None
    cx, cy, r = box.cx, box.cy, min(box.w, box.h) / 2
    non_interrupting = ((kind == "boundaryEvent" and not is_true(element.get("cancelActivity"), True))
                        or (kind == "startEvent" and not is_true(element.get("isInterrupting"), True)))
    dash = "4 2.5" if non_interrupting else None
    base = {"startEvent": 1.5, "endEvent": 3.5}.get(kind, 1.2)
    svg(parent, "circle", cx=cx, cy=cy, r=r, fill=paint.fill, stroke=paint.stroke,
        stroke_width=paint.width(base), stroke_dasharray=dash, class_="outline")
    if kind not in ("startEvent", "endEvent") and r > 4:
        svg(parent, "circle", cx=cx, cy=cy, r=r - 3, fill="none", stroke=paint.stroke, stroke_width=1.2,
            stroke_dasharray=dash)
    event_icon(parent, doc.event_definitions(element), cx, cy, r * 0.9 if r > 4 else r,
               kind in THROW_EVENTS, paint.stroke, is_true(element.get("parallelMultiple")))


def _gateway(parent: Element, spec: ShapeSpec, doc: BpmnDocument, text: str) -> None:
    element, box, paint = spec.element, spec.box, spec.paint
    assert element is not None
    polygon(parent, [(box.cx, box.y), (box.right, box.cy), (box.cx, box.bottom), (box.x, box.cy)],
            fill=paint.fill, stroke=paint.stroke, stroke_width=paint.width(1.5), stroke_linejoin="round",
            class_="outline")
    gateway_marker(parent, spec.kind, box, paint.stroke, spec.marker_visible,
                   is_true(element.get("instantiate")), element.get("eventGatewayType") == "Parallel")


# --- data -----------------------------------------------------------------------------------------

def _data_object(parent: Element, spec: ShapeSpec, doc: BpmnDocument, text: str) -> None:
    element, kind, box, paint = spec.element, spec.kind, spec.box, spec.paint
    assert element is not None
    fold = min(box.w, box.h) * 0.3
    path(parent, f"M {num(box.x)} {num(box.y)} h {num(box.w - fold)} l {num(fold)} {num(fold)} "
                 f"v {num(box.h - fold)} h {num(-box.w)} z",
         fill=paint.fill, stroke=paint.stroke, stroke_width=paint.width(1.2), stroke_linejoin="round",
         class_="outline")
    polyline(parent, [(box.right - fold, box.y), (box.right - fold, box.y + fold), (box.right, box.y + fold)],
             stroke=paint.stroke, stroke_width=1)
    if kind in ("dataInput", "dataOutput"):
        x, y = box.x + 3, box.y + 3
        arrow = [(x, y + 3), (x + 6, y + 3), (x + 6, y), (x + 11, y + 5), (x + 6, y + 10), (x + 6, y + 7),
                 (x, y + 7)]
        polygon(parent, arrow, fill=paint.stroke if kind == "dataOutput" else PAPER, stroke=paint.stroke,
                stroke_width=1, stroke_linejoin="round")
    target = doc.get(element.get("dataObjectRef")) if kind == "dataObjectReference" else element
    if target is not None and is_true(target.get("isCollection")):
        for dx in (-4.0, 0.0, 4.0):
            line(parent, (box.cx + dx, box.bottom - 11), (box.cx + dx, box.bottom - 3), stroke=paint.stroke,
                 stroke_width=2)


def _data_store(parent: Element, spec: ShapeSpec, doc: BpmnDocument, text: str) -> None:
    box, paint = spec.box, spec.paint
    rx, ry = box.w / 2, min(box.h * 0.12, 8.0)
    body = (f"M {num(box.x)} {num(box.y + ry)} v {num(box.h - 2 * ry)} "
            f"a {num(rx)} {num(ry)} 0 0 0 {num(box.w)} 0 v {num(-(box.h - 2 * ry))} "
            f"a {num(rx)} {num(ry)} 0 0 0 {num(-box.w)} 0 z")
    path(parent, body, fill=paint.fill, stroke=paint.stroke, stroke_width=paint.width(1.2), class_="outline")
    svg(parent, "ellipse", cx=box.cx, cy=box.y + ry, rx=rx, ry=ry, fill=paint.fill, stroke=paint.stroke,
        stroke_width=paint.width(1.2))
    for offset in (ry * 0.75, ry * 1.5):
        path(parent, f"M {num(box.x)} {num(box.y + ry + offset)} a {num(rx)} {num(ry)} 0 0 0 {num(box.w)} 0",
             fill="none", stroke=paint.stroke, stroke_width=1)


# --- containers and artifacts ---------------------------------------------------------------------

def _participant(parent: Element, spec: ShapeSpec, doc: BpmnDocument, text: str) -> None:
    element, box, paint = spec.element, spec.box, spec.paint
    assert element is not None
    svg(parent, "rect", x=box.x, y=box.y, width=box.w, height=box.h, fill=paint.fill, stroke=paint.stroke,
        stroke_width=paint.width(1.5), class_="outline")
    black_box = not element.get("processRef")
    if black_box:
        inside_label(parent, spec, text, box)
    else:
        _band(parent, spec, text)
    multiplicity = next((c for c in element if local_name(c) == "participantMultiplicity"), None)
    if multiplicity is not None and (multiplicity.get("maximum") or "2") != "1":
        activity_markers(parent, box, ["parallel"], paint.stroke)


def _lane(parent: Element, spec: ShapeSpec, doc: BpmnDocument, text: str) -> None:
    box, paint = spec.box, spec.paint
    svg(parent, "rect", x=box.x, y=box.y, width=box.w, height=box.h, stroke=paint.stroke,
        fill="none" if paint.fill == PAPER else paint.fill, stroke_width=paint.width(1.0), class_="outline")
    _band(parent, spec, text)


def _band(parent: Element, spec: ShapeSpec, text: str) -> None:
    """The name band of a pool or lane: on the left of a horizontal one, on top of a vertical one."""
    box, size, stroke = spec.box, spec.font_size, spec.paint.stroke
    band = min(BAND, box.w / 3 if spec.is_horizontal else box.h / 3)
    max_lines = max(int(band // (size * LINE_HEIGHT)), 1)
    if spec.is_horizontal:
        line(parent, (box.x + band, box.y), (box.x + band, box.bottom), stroke=stroke, stroke_width=1)
        lines = limit_lines(wrap(text, max(box.h - 10, 20.0), size), max_lines)
        cx, cy = box.x + band / 2, box.cy
        transform: str | None = f"rotate(-90 {num(cx)} {num(cy)})"
    else:
        line(parent, (box.x, box.y + band), (box.right, box.y + band), stroke=stroke, stroke_width=1)
        lines = limit_lines(wrap(text, max(box.w - 10, 20.0), size), max_lines)
        cx, cy, transform = box.cx, box.y + band / 2, None
    text_block(parent, lines, cx, cy - block_height(len(lines), size) / 2, size, fill=spec.label_fill,
               transform=transform)


def _text_annotation(parent: Element, spec: ShapeSpec, doc: BpmnDocument, text: str) -> None:
    box, paint = spec.box, spec.paint
    arm = min(10.0, box.w)
    svg(parent, "rect", x=box.x, y=box.y, width=box.w, height=box.h, fill="none", stroke="none",
        class_="hit-area")
    polyline(parent, [(box.x + arm, box.y), (box.x, box.y), (box.x, box.bottom), (box.x + arm, box.bottom)],
             stroke=paint.stroke, stroke_width=paint.width(1.2), class_="outline")
    if text:
        size = spec.font_size
        lines = limit_lines(wrap(text, max(box.w - 10, 20.0), size),
                            max(int((box.h - 4) // (size * LINE_HEIGHT)), 1))
        top = box.cy - block_height(len(lines), size) / 2
        text_block(parent, lines, box.x + 5, top, size, anchor="start", fill=spec.label_fill)


def _group(parent: Element, spec: ShapeSpec, doc: BpmnDocument, text: str) -> None:
    _rounded(parent, spec.box, spec.paint, 1.2, fill="none", dash="8 3 1 3")
    if spec.label_box is None and text:
        lines = wrap(text, max(spec.box.w - 16, 20.0), spec.font_size)
        text_block(parent, lines[:2], spec.box.cx, spec.box.y + 4, spec.font_size, fill=spec.label_fill)


def _conversation(parent: Element, spec: ShapeSpec, doc: BpmnDocument, text: str) -> None:
    box, paint = spec.box, spec.paint
    quarter = box.w / 4
    hexagon = [(box.x + quarter, box.y), (box.right - quarter, box.y), (box.right, box.cy),
               (box.right - quarter, box.bottom), (box.x + quarter, box.bottom), (box.x, box.cy)]
    polygon(parent, hexagon, fill=paint.fill, stroke=paint.stroke, class_="outline",
            stroke_width=paint.width(4.0 if spec.kind == "callConversation" else 1.5))
    if spec.kind == "subConversation":
        activity_markers(parent, box, ["collapsed"], paint.stroke)


def _plain(parent: Element, spec: ShapeSpec, text: str) -> None:
    """A shape whose element is unknown or missing: a plain rectangle (with its name, if any)."""
    box = spec.box
    svg(parent, "rect", x=box.x, y=box.y, width=box.w, height=box.h, fill="none", stroke=spec.paint.stroke,
        stroke_width=spec.paint.width(1.0), class_="outline")
    inside_label(parent, spec, text, box)


_OTHERS: dict[str, Callable[[Element, ShapeSpec, BpmnDocument, str], None]] = {
    "participant": _participant, "lane": _lane, "textAnnotation": _text_annotation, "group": _group,
}

