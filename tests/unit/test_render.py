"""The SVG renderer: every MIWG reference model draws, shape by shape; marks, escaping, refusals."""
from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from lxml import etree

from drawing.svg import NO_LAYOUT, render_svg
from engine.problems import DiagramRefused

MIWG = Path(__file__).parent.parent / "conformance" / "miwg"
MIWG_FILES = sorted(MIWG.glob("*.bpmn"))
SVG = "http://www.w3.org/2000/svg"
S = {"s": SVG}


def parse_svg(text: str) -> etree._Element:
    root = etree.fromstring(text.encode("utf-8"))
    assert root.tag == f"{{{SVG}}}svg"
    return root


def groups(root: etree._Element, css_class: str) -> list[etree._Element]:
    return [g for g in root.iter(f"{{{SVG}}}g") if css_class in (g.get("class") or "").split()]


def by_element(root: etree._Element, element_id: str) -> etree._Element:
    found = [g for g in root.iter(f"{{{SVG}}}g")
             if g.get("data-element-id") == element_id and g.get("data-di-id") is not None]
    assert len(found) == 1, element_id
    return found[0]


def view_box(root: etree._Element) -> tuple[float, ...]:
    return tuple(float(v) for v in root.get("viewBox", "").split())


def first_plane(data: bytes) -> etree._Element:
    root = etree.fromstring(data)
    diagram = next(root.iter("{*}BPMNDiagram"))
    return next(diagram.iter("{*}BPMNPlane"))


def has_bounds(shape: etree._Element) -> bool:
    bounds = [c for c in shape if etree.QName(c).localname == "Bounds"]
    return bool(bounds) and all(bounds[0].get(a) is not None for a in ("x", "y", "width", "height"))


def bpmn(process: str, di: str, process_attrs: str = 'id="P" isExecutable="true"') -> bytes:
    """A small BPMN document around a process body and a plane body."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
    xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
    id="D" targetNamespace="urn:test">
  <process {process_attrs}>
{process}
  </process>
  <bpmndi:BPMNDiagram id="Diagram">
    <bpmndi:BPMNPlane id="Plane" bpmnElement="P">
{di}
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</definitions>""".encode()


def shape(element: str, x: float, y: float, w: float, h: float, extra: str = "") -> str:
    return (f'<bpmndi:BPMNShape id="{element}_di" bpmnElement="{element}" {extra}>'
            f'<dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}"/></bpmndi:BPMNShape>')


def edge(element: str, *points: tuple[float, float]) -> str:
    waypoints = "".join(f'<di:waypoint x="{x}" y="{y}"/>' for x, y in points)
    return f'<bpmndi:BPMNEdge id="{element}_di" bpmnElement="{element}">{waypoints}</bpmndi:BPMNEdge>'


SMALL_PROCESS = """
    <startEvent id="start" name="Hồ sơ được nộp"/>
    <userTask id="check" name="Kiểm tra, tiếp nhận hồ sơ"/>
    <endEvent id="end" name="Đã trả kết quả"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="check"/>
    <sequenceFlow id="f2" sourceRef="check" targetRef="end"/>"""
SMALL_DI = "\n".join([
    shape("start", 100, 100, 36, 36), shape("check", 180, 78, 100, 80), shape("end", 330, 100, 36, 36),
    edge("f1", (136, 118), (180, 118)), edge("f2", (280, 118), (330, 118)),
])


# --- the MIWG reference models ----------------------------------------------------------------------

@pytest.mark.parametrize("path", MIWG_FILES, ids=lambda p: p.stem)
def test_every_shape_and_edge_of_the_first_diagram_is_drawn(path: Path) -> None:
    data = path.read_bytes()
    root = parse_svg(render_svg(data, str(path)))
    drawn = {(g.get("data-di-id"), g.get("data-element-id")) for g in root.iter(f"{{{SVG}}}g")
             if g.get("data-di-id") is not None}

    plane = first_plane(data)
    expected = set()
    for di in plane.iter("{*}BPMNShape"):
        if has_bounds(di):
            expected.add((di.get("id"), di.get("bpmnElement") or di.get("id")))
    for di in plane.iter("{*}BPMNEdge"):
        if len([c for c in di if etree.QName(c).localname == "waypoint"]) >= 2:
            expected.add((di.get("id"), di.get("bpmnElement") or di.get("id")))
    assert expected, "a reference model without shapes?"
    assert drawn == expected


