"""A dossier's workflow advances only when a person, a message or the clock moves it; the clock is the
injected one, and the stored state holds the dossier's progress, never the procedure itself."""
from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from SpiffWorkflow.util.task import TaskState

from engine.clock import ManualClock
from engine.definitions import Definition, load_definition
from engine.runner import EngineError, Instance, Runner, TaskNotReady
from engine.serializer import StateCodec, unpack_state

DIAGRAMS = Path(__file__).parent / "diagrams"
# Far from any wall-clock "now": a timer that read the real time would fire (or wait) visibly wrong.
OPENED = datetime(2031, 3, 3, 8, 0, tzinfo=UTC)
FORWARD_DUE = OPENED + timedelta(hours=4)


def load(name: str, text_replace: tuple[str, str] | None = None) -> Definition:
    text = (DIAGRAMS / name).read_text(encoding="utf-8")
    if text_replace:
        text = text.replace(*text_replace)
    return load_definition(text.encode("utf-8"), name)


class FakeHandlers:
    """Records every handler call; a topic listed in ``failing`` raises the given exception."""

    def __init__(self, failing: Mapping[str, Exception] | None = None):
        self.calls: list[tuple[str, str, dict[str, Any]]] = []
        self.failing = dict(failing or {})

    def __call__(self, element_id: str, topic: str, data: Mapping[str, Any]) -> Mapping[str, Any]:
        self.calls.append((element_id, topic, dict(data)))
        if topic in self.failing:
            raise self.failing[topic]
        return {f"{topic}_done": True}

    def topics(self) -> list[str]:
        return [topic for _, topic, _ in self.calls]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(OPENED)


@pytest.fixture
def handlers() -> FakeHandlers:
    return FakeHandlers()


@pytest.fixture
def mini() -> Definition:
    return load("mini.bpmn")


def start_mini(mini: Definition, clock: ManualClock, handlers: FakeHandlers) -> Instance:
    return Runner().start(mini, {"forward_due": FORWARD_DUE.isoformat()}, clock, handlers)


def only_ready(instance: Instance) -> str:
    ready = instance.ready_tasks()
    assert len(ready) == 1, ready
    return ready[0].task_id


def find_keys(document: Any, wanted: set[str]) -> Iterator[str]:
    if isinstance(document, dict):
        for key, value in document.items():
            if key in wanted:
                yield key
            yield from find_keys(value, wanted)
    elif isinstance(document, list):
        for value in document:
            yield from find_keys(value, wanted)


# --- starting -----------------------------------------------------------------------------------

def test_starting_runs_the_completeness_check_and_stops_at_reception(
        mini: Definition, clock: ManualClock, handlers: FakeHandlers) -> None:
    instance = start_mini(mini, clock, handlers)
    [ready] = instance.ready_tasks()
    assert ready.info == mini.user_tasks["Task_check"]
    assert ready.info.role == "reception"
    assert [field.id for field in ready.info.form] == ["decision", "note"]
    start_variables = {"forward_due": FORWARD_DUE.isoformat()}
    assert handlers.calls == [("Service_check", "check_completeness", start_variables)]
    assert instance.variables["check_completeness_done"] is True
    assert not instance.completed


def test_a_started_dossier_shows_what_it_waits_for(
        mini: Definition, clock: ManualClock, handlers: FakeHandlers) -> None:
    instance = start_mini(mini, clock, handlers)
    assert instance.active_elements() == {"Task_check", "Timer_forward"}
    assert {"StartEvent_1", "Service_check"} <= instance.done_elements()
    assert instance.waiting_messages() == set()


# --- timers read the injected clock ----------------------------------------------------------------

def test_the_forwarding_timer_waits_until_its_due_instant(
        mini: Definition, clock: ManualClock, handlers: FakeHandlers) -> None:
    instance = start_mini(mini, clock, handlers)
    [timer] = instance.waiting_timers()
    assert (timer.element_id, timer.name, timer.due_at) == ("Timer_forward", "Quá hạn chuyển", FORWARD_DUE)


