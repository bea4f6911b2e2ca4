"""Diagrams as the common modelling tools export them (their namespaces, extensions and habits)
never crash the import: each loads, or is refused with problem lines; a model-only export is said
to be one; each one with a layout can be drawn."""
from __future__ import annotations

import pytest

from drawing.svg import render_svg
from engine.definitions import Definition, load_definition
from engine.problems import DiagramRefused
from handlers.default import default_registry

TOPICS = default_registry().topics()
DI = """<bpmndi:BPMNDiagram id="D1"><bpmndi:BPMNPlane id="P1" bpmnElement="{process}">
  <bpmndi:BPMNShape id="S_start" bpmnElement="start"><dc:Bounds x="100" y="100" width="36" height="36"/></bpmndi:BPMNShape>
  <bpmndi:BPMNShape id="S_task" bpmnElement="task"><dc:Bounds x="200" y="78" width="100" height="80"/></bpmndi:BPMNShape>
  <bpmndi:BPMNShape id="S_end" bpmnElement="end"><dc:Bounds x="360" y="100" width="36" height="36"/></bpmndi:BPMNShape>
  <bpmndi:BPMNEdge id="E1" bpmnElement="f1"><di:waypoint x="136" y="118"/><di:waypoint x="200" y="118"/></bpmndi:BPMNEdge>
  <bpmndi:BPMNEdge id="E2" bpmnElement="f2"><di:waypoint x="300" y="118"/><di:waypoint x="360" y="118"/></bpmndi:BPMNEdge>
</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>"""
NS = ('xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
      'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"')


def _flow(prefix: str, task: str) -> str:
    p = f"{prefix}:" if prefix else ""
    return (f'<{p}startEvent id="start"><{p}outgoing>f1</{p}outgoing></{p}startEvent>{task}'
            f'<{p}endEvent id="end"><{p}incoming>f2</{p}incoming></{p}endEvent>'
            f'<{p}sequenceFlow id="f1" sourceRef="start" targetRef="task"/>'
            f'<{p}sequenceFlow id="f2" sourceRef="task" targetRef="end"/>')


EXPORTS: dict[str, tuple[str, str | None]] = {
    # bpmn.io's demo: a plain model, not executable
    "bpmn.io": (f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" {NS} id="Definitions_1"
  targetNamespace="http://bpmn.io/schema/bpmn" exporter="bpmn-js (https://demo.bpmn.io)" exporterVersion="17.11.1">
  <bpmn:process id="Process_1" isExecutable="false">{_flow("bpmn", '<bpmn:task id="task" name="Xem xét"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:task>')}</bpmn:process>
  {DI.format(process="Process_1")}
</bpmn:definitions>""", "the diagram is a model only"),
    # Camunda Modeler (Camunda 7): executable, roles and handler in Camunda's extension attributes
    "camunda-7": (f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
  xmlns:modeler="http://camunda.org/schema/modeler/1.0" {NS} id="Definitions_2" targetNamespace="http://bpmn.io/schema/bpmn"
  exporter="Camunda Modeler" exporterVersion="5.31.0" modeler:executionPlatform="Camunda Platform" modeler:executionPlatformVersion="7.22.0">
  <bpmn:process id="Process_2" name="Tiếp nhận" isExecutable="true" camunda:historyTimeToLive="180">{_flow("bpmn", '<bpmn:userTask id="task" name="Kiểm tra" camunda:candidateGroups="reception"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>')}</bpmn:process>
  {DI.format(process="Process_2")}
</bpmn:definitions>""", None),
    # Camunda 8 (Zeebe): executable, but roles and job types in Zeebe's extensions MotCua does not read
    "camunda-8": (f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
  xmlns:modeler="http://camunda.org/schema/modeler/1.0" {NS} id="Definitions_3" targetNamespace="http://bpmn.io/schema/bpmn"
  exporter="Camunda Modeler" exporterVersion="5.31.0" modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.6.0">
  <bpmn:process id="Process_3" isExecutable="true">{_flow("bpmn", '<bpmn:serviceTask id="task" name="Gửi"><bpmn:extensionElements><zeebe:taskDefinition type="send-mail" retries="3"/></bpmn:extensionElements><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:serviceTask>')}</bpmn:process>
  {DI.format(process="Process_3")}
</bpmn:definitions>""", "service task names no handler"),
    # Signavio: default namespace, vendor metadata in extension elements, model only
    "signavio": (f"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:signavio="http://www.signavio.com" {NS}
  id="sid-defs" targetNamespace="http://www.signavio.com" exporter="Signavio Process Editor, http://www.signavio.com" exporterVersion="17.6.0"
  expressionLanguage="http://www.w3.org/TR/XPath" typeLanguage="http://www.w3.org/2001/XMLSchema">
  <process id="sid-process" isClosed="false" isExecutable="false" processType="None">{_flow("", '<task id="task" name="Thẩm định" completionQuantity="1" isForCompensation="false" startQuantity="1"><extensionElements><signavio:signavioMetaData metaKey="bgcolor" metaValue="#ffffcc"/></extensionElements><incoming>f1</incoming><outgoing>f2</outgoing></task>')}</process>
  {DI.format(process="sid-process")}
</definitions>""", "the diagram is a model only"),
    # Bizagi Modeler: no isExecutable at all (the default is false), Bizagi's own extensions
    "bizagi": (f"""<?xml version="1.0" encoding="utf-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bizagi="http://www.bizagi.com/bpmn20" {NS}
  id="Id_defs" targetNamespace="http://www.bizagi.com/definitions/xyz" exporter="Bizagi Modeler" exporterVersion="4.0.0.014">
  <process id="Id_process" name="Quy trình">
    <extensionElements><bizagi:BizagiExtensions><bizagi:BizagiProperties><bizagi:BizagiProperty name="bgColor" value="White"/></bizagi:BizagiProperties></bizagi:BizagiExtensions></extensionElements>
    {_flow("", '<task id="task" name="Kiểm tra"><incoming>f1</incoming><outgoing>f2</outgoing></task>')}</process>
  {DI.format(process="Id_process")}
</definitions>""", "the diagram is a model only"),
    # Trisotech: the "semantic" prefix, vendor attributes everywhere, executable, a user task without role
    "trisotech": (f"""<?xml version="1.0" encoding="UTF-8"?>
<semantic:definitions xmlns:semantic="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:triso="http://www.trisotech.com/2014/triso/bpmn"
  {NS} id="_defs" targetNamespace="http://www.trisotech.com/definitions/_defs" exporter="Trisotech Digital Enterprise Suite"
  exporterVersion="12.5.0" triso:logoChoice="Default">
  <semantic:process id="_process" isExecutable="true" triso:defaultName="true">{_flow("semantic", '<semantic:userTask id="task" name="Duyệt" triso:userConstraints="true" implementation="##unspecified"><semantic:incoming>f1</semantic:incoming><semantic:outgoing>f2</semantic:outgoing></semantic:userTask>')}</semantic:process>
  {DI.format(process="_process")}
</semantic:definitions>""", "user task has no role"),
}


