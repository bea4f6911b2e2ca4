"""Load a BPMN file into a deployable definition, or say precisely why it cannot be deployed.

Checks, in order: safe XML, the BPMN 2.0 XSD, an executable process, no element id the engine
reserves (Start, End), SpiffWorkflow's parser, then this project's rules
(every user task has a role, every service task names a known handler, every expression compiles
in the sandbox). Every problem is a `Problem` that prints as ``PATH:LINE: ELEMENT_ID: MESSAGE``.
"""
from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import XSD_PATH, BpmnValidator
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs import BpmnProcessSpec
from SpiffWorkflow.camunda.specs.user_task import UserTask

from engine import sandbox
from engine.forms import FormField, Option
from engine.problems import DiagramRefused, Problem
from engine.specs import HandlerTask, MotCuaParser
from engine.structure import structure_problems, unset_variables
from engine.timer_values import check_timer_values
from engine.xml_safety import parse_xml

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
NS = {"bpmn": BPMN_NS}
TASK_ROLES = ("reception", "specialist", "leader")
_FORM_TYPES = {"string": "string", "long": "long", "boolean": "boolean", "date": "date", "enum": "enum"}


@dataclass(frozen=True)
class UserTaskInfo:
    """What the system needs to know about a user task of the diagram."""

    element_id: str
    name: str
    role: str
    form: tuple[FormField, ...]
    status_code: int | None = None
    properties: dict[str, str] = field(default_factory=dict)


@dataclass
class Definition:
    """A parsed, validated process definition, ready to run."""

    process_id: str
    name: str
    spec: BpmnProcessSpec
    subprocess_specs: dict[str, BpmnProcessSpec]
    user_tasks: dict[str, UserTaskInfo]
    handler_topics: dict[str, str]
    messages: set[str]
    bpmn: bytes
    content_hash: str
    # Processes of other procedures this one calls, as frozen with this version: id -> (file, BPMN text).
    called: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    # What deserves a look but does not refuse the diagram (engine.structure.unset_variables).
    warnings: list[Problem] = field(default_factory=list)

    def service_properties(self, element_id: str) -> dict[str, str]:
        """A service task's own properties (its handler's settings, e.g. the agency it consults)."""
        for spec in (self.spec, *self.subprocess_specs.values()):
            task_spec = spec.task_specs.get(element_id)
            if task_spec is not None:
                ext = getattr(task_spec, "extensions", None) or {}
                return {k: v for k, v in ext.items() if k != "topic" and isinstance(v, str)}
        return {}


@lru_cache(maxsize=1)
def _xsd() -> etree.XMLSchema:
    with open(XSD_PATH, "rb") as fh:
        return etree.XMLSchema(etree.parse(fh))


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# Called processes of other deployed procedures: process id -> (file name, BPMN text).
Library = Mapping[str, tuple[str, bytes]]


def load_definition(data: bytes, path: str, process_id: str | None = None,
                    known_topics: Collection[str] | None = None, library: Library | None = None,
                    known_variables: Collection[str] | None = None) -> Definition:
    """Parse and validate; raise DiagramRefused with every problem found, and nothing else.

    Diagrams from any modelling tool come through here: whatever the library trips over becomes a
    problem line naming the file, never an exception of another kind. A call activity may call a
    process of this file or one of `library` (the published processes of other procedures, frozen
    into the version that calls them: processes.definitions.deploy)."""
    try:
        return _load(data, path, process_id, known_topics, library or {}, known_variables)
    except DiagramRefused:
        raise
    except Exception as exc:  # noqa: BLE001 - the promise is that only DiagramRefused escapes
        raise DiagramRefused([_unreadable(exc, path, process_id)]) from None