@pytest.mark.parametrize("path", MIWG_FILES, ids=lambda p: p.stem)
def test_the_view_box_holds_every_shape(path: Path) -> None:
    data = path.read_bytes()
    root = parse_svg(render_svg(data, str(path)))
    x, y, w, h = view_box(root)
    assert w > 0 and h > 0
    for bounds in first_plane(data).iter("{*}Bounds"):
        bx, by = float(bounds.get("x", 0)), float(bounds.get("y", 0))
        bw, bh = float(bounds.get("width", 0)), float(bounds.get("height", 0))
        assert x <= bx and bx + bw <= x + w and y <= by and by + bh <= y + h


def test_a_1_0_snapshot() -> None:
    root = parse_svg(render_svg((MIWG / "A.1.0.bpmn").read_bytes()))
    assert root.get("viewBox") == "133.68 297 597.85 108.14"
    tasks = groups(root, "task")
    assert len(tasks) == 3
    assert [len(g.findall("s:rect", S)) for g in tasks] == [1, 1, 1]
    assert all(g.find("s:rect", S).get("rx") == "10" for g in tasks)
    assert len(groups(root, "startEvent")) == 1 and len(groups(root, "endEvent")) == 1
    assert len(groups(root, "sequenceFlow")) == 4
    labels = ["".join(t.itertext()) for t in root.iter(f"{{{SVG}}}text")]
    assert {"Task 1", "Task 2", "Task 3", "Start Event", "End Event"} <= set(labels)


def test_b_2_0_draws_the_notation_details() -> None:
    root = parse_svg(render_svg((MIWG / "B.2.0.bpmn").read_bytes()))
    kinds = {g.get("class").split()[1] for g in root.iter(f"{{{SVG}}}g") if g.get("data-di-id")}
    assert {"task", "userTask", "serviceTask", "sendTask", "receiveTask", "callActivity", "subProcess",
            "startEvent", "endEvent", "boundaryEvent", "intermediateCatchEvent", "intermediateThrowEvent",
            "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
            "dataObjectReference", "dataStoreReference", "textAnnotation", "group", "participant", "lane",
            "sequenceFlow", "messageFlow", "association"} <= kinds
    # Non-interrupting boundary events are dashed; call activities have a thick border.
    dashed = [g for g in groups(root, "boundaryEvent") if g.find("s:circle", S).get("stroke-dasharray")]
    assert dashed
    assert all(float(g.find("s:rect", S).get("stroke-width")) >= 4 for g in groups(root, "callActivity"))
    # The expanded sub-process contains shapes drawn after (above) it.
    order = [g.get("class") for g in root.iter(f"{{{SVG}}}g") if g.get("data-di-id")]
    assert order.index(next(c for c in order if "subProcess" in c)) < order.index("shape task")


def test_exclusive_gateway_marker_follows_is_marker_visible() -> None:
    gateway = '<exclusiveGateway id="g" name="?"/>'
    hidden = parse_svg(render_svg(bpmn(gateway, shape("g", 0, 0, 50, 50, 'isMarkerVisible="false"'))))
    shown = parse_svg(render_svg(bpmn(gateway, shape("g", 0, 0, 50, 50, 'isMarkerVisible="true"'))))
    default = parse_svg(render_svg(bpmn(gateway, shape("g", 0, 0, 50, 50))))
    assert len(by_element(hidden, "g").findall("s:line", S)) == 0
    assert len(by_element(shown, "g").findall("s:line", S)) == 2
    assert len(by_element(default, "g").findall("s:line", S)) == 2


def test_second_diagram_of_a_file() -> None:
    data = (MIWG / "C.4.0.bpmn").read_bytes()
    first, second = (parse_svg(render_svg(data, diagram_index=i)) for i in (0, 1))
    ids = {g.get("data-di-id") for g in second.iter(f"{{{SVG}}}g") if g.get("data-di-id")}
    diagrams = list(etree.fromstring(data).iter("{*}BPMNDiagram"))
    assert ids == {s.get("id") for s in diagrams[1].iter("{*}BPMNShape", "{*}BPMNEdge")}
    assert first.get("viewBox") != second.get("viewBox")
    with pytest.raises(DiagramRefused, match="no diagram number 4"):
        render_svg(data, "C.4.0.bpmn", diagram_index=4)


