"""Which deadlines a dossier has, as the rules say (R8.1 statutory time, R14.4 forward limit, R8.2
per-step limits, supplement pauses), and processing time net of waiting (R8.3). No database."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from adapters.config import ConfigError
from engine.calendar import WorkCalendar
from processes.timekeeping.deadlines import (
    DUE,
    FORWARD,
    STEP,
    WARNING,
    Clock,
    Deadline,
    OpenTask,
    net_processing_hours,
    plan,
    warning_working_days,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CAL = WorkCalendar()


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VN)


def accepted(accepted_at: datetime, due_at: datetime, status: int = 4, **changes: object) -> Clock:
    facts: dict[str, object] = {"status_code": status, "accepted_at": accepted_at, "due_at": due_at,
                                "paused_at": None, "finished_at": None, **changes}
    return Clock(**facts)  # type: ignore[arg-type]


def review(due_at: datetime | None, element: str = "Task_review", role: str = "specialist") -> OpenTask:
    return OpenTask(task_id=f"id-{element}", element_id=element, role=role, due_at=due_at)


def kinds(deadlines: list[Deadline]) -> dict[str, datetime]:
    return {d.kind: d.due_at for d in deadlines}


# -- the statutory time (R8.1) -------------------------------------------------------------------------
def test_an_accepted_dossier_is_due_at_its_appointment_and_warned_one_working_day_before() -> None:
    clock = accepted(at(2026, 3, 2, 9), at(2026, 3, 5, 9))
    assert kinds(plan(clock, [], CAL, 1)) == {DUE: at(2026, 3, 5, 9), WARNING: at(2026, 3, 4, 9)}


def test_the_warning_before_an_appointment_after_tet_comes_before_tet() -> None:
    clock = accepted(at(2026, 2, 13, 10), at(2026, 2, 25, 10))
    assert kinds(plan(clock, [], CAL, 1))[WARNING] == at(2026, 2, 24, 10)
    assert kinds(plan(accepted(at(2026, 2, 12, 10), at(2026, 2, 25, 10)), [], CAL, 3))[WARNING] == \
        at(2026, 2, 13, 10)  # three working days back: Tuesday, Monday 23, then Friday 13 before Tết


def test_a_statutory_time_shorter_than_the_warning_gets_no_warning() -> None:
    clock = accepted(at(2026, 3, 2, 9), at(2026, 3, 2, 17))  # a same-day procedure
    assert kinds(plan(clock, [], CAL, 1)) == {DUE: at(2026, 3, 2, 17)}


def test_no_warning_when_the_configuration_turns_it_off() -> None:
    clock = accepted(at(2026, 3, 2, 9), at(2026, 3, 5, 9))
    assert kinds(plan(clock, [], CAL, 0)) == {DUE: at(2026, 3, 5, 9)}


def test_a_dossier_not_yet_accepted_has_no_statutory_deadline() -> None:
    clock = Clock(status_code=1, accepted_at=None, due_at=None, paused_at=None, finished_at=None)
    assert plan(clock, [], CAL, 1) == []


# -- pauses and the end ----------------------------------------------------------------------------
def test_waiting_for_the_applicants_supplement_stops_every_deadline() -> None:
    clock = accepted(at(2026, 3, 2, 9), at(2026, 3, 5, 9), status=5, paused_at=at(2026, 3, 3, 9))
    assert plan(clock, [review(at(2026, 3, 3, 10))], CAL, 1) == []


@pytest.mark.parametrize("status, finished", [(8, True), (9, True), (10, True), (3, False)],
                         ids=["stopped", "finished", "result returned", "not accepted"])
def test_a_finished_refused_or_delivered_dossier_has_no_deadline(status: int, finished: bool) -> None:
    clock = accepted(at(2026, 3, 2, 9), at(2026, 3, 5, 9), status=status,
                     finished_at=at(2026, 3, 4, 9) if finished else None)
    assert plan(clock, [review(at(2026, 3, 3, 9))], CAL, 1) == []


# -- limits of single steps --------------------------------------------------------------------------
def test_reception_has_half_a_working_day_to_forward_a_dossier_it_has_not_accepted_yet() -> None:
    clock = Clock(status_code=1, accepted_at=None, due_at=None, paused_at=None, finished_at=None)
    check = review(CAL.add_working_days(at(2026, 3, 2, 9), 0.5), "Task_reception_check", "reception")
    [limit] = plan(clock, [check], CAL, 1)
    assert (limit.kind, limit.element_id, limit.due_at) == (FORWARD, "Task_reception_check", at(2026, 3, 2, 14, 30))


def test_a_step_with_a_limit_of_its_own_has_a_step_limit() -> None:  # e.g. a consulted agency's (R8.2)
    clock = accepted(at(2026, 3, 2, 9), at(2026, 3, 9, 9))
    steps = [d for d in plan(clock, [review(at(2026, 3, 4, 9), "Task_consult_police")], CAL, 1) if d.task_id]
    assert [(d.kind, d.element_id, d.due_at) for d in steps] == [(STEP, "Task_consult_police", at(2026, 3, 4, 9))]


def test_a_step_due_at_the_appointment_has_no_limit_of_its_own() -> None:
    clock = accepted(at(2026, 3, 2, 9), at(2026, 3, 5, 9))
    assert {d.kind for d in plan(clock, [review(at(2026, 3, 5, 9)), review(None, "Task_other")], CAL, 1)} == \
        {DUE, WARNING}


def test_a_step_the_diagram_escalates_itself_gets_no_second_timer() -> None:
    clock = Clock(status_code=1, accepted_at=None, due_at=None, paused_at=None, finished_at=None)
    check = review(at(2026, 3, 2, 14, 30), "Task_reception_check", "reception")
    assert plan(clock, [check], CAL, 1, drawn=frozenset({"Task_reception_check"})) == []


def test_the_same_deadline_has_the_same_key_whatever_its_instant() -> None:
    one = Deadline(DUE, "statutory", None, at(2026, 3, 5, 9))
    moved = Deadline(DUE, "statutory", None, at(2026, 3, 9, 9))
    assert one.key == moved.key  # a moved appointment re-arms the row, it does not add one


# -- configuration -----------------------------------------------------------------------------------
def test_the_warning_is_one_working_day_by_default() -> None:
    assert warning_working_days({}) == 1.0
    assert warning_working_days({"deadlines": {"warning_working_days": 0.5}}) == 0.5


@pytest.mark.parametrize("bad", [-1, 400, "1", True, None])
def test_a_warning_that_is_no_number_of_working_days_is_refused(bad: object) -> None:
    with pytest.raises(ConfigError, match="deadlines.warning_working_days"):
        warning_working_days({"deadlines": {"warning_working_days": bad}})


# -- processing time net of waiting (R8.3) ------------------------------------------------------------
def test_processing_time_leaves_out_the_time_waiting_for_the_applicant() -> None:
    total = net_processing_hours(CAL, at(2026, 3, 2, 9), at(2026, 3, 6, 9),
                                 [(at(2026, 3, 3, 9), at(2026, 3, 5, 9))])
    assert total == 32.0 - 16.0


def test_a_pause_still_open_counts_as_waiting_until_now() -> None:
    assert net_processing_hours(CAL, at(2026, 3, 2, 9), at(2026, 3, 3, 9), [(at(2026, 3, 2, 13), None)]) == 2.5


def test_a_pause_before_acceptance_does_not_count_against_the_processing_time() -> None:
    paused = [(at(2026, 3, 2, 9), at(2026, 3, 2, 15))]
    assert net_processing_hours(CAL, at(2026, 3, 3, 9), at(2026, 3, 4, 9), paused) == 8.0
