"""The small pictures inside BPMN shapes: event definitions, task types, activity and gateway markers."""
from __future__ import annotations

import math
from collections.abc import Callable

from drawing.kit import (
    PAPER,
    Box,
    Element,
    Point,
    line,
    num,
    path,
    polygon,
    polyline,
    regular_polygon,
    svg,
)

# --- event definitions ----------------------------------------------------------------------------


def event_icon(parent: Element, kinds: list[str], cx: float, cy: float, r: float, filled: bool,
               colour: str, parallel_multiple: bool = False) -> None:
    """The picture of an event's definition(s); ``filled`` for throwing events (black icons)."""
    if not kinds:
        return
    if len(kinds) > 1:
        if parallel_multiple:
            _plus_outline(parent, cx, cy, r, colour)
        else:
            _pentagon(parent, cx, cy, r, filled, colour)
        return
    drawer = _EVENT_ICONS.get(kinds[0])
    if drawer is not None:
        drawer(parent, cx, cy, r, filled, colour)


def _style(filled: bool, colour: str, width: float = 1.0) -> dict[str, str | float]:
    return {"fill": colour if filled else PAPER, "stroke": colour, "stroke_width": width,
            "stroke_linejoin": "round"}


def _scaled(cx: float, cy: float, r: float, points: list[Point]) -> list[Point]:
    return [(cx + x * r, cy + y * r) for x, y in points]


def _message(parent: Element, cx: float, cy: float, r: float, filled: bool, colour: str) -> None:
    envelope(parent, Box(cx - 0.55 * r, cy - 0.38 * r, 1.1 * r, 0.76 * r), filled, colour)


def envelope(parent: Element, box: Box, filled: bool, colour: str) -> None:
    svg(parent, "rect", x=box.x, y=box.y, width=box.w, height=box.h, **_style(filled, colour))
    polyline(parent, [(box.x, box.y), (box.cx, box.y + box.h * 0.55), (box.right, box.y)],
             stroke=PAPER if filled else colour, stroke_width=1)


def _timer(parent: Element, cx: float, cy: float, r: float, filled: bool, colour: str) -> None:
    face = 0.62 * r
    svg(parent, "circle", cx=cx, cy=cy, r=face, fill=PAPER, stroke=colour, stroke_width=1.5)
    for hour in range(12):
        angle = math.radians(hour * 30)
        inner = face * (0.72 if hour % 3 else 0.62)
        line(parent, (cx + inner * math.cos(angle), cy + inner * math.sin(angle)),
             (cx + face * math.cos(angle), cy + face * math.sin(angle)), stroke=colour, stroke_width=1)
    polyline(parent, [(cx + 0.38 * face, cy - 0.5 * face), (cx, cy), (cx + 0.55 * face, cy + 0.1 * face)],
             stroke=colour, stroke_width=1.2)


def _conditional(parent: Element, cx: float, cy: float, r: float, filled: bool, colour: str) -> None:
    box = Box(cx - 0.4 * r, cy - 0.5 * r, 0.8 * r, 1.0 * r)
    svg(parent, "rect", x=box.x, y=box.y, width=box.w, height=box.h, **_style(False, colour))
    for step in range(1, 5):
        y = box.y + box.h * step / 5
        line(parent, (box.x + 0.15 * r, y), (box.right - 0.15 * r, y), stroke=colour, stroke_width=1)


def _signal(parent: Element, cx: float, cy: float, r: float, filled: bool, colour: str) -> None:
    polygon(parent, _scaled(cx, cy, r, [(0, -0.62), (0.56, 0.36), (-0.56, 0.36)]), **_style(filled, colour))


def _escalation(parent: Element, cx: float, cy: float, r: float, filled: bool, colour: str) -> None:
    polygon(parent, _scaled(cx, cy, r, [(0, -0.62), (0.42, 0.5), (0, 0.05), (-0.42, 0.5)]),
            **_style(filled, colour))


def _error(parent: Element, cx: float, cy: float, r: float, filled: bool, colour: str) -> None:
    bolt = [(-0.5, 0.55), (-0.22, -0.45), (0.1, 0.12), (0.5, -0.55), (0.24, 0.45), (-0.1, -0.12)]
    polygon(parent, _scaled(cx, cy, r, bolt), **_style(filled, colour))


