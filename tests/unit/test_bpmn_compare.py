"""Comparing two versions of a diagram names the elements added, removed and changed."""
from __future__ import annotations

from pathlib import Path

from engine.bpmn_compare import compare_diagrams

HKD = (Path(__file__).parents[2] / "bpmn_diagrams" / "dang_ky_ho_kinh_doanh.bpmn").read_bytes()


def test_identical_files_have_no_changes() -> None:
    assert compare_diagrams(HKD, HKD) == []


def test_moving_a_shape_is_no_change_of_the_procedure() -> None:
    moved = HKD.replace(b'<dc:Bounds x="', b'<dc:Bounds x="1', 1)
    assert moved != HKD and compare_diagrams(HKD, moved) == []


def test_a_renamed_task_and_a_changed_condition_say_what_changed() -> None:
    new = (HKD.replace("Phê duyệt kết quả".encode(), "Phê duyệt, ký kết quả".encode())
           .replace(b'reception_decision == "refuse"', b'reception_decision == "reject"'))
    changes = {c.element_id: c for c in compare_diagrams(HKD, new)}
    assert set(changes) == {"Task_leader_approve", "Flow_refuse_at_reception"}
    assert changes["Task_leader_approve"].details == ("name: 'Phê duyệt kết quả' → 'Phê duyệt, ký kết quả'",)
    assert "reject" in changes["Flow_refuse_at_reception"].details[0]


def test_a_changed_role_and_a_removed_form_field_are_named() -> None:
    new = (HKD.replace(b'camunda:candidateGroups="leader"', b'camunda:candidateGroups="specialist"')
           .replace(b'<camunda:formField id="leader_note"', b'<camunda:formField id="leader_comment"'))
    (change,) = compare_diagrams(HKD, new)
    assert change.element_id == "Task_leader_approve"
    assert "@camunda:candidateGroups: 'leader' → 'specialist'" in change.details
    assert any(d.startswith("formField leader_note:") and d.endswith("(none)") for d in change.details)
    assert any(d.startswith("formField leader_comment: (none)") for d in change.details)


def test_removed_and_added_elements_and_the_lanes_that_hold_them() -> None:
    new = HKD.replace(b"Task_specialist_review", b"Task_specialist_appraise")
    changes = {(c.kind, c.element_id): c for c in compare_diagrams(HKD, new)}
    assert ("removed", "Task_specialist_review") in changes
    assert ("added", "Task_specialist_appraise") in changes
    lane = changes[("changed", "Lane_specialist")]
    assert lane.details == ("flowNodeRef: + Task_specialist_appraise; − Task_specialist_review",)
