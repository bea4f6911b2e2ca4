"""A script or expression drawn in a diagram runs under a budget (steps, sandbox seconds, sizes): one
that loops for ever or builds without bound is cut, says which limit it reached, and ordinary scripts
are untouched. The engine names the element that spent the budget; the obvious endless loop is
refused at deploy with its line."""
from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from engine.clock import ManualClock
from engine.definitions import load_definition
from engine.problems import DiagramRefused
from engine.runner import EngineError, Runner
from engine.sandbox import Budget, BudgetExceeded, Limits, SandboxError, endless_loops, evaluate, execute

MINI = (Path(__file__).parent / "diagrams" / "mini.bpmn").read_text(encoding="utf-8")
SCRIPT = 'result = "ok-" + decision'
SMALL = Limits(seconds=5.0, steps=20_000, max_size=10_000)


def spent(source: str, limits: Limits = SMALL, variables: dict[str, object] | None = None) -> BudgetExceeded:
    started = time.monotonic()
    with pytest.raises(BudgetExceeded) as caught:
        execute(source, dict(variables or {}), Budget(limits))
    assert time.monotonic() - started < 2.0  # cut long before the 5 s of SMALL: by steps or size
    return caught.value


# --- exhaustion is cut -------------------------------------------------------------------------

ENDLESS = {
    "while with a computed condition": "n = 0\nwhile n >= 0:\n    n += 1",
    "an endless loop that swallows every error": "n = 0\nwhile n >= 0:\n    try:\n        n += 1\n"
                                                 "    except:\n        pass",
    "nested comprehensions": "x = [i for i in range(100) for j in range(100) for k in range(100)]",
    "exponential recursion": "def f(n):\n    return 1 if n == 0 else f(n - 1) + f(n - 1)\nx = f(40)",
    "exponential lambda": "f = lambda n: 1 if n == 0 else f(n - 1) + f(n - 1)\nx = f(40)",
    "a large range": "x = list(range(50000))",
    "ranges built in a loop": "t = 0\nfor i in range(100):\n    t += len(list(range(5000)))",
}


@pytest.mark.parametrize("source", ENDLESS.values(), ids=ENDLESS.keys())
def test_a_script_that_runs_without_end_is_cut_by_the_step_budget(source: str) -> None:
    assert spent(source).limit in {"steps", "size"}


GROWING = {
    "repetition of a string": "x = 'a' * 20000",
    "repetition of a list": "x = [0] * 20000",
    "repetition with the operand first": "x = 20000 * 'ab'",
    "doubling by concatenation": "x = 'a'\nwhile len(x) > 0:\n    x = x + x",
    "doubling in place": "x = 'a'\nwhile len(x) > 0:\n    x += x",
    "repetition in place": "x = [1, 2]\nwhile len(x) > 0:\n    x *= 2",
    "a list extended by itself": "x = [1]\nwhile len(x) > 0:\n    x.extend(x)",
    "join of big parts": "x = '-'.join(['a' * 5000] * 3)",
    "replace with a longer text": "x = ('a' * 200).replace('a', 'b' * 100)",
    "padding": "x = 'ab'.ljust(20000)",
    "zero filling": "x = 'ab'.zfill(20000)",
    "squaring an integer": "x = 7\nwhile x > 0:\n    x = x * x",
    "shifting an integer": "x = 1 << 20000",
    "a large power": "x = pow(pow(10, 999), 999)",
    "translation to long texts": "x = ('a' * 100).translate({97: 'b' * 1000})",
}


@pytest.mark.parametrize("source", GROWING.values(), ids=GROWING.keys())
def test_a_script_that_builds_without_bound_is_refused_before_it_builds(source: str) -> None:
    assert spent(source).limit == "size"


@pytest.mark.parametrize("source", ["x = f'{1:>1000000000}'", "x = '%1000000000d' % 1", "x = '%*d' % (9, 1)",
                                    "w = 9\nx = f'{1:>{w}}'"],
                         ids=["f-string width", "percent width", "percent star", "computed f-string width"])
def test_a_huge_or_computed_format_width_is_refused(source: str) -> None:
    with pytest.raises(SandboxError, match="format width"):
        execute(source, {}, Budget(SMALL))


def test_the_time_budget_cuts_a_script_that_stays_within_its_steps() -> None:
    started = time.monotonic()
    with pytest.raises(BudgetExceeded) as caught:
        execute("n = 0\nwhile n >= 0:\n    n += 1", {}, Budget(Limits(seconds=0.2, steps=10**12)))
    elapsed = time.monotonic() - started
    assert caught.value.limit == "seconds"
    assert 0.2 <= elapsed < 1.5


def test_the_budget_is_shared_by_every_run_it_is_given_to() -> None:
    budget = Budget(Limits(steps=1_000))
    execute("for i in range(600):\n    pass", {}, budget)
    with pytest.raises(BudgetExceeded, match="1,000 steps"):
        evaluate("[i for i in range(600)]", {}, budget)


def test_a_script_that_catches_the_cut_and_finishes_is_still_refused() -> None:
    variables: dict[str, object] = {"done": False}
    with pytest.raises(BudgetExceeded):
        execute("try:\n    n = 0\n    while n >= 0:\n        n += 1\nexcept BaseException:\n    pass\n"
                "done = True", variables, Budget(SMALL))
    assert variables == {"done": False}  # nothing it assigned is kept


