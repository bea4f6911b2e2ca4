"""The shape of a diagram, checked on its XML before the workflow library reads it, so that every
problem is reported at once and in an analyst's words (the library stops at the first one and speaks
of its own internals: "Expected 1 result. Received 0 results.").

Rules (each problem names the element and its line):
- a flow leads from or to an element that is not in the same process (deleted, renamed, or drawn in
  another pool);
- a dead end: an activity, gateway or event with no outgoing flow that is not an end event (a dossier
  reaching it could never finish);
- unreachable: an activity, gateway or event no flow leads to (it could never run);
- a user task nobody can claim: no lane ``Lane_<role>`` and no ``camunda:candidateGroups`` role;
- an event refers to a message, signal, error or escalation the file does not declare;
- a script task without a script;
- an exclusive or inclusive gateway whose every outgoing flow has a condition and none is the default
  (when no condition holds, the dossier would stop there for good);
- a loop with no way out: elements from which no path leads to an end event.

Compensation handlers, event sub-processes, boundary events (no incoming flow by nature) and link
events (which jump without a flow) are exempt where BPMN makes them so.
"""
from __future__ import annotations

import ast
import builtins
from collections.abc import Collection, Iterator, Sequence

from lxml import etree

from engine.problems import Problem

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
NS = {"bpmn": BPMN_NS}

ACTIVITIES = ("task", "userTask", "serviceTask", "scriptTask", "sendTask", "receiveTask", "manualTask",
              "businessRuleTask", "callActivity", "subProcess", "transaction", "adHocSubProcess")
GATEWAYS = ("exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway")
EVENTS = ("startEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent", "endEvent")
FLOW_NODES = ACTIVITIES + GATEWAYS + EVENTS
CONTAINERS = ("process", "subProcess", "transaction", "adHocSubProcess")

_WHAT = {"userTask": "user task", "serviceTask": "service task", "scriptTask": "script task",
         "sendTask": "send task", "receiveTask": "receive task", "manualTask": "manual task",
         "businessRuleTask": "business rule task", "callActivity": "call activity", "subProcess": "sub-process",
         "transaction": "transaction", "adHocSubProcess": "sub-process", "task": "task",
         "exclusiveGateway": "gateway", "parallelGateway": "gateway", "inclusiveGateway": "gateway",
         "eventBasedGateway": "gateway", "complexGateway": "gateway", "startEvent": "start event",
         "intermediateCatchEvent": "event", "intermediateThrowEvent": "event", "boundaryEvent": "boundary event",
         "endEvent": "end event"}

# event definition -> (attribute naming the declaration, the declaration's tag, what it is called)
_REFERENCES = {"messageEventDefinition": ("messageRef", "message", "message"),
               "signalEventDefinition": ("signalRef", "signal", "signal"),
               "errorEventDefinition": ("errorRef", "error", "error"),
               "escalationEventDefinition": ("escalationRef", "escalation", "escalation")}


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def what(el: etree._Element) -> str:
    """How an analyst calls this kind of element."""
    return _WHAT.get(_local(el), _local(el))


def _children(container: etree._Element, tags: Sequence[str]) -> Iterator[etree._Element]:
    for el in container:
        if _local(el) in tags and el.tag.startswith(f"{{{BPMN_NS}}}"):
            yield el


def _containers(tree: etree._ElementTree) -> Iterator[etree._Element]:
    for process in tree.getroot().iterfind("bpmn:process", NS):
        yield process
        for tag in CONTAINERS[1:]:
            yield from process.iter(f"{{{BPMN_NS}}}{tag}")


def _has_definition(el: etree._Element, tag: str) -> bool:
    return el.find(f"bpmn:{tag}", NS) is not None