def test_a_duration_timer_is_due_that_long_after_the_clock_not_the_wall_time(
        clock: ManualClock, handlers: FakeHandlers) -> None:
    instance = Runner().start(load("duration_timer.bpmn"), {}, clock, handlers)
    [timer] = instance.waiting_timers()
    assert timer.element_id == "Timer_wait"
    assert timer.due_at == OPENED + timedelta(hours=2)
    assert instance.ready_tasks() == []


def test_no_timer_fires_before_the_clock_reaches_it(
        mini: Definition, clock: ManualClock, handlers: FakeHandlers) -> None:
    instance = start_mini(mini, clock, handlers)
    clock.set(FORWARD_DUE - timedelta(seconds=1))
    assert instance.fire_due_timers() == []
    assert handlers.topics() == ["check_completeness"]


def test_a_due_timer_fires_exactly_once(mini: Definition, clock: ManualClock, handlers: FakeHandlers) -> None:
    instance = start_mini(mini, clock, handlers)
    clock.set(FORWARD_DUE)
    assert instance.fire_due_timers() == ["Timer_forward"]
    assert handlers.topics() == ["check_completeness", "notify_leader_forward_overdue"]
    clock.advance(timedelta(days=1))
    assert instance.fire_due_timers() == []
    assert handlers.topics() == ["check_completeness", "notify_leader_forward_overdue"]


def test_the_overdue_warning_does_not_take_the_task_from_reception(
        mini: Definition, clock: ManualClock, handlers: FakeHandlers) -> None:
    instance = start_mini(mini, clock, handlers)
    task_id = only_ready(instance)
    clock.set(FORWARD_DUE + timedelta(hours=1))
    instance.fire_due_timers()
    assert only_ready(instance) == task_id  # the boundary timer is non-interrupting
    assert instance.waiting_timers() == []


def test_a_duration_timer_fires_at_its_due_instant_and_the_flow_goes_on(
        clock: ManualClock, handlers: FakeHandlers) -> None:
    instance = Runner().start(load("duration_timer.bpmn"), {}, clock, handlers)
    clock.advance(timedelta(hours=1, minutes=59))
    assert instance.fire_due_timers() == []
    clock.advance(timedelta(minutes=1))
    assert instance.fire_due_timers() == ["Timer_wait"]
    assert [t.info.element_id for t in instance.ready_tasks()] == ["Task_sign"]


def test_a_due_date_given_as_a_datetime_is_accepted(
        mini: Definition, clock: ManualClock, handlers: FakeHandlers) -> None:
    instance = Runner().start(mini, {"forward_due": FORWARD_DUE}, clock, handlers)
    assert [t.due_at for t in instance.waiting_timers()] == [FORWARD_DUE]


@pytest.mark.parametrize("value", ["tomorrow", "PT2H", 5], ids=["words", "a duration", "a number"])
def test_a_forwarding_due_date_that_is_no_date_stops_the_engine_at_the_timer(
        mini: Definition, clock: ManualClock, handlers: FakeHandlers, value: object) -> None:
    with pytest.raises(EngineError) as caught:
        Runner().start(mini, {"forward_due": value}, clock, handlers)
    assert caught.value.element_id == "Timer_forward"
    assert "not an ISO 8601 date-time" in caught.value.message


def test_a_duration_that_is_no_duration_stops_the_engine_at_the_timer(
        clock: ManualClock, handlers: FakeHandlers) -> None:
    # A quoted "soon" is refused at deploy (engine/timer_values.py); a variable is known only at run time.
    definition = load("duration_timer.bpmn", ('"PT2H"', 'wait_for'))
    with pytest.raises(EngineError) as caught:
        Runner().start(definition, {"wait_for": "soon"}, clock, handlers)
    assert caught.value.element_id == "Timer_wait"
    assert "not an ISO 8601 duration" in caught.value.message