def _compensate(parent: Element, cx: float, cy: float, r: float, filled: bool, colour: str) -> None:
    rewind(parent, cx, cy, r * 0.55, filled, colour)


def rewind(parent: Element, cx: float, cy: float, half: float, filled: bool, colour: str) -> None:
    """Two left-pointing triangles (compensation), ``half`` wide each side of the centre."""
    for left in (cx - half, cx):
        polygon(parent, [(left, cy), (left + half, cy - half * 0.65), (left + half, cy + half * 0.65)],
                **_style(filled, colour))


def _cancel(parent: Element, cx: float, cy: float, r: float, filled: bool, colour: str) -> None:
    arm, length = 0.13 * r, 0.62 * r
    cross = [(-arm, -length), (arm, -length), (arm, -arm), (length, -arm), (length, arm), (arm, arm),
             (arm, length), (-arm, length), (-arm, arm), (-length, arm), (-length, -arm), (-arm, -arm)]
    turn = math.radians(45)
    rotated = [(cx + x * math.cos(turn) - y * math.sin(turn), cy + x * math.sin(turn) + y * math.cos(turn))
               for x, y in cross]
    polygon(parent, rotated, **_style(filled, colour))


def _link(parent: Element, cx: float, cy: float, r: float, filled: bool, colour: str) -> None:
    arrow = [(-0.5, -0.16), (0.08, -0.16), (0.08, -0.4), (0.55, 0), (0.08, 0.4), (0.08, 0.16), (-0.5, 0.16)]
    polygon(parent, _scaled(cx, cy, r, arrow), **_style(filled, colour))


def _terminate(parent: Element, cx: float, cy: float, r: float, filled: bool, colour: str) -> None:
    svg(parent, "circle", cx=cx, cy=cy, r=0.6 * r, fill=colour, stroke=colour)


def _pentagon(parent: Element, cx: float, cy: float, r: float, filled: bool, colour: str) -> None:
    polygon(parent, regular_polygon(cx, cy + 0.05 * r, 0.55 * r, 5), **_style(filled, colour))


def _plus_outline(parent: Element, cx: float, cy: float, r: float, colour: str) -> None:
    arm, length = 0.14 * r, 0.55 * r
    plus = [(-arm, -length), (arm, -length), (arm, -arm), (length, -arm), (length, arm), (arm, arm),
            (arm, length), (-arm, length), (-arm, arm), (-length, arm), (-length, -arm), (-arm, -arm)]
    polygon(parent, [(cx + x, cy + y) for x, y in plus], **_style(False, colour))


_EVENT_ICONS: dict[str, Callable[[Element, float, float, float, bool, str], None]] = {
    "message": _message, "timer": _timer, "conditional": _conditional, "signal": _signal,
    "escalation": _escalation, "error": _error, "compensate": _compensate, "cancel": _cancel,
    "link": _link, "terminate": _terminate,
}

# --- task types -----------------------------------------------------------------------------------


def task_icon(parent: Element, kind: str, x: float, y: float, colour: str) -> None:
    """The task-type picture in the top-left corner, a 16-pixel square at (x, y)."""
    drawer = _TASK_ICONS.get(kind)
    if drawer is not None:
        drawer(parent, x, y, colour)


def _user(parent: Element, x: float, y: float, colour: str) -> None:
    path(parent, f"M {num(x + 1)} {num(y + 16)} v -3.5 q 0 -4.5 7 -4.5 q 7 0 7 4.5 v 3.5 z",
         fill=PAPER, stroke=colour, stroke_width=1)
    svg(parent, "circle", cx=x + 8, cy=y + 4.5, r=3.5, fill=PAPER, stroke=colour, stroke_width=1)
    line(parent, (x + 4.5, y + 12), (x + 4.5, y + 16), stroke=colour, stroke_width=1)
    line(parent, (x + 11.5, y + 12), (x + 11.5, y + 16), stroke=colour, stroke_width=1)