def _load(data: bytes, path: str, process_id: str | None, known_topics: Collection[str] | None,
          library: Library, known_variables: Collection[str] | None) -> Definition:
    tree = parse_xml(data, path)
    _validate_xsd(tree, path)
    _require_executable(tree, path)
    # Everything that can be seen on the XML is checked first, all of it, so the analyst hears of every
    # problem at once; the library reads the diagram only when nothing it would trip over is left.
    lane_roles = _lane_roles(tree)
    structural, blocking = structure_problems(tree, path, TASK_ROLES, lane_roles)
    unreadable = (_unsupported_elements(tree, path) + _reserved_ids(tree, path)
                  + _missing_called_processes(tree, path, library))
    early = unreadable + structural + _check_expressions(tree, path) + check_timer_values(tree, path)
    if blocking or unreadable:
        raise DiagramRefused(_in_file_order(early))
    parser = MotCuaParser(validator=None)
    try:
        parser.add_bpmn_xml(tree, filename=path)
        for called_path, called_bpmn in _called_files(tree, library):
            parser.add_bpmn_xml(parse_xml(called_bpmn, called_path), filename=called_path)
        process_id = _choose_process(parser, tree, path, process_id)
        spec = parser.get_spec(process_id)
        subprocess_specs = parser.get_subprocess_specs(process_id)
    except ValidationException as exc:
        raise DiagramRefused(_in_file_order(early + [_problem_from(exc, tree, path)])) from None
    except DiagramRefused as exc:
        raise DiagramRefused(_in_file_order(early + exc.problems)) from None
    except Exception as exc:  # noqa: BLE001 - the library fails on some legal BPMN with bare KeyErrors
        raise DiagramRefused(_in_file_order(early + [_unreadable(exc, path, process_id)])) from None

    problems: list[Problem] = list(early)
    for called_path, called_bpmn in _called_files(tree, library):  # the roles of a called process's lanes
        lane_roles.update(_lane_roles(parse_xml(called_bpmn, called_path)))
    user_tasks: dict[str, UserTaskInfo] = {}
    topics: dict[str, str] = {}
    for task_spec in _all_task_specs(spec, subprocess_specs):
        line = _line(tree, task_spec.bpmn_id)
        if isinstance(task_spec, UserTask):
            info = _user_task_info(task_spec, lane_roles, path, line, problems)
            if info:
                user_tasks[info.element_id] = info
        elif isinstance(task_spec, HandlerTask):
            topic = task_spec.extensions.get("topic")
            if not topic:
                problems.append(Problem(path, line, task_spec.bpmn_id,
                                        "service task names no handler: set camunda:type=\"external\" "
                                        "camunda:topic=\"…\" or a spiffworkflow:serviceTaskOperator"))
            elif known_topics is not None and topic not in known_topics:
                problems.append(Problem(path, line, task_spec.bpmn_id,
                                        f"no handler is registered for topic '{topic}' "
                                        f"(known: {', '.join(sorted(known_topics))})"))
            else:
                topics[task_spec.bpmn_id] = topic
    if problems:
        raise DiagramRefused(_in_file_order(problems))
    messages = {m.get("name") or m.get("id") for m in tree.getroot().iterfind("bpmn:message", NS)}
    called = _called_files(tree, library)
    # A version is its diagram and the versions of the processes it calls: a new version of a called
    # process makes the same file a new version when it is deployed again.
    digest = content_hash(data + b"".join(content_hash(b).encode() for _, b in called)) if called else None
    return Definition(process_id=process_id, name=spec.description or process_id, spec=spec,
                      subprocess_specs=subprocess_specs, user_tasks=user_tasks, handler_topics=topics,
                      messages=messages, bpmn=data, content_hash=digest or content_hash(data),
                      called={pid: library[pid] for pid in _called_ids(tree, library)},
                      warnings=unset_variables(tree, path, known_variables) if known_variables is not None else [])


def _validate_xsd(tree: etree._ElementTree, path: str) -> None:
    # deepcopy keeps each element's source line; re-parsing a serialised copy would shift them.
    checked = copy.deepcopy(tree)
    BpmnValidator.preprocess(None, checked)  # bpmn.io correlation quirk
    schema = _xsd()
    if schema.validate(checked):
        return
    problems = []
    for err in list(schema.error_log)[:20]:
        element_id = _id_at_line(tree, err.line)
        message = re.sub(r"\{http://www\.omg\.org/spec/BPMN/20100524/MODEL\}", "bpmn:", err.message)
        problems.append(Problem(path, err.line, element_id, f"BPMN 2.0 schema: {message}"))
    raise DiagramRefused(problems)


