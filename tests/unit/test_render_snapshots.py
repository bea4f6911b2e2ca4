"""Rendered snapshots of a few diagrams, compared by structure rather than pixels: the number of
shapes of each kind and of edges, the view box, and the attributes that make the notation."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from drawing.svg import render_svg

ROOT = Path(__file__).parents[2]
SVG = {"s": "http://www.w3.org/2000/svg"}

SNAPSHOTS = {
    "bpmn_diagrams/dang_ky_ho_kinh_doanh.bpmn": (
        "140 40 1520 820",
        {"participant": 1, "lane": 3, "startEvent": 1, "serviceTask": 8, "userTask": 4, "endEvent": 4,
         "exclusiveGateway": 2, "intermediateCatchEvent": 1, "boundaryEvent": 1},
        {"sequenceFlow": 21}),
    "tests/conformance/miwg/C.1.0.bpmn": (
        "-5 -5 1049 783",
        {"participant": 2, "lane": 4, "startEvent": 2, "task": 4, "endEvent": 4, "intermediateCatchEvent": 3,
         "eventBasedGateway": 1, "userTask": 4, "exclusiveGateway": 2, "serviceTask": 1},
        {"sequenceFlow": 20, "messageFlow": 5}),
    "tests/conformance/miwg/C.4.0.bpmn": (
        "44.5 -20 2721.65 871",
        {"participant": 1, "lane": 2, "startEvent": 1, "userTask": 12, "exclusiveGateway": 1, "parallelGateway": 4,
         "dataStoreReference": 1, "intermediateThrowEvent": 1, "intermediateCatchEvent": 3, "endEvent": 1},
        {"sequenceFlow": 26, "dataOutputAssociation": 1, "dataInputAssociation": 1}),
}


def _picture(relative: str) -> etree._Element:
    return etree.fromstring(render_svg((ROOT / relative).read_bytes(), relative).encode("utf-8"))


def _kinds(picture: etree._Element, what: str) -> Counter[str]:
    groups = picture.xpath("//s:g[@data-element-id]", namespaces=SVG)
    return Counter(g.get("class").split()[1] for g in groups if g.get("class", "").split()[0] == what)


@pytest.mark.parametrize("relative", sorted(SNAPSHOTS))
def test_snapshot_counts_and_view_box(relative: str) -> None:
    view_box, shapes, edges = SNAPSHOTS[relative]
    picture = _picture(relative)
    assert picture.get("viewBox") == view_box
    assert dict(_kinds(picture, "shape")) == shapes
    assert dict(_kinds(picture, "edge")) == edges


def test_household_business_diagram_draws_its_lanes_tasks_and_gateway_notation() -> None:
    picture = _picture("bpmn_diagrams/dang_ky_ho_kinh_doanh.bpmn")
    texts = " ".join(" ".join(t.itertext()) for t in picture.iter("{http://www.w3.org/2000/svg}text"))
    for name in ("Bộ phận tiếp nhận và trả kết quả", "Lãnh đạo", "Phê duyệt kết quả", "Hồ sơ được nộp"):
        assert name.split()[0] in texts and name.split()[-1] in texts, name
    task = picture.xpath("//s:g[@data-element-id='Task_reception_check']/s:rect", namespaces=SVG)[0]
    assert float(task.get("rx")) > 0  # activities have rounded corners
    gateway = picture.xpath("//s:g[@data-element-id='Gateway_reception_decision']/s:polygon", namespaces=SVG)
    assert len(gateway[0].get("points").split()) == 4  # a diamond
    boundary = picture.xpath("//s:g[@data-element-id='Event_forward_overdue']//s:circle", namespaces=SVG)
    assert any(c.get("stroke-dasharray") for c in boundary)  # non-interrupting: a dashed ring


def test_message_flows_are_dashed_with_an_open_start() -> None:
    picture = _picture("tests/conformance/miwg/C.1.0.bpmn")
    flows = picture.xpath("//s:g[contains(@class, 'messageFlow')]", namespaces=SVG)
    assert len(flows) == 5
    assert all(f.xpath(".//*[@stroke-dasharray]", namespaces=SVG) for f in flows)