def test_the_default_limits_come_from_the_engine_section_of_the_configuration() -> None:
    limits = Limits.from_config({"engine": {"script_seconds": 0.5, "script_steps": 10, "script_max_size": 7}})
    assert limits == Limits(seconds=0.5, steps=10, max_size=7)
    assert Limits.from_config({}) == Limits()


# --- ordinary scripts are untouched ---------------------------------------------------------------

def test_ordinary_scripts_run_within_the_default_budget() -> None:
    variables: dict[str, object] = {"fees": [10_000, 20_000], "name": "Nguyễn Văn An"}
    execute("total = 0\nfor fee in fees:\n    total += fee\nline = '-' * 40\n"
            "label = 'Lệ phí: %s đồng' % total\nwide = f'{total:>12}'\nrows = [[0] * 5] * 5\n"
            "title = ' '.join([name, str(total)]).upper()\nn = 0\nwhile True:\n    n += 1\n"
            "    if n > 1000:\n        break", variables)
    assert variables["total"] == 30_000
    assert variables["label"] == "Lệ phí: 30000 đồng"
    assert variables["wide"] == "       30000"
    assert variables["n"] == 1001


# --- what is statically evident is refused at deploy ------------------------------------------------

@pytest.mark.parametrize(("source", "lines"), [
    ("while True:\n    x = 1", [1]),
    ("x = 1\nwhile 1:\n    x += 1", [2]),
    ("while True:\n    for i in [1]:\n        break", [1]),  # that break ends the inner loop only
    ("while True:\n    if x:\n        break", []),
    ("while True:\n    raise ValueError('x')", []),
    ("while x:\n    pass", []),
])
def test_endless_loops_are_found_at_their_line(source: str, lines: list[int]) -> None:
    assert endless_loops(source) == lines


def test_a_diagram_whose_script_never_ends_is_refused_at_deploy_with_the_line_of_the_loop() -> None:
    text = MINI.replace(SCRIPT, "n = 0\nwhile True:\n    n += 1")
    with pytest.raises(DiagramRefused) as caught:
        load_definition(text.encode("utf-8"), "thu_tuc.bpmn")
    [problem] = caught.value.problems
    expected_line = text[:text.index("while True")].count("\n") + 1
    assert (problem.element_id, problem.line) == ("Script_done", expected_line)
    assert "never ends" in problem.message


# --- the engine names the element that spent the budget -------------------------------------------

def run_to_script(script: str, limits: Limits) -> EngineError:
    definition = load_definition(MINI.replace(SCRIPT, script).encode("utf-8"), "mini.bpmn")
    clock = ManualClock(datetime(2031, 3, 3, 8, 0, tzinfo=UTC))
    runner = Runner(limits=limits)
    instance = runner.start(definition, {"forward_due": "2031-03-03T12:00:00+00:00"}, clock,
                            lambda element, topic, data: {})
    instance.complete_task(instance.ready_tasks()[0].task_id, {"decision": "accept"})
    with pytest.raises(EngineError) as caught:
        instance.complete_task(instance.ready_tasks()[0].task_id, {})
    return caught.value


def test_a_script_task_that_spends_its_budget_stops_the_engine_naming_the_element() -> None:
    error = run_to_script("n = 0\nwhile n >= 0:\n    n += 1", SMALL)
    assert error.element_id == "Script_done"
    assert error.budget is not None and error.budget.limit == "steps"


def test_a_script_task_that_builds_too_much_stops_the_engine_naming_the_element() -> None:
    error = run_to_script("x = 'ab' * 100000", SMALL)
    assert error.element_id == "Script_done"
    assert error.budget is not None and error.budget.limit == "size"


LOOP_WITHOUT_SCRIPT = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                  id="Definitions_loop" targetNamespace="http://motcua.test/loop">
  <bpmn:process id="vong" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" />
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="Task_spin" />
    <bpmn:scriptTask id="Task_spin"><bpmn:script>spun = True</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="Task_spin" targetRef="Gateway_1" />
    <bpmn:exclusiveGateway id="Gateway_1" default="f_back" />
    <bpmn:sequenceFlow id="f_back" sourceRef="Gateway_1" targetRef="Task_spin" />
    <bpmn:sequenceFlow id="f_out" sourceRef="Gateway_1" targetRef="EndEvent_1">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">stop == True</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:endEvent id="EndEvent_1" />
  </bpmn:process>
</bpmn:definitions>
"""


def test_a_diagram_that_loops_through_a_gateway_and_a_trivial_script_is_cut_too() -> None:
    definition = load_definition(LOOP_WITHOUT_SCRIPT.encode("utf-8"), "vong.bpmn")
    clock = ManualClock(datetime(2031, 3, 3, 8, 0, tzinfo=UTC))
    started = time.monotonic()
    with pytest.raises(EngineError) as caught:
        Runner(limits=Limits(steps=20_000)).start(definition, {"stop": False}, clock, lambda e, t, d: {})
    assert time.monotonic() - started < 5.0
    assert caught.value.budget is not None and caught.value.budget.limit == "steps"
    assert caught.value.element_id in {"Task_spin", "Gateway_1"}