def test_a_missing_due_date_variable_stops_the_engine_at_the_timer(
        mini: Definition, clock: ManualClock, handlers: FakeHandlers) -> None:
    with pytest.raises(EngineError) as caught:
        Runner().start(mini, {}, clock, handlers)
    assert caught.value.element_id == "Timer_forward"


# --- stored state ---------------------------------------------------------------------------------

def test_a_dumped_and_loaded_dossier_keeps_its_tasks_timers_and_variables(
        mini: Definition, clock: ManualClock, handlers: FakeHandlers) -> None:
    runner = Runner()
    instance = start_mini(mini, clock, handlers)
    restored = runner.load(mini, runner.dump(instance), clock, handlers)
    assert restored.ready_tasks() == instance.ready_tasks()
    assert restored.waiting_timers() == instance.waiting_timers()
    assert restored.variables == instance.variables
    assert restored.active_elements() == instance.active_elements()
    assert runner.dump(restored) == runner.dump(instance)


def test_the_stored_state_does_not_contain_the_procedure(
        mini: Definition, clock: ManualClock, handlers: FakeHandlers) -> None:
    state = unpack_state(Runner().dump(start_mini(mini, clock, handlers)))
    assert list(find_keys(json.loads(state), {"spec", "subprocess_specs", "task_specs"})) == []
    stored_once_per_version = StateCodec().dump_specs(mini.spec, mini.subprocess_specs)
    for part_of_the_diagram in ['decision == \\"supplement\\"', 'result = \\"ok-\\"',
                                "notify_leader_forward_overdue", "status_code"]:
        assert part_of_the_diagram in stored_once_per_version
        assert part_of_the_diagram not in state


def test_a_loaded_dossier_fires_its_timer_by_the_clock_it_is_loaded_with(
        mini: Definition, clock: ManualClock, handlers: FakeHandlers) -> None:
    runner = Runner()
    state = runner.dump(start_mini(mini, clock, handlers))
    later = ManualClock(FORWARD_DUE + timedelta(minutes=5))
    restored = runner.load(mini, state, later, handlers)
    assert restored.fire_due_timers() == ["Timer_forward"]
    assert handlers.topics()[-1] == "notify_leader_forward_overdue"


def test_a_loaded_dossier_runs_to_the_end(
        mini: Definition, clock: ManualClock, handlers: FakeHandlers) -> None:
    runner = Runner()
    instance = runner.load(mini, runner.dump(start_mini(mini, clock, handlers)), clock, handlers)
    instance.complete_task(only_ready(instance), {"decision": "accept"})
    instance = runner.load(mini, runner.dump(instance), clock, handlers)
    instance.complete_task(only_ready(instance), {})
    assert instance.completed
    assert instance.variables["result"] == "ok-accept"


def test_a_dossier_loads_against_specs_stored_apart(
        mini: Definition, clock: ManualClock, handlers: FakeHandlers) -> None:
    codec = StateCodec()
    spec, subprocess_specs = codec.load_specs(codec.dump_specs(mini.spec, mini.subprocess_specs))
    state = codec.dump_state(start_mini(mini, clock, handlers).workflow)
    workflow = codec.load_state(state, spec, subprocess_specs)
    ready = workflow.get_tasks(state=TaskState.READY, manual=True)
    assert [t.task_spec.bpmn_id for t in ready] == ["Task_check"]
    assert codec.dump_state(workflow) == state


# --- completing user tasks -------------------------------------------------------------------------

def test_accepting_sends_the_dossier_to_the_leader_and_the_script_records_the_result(
        mini: Definition, clock: ManualClock, handlers: FakeHandlers) -> None:
    instance = start_mini(mini, clock, handlers)
    info = instance.complete_task(only_ready(instance), {"decision": "accept"})
    assert info.element_id == "Task_check"
    [approve] = instance.ready_tasks()
    info = approve.info
    assert (info.element_id, info.role, info.status_code) == ("Task_approve", "leader", 4)
    instance.complete_task(approve.task_id, {})
    assert instance.variables["result"] == "ok-accept"
    assert instance.variables["decision"] == "accept"