def structure_problems(tree: etree._ElementTree, path: str, roles: Sequence[str],
                       lane_roles: dict[str, str]) -> tuple[list[Problem], bool]:
    """Every structural problem, and whether the library could not read the diagram at all because
    of them (a broken reference: it would stop with its own words on the first one)."""
    problems: list[Problem] = []
    blocking = False
    for container in _containers(tree):
        nodes = {el.get("id"): el for el in _children(container, FLOW_NODES) if el.get("id")}
        flows = list(_children(container, ("sequenceFlow",)))
        outgoing: dict[str, int] = {}
        incoming: dict[str, int] = {}
        for flow in flows:
            flow_id = flow.get("id")
            for end, attr, counts, word in (("source", "sourceRef", outgoing, "from"),
                                            ("target", "targetRef", incoming, "to")):
                ref = (flow.get(attr) or "").strip()
                if ref in nodes:
                    counts[ref] = counts.get(ref, 0) + 1
                    continue
                blocking = True
                if not ref:
                    problems.append(Problem(path, flow.sourceline, flow_id,
                                            f"this flow has no {end}; connect its {end} to an element or "
                                            f"delete the flow"))
                else:
                    problems.append(Problem(path, flow.sourceline, flow_id,
                                            f"this flow leads {word} '{ref}', which is not an element of this "
                                            f"process (deleted, renamed or drawn in another pool); connect "
                                            f"it to an existing element or delete the flow"))
        for node_id, el in nodes.items():
            tag = _local(el)
            if el.get("isForCompensation") == "true":
                continue
            if tag in CONTAINERS and el.get("triggeredByEvent") == "true":
                continue  # an event sub-process starts by its own event, with no flow in or out
            link = _has_definition(el, "linkEventDefinition")
            compensation = tag == "boundaryEvent" and _has_definition(el, "compensateEventDefinition")
            ends_here = tag == "endEvent" or compensation or (link and tag == "intermediateThrowEvent")
            if not ends_here and not outgoing.get(node_id):
                problems.append(Problem(path, el.sourceline, node_id,
                                        f"dead end: nothing leaves this {what(el)}, so a dossier that reaches "
                                        f"it can never finish; draw a flow from it to the next step or to "
                                        f"an end event"))
            exempt_in = tag in ("startEvent", "boundaryEvent") or (link and tag == "intermediateCatchEvent")
            if not exempt_in and not incoming.get(node_id):
                problems.append(Problem(path, el.sourceline, node_id,
                                        f"unreachable: no flow leads to this {what(el)}, so it can never "
                                        f"run; connect it or delete it"))
        problems.extend(_gateways_without_default(container, nodes, flows, path))
        if not blocking:
            problems.extend(_loops_without_exit(nodes, flows, path, problems))
    problems.extend(_user_tasks_without_role(tree, path, roles, lane_roles))
    referenced, broken = _missing_declarations(tree, path)
    problems.extend(referenced)
    scripts = _scripts_missing(tree, path)
    problems.extend(scripts)
    return problems, blocking or broken or bool(scripts)


def _loops_without_exit(nodes: dict[str | None, etree._Element], flows: list[etree._Element], path: str,
                        found: list[Problem]) -> list[Problem]:
    """Elements from which no path leads to an end (a loop with no way out): a dossier that comes round
    it never finishes. Not said again where a dead end or an unreachable element already explains it."""
    successors: dict[str, set[str]] = {n: set() for n in nodes if n}
    for flow in flows:
        source, target = flow.get("sourceRef"), flow.get("targetRef")
        if source in successors and target in successors:
            successors[source].add(target)
    links: dict[str, list[str]] = {}
    for node_id, el in nodes.items():
        if not node_id:
            continue
        if _local(el) == "boundaryEvent" and el.get("attachedToRef") in successors:
            successors[el.get("attachedToRef", "")].add(node_id)  # the host may leave by its boundary event
        link = el.find("bpmn:linkEventDefinition", NS)
        if link is not None:
            links.setdefault(link.get("name") or "", []).append(node_id)
    for members in links.values():  # a link throw jumps to the link catch of the same name
        throws = [m for m in members if _local(nodes[m]) == "intermediateThrowEvent"]
        for throw in throws:
            successors[throw].update(m for m in members if m not in throws)
    finishing = {n for n, el in nodes.items() if n and (
        _local(el) == "endEvent" or el.get("isForCompensation") == "true"
        or (_local(el) in CONTAINERS and el.get("triggeredByEvent") == "true")
        or (_local(el) == "boundaryEvent" and _has_definition(el, "compensateEventDefinition")))}
    said = {p.element_id for p in found}
    # What leads to a dead end already said is explained by it: only true loops are left to name.
    finishing |= {n for n in successors if n in said}
    predecessors: dict[str, set[str]] = {n: set() for n in successors}
    for source, targets in successors.items():
        for target in targets:
            predecessors[target].add(source)
    reach = set(finishing)
    todo = list(finishing)
    while todo:
        for before in predecessors.get(todo.pop(), ()):
            if before not in reach:
                reach.add(before)
                todo.append(before)
    stuck = [n for n in successors if n not in reach and successors[n]]
    return [Problem(path, nodes[n].sourceline, n,
                    f"no path from this {what(nodes[n])} leads to an end event (it only goes round a loop), so a "
                    f"dossier that reaches it can never finish; give the loop a way out")
            for n in stuck]