def _choose_process(parser: MotCuaParser, tree: etree._ElementTree, path: str,
                    wanted: str | None) -> str:
    executable = parser.get_process_ids()
    if wanted:
        if wanted in executable:
            return wanted
        raise DiagramRefused([Problem(path, _line(tree, wanted), wanted,
                                      f"no executable process with this id (executable: "
                                      f"{', '.join(executable) or 'none'})")])
    if not executable:
        _require_executable(tree, path, force=True)
    called = {el.get("calledElement") for el in tree.iter(f"{{{BPMN_NS}}}callActivity")}
    top = [p for p in executable if p not in called]
    if len(top) == 1:
        return top[0]
    raise DiagramRefused([Problem(path, None, None,
                                  f"several executable processes ({', '.join(top)}); the catalogue "
                                  f"entry must name one as process_id")])


def _missing_called_processes(tree: etree._ElementTree, path: str, library: Library) -> list[Problem]:
    """Call activities whose calledElement is no process of this file nor of a published procedure (the
    workflow library names neither)."""
    ids = [p.get("id") for p in tree.getroot().iterfind("bpmn:process", NS)]
    return [Problem(path, el.sourceline, el.get("id"),
                    f"call activity calls process '{el.get('calledElement') or ''}', which is not in this "
                    f"file (processes: {', '.join(i for i in ids if i) or 'none'}) nor the process of a "
                    f"published procedure; deploy that procedure first, or draw the process in this file")
            for el in tree.iter(f"{{{BPMN_NS}}}callActivity")
            if el.get("calledElement") not in ids and el.get("calledElement") not in library]


def _called_ids(tree: etree._ElementTree, library: Library) -> list[str]:
    """The processes of `library` this file calls, and those they call in turn, each once, in order."""
    own = {p.get("id") for p in tree.getroot().iterfind("bpmn:process", NS)}
    wanted = [el.get("calledElement") for el in tree.iter(f"{{{BPMN_NS}}}callActivity")]
    found: list[str] = []
    while wanted:
        pid = wanted.pop(0)
        if pid is None or pid in own or pid in found or pid not in library:
            continue
        found.append(pid)
        called_tree = parse_xml(library[pid][1], library[pid][0])
        wanted.extend(el.get("calledElement") for el in called_tree.iter(f"{{{BPMN_NS}}}callActivity"))
    return found


def _called_files(tree: etree._ElementTree, library: Library) -> list[tuple[str, bytes]]:
    files: list[tuple[str, bytes]] = []
    for pid in _called_ids(tree, library):
        if library[pid] not in files:
            files.append(library[pid])
    return files


def _require_executable(tree: etree._ElementTree, path: str, force: bool = False) -> None:
    processes = tree.getroot().findall("bpmn:process", NS)
    if processes and not force and any(p.get("isExecutable") == "true" for p in processes):
        return
    first = processes[0] if processes else tree.getroot()
    what = ("no process is marked isExecutable=\"true\"; the diagram is a model only, not a "
            "runnable procedure") if processes else "the file holds no bpmn:process"
    raise DiagramRefused([Problem(path, first.sourceline, first.get("id"), what)])


def _reserved_ids(tree: etree._ElementTree, path: str) -> list[Problem]:
    """Ids SpiffWorkflow gives its own task specs: an element named so replaces the spec's own start
    or end task and the flow is silently cut (the workflow then fails or never finishes)."""
    problems = []
    for process in tree.getroot().iterfind("bpmn:process", NS):
        reserved = {"Start", "End", f"{process.get('id')}.EndJoin"}
        for el in process.iter():
            element_id = el.get("id") if isinstance(el.tag, str) else None
            if element_id in reserved:
                problems.append(Problem(path, el.sourceline, element_id,
                                        f"the id '{element_id}' is reserved by the workflow engine; rename the "
                                        f"element (e.g. StartEvent_1, EndEvent_1)"))
    return problems


# Elements SpiffWorkflow would need more than this project gives it; say so at the element.
_UNSUPPORTED = {
    "businessRuleTask": "business rule tasks (DMN decisions) are not run by MotCua; use a service task "
                        "with a registered handler, or an exclusive gateway with conditions",
    "dataStore": "data stores are not supported by the engine; remove it or keep it in a model-only "
                 "(non-executable) diagram",
}


def _unsupported_elements(tree: etree._ElementTree, path: str) -> list[Problem]:
    return [Problem(path, el.sourceline, el.get("id"), message)
            for tag, message in _UNSUPPORTED.items() for el in tree.iter(f"{{{BPMN_NS}}}{tag}")]