# --- marks ------------------------------------------------------------------------------------------

def test_marks_colour_shapes_and_taken_flows_and_add_a_legend() -> None:
    root = parse_svg(render_svg(bpmn(SMALL_PROCESS, SMALL_DI), marks={"start": "done", "check": "active"}))
    assert by_element(root, "start").get("class") == "shape startEvent state-done"
    assert by_element(root, "check").get("class") == "shape userTask state-active"
    assert "state-" not in by_element(root, "end").get("class")
    assert "state-done" in by_element(root, "f1").get("class")  # done → active: the flow was taken
    assert "state-" not in by_element(root, "f2").get("class")
    outline = by_element(root, "check").find("s:rect", S)
    assert outline.get("stroke") == "#1565c0" and float(outline.get("stroke-width")) >= 3
    legend = groups(root, "legend")
    assert len(legend) == 1
    assert ["".join(t.itertext()) for t in legend[0].iter(f"{{{SVG}}}text")] == ["done", "active"]


def test_overdue_mark_and_unknown_marks_are_ignored() -> None:
    root = parse_svg(render_svg(bpmn(SMALL_PROCESS, SMALL_DI),
                                marks={"check": "overdue", "end": "exploded", "nowhere": "done"}))
    assert "state-overdue" in by_element(root, "check").get("class")
    assert "state-" not in by_element(root, "end").get("class")
    assert by_element(root, "check").find("s:rect", S).get("stroke") == "#c62828"


def test_no_marks_no_legend() -> None:
    root = parse_svg(render_svg(bpmn(SMALL_PROCESS, SMALL_DI)))
    assert not groups(root, "legend")
    assert not [g for g in root.iter(f"{{{SVG}}}g") if "state-" in (g.get("class") or "")]


# --- text ---------------------------------------------------------------------------------------------

def test_names_are_escaped() -> None:
    process = ('<task id="t" name="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co"/>'
               '<endEvent id="e" name="]]&gt; &lt;/svg&gt;"/>')
    text = render_svg(bpmn(process, shape("t", 0, 0, 100, 80) + shape("e", 200, 20, 36, 36)))
    root = parse_svg(text)
    assert "<script" not in text and "&lt;script&gt;" in text
    assert not list(root.iter("{*}script"))
    title = by_element(root, "t").find("s:title", S)
    assert title.text == '<script>alert("x")</script> & co'
    assert "".join(t for t in root.itertext()).count("</svg>") == 2  # as text (title + label), not markup


def test_vietnamese_text_is_kept_and_wrapped() -> None:
    text = render_svg(bpmn(SMALL_PROCESS, SMALL_DI))
    root = parse_svg(text)
    task_lines = ["".join(s.itertext()) for s in by_element(root, "check").iter(f"{{{SVG}}}tspan")]
    assert len(task_lines) >= 2 and " ".join(task_lines) == "Kiểm tra, tiếp nhận hồ sơ"
    assert "Hồ sơ được nộp" in text
    assert root.get("font-family") == "sans-serif"


def test_label_bounds_place_external_labels() -> None:
    di = shape("start", 100, 100, 36, 36).replace(
        "</bpmndi:BPMNShape>", '<bpmndi:BPMNLabel><dc:Bounds x="400" y="300" width="90" height="14"/>'
                               "</bpmndi:BPMNLabel></bpmndi:BPMNShape>")
    root = parse_svg(render_svg(bpmn('<startEvent id="start" name="Bắt đầu"/>', di)))
    label = next(g for g in groups(root, "external-label") if g.get("data-element-id") == "start")
    assert float(label.find("s:text", S).get("x")) == pytest.approx(445)
    assert view_box(root)[2] > 400  # the viewBox reaches the label


# --- refusals and damaged input -----------------------------------------------------------------------