def _gateways_without_default(container: etree._Element, nodes: dict[str | None, etree._Element],
                              flows: list[etree._Element], path: str) -> list[Problem]:
    """An exclusive or inclusive gateway whose every outgoing flow has a condition and none is the default:
    when no condition holds (a value nobody foresaw), the dossier stops there for good."""
    problems = []
    for node_id, el in nodes.items():
        if _local(el) not in ("exclusiveGateway", "inclusiveGateway") or el.get("default"):
            continue
        leaving = [f for f in flows if f.get("sourceRef") == node_id]
        conditioned = [f for f in leaving if (f.findtext("bpmn:conditionExpression", None, NS) or "").strip()]
        if len(leaving) >= 2 and len(conditioned) == len(leaving):
            problems.append(Problem(path, el.sourceline, node_id,
                                    "this gateway has no default flow: when none of its conditions holds, the "
                                    "dossier stops here for good; mark one outgoing flow as the default"))
    return problems


def no_role_message(roles: Sequence[str]) -> str:
    return (f"user task has no role, so nobody can claim it: put it in a lane Lane_<role> or set "
            f"camunda:candidateGroups to one of {', '.join(roles)}")


def _user_tasks_without_role(tree: etree._ElementTree, path: str, roles: Sequence[str],
                             lane_roles: dict[str, str]) -> list[Problem]:
    problems = []
    for el in tree.iter(f"{{{BPMN_NS}}}userTask"):
        groups = [g.strip() for g in (el.get(f"{{{CAMUNDA_NS}}}candidateGroups") or "").split(",")]
        if any(g in roles for g in groups) or el.get("id") in lane_roles:
            continue
        problems.append(Problem(path, el.sourceline, el.get("id"), no_role_message(roles)))
    return problems


def _missing_declarations(tree: etree._ElementTree, path: str) -> tuple[list[Problem], bool]:
    root = tree.getroot()
    problems = []
    for definition_tag, (attr, declared_tag, word) in _REFERENCES.items():
        declared = {el.get("id") for el in root.iterfind(f"bpmn:{declared_tag}", NS)}
        for el in root.iter(f"{{{BPMN_NS}}}{definition_tag}"):
            ref = el.get(attr)
            if ref is None or ref in declared:
                continue
            owner = el.getparent()
            problems.append(Problem(path, el.sourceline, owner.get("id") if owner is not None else None,
                                    f"this event uses the {word} '{ref}', which the diagram does not declare; "
                                    f"choose a declared {word} or add it to the diagram"))
    return problems, bool(problems)


def _scripts_missing(tree: etree._ElementTree, path: str) -> list[Problem]:
    return [Problem(path, el.sourceline, el.get("id"),
                    "script task has no script; write the script or use another kind of task")
            for el in tree.iter(f"{{{BPMN_NS}}}scriptTask")
            if el.find("bpmn:script", NS) is None]


def unset_variables(tree: etree._ElementTree, path: str, known: Collection[str]) -> list[Problem]:
    """Warnings, not problems: a condition that reads a variable nothing in the diagram sets (no form field
    of a user task, no script, no multi-instance element, no message) and that is not one the system sets
    (`known`: the submission's and the handlers'): it would fail, or never hold, when the dossier gets
    there. Diagrams whose forms live outside the file (the spiff dialect's JSON schemas) are not judged."""
    root = tree.getroot()
    if root.find(".//bpmn:userTask", NS) is not None and root.find(f".//{{{CAMUNDA_NS}}}formData") is None:
        return []
    declared = set(known) | set(dir(builtins))
    declared.update(f.get("id") or "" for f in root.iter(f"{{{CAMUNDA_NS}}}formField"))
    declared.update(m.get("name") or m.get("id") or "" for m in root.iterfind("bpmn:message", NS))
    for loop in root.iter(f"{{{BPMN_NS}}}multiInstanceLoopCharacteristics"):
        declared.update(v for v in (loop.get(f"{{{CAMUNDA_NS}}}elementVariable"),) if v)
    for script in root.iter(f"{{{BPMN_NS}}}script"):
        declared.update(_assigned(script.text or ""))
    problems = []
    for condition in root.iter(f"{{{BPMN_NS}}}conditionExpression"):
        owner = condition.getparent()
        for name in sorted(_read(condition.text or "") - declared):
            problems.append(Problem(path, condition.sourceline, owner.get("id") if owner is not None else None,
                                    f"the condition reads '{name}', which no form field, script or handler of this "
                                    f"diagram sets: check its spelling or add the field"))
    return problems


def _read(expression: str) -> set[str]:
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        return set()  # said by the expression check
    bound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)} - bound


def _assigned(script: str) -> set[str]:
    try:
        tree = ast.parse(script)
    except SyntaxError:
        return set()
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