def _unreadable(exc: Exception, path: str, element_id: str | None = None) -> Problem:
    detail = analyst_words(str(exc)) or type(exc).__name__
    if isinstance(exc, KeyError):
        detail = f"a required attribute is missing: {detail}"
    return Problem(path, None, element_id, f"the diagram cannot be read as a runnable process: {detail}")


def _all_task_specs(spec: BpmnProcessSpec, subs: dict[str, BpmnProcessSpec]) -> list[Any]:
    result = list(spec.task_specs.values())
    for sub in subs.values():
        result.extend(sub.task_specs.values())
    return result


def _lane_roles(tree: etree._ElementTree) -> dict[str, str]:
    """Element id -> role, for lanes whose id is ``Lane_<role>`` or that carry a role property."""
    roles: dict[str, str] = {}
    for lane in tree.iter(f"{{{BPMN_NS}}}lane"):
        lane_id = (lane.get("id") or "").lower()
        role = next((r for r in TASK_ROLES if lane_id in (f"lane_{r}", r) or lane_id.startswith(f"lane_{r}_")),
                    None)
        if role:
            for ref in lane.iterfind("bpmn:flowNodeRef", NS):
                roles[(ref.text or "").strip()] = role
    return roles


def _user_task_info(task_spec: Any, lane_roles: dict[str, str], path: str, line: int | None,
                    problems: list[Problem]) -> UserTaskInfo | None:
    ext: dict[str, Any] = dict(getattr(task_spec, "extensions", {}) or {})
    groups = [g for g in ext.pop("candidate_groups", []) if g in TASK_ROLES]
    role = groups[0] if groups else lane_roles.get(task_spec.bpmn_id)
    if role is None:
        return None  # said by engine/structure.py, on the XML
    status = ext.get("status_code")
    if status is not None and not (str(status).isdigit() and 1 <= int(status) <= 10):
        problems.append(Problem(path, line, task_spec.bpmn_id,
                                f"status_code '{status}' is not a national status (1–10)"))
        status = None
    form = []
    for f in getattr(getattr(task_spec, "form", None), "fields", []) or []:
        ftype = _FORM_TYPES.get(f.type or "string")
        if ftype is None:
            problems.append(Problem(path, line, task_spec.bpmn_id,
                                    f"form field '{f.id}' has unsupported type '{f.type}'"))
            continue
        options = tuple(Option(o.id, o.name or o.id) for o in getattr(f, "options", []))
        form.append(FormField(id=f.id, label=f.label or f.id, type=ftype,
                              required=any(v.name == "required" for v in f.validation), options=options))
    return UserTaskInfo(element_id=task_spec.bpmn_id, name=task_spec.bpmn_name or task_spec.bpmn_id,
                        role=role, form=tuple(form), status_code=int(status) if status else None,
                        properties={k: str(v) for k, v in ext.items()})


def _check_expressions(tree: etree._ElementTree, path: str) -> list[Problem]:
    problems = []
    checks = [("conditionExpression", sandbox.compile_expression, "condition"),
              ("timeDate", sandbox.compile_expression, "timer"),
              ("timeDuration", sandbox.compile_expression, "timer"),
              ("timeCycle", sandbox.compile_expression, "timer"),
              ("script", sandbox.compile_script, "script")]
    for tag, compile_fn, what in checks:
        for el in tree.iter(f"{{{BPMN_NS}}}{tag}"):
            text = (el.text or "").strip()
            owner = el.getparent()
            while owner is not None and owner.get("id") is None:
                owner = owner.getparent()
            owner_id = owner.get("id") if owner is not None else None
            if not text:
                if tag != "conditionExpression":
                    problems.append(Problem(path, el.sourceline, owner_id, f"empty {what} expression"))
                continue
            if what == "timer" and _BARE_TIMER.fullmatch(text):
                problems.append(Problem(path, el.sourceline, owner_id,
                                        f"timer value {text[:60]} is read as a Python expression; write "
                                        f"the literal in quotes: \"{text[:60]}\", or name a variable"))
                continue
            if text.startswith(("${", "#{")):
                problems.append(Problem(path, el.sourceline, owner_id,
                                        f"{what} expression {text[:60]!r} is JUEL (Camunda); MotCua "
                                        f"diagrams use Python expressions, e.g. approved == True"))
                continue
            try:
                compile_fn(text)
            except sandbox.SandboxError as exc:
                problems.append(Problem(path, el.sourceline, owner_id,
                                        f"{what} expression {text[:60]!r} is refused: {exc}"))
                continue
            if what == "script":
                problems.extend(_endless_loops(el, text, path, owner_id))
    return problems