def test_no_diagram_is_refused_with_the_process_line() -> None:
    data = bpmn(SMALL_PROCESS, "")
    data = re.sub(rb"<bpmndi:BPMNDiagram.*</bpmndi:BPMNDiagram>", b"", data, flags=re.S)
    with pytest.raises(DiagramRefused) as refused:
        render_svg(data, "dossier.bpmn")
    [problem] = refused.value.problems
    assert problem.message == NO_LAYOUT
    assert (problem.path, problem.element_id) == ("dossier.bpmn", "P")
    assert data.split(b"\n")[problem.line - 1].lstrip().startswith(b"<process")
    assert str(problem).startswith("dossier.bpmn:6: P: the diagram has no layout (BPMN-DI)")


def test_a_plane_without_shapes_is_refused() -> None:
    with pytest.raises(DiagramRefused, match="no layout"):
        render_svg(bpmn(SMALL_PROCESS, ""), "empty.bpmn")


def test_no_process_points_at_the_definitions() -> None:
    data = b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D"/>'
    with pytest.raises(DiagramRefused) as refused:
        render_svg(data, "bare.bpmn")
    assert (refused.value.problems[0].line, refused.value.problems[0].element_id) == (1, None)


def test_dangling_references_and_missing_bounds_do_not_crash() -> None:
    di = "\n".join([
        shape("ghost", 0, 0, 80, 60),  # refers to nothing: a plain rectangle
        '<bpmndi:BPMNShape id="nobounds_di" bpmnElement="check"/>',  # no Bounds: skipped
        '<bpmndi:BPMNShape id="bad_di" bpmnElement="end"><dc:Bounds x="NaN" y="a" width="1" height="1"/>'
        "</bpmndi:BPMNShape>",
        shape("start", -300, -200, 36, 36),  # negative coordinates
        edge("f1", (-264, -182), (0, 30)),
        edge("f2", (5, 5)),  # one waypoint: skipped
        '<bpmndi:BPMNEdge id="loose_di"><di:waypoint x="1" y="1"/><di:waypoint x="9" y="9"/>'
        "</bpmndi:BPMNEdge>",
    ])
    root = parse_svg(render_svg(bpmn(SMALL_PROCESS, di)))
    ghost = by_element(root, "ghost")
    assert ghost.get("class") == "shape unknown" and ghost.find("s:rect", S) is not None
    ids = {g.get("data-di-id") for g in root.iter(f"{{{SVG}}}g") if g.get("data-di-id")}
    assert ids == {"ghost_di", "start_di", "f1_di", "loose_di"}
    x, y, _, _ = view_box(root)
    assert x < -300 and y < -200


@pytest.mark.parametrize("data", [
    b"", b"not xml", b"<a><b></a>", b"<svg xmlns='http://www.w3.org/2000/svg'/>",
    b'<!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>',
])
def test_unreadable_input_is_refused(data: bytes) -> None:
    with pytest.raises(DiagramRefused):
        render_svg(data, "junk.bpmn")


def test_damaged_models_only_ever_raise_diagram_refused() -> None:
    """Randomly damaged copies of reference models: drawn, or refused, but never another exception."""
    rng = random.Random(20240611)
    garbage = ["", "-", "NaN", "inf", "1e400", "-5", "abc", "true", "false", "None", "One", "Both",
               "#zzz", "<x>", "Parallel"]
    for path in (MIWG / "B.2.0.bpmn", MIWG / "C.5.0.bpmn", MIWG / "A.4.1.bpmn"):
        pristine = etree.fromstring(path.read_bytes())
        for _ in range(25):
            root = etree.fromstring(etree.tostring(pristine))
            elements = [e for e in root.iter() if isinstance(e.tag, str)]
            for element in rng.sample(elements, 40):
                action = rng.random()
                if action < 0.3 and element.getparent() is not None:
                    element.getparent().remove(element)
                elif action < 0.8 and element.attrib:
                    element.set(rng.choice(list(element.attrib)), rng.choice(garbage))
                else:
                    element.set(rng.choice(["isExpanded", "isHorizontal", "cancelActivity", "default",
                                            "calledElement", "dataObjectRef"]), rng.choice(garbage))
            try:
                parse_svg(render_svg(etree.tostring(root), path.name,
                                     marks={e.get("id", ""): "active" for e in elements[:5]}))
            except DiagramRefused:
                pass
