"""A timer in working days (the studio panel's "Chờ (ngày làm việc)": `camunda:property working_days` on a
timer event) waits that many working days of the province's calendar, survives being stored, and a value
that is not a number of days is refused at deploy, at its element and line."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from engine.calendar import WorkCalendar
from engine.clock import ManualClock
from engine.definitions import load_definition
from engine.problems import DiagramRefused
from engine.runner import EngineError, Runner

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TEXT = (Path(__file__).parent / "diagrams" / "duration_timer.bpmn").read_text(encoding="utf-8")


def diagram(days: str) -> bytes:
    return TEXT.replace('<bpmn:intermediateCatchEvent id="Timer_wait" name="Chờ hai giờ">', f'''
    <bpmn:intermediateCatchEvent id="Timer_wait" name="Chờ hai ngày làm việc">
      <bpmn:extensionElements><camunda:properties>
        <camunda:property name="working_days" value="{days}" />
      </camunda:properties></bpmn:extensionElements>''').encode("utf-8")


def no_handlers(element_id: str, topic: str, data: Mapping[str, Any]) -> Mapping[str, Any]:
    raise AssertionError("no handler here")


def test_a_timer_waits_working_days_over_a_weekend_and_fires_then() -> None:
    clock = ManualClock(datetime(2026, 12, 4, 9, 0, tzinfo=VN))  # a Friday, 09:00
    runner = Runner()
    definition = load_definition(diagram("2"), "wait.bpmn")
    instance = runner.start(definition, {}, clock, no_handlers, WorkCalendar())
    [timer] = instance.waiting_timers()
    assert timer.due_at == datetime(2026, 12, 8, 9, 0, tzinfo=VN)  # Tuesday 09:00: Saturday, Sunday off
    state = runner.dump(instance)  # stored and loaded again, as between two requests
    clock.set(datetime(2026, 12, 8, 8, 59, tzinfo=VN))
    again = runner.load(definition, state, clock, no_handlers, WorkCalendar())
    assert again.fire_due_timers() == []
    clock.set(datetime(2026, 12, 8, 9, 0, tzinfo=VN))
    assert again.fire_due_timers() == ["Timer_wait"]
    assert [t.info.element_id for t in again.ready_tasks()] == ["Task_sign"]


def test_half_a_working_day_written_with_a_comma() -> None:
    clock = ManualClock(datetime(2026, 12, 7, 8, 0, tzinfo=VN))  # Monday 08:00
    instance = Runner().start(load_definition(diagram("0,5"), "wait.bpmn"), {}, clock, no_handlers, WorkCalendar())
    [timer] = instance.waiting_timers()
    # Four working hours: 08:00–11:30 is three and a half, the afternoon opens at 13:00, half an hour more.
    assert timer.due_at.astimezone(UTC) == datetime(2026, 12, 7, 13, 30, tzinfo=VN).astimezone(UTC)


def test_without_a_calendar_the_run_stops_at_the_timer_naming_it() -> None:
    clock = ManualClock(datetime(2026, 12, 4, 9, 0, tzinfo=VN))
    with pytest.raises(EngineError) as stopped:
        Runner().start(load_definition(diagram("2"), "wait.bpmn"), {}, clock, no_handlers)
    assert stopped.value.element_id == "Timer_wait" and "working calendar" in stopped.value.message


@pytest.mark.parametrize("value", ["hai", "-1", "400", ""])
def test_a_value_that_is_not_a_number_of_working_days_is_refused_at_its_element(value: str) -> None:
    if not value:  # an empty property is no working-days timer: the event has no time value at all
        with pytest.raises(DiagramRefused):
            load_definition(diagram(value).replace(b"<bpmn:timeDuration", b"<!--").replace(
                b"</bpmn:timeDuration>", b"-->"), "wait.bpmn")
        return
    with pytest.raises(DiagramRefused) as refused:
        load_definition(diagram(value), "wait.bpmn")
    [problem] = refused.value.problems
    assert problem.element_id == "Timer_wait" and problem.line and "working_days" in problem.message


def test_the_test_run_waits_the_working_days_on_the_calendar() -> None:
    from handlers.default import default_registry
    from processes.definitions.simulation import simulate

    friday = datetime(2026, 12, 4, 9, 0, tzinfo=VN)
    run = simulate(load_definition(diagram("2"), "wait.bpmn"), None, WorkCalendar(), default_registry(), friday)
    assert run.end_event == "EndEvent_1", run.reason
    [timer] = [s for s in run.steps if s.kind == "timer"]
    assert (timer.element_id, timer.at) == ("Timer_wait", datetime(2026, 12, 8, 9, 0, tzinfo=VN))
