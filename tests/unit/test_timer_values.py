"""A timer whose value is written in the diagram and is no ISO 8601 value is refused at deploy,
naming the timer and its line; a value known only at run time stops the workflow at the timer."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.definitions import load_definition
from engine.problems import DiagramRefused
from engine.timer_values import timer_value_problem

DIAGRAMS = Path(__file__).parent / "diagrams"


def refusal(name: str, old: str, new: str) -> list[str]:
    text = (DIAGRAMS / name).read_text(encoding="utf-8")
    assert old in text
    with pytest.raises(DiagramRefused) as caught:
        load_definition(text.replace(old, new).encode("utf-8"), name)
    return [str(p) for p in caught.value.problems]


def timer_line(name: str, needle: str) -> int:
    lines = (DIAGRAMS / name).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if needle in line)


def test_a_duration_in_words_is_refused_at_deploy_naming_the_timer_and_line() -> None:
    [problem] = refusal("duration_timer.bpmn", '"PT2H"', '"soon"')
    line = timer_line("duration_timer.bpmn", '"PT2H"')
    assert problem.startswith(f"duration_timer.bpmn:{line}: Timer_wait: ")
    assert "'soon' is not ISO 8601" in problem


def test_a_number_is_no_timer_value() -> None:
    [problem] = refusal("duration_timer.bpmn", '"PT2H"', "4")
    assert "Timer_wait" in problem and "is not text" in problem


def test_a_timer_date_without_utc_offset_is_refused() -> None:
    [problem] = refusal("mini.bpmn", ">forward_due<", '>"2026-03-05T08:00:00"<')
    assert "Timer_forward" in problem and "no UTC offset" in problem


def test_a_variable_is_accepted_at_deploy() -> None:
    text = (DIAGRAMS / "mini.bpmn").read_bytes()
    assert "Task_check" in load_definition(text, "mini.bpmn").user_tasks


@pytest.mark.parametrize("tag, value", [
    ("timeDuration", "PT4H"), ("timeDuration", "P3D"), ("timeDuration", "P1DT2H30M"),
    ("timeDate", "2026-03-05T08:00:00+07:00"), ("timeCycle", "R3/PT1H"),
])
def test_iso_values_are_usable(tag: str, value: str) -> None:
    assert timer_value_problem(tag, value) is None


@pytest.mark.parametrize("tag, value, expected", [
    ("timeDuration", "P", "not ISO 8601"),
    ("timeDuration", "3 days", "not ISO 8601"),
    ("timeDuration", "PT4X", "not ISO 8601"),
    ("timeDate", "tomorrow", "not an ISO 8601 date-time"),
    ("timeDate", "PT4H", "not an ISO 8601 date-time"),
    ("timeCycle", "every hour", "not ISO 8601"),
    ("timeDate", None, "not text"),
])
def test_unusable_values_say_what_is_wrong(tag: str, value: object, expected: str) -> None:
    problem = timer_value_problem(tag, value)
    assert problem is not None and expected in problem