def test_the_dossier_is_completed_at_the_end_event(
        mini: Definition, clock: ManualClock, handlers: FakeHandlers) -> None:
    instance = start_mini(mini, clock, handlers)
    instance.complete_task(only_ready(instance), {"decision": "accept"})
    assert not instance.completed
    instance.complete_task(only_ready(instance), {})
    assert instance.completed
    assert instance.ready_tasks() == []
    assert instance.active_elements() == set()
    assert "EndEvent_1" in instance.done_elements()


def test_completing_a_task_that_does_not_exist_is_refused(
        mini: Definition, clock: ManualClock, handlers: FakeHandlers) -> None:
    instance = start_mini(mini, clock, handlers)
    with pytest.raises(TaskNotReady):
        instance.complete_task("00000000-0000-0000-0000-000000000000", {"decision": "accept"})


def test_completing_a_task_twice_is_refused(
        mini: Definition, clock: ManualClock, handlers: FakeHandlers) -> None:
    instance = start_mini(mini, clock, handlers)
    task_id = only_ready(instance)
    instance.complete_task(task_id, {"decision": "accept"})
    with pytest.raises(TaskNotReady):
        instance.complete_task(task_id, {"decision": "supplement"})
    assert [t.info.element_id for t in instance.ready_tasks()] == ["Task_approve"]


def test_a_waiting_timer_is_no_task_a_person_can_complete(
        mini: Definition, clock: ManualClock, handlers: FakeHandlers) -> None:
    instance = start_mini(mini, clock, handlers)
    [timer] = instance.waiting_timers()
    with pytest.raises(TaskNotReady):
        instance.complete_task(timer.task_id, {})


# --- supplements arrive as messages ----------------------------------------------------------------

def test_asking_for_a_supplement_waits_for_the_applicants_answer(
        mini: Definition, clock: ManualClock, handlers: FakeHandlers) -> None:
    instance = start_mini(mini, clock, handlers)
    instance.complete_task(only_ready(instance), {"decision": "supplement"})
    assert instance.ready_tasks() == []
    assert instance.waiting_messages() == {"supplement_received"}


def test_the_applicants_answer_sends_the_dossier_back_to_the_completeness_check(
        mini: Definition, clock: ManualClock, handlers: FakeHandlers) -> None:
    instance = start_mini(mini, clock, handlers)
    first = only_ready(instance)
    instance.complete_task(first, {"decision": "supplement"})
    assert instance.deliver_message("supplement_received", {"documents": ["anh_3x4"]}) is True
    assert handlers.topics() == ["check_completeness", "check_completeness"]
    assert instance.variables["supplement_received"] == {"documents": ["anh_3x4"]}
    again = only_ready(instance)
    assert again != first
    assert instance.waiting_messages() == set()


def test_a_message_nobody_waits_for_is_not_delivered(
        mini: Definition, clock: ManualClock, handlers: FakeHandlers) -> None:
    instance = start_mini(mini, clock, handlers)
    before = Runner().dump(instance)
    assert instance.deliver_message("supplement_received", {"documents": []}) is False
    assert instance.deliver_message("no_such_message", {}) is False
    assert Runner().dump(instance) == before
    assert handlers.topics() == ["check_completeness"]


def test_a_supplement_waiting_for_its_answer_survives_storage(
        mini: Definition, clock: ManualClock, handlers: FakeHandlers) -> None:
    runner = Runner()
    instance = start_mini(mini, clock, handlers)
    instance.complete_task(only_ready(instance), {"decision": "supplement"})
    restored = runner.load(mini, runner.dump(instance), clock, handlers)
    assert restored.waiting_messages() == {"supplement_received"}
    assert restored.deliver_message("supplement_received", {}) is True
    assert [t.info.element_id for t in restored.ready_tasks()] == ["Task_check"]


