"""A test-run of a diagram before it is published: the workflow runs in memory, from its start to an end
event, with the engine, the sandbox, the registered handlers (pure functions of a dossier's facts) and
the working-day calendar. Nothing is read from or written to the database.

Each user task is completed with its default (affirmative) values, or with the values `decisions` gives:
``{key: [value, value, …]}`` where a key is a form field id (the variable a gateway reads) or a user
task's element id (its first choice field); each value is used once, at the next task that asks for it,
so ``reception_decision=supplement`` sends the dossier back once and the next round accepts it. A
message the workflow waits for is delivered as the applicant would (a supplement resumes the statutory
clock as processes.submission does); when only timers wait, the clock moves to the first of them.

The run reports the path taken, the status the dossier shows after each step (the rule of
DossierRun.save), the appointment and every due instant (the rule of DossierRun._task_due), and the
notices the applicant would receive; it ends at an end event, or stops naming the element where it could
not go on (an engine failure, nothing left to do, or too many steps: a loop).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

import sqlalchemy.orm as so

from adapters.bootstrap import Services
from engine.calendar import WorkCalendar
from engine.clock import ManualClock
from engine.definitions import Definition, UserTaskInfo
from engine.forms import FormField
from engine.runner import EngineError, Instance, Runner
from handlers.registry import DossierFacts, HandlerContext, HandlerRegistry, ProcedureFacts
from processes.access import authorise, may_validate_diagrams
from processes.definitions.proposals import Upload, UploadCheck, check_in
from processes.definitions.versions import procedure_by_code
from processes.dossier.dossier_run import task_due
from processes.dossier.status import DossierStatus, shown_status, status_name
from processes.errors import Invalid, NotFound
from processes.uow import UnitOfWork

MAX_STEPS = 200  # user tasks, messages and timers together: more is a loop nobody leaves
SIMULATED_TEXT = "(mô phỏng)"  # what a required text field is filled with


@dataclass
class Step:
    """One thing that happened: an element passed, a task completed, a message or timer, an end."""

    at: datetime
    kind: str  # start | task | service | gateway | event | message | timer | end
    element_id: str
    name: str
    status_code: int
    values: dict[str, Any] = field(default_factory=dict)  # what a user task was completed with
    due_at: datetime | None = None  # a user task's due instant when it opened
    notices: list[str] = field(default_factory=list)  # titles of the notices the step sent

    @property
    def status(self) -> str:
        return status_name(self.status_code)

    def as_dict(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "kind": self.kind, "element": self.element_id, "name": self.name,
                "status_code": self.status_code, "status": self.status, "values": self.values,
                "due_at": self.due_at.isoformat() if self.due_at else None, "notices": self.notices}


@dataclass
class Simulation:
    process_id: str
    procedure_code: str | None
    started_at: datetime
    steps: list[Step] = field(default_factory=list)
    end_event: str | None = None
    stopped_at: str | None = None  # the element where the run could not go on
    reason: str | None = None
    due_at: datetime | None = None  # the appointment (statutory due instant), once accepted
    status_code: int = DossierStatus.NEWLY_REGISTERED
    unused_decisions: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ended(self) -> bool:
        return self.end_event is not None

    def as_dict(self) -> dict[str, Any]:
        return {"process_id": self.process_id, "procedure": self.procedure_code,
                "started_at": self.started_at.isoformat(), "ended": self.ended, "end_event": self.end_event,
                "stopped_at": self.stopped_at, "reason": self.reason,
                "status_code": self.status_code, "status": status_name(self.status_code),
                "due_at": self.due_at.isoformat() if self.due_at else None,
                "unused_decisions": self.unused_decisions, "steps": [s.as_dict() for s in self.steps]}


def parse_decisions(pairs: Sequence[str]) -> dict[str, list[str]]:
    """``KEY=VALUE`` pairs, in order; a key given twice is used twice. Raises ValueError on a bad pair."""
    found: dict[str, list[str]] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"'{pair}' is not KEY=VALUE (a form field or a user task, e.g. "
                             f"reception_decision=refuse)")
        found.setdefault(key.strip(), []).append(value.strip())
    return found


def procedure_facts_of(catalogue: Mapping[str, Any] | None, process_id: str) -> ProcedureFacts:
    cat = dict(catalogue or {})
    return ProcedureFacts(code=str(cat.get("code", process_id)), name=str(cat.get("name", process_id)),
                          processing_time_days=float(cat.get("processing_time_days", 0)),
                          same_day=bool(cat.get("same_day", False)),
                          documents=list(cat.get("documents", [])), fees=list(cat.get("fees", [])),
                          catalogue=cat)


def simulate_published(services: Services, username: str, code: str, decision_lines: Sequence[str] = (),
                       at: str | None = None) -> Simulation:
    """A test-run of the version a procedure publishes (analysts and administrators), from `at` (ISO; a
    time without offset is read in the calendar's time zone; default now) with the decisions
    ``KEY=VALUE`` of `decision_lines` (blank lines ignored). Reads only; nothing is written."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        decisions, calendar, start = _prepared(services, s, username, decision_lines, at)
        procedure = procedure_by_code(s, code)
        if procedure.current_definition_id is None:
            raise NotFound("definition.procedure_not_found", "procedure", code=code)
        definition = services.definition(s, procedure.current_definition_id)
        return simulate(definition, dict(procedure.catalogue), calendar, services.handlers, start, decisions,
                        services.runner)


def simulate_upload(services: Services, username: str, upload: Upload, decision_lines: Sequence[str] = (),
                    at: str | None = None) -> tuple[UploadCheck, Simulation | None]:
    """A test-run of a diagram not yet published — the studio's drawing with its sidecar (analysts and
    administrators): checked first, as a proposal would be (a diagram with problems does not run: the
    check comes back with no run); then run in memory like simulate_published. Nothing is written."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        decisions, calendar, start = _prepared(services, s, username, decision_lines, at)
        check, _source, validation = check_in(services, s, upload)
        if not check.ok or validation is None or validation.definition is None:
            return check, None
        catalogue = validation.catalogue.data if validation.catalogue is not None else None
        return check, simulate(validation.definition, catalogue, calendar, services.handlers, start, decisions,
                               services.runner)


def _prepared(services: Services, s: so.Session, username: str, decision_lines: Sequence[str], at: str | None
              ) -> tuple[dict[str, list[str]], WorkCalendar, datetime]:
    """What every test-run use case does first: the right, the decisions, the calendar, the start."""
    authorise(s, username, may_validate_diagrams)
    calendar = services.calendar(s)
    return _decisions(decision_lines), calendar, _start(services, calendar, at)


def _decisions(decision_lines: Sequence[str]) -> dict[str, list[str]]:
    decisions: dict[str, list[str]] = {}
    for line in (line.strip() for line in decision_lines):
        if not line:
            continue
        try:
            for key, values in parse_decisions([line]).items():
                decisions.setdefault(key, []).extend(values)
        except ValueError:
            raise Invalid("definition.simulate_decision", "decide", line=line[:80]) from None
    return decisions


def _start(services: Services, calendar: WorkCalendar, at: str | None) -> datetime:
    start = services.clock.now()
    if at and at.strip():
        try:
            start = datetime.fromisoformat(at.strip())
        except ValueError:
            raise Invalid("definition.simulate_instant", "at", value=at[:40]) from None
        if start.tzinfo is None:
            start = start.replace(tzinfo=calendar.timezone)
    return start


def explore(definition: Definition, catalogue: Mapping[str, Any] | None, calendar: WorkCalendar,
            handlers: HandlerRegistry, at: datetime, runner: Runner | None = None) -> list[tuple[str, Simulation]]:
    """Each option in turn: the default run, then one run per other option of every choice field of the
    diagram's user tasks (``field=option``, taken the first time the field is asked), each to its end."""
    runs = [("", simulate(definition, catalogue, calendar, handlers, at, {}, runner))]
    seen: set[tuple[str, str]] = set()
    for info in definition.user_tasks.values():
        for f in info.form:
            if f.type != "enum":
                continue
            for option in f.options[1:]:
                if (f.id, option.id) in seen:
                    continue
                seen.add((f.id, option.id))
                decision = f"{f.id}={option.id}"
                runs.append((decision, simulate(definition, catalogue, calendar, handlers, at,
                                                {f.id: [option.id]}, runner)))
    return runs


def simulate(definition: Definition, catalogue: Mapping[str, Any] | None, calendar: WorkCalendar,
             handlers: HandlerRegistry, at: datetime, decisions: Mapping[str, Sequence[str]] | None = None,
             runner: Runner | None = None) -> Simulation:
    """Run the diagram in memory from `at` to an end event (see the module's docstring)."""
    return _Run(definition, catalogue, calendar, handlers, at, decisions or {}, runner or Runner()).go()


class _Run:
    def __init__(self, definition: Definition, catalogue: Mapping[str, Any] | None, calendar: WorkCalendar,
                 handlers: HandlerRegistry, at: datetime, decisions: Mapping[str, Sequence[str]],
                 runner: Runner):
        self.definition, self.calendar, self.handlers, self.runner = definition, calendar, handlers, runner
        self.procedure = procedure_facts_of(catalogue, definition.process_id)
        self.clock = ManualClock(at)
        self.decisions = {k: list(v) for k, v in decisions.items()}
        self.facts = DossierFacts(
            code="SIM-0001", status_code=DossierStatus.NEWLY_REGISTERED, applicant_name="Người nộp mô phỏng",
            result_channel="counter", form=_sample_form(self.procedure.catalogue, at),
            documents={d["key"]: "0" * 64 for d in self.procedure.documents if d.get("key")}, received_at=at)
        self.result = Simulation(definition.process_id, catalogue.get("code") if catalogue else None, at)
        self.seen: set[str] = set()  # engine task ids already reported
        self.notices: list[str] = []  # titles sent by the step about to be reported
        # element id -> (status after its handler ran, titles of the notices it sent), in order
        self.handled: dict[str, list[tuple[int, list[str]]]] = {}
        self.shown = int(DossierStatus.NEWLY_REGISTERED)  # the status as of the step being reported
        self.open_tasks: set[str] = set()
        self.instance: Instance

    # -- the engine's view of the handlers ----------------------------------------------------------
    def call_handler(self, element_id: str, topic: str, variables: Mapping[str, Any]) -> Mapping[str, Any]:
        ctx = HandlerContext(element_id=element_id, topic=topic, dossier=self.facts, procedure=self.procedure,
                             variables=dict(variables), now=self.clock.now(), calendar=self.calendar,
                             properties=self.definition.service_properties(element_id))
        answer = self.handlers.get(topic)(ctx)
        sent = [n.title + (f" (mẫu {n.form_no})" if n.form_no else "") for n in ctx.notices]
        self.handled.setdefault(element_id, []).append((self.facts.status_code, sent))
        return answer

    # -- the run ------------------------------------------------------------------------------------
    def go(self) -> Simulation:
        variables = {"dossier_code": self.facts.code, "procedure": self.procedure.code,
                     "form": dict(self.facts.form), "documents": sorted(self.facts.documents),
                     "result_channel": self.facts.result_channel}
        if not self._act(lambda: self._start(variables)):
            return self._finish()
        for _ in range(MAX_STEPS):
            if self.instance.completed:
                return self._finish()
            ready = self.instance.ready_tasks()
            if ready:
                task = ready[0]
                values = self._values(task.info)
                self._record_user_task(task.info, values, task.variables)
                if not self._act(partial(self.instance.complete_task, task.task_id, values)):
                    return self._finish()
                continue
            messages = sorted(self.instance.waiting_messages())
            if messages:
                if not self._act(partial(self._deliver, messages[0])):
                    return self._finish()
                continue
            timers = sorted(self.instance.waiting_timers(), key=lambda t: t.due_at)
            if timers:
                first = timers[0]
                self.clock.set(max(first.due_at, self.clock.now()))
                self._add("timer", first.element_id, first.name)
                if not self._act(self.instance.fire_due_timers):
                    return self._finish()
                continue
            active = sorted(self.instance.active_elements())
            self._stop(active[0] if active else None, "the workflow waits for nothing this test-run can give "
                                                      "(no user task, message or timer) and has not ended")
            return self._finish()
        waiting = sorted(self.instance.active_elements())
        self._stop(waiting[0] if waiting else None,
                   f"no end event after {MAX_STEPS} steps: the decisions go round a loop")
        return self._finish()

    def _start(self, variables: Mapping[str, Any]) -> None:
        self.instance = self.runner.start(self.definition, variables, self.clock, self.call_handler,
                                          self.calendar)

    def _deliver(self, name: str) -> None:
        """The applicant answers: a supplement resumes the clock (processes.submission.submission)."""
        f, now = self.facts, self.clock.now()
        if name == "supplement_received":
            if f.paused_at is not None and f.due_at is not None:
                f.due_at = self.calendar.resume_due(f.due_at, f.paused_at, now)
            f.paused_at = None
            f.status_code = DossierStatus.NEWLY_REGISTERED if f.accepted_at is None else DossierStatus.IN_PROCESS
        self.shown = f.status_code
        self._add("message", name, name)
        self.instance.deliver_message(name, {"documents": sorted(f.documents), "at": now.isoformat()})

    def _act(self, step: Any) -> bool:
        """Run one engine step; report what it passed; False when the engine stopped."""
        try:
            step()
        except EngineError as exc:
            self._report_passed()
            element, reason = exc.element_id, exc.message
            if hasattr(self, "instance") and element is None:  # the library did not name it: the failed task
                element = self.instance.failed_element()
            if reason.startswith("No conditions satisfied"):
                reason = ("no condition of this gateway holds for these decisions and it has no default flow; "
                          "mark one flow as the default or cover every value")
            self._stop(element, reason)
            return False
        self._report_passed()
        return True

    def _report_passed(self) -> None:
        """Report the elements the engine passed, in order, each with the status the dossier had after it
        (a handler's status at its own service task, not the state at the end of the whole advance)."""
        if not hasattr(self, "instance"):
            return
        for task_id, element_id, name, what in self.instance.passed_since(self.seen):
            self.seen.add(task_id)
            if element_id in self.definition.user_tasks:
                continue  # reported when it was completed, with its values
            kind = ("service" if element_id in self.definition.handler_topics
                    else "event" if what == "element" else what)
            handled = self.handled.get(element_id)
            if kind == "service" and handled:
                self.shown, self.notices = handled.pop(0)
            self._add(kind, element_id, name)
            if kind == "end":
                self.result.end_event = element_id
        for queue in self.handled.values():  # handlers of elements not completed (a failure): say their notices
            for status, sent in queue:
                self.shown = status
                self.notices.extend(sent)
        self.handled.clear()
        ready = self.instance.ready_tasks()
        self.facts.status_code = shown_status(self.facts.status_code,
                                              [t.info.status_code for t in ready if t.info.status_code])
        self.shown = self.facts.status_code

    def _record_user_task(self, info: UserTaskInfo, values: dict[str, Any], own: Mapping[str, Any]) -> None:
        due = task_due(info, self.instance.variables, self.calendar, self.clock.now(), self.facts.due_at)
        name = info.name
        if info.properties.get("agency_variable"):  # an instance of a multi-instance task: whose it is
            name = f"{name} [{own.get(info.properties['agency_variable'])}]"
        self._add("task", info.element_id, name, values=values, due_at=due)

    def _add(self, kind: str, element_id: str, name: str, **extra: Any) -> None:
        step = Step(self.clock.now(), kind, element_id, name, self.shown, **extra)
        step.notices, self.notices = self.notices, []
        self.result.steps.append(step)

    def _stop(self, element_id: str | None, reason: str) -> None:
        self.result.stopped_at, self.result.reason = element_id or "-", reason

    def _finish(self) -> Simulation:
        if self.notices:  # sent by the last step's handlers after it was reported
            self.result.steps[-1].notices.extend(self.notices)
            self.notices = []
        self.result.status_code = self.facts.status_code
        self.result.due_at = self.facts.due_at
        self.result.unused_decisions = {k: v for k, v in self.decisions.items() if v}
        if self.result.end_event is None and self.result.stopped_at is None:
            self._stop(None, "the workflow finished without reaching an end event")
        return self.result

    # -- decisions ----------------------------------------------------------------------------------
    def _values(self, info: UserTaskInfo) -> dict[str, Any]:
        values: dict[str, Any] = {}
        choice = next((f for f in info.form if f.type == "enum"), None)
        for f in info.form:
            given = self.decisions.get(f.id)
            if not given and f is choice:
                given = self.decisions.get(info.element_id)
            values[f.id] = _typed(f, given.pop(0)) if given else _default(f, self.clock.now())
        return values


def _typed(f: FormField, value: str) -> Any:
    if f.type == "boolean":
        return value.lower() in ("true", "1", "yes", "có")
    if f.type == "long":
        try:
            return int(value)
        except ValueError:
            return value
    return value


def _default(f: FormField, now: datetime) -> Any:
    """The affirmative value: the first choice, yes, the smallest whole number, today, a placeholder."""
    if f.type == "enum":
        return f.options[0].id if f.options else ""
    if f.type == "boolean":
        return True
    if f.type == "long":
        return f.minimum if f.minimum is not None and f.minimum > 0 else 1
    if f.type == "date":
        return now.date().isoformat()
    return SIMULATED_TEXT if f.required else ""


def _sample_form(catalogue: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """The applicant's form filled with plausible values (the first option, today, the minimum…)."""
    form: dict[str, Any] = {}
    for f in catalogue.get("form", []):
        kind = f.get("type", "string")
        if kind == "enum":
            options = f.get("options") or []
            first = options[0] if options else ""
            form[f["id"]] = first.get("id", "") if isinstance(first, Mapping) else str(first)
        elif kind == "boolean":
            form[f["id"]] = True
        elif kind == "long":
            form[f["id"]] = max(int(f.get("min", 1)), 1) if int(f.get("max", 1)) >= 1 else int(f.get("min", 0))
        elif kind == "date":
            form[f["id"]] = now.date().isoformat()
        elif kind == "phone":
            form[f["id"]] = "0912345678"
        elif kind == "email":
            form[f["id"]] = "nguoinop@example.vn"
        else:
            form[f["id"]] = SIMULATED_TEXT
    return form