def _service(parent: Element, x: float, y: float, colour: str) -> None:
    _gear(parent, x + 6.5, y + 6.5, 6.0, colour)
    _gear(parent, x + 10.5, y + 10.5, 5.0, colour)


def _gear(parent: Element, cx: float, cy: float, r: float, colour: str) -> None:
    points: list[Point] = []
    for tooth in range(8):
        base = math.radians(tooth * 45)
        for offset, radius in ((-13, r * 0.72), (-8, r), (8, r), (13, r * 0.72)):
            angle = base + math.radians(offset)
            points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    polygon(parent, points, fill=PAPER, stroke=colour, stroke_width=1, stroke_linejoin="round")
    svg(parent, "circle", cx=cx, cy=cy, r=r * 0.3, fill=PAPER, stroke=colour, stroke_width=1)


def _script(parent: Element, x: float, y: float, colour: str) -> None:
    path(parent, f"M {num(x + 4)} {num(y + 1)} h 11 c -4 3.5 4 10.5 0 14 h -11 c 4 -3.5 -4 -10.5 0 -14 z",
         fill=PAPER, stroke=colour, stroke_width=1)
    for row in (4.5, 7.5, 10.5):
        line(parent, (x + 5.5, y + row), (x + 12, y + row), stroke=colour, stroke_width=1)


def _send(parent: Element, x: float, y: float, colour: str) -> None:
    envelope(parent, Box(x, y + 2, 16, 11), True, colour)


def _receive(parent: Element, x: float, y: float, colour: str) -> None:
    envelope(parent, Box(x, y + 2, 16, 11), False, colour)


def _manual(parent: Element, x: float, y: float, colour: str) -> None:
    hand = (f"M {num(x + 1)} {num(y + 7)} l 5 -4.5 l 2 1 l -2 3.5 h 9 a 1 1 0 0 1 0 2 h -5 "
            "h 4.5 a 1 1 0 0 1 0 2 h -4.5 h 3.5 a 1 1 0 0 1 0 2 h -3.5 h 2.5 a 1 1 0 0 1 0 2 h -11.5 z")
    path(parent, hand, fill=PAPER, stroke=colour, stroke_width=1, stroke_linejoin="round")


def _business_rule(parent: Element, x: float, y: float, colour: str) -> None:
    svg(parent, "rect", x=x, y=y + 2, width=16, height=12, fill=PAPER, stroke=colour, stroke_width=1)
    svg(parent, "rect", x=x, y=y + 2, width=16, height=3.5, fill=colour, stroke=colour, stroke_width=1)
    line(parent, (x, y + 9.5), (x + 16, y + 9.5), stroke=colour, stroke_width=1)
    line(parent, (x + 5, y + 5.5), (x + 5, y + 14), stroke=colour, stroke_width=1)


_TASK_ICONS: dict[str, Callable[[Element, float, float, str], None]] = {
    "user": _user, "service": _service, "script": _script, "send": _send, "receive": _receive,
    "manual": _manual, "businessRule": _business_rule,
}

# --- activity markers (bottom centre) -------------------------------------------------------------

MARKER = 12.0  # the side of one marker's square


def activity_markers(parent: Element, box: Box, markers: list[str], colour: str) -> None:
    """Markers side by side at the bottom centre of an activity: loop, parallel, sequential, adhoc,
    compensation, collapsed (``+``)."""
    markers = [m for m in markers if m in _MARKERS]
    if not markers:
        return
    gap = 3.0
    total = len(markers) * MARKER + (len(markers) - 1) * gap
    left = box.cx - total / 2
    top = box.bottom - MARKER - 4
    for index, marker in enumerate(markers):
        _MARKERS[marker](parent, left + index * (MARKER + gap), top, colour)


def _loop(parent: Element, x: float, y: float, colour: str) -> None:
    cx, cy, r = x + 6, y + 6, 5.0
    start = (cx + r * math.cos(math.radians(135)), cy + r * math.sin(math.radians(135)))
    end = (cx + r * math.cos(math.radians(45)), cy + r * math.sin(math.radians(45)))
    path(parent, f"M {num(start[0])} {num(start[1])} A {num(r)} {num(r)} 0 1 1 {num(end[0])} {num(end[1])}",
         fill="none", stroke=colour, stroke_width=1.5)
    polyline(parent, [(start[0] - 3, start[1] - 0.5), start, (start[0] + 0.5, start[1] - 3.5)],
             stroke=colour, stroke_width=1.5)