def _endless_loops(el: Any, text: str, path: str, owner_id: str | None) -> list[Problem]:
    """`while True:` with no way out would only ever be stopped by the script budget: refuse it now,
    at the line of the loop in the file (the script's text starts on the line of its element)."""
    raw = el.text or ""
    first = (el.sourceline or 1) + raw[:len(raw) - len(raw.lstrip())].count("\n")
    return [Problem(path, first + line - 1, owner_id,
                    "this loop never ends (while True with no break, return or raise); add a condition "
                    "or a break")
            for line in sandbox.endless_loops(text)]


# An ISO 8601 duration or date-time written without quotes (the timer would fail when it starts).
_BARE_TIMER = re.compile(r"R?\d*/?-?P[0-9YMWDTHS.,]+|\d{4}-\d{2}-\d{2}(T[0-9:.+\-Z]*)?")


def _line(tree: etree._ElementTree, element_id: str | None) -> int | None:
    if not element_id:
        return None
    found = tree.getroot().xpath("//*[@id=$id]", id=element_id)
    return found[0].sourceline if found else None


def _id_at_line(tree: etree._ElementTree, line: int) -> str | None:
    for el in tree.iter():
        if el.sourceline == line and isinstance(el.tag, str):
            return el.get("id")
    return None


def _in_file_order(problems: list[Problem]) -> list[Problem]:
    """Each problem once, in the order of the file (problems of the whole file last)."""
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: (p.line is None, p.line or 0))


def _problem_from(exc: ValidationException, tree: etree._ElementTree, path: str) -> Problem:
    element_id = getattr(exc, "id", "") or None
    line = getattr(exc, "line_number", "") or _line(tree, element_id)
    message = analyst_words(str(exc).split("\n")[0])
    return Problem(path, int(line) if line else None, element_id, message)


# What the workflow library says, in words an analyst can act on (the structural checks catch most of
# these first; this is for what slips past them). Patterns are matched at the start of its message.
_LIBRARY_WORDS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"Expected 1 result\. Received (\d+) results"),
     "an element refers to a declaration (message, signal, error, script) that is missing or declared twice; "
     "check the references of this element"),
    (re.compile(r"When looking for a task spec, we found two items.*\((?P<ref>[^)]*)\)"),
     "a flow leads to '{ref}', which is not an element of this process; connect it to an existing element "
     "or delete the flow"),
    (re.compile(r"Multiple outgoing flows are not supported"),
     "several flows leave this element; put a gateway after it (exclusive to choose one path, parallel "
     "to take them all)"),
    (re.compile(r"Exactly one start event is required in a SubWorkflow Task; found (?P<n>\d+)"),
     "a sub-process needs exactly one start event; this one has {n}"),
    (re.compile(r"A SubWorkflow Must contain an End event"),
     "this sub-process has no end event; add one so the sub-process can finish"),
    (re.compile(r"No start event found"), "the process has no start event; add one where a dossier begins"),
    (re.compile(r"Duplicate process ID: (?P<ref>\S+)"),
     "two processes share the id '{ref}'; give each process its own id"),
    (re.compile(r"A multiinstance task must specify a cardinality or a collection"),
     "a repeated (multi-instance) task must say how many times it runs (loop cardinality) or over which "
     "collection (e.g. the agencies to consult)"),
    (re.compile(r"A loopMaximum or loopCondition must be specified"),
     "a loop task must say when it stops (loop maximum or loop condition)"),
    (re.compile(r"Conditional event definition with missing condition"),
     "this conditional event has no condition; write one"),
    (re.compile(r"Unknown Time Specification"),
     "this timer has no value; write a date, a duration or a cycle (e.g. \"P3D\")"),
    (re.compile(r"Cancel Events may only be used with transactions"),
     "a cancel event can only be attached to a transaction"),
    (re.compile(r"There is no support implemented for this task type"),
     "this kind of element cannot be run by the engine; use a user task, a service task or a gateway"),
]


def analyst_words(message: str) -> str:
    """The library's message as a sentence an analyst understands; unknown messages kept as they are."""
    for pattern, words in _LIBRARY_WORDS:
        found = pattern.search(message)
        if found:
            return words.format(**found.groupdict())
    return message