@pytest.mark.parametrize("tool", sorted(EXPORTS))
def test_an_export_loads_or_is_refused_with_problem_lines(tool: str) -> None:
    text, refusal = EXPORTS[tool]
    data = text.encode("utf-8")
    if refusal is None:
        assert isinstance(load_definition(data, f"{tool}.bpmn", known_topics=TOPICS), Definition)
        return
    with pytest.raises(DiagramRefused) as caught:
        load_definition(data, f"{tool}.bpmn", known_topics=TOPICS)
    lines = [str(p) for p in caught.value.problems]
    assert any(refusal in line for line in lines), lines
    assert all(line.startswith(f"{tool}.bpmn:") for line in lines)


@pytest.mark.parametrize("tool", sorted(EXPORTS))
def test_every_export_can_be_drawn(tool: str) -> None:
    svg = render_svg(EXPORTS[tool][0].encode("utf-8"), f"{tool}.bpmn")
    assert svg.count('data-element-id="task"') >= 1
    assert 'data-element-id="f2"' in svg


@pytest.mark.parametrize("damage", [
    lambda t: t.replace('sourceRef="start"', ""),          # a flow without its source
    lambda t: t.replace('id="task"', 'id=""'),              # an element without an id
    lambda t: t.replace("</semantic:process>", "</semantic:process><semantic:process id=\"_process\"/>"),
    lambda t: t.replace("<semantic:startEvent", '<semantic:callActivity id="c" calledElement="nowhere"/><semantic:startEvent'),
    lambda t: t.replace("<semantic:startEvent", "<semantic:laneSet id=\"ls\"><semantic:lane id=\"l\"><semantic:flowNodeRef>"
                        "ghost</semantic:flowNodeRef></semantic:lane></semantic:laneSet><semantic:startEvent"),
])
def test_damaged_exports_are_refused_never_crash(damage: object) -> None:
    text = damage(EXPORTS["trisotech"][0])  # type: ignore[operator]
    with pytest.raises(DiagramRefused) as caught:
        load_definition(text.encode("utf-8"), "damaged.bpmn", known_topics=TOPICS)
    assert caught.value.problems