# --- failures name the element ---------------------------------------------------------------------

@pytest.mark.parametrize("failure", [RuntimeError("gateway down"), NameError("name 'x' is not defined"),
                                     KeyError("dossier")], ids=["runtime", "name", "key"])
def test_a_failing_handler_stops_the_engine_naming_the_service_task(
        mini: Definition, clock: ManualClock, failure: Exception) -> None:
    handlers = FakeHandlers(failing={"check_completeness": failure})
    with pytest.raises(EngineError) as caught:
        start_mini(mini, clock, handlers)
    error = caught.value
    assert type(error) is EngineError
    assert error.element_id == "Service_check"
    assert "handler 'check_completeness' failed" in error.message
    assert str(error).startswith("Service_check: ")


def test_a_handler_failing_when_a_timer_fires_names_its_own_service_task(
        mini: Definition, clock: ManualClock) -> None:
    handlers = FakeHandlers(failing={"notify_leader_forward_overdue": ConnectionError("mail server down")})
    instance = start_mini(mini, clock, handlers)
    clock.set(FORWARD_DUE)
    with pytest.raises(EngineError) as caught:
        instance.fire_due_timers()
    assert caught.value.element_id == "Service_escalate"
    assert "mail server down" in caught.value.message


def test_a_script_that_fails_at_run_time_stops_the_engine_naming_the_script_task(
        clock: ManualClock, handlers: FakeHandlers) -> None:
    definition = load("mini.bpmn", ('result = "ok-" + decision', 'result = "ok-" + reason'))
    instance = Runner().start(definition, {"forward_due": FORWARD_DUE.isoformat()}, clock, handlers)
    instance.complete_task(only_ready(instance), {"decision": "accept"})
    with pytest.raises(EngineError) as caught:
        instance.complete_task(only_ready(instance), {})
    assert caught.value.element_id == "Script_done"
    assert "reason" in caught.value.message


# --- call activities ---------------------------------------------------------------------------------

def test_a_called_process_hands_its_task_to_the_specialist_and_returns(
        clock: ManualClock, handlers: FakeHandlers) -> None:
    runner = Runner()
    definition = load("call_activity.bpmn")
    instance = runner.start(definition, {"dossier_no": "000.00.01.H26-250303-0001"}, clock, handlers)
    [opinion] = instance.ready_tasks()
    assert (opinion.info.element_id, opinion.info.role) == ("Task_opinion", "specialist")
    instance = runner.load(definition, runner.dump(instance), clock, handlers)
    instance.complete_task(opinion.task_id, {"agreed": True})
    assert instance.completed
    assert instance.variables["agreed"] is True
    assert instance.variables["dossier_no"] == "000.00.01.H26-250303-0001"


# --- the spiff dialect runs the same way ---------------------------------------------------------------

def test_a_spiff_dialect_service_task_calls_its_operator_as_the_handler(
        clock: ManualClock, handlers: FakeHandlers) -> None:
    instance = Runner().start(load("spiff_dialect.bpmn"), {}, clock, handlers)
    instance.complete_task(only_ready(instance), {"opinion": "đủ điều kiện"})
    assert handlers.calls == [("Service_issue", "issue_result", {"opinion": "đủ điều kiện"})]
    assert instance.completed
    assert instance.variables["issue_result_done"] is True


# --- the manual clock ---------------------------------------------------------------------------------

def test_the_manual_clock_refuses_a_naive_instant() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        ManualClock(datetime(2031, 3, 3, 8, 0))


def test_the_manual_clock_moves_only_when_told() -> None:
    clock = ManualClock(OPENED)
    assert clock.now() == OPENED
    clock.advance(timedelta(hours=3))
    assert clock.now() == OPENED + timedelta(hours=3)
    clock.set(FORWARD_DUE)
    assert clock.now() == FORWARD_DUE