def _parallel(parent: Element, x: float, y: float, colour: str) -> None:
    for dx in (2, 6, 10):
        line(parent, (x + dx, y + 1), (x + dx, y + 11), stroke=colour, stroke_width=2)


def _sequential(parent: Element, x: float, y: float, colour: str) -> None:
    for dy in (2, 6, 10):
        line(parent, (x + 1, y + dy), (x + 11, y + dy), stroke=colour, stroke_width=2)


def _collapsed(parent: Element, x: float, y: float, colour: str) -> None:
    svg(parent, "rect", x=x, y=y, width=MARKER, height=MARKER, fill=PAPER, stroke=colour, stroke_width=1)
    line(parent, (x + 6, y + 2.5), (x + 6, y + 9.5), stroke=colour, stroke_width=1.5)
    line(parent, (x + 2.5, y + 6), (x + 9.5, y + 6), stroke=colour, stroke_width=1.5)


def _adhoc(parent: Element, x: float, y: float, colour: str) -> None:
    path(parent, f"M {num(x)} {num(y + 7)} c 2 -4 4 -4 6 -1 s 4 3 6 -1", fill="none", stroke=colour,
         stroke_width=1.5)


def _compensation(parent: Element, x: float, y: float, colour: str) -> None:
    rewind(parent, x + 6, y + 6, 5.5, False, colour)


_MARKERS: dict[str, Callable[[Element, float, float, str], None]] = {
    "compensation": _compensation, "loop": _loop, "parallel": _parallel, "sequential": _sequential,
    "adhoc": _adhoc, "collapsed": _collapsed,
}

# --- gateway markers ------------------------------------------------------------------------------


def gateway_marker(parent: Element, kind: str, box: Box, colour: str, show_exclusive: bool,
                   instantiate: bool, parallel_events: bool) -> None:
    """The symbol inside a gateway diamond."""
    cx, cy, s = box.cx, box.cy, min(box.w, box.h)
    thick = max(2.0, s * 0.08)
    if kind == "exclusiveGateway" and show_exclusive:
        d = s * 0.17
        line(parent, (cx - d, cy - d), (cx + d, cy + d), stroke=colour, stroke_width=thick)
        line(parent, (cx - d, cy + d), (cx + d, cy - d), stroke=colour, stroke_width=thick)
    elif kind == "parallelGateway":
        _plus(parent, cx, cy, s * 0.25, colour, thick)
    elif kind == "inclusiveGateway":
        svg(parent, "circle", cx=cx, cy=cy, r=s * 0.22, fill="none", stroke=colour, stroke_width=thick * 0.8)
    elif kind == "complexGateway":
        _plus(parent, cx, cy, s * 0.25, colour, thick)
        d = s * 0.25 * math.sqrt(0.5)
        line(parent, (cx - d, cy - d), (cx + d, cy + d), stroke=colour, stroke_width=thick)
        line(parent, (cx - d, cy + d), (cx + d, cy - d), stroke=colour, stroke_width=thick)
    elif kind == "eventBasedGateway":
        svg(parent, "circle", cx=cx, cy=cy, r=s * 0.25, fill="none", stroke=colour, stroke_width=1)
        if not instantiate:
            svg(parent, "circle", cx=cx, cy=cy, r=s * 0.2, fill="none", stroke=colour, stroke_width=1)
        if parallel_events:
            _plus_outline(parent, cx, cy, s * 0.3, colour)
        else:
            polygon(parent, regular_polygon(cx, cy + s * 0.01, s * 0.12, 5), fill="none", stroke=colour,
                    stroke_width=1.2, stroke_linejoin="round")


def _plus(parent: Element, cx: float, cy: float, d: float, colour: str, width: float) -> None:
    line(parent, (cx, cy - d), (cx, cy + d), stroke=colour, stroke_width=width)
    line(parent, (cx - d, cy), (cx + d, cy), stroke=colour, stroke_width=width)
