"""The analysts' studio in a real browser (issue 16): the analyst changes a task's role and a form field
in the properties panel, saves, sees the dead end they drew marked on its element, fixes it and proposes;
the administrator sees what changes on the diagram and deploys; a new dossier runs on the new version."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest
import sqlalchemy as sa

from adapters.bootstrap import Services
from models import Dossier, ProcessDefinition, UserTask
from tests.integration.test_procedures import DIAGRAMS, catalogue, submit

CODE = "1.000656"  # Đăng ký khai tử (bpmn_diagrams/dang_ky_khai_tu.bpmn)
TASK = "Task_reception_check"
NEW_LABEL = "Ghi chú của bộ phận một cửa"


def log_in(browser: Any, live_server: str, username: str, target: str) -> Any:
    context = browser.new_context(locale="vi-VN", viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server}/login?next={target}")
    page.locator("#f-username").fill(username)
    page.locator("#f-password").fill("demo")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"**{target}")
    return page


def test_analyst_draws_checks_and_proposes_then_admin_sees_the_diff_deploys_and_new_dossiers_follow(
        playwright_browser: Any, live_server: str, services: Services) -> None:
    analyst = log_in(playwright_browser, live_server, "analyst", f"/admin/definitions/{CODE}/edit")
    failures: list[str] = []
    analyst.on("pageerror", lambda e: failures.append(str(e)))
    analyst.wait_for_selector("body[data-studio=ready]")
    panel = analyst.locator("#studio-panel")
    status = analyst.locator("#studio-status")
    expect = pytest.importorskip("playwright.sync_api").expect

    # The role of the reception check becomes the leader's, in MotCua's own group of the panel.
    analyst.locator(f'[data-element-id="{TASK}"]').first.click()
    panel.get_by_label("Vai trò thực hiện").select_option("leader")
    # A form field's label, in the Camunda panel's form fields (its words in Vietnamese too).
    panel.get_by_text("Trường của biểu mẫu", exact=True).click()
    panel.get_by_text("reception_note", exact=True).click()
    label = panel.locator(f"#bio-properties-panel-{TASK}-formField-1-formFieldLabel")
    label.fill(NEW_LABEL)
    label.press("Tab")

    # A dead end: the flow that leaves the task is deleted, with the context pad's bin (first a click on
    # the empty canvas, so that the task's own context pad does not cover the flow).
    box = analyst.locator("#studio-canvas").bounding_box()
    analyst.locator("#studio-canvas").click(position={"x": box["width"] - 120, "y": 25})
    analyst.locator('[data-element-id="Flow_to_reception_decision"] .djs-hit').first.click(force=True)
    analyst.locator('.djs-context-pad [data-action="delete"]').click()
    analyst.get_by_role("button", name="Lưu", exact=True).click()
    expect(status).to_contain_text("lỗi")
    problems = analyst.locator("#studio-problem-list li")
    texts = problems.all_inner_texts()
    assert [t for t in texts if f": {TASK}: " in t], texts  # the dead end, named at its element and line
    assert any("Gateway_reception_decision" in t for t in texts), texts  # and what no flow reaches any more
    marked = analyst.locator(f'g.djs-element.studio-problem[data-element-id="{TASK}"]')
    assert marked.count() == 1
    assert "Traceback" not in " ".join(texts) and "Expected 1 result" not in " ".join(texts)

    # Fixed by undoing the deletion; saved again, the diagram is valid and nothing is marked.
    analyst.get_by_role("button", name="Hoàn tác").click()
    analyst.get_by_role("button", name="Lưu", exact=True).click()
    expect(status).to_contain_text("hợp lệ")
    assert analyst.locator("g.djs-element.studio-problem").count() == 0
    assert "Đã lưu bản nháp" in status.inner_text()

    # Proposed: the proposal page of the administrator's queue.
    analyst.locator("#studio-note").fill("Lãnh đạo kiểm tra hồ sơ khai tử")
    analyst.get_by_role("button", name="Đề xuất", exact=True).click()
    analyst.wait_for_url("**/admin/definitions/proposals/*")
    proposal_url = analyst.url
    assert not failures, failures

    # The administrator sees what changes, on the diagram and in words, then deploys.
    admin = log_in(playwright_browser, live_server, "admin", urlparse(proposal_url).path)
    admin.get_by_role("button", name="Triển khai và công bố…").click()
    admin.wait_for_url("**/deploy*")
    changes = admin.locator("table.changes").inner_text()
    assert TASK in changes, changes
    new_svg = admin.locator("img.diagram").first.get_attribute("src")
    drawing = admin.request.get(live_server + new_svg).text()
    assert TASK in drawing and "state-changed" in drawing
    admin.get_by_role("button", name="Xác nhận triển khai và công bố").click()
    admin.wait_for_load_state()
    assert admin.get_by_text("phiên bản 2").count() >= 1

    # A new dossier runs on version 2: its first step waits for the leader, with the new label.
    code = submit(services, catalogue(DIAGRAMS / "dang_ky_khai_tu.toml"))
    with services.session_factory() as s:
        dossier = s.scalar(sa.select(Dossier).where(Dossier.code == code))
        assert dossier is not None
        definition = s.get(ProcessDefinition, dossier.definition_id)
        assert definition is not None and definition.version == 2
        assert NEW_LABEL.encode() in definition.bpmn
        [task] = s.scalars(sa.select(UserTask).where(UserTask.dossier_id == dossier.id,
                                                    UserTask.completed_at.is_(None))).all()
        assert (task.element_id, task.role) == (TASK, "leader")


def test_the_studio_has_no_serious_accessibility_violation(playwright_browser: Any, live_server: str) -> None:
    from tests.browser.test_accessibility import _axe_source, _violations

    page = log_in(playwright_browser, live_server, "analyst", f"/admin/definitions/{CODE}/edit")
    page.wait_for_selector("body[data-studio=ready]")
    page.locator(f'[data-element-id="{TASK}"]').first.click()  # the panel shows MotCua's fields
    page.locator("#studio-panel").get_by_label("Vai trò thực hiện").wait_for()
    assert _violations(page, _axe_source()) == []


def test_the_analyst_test_runs_the_drawing_and_sees_the_path_and_the_statuses(
        playwright_browser: Any, live_server: str) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    page = log_in(playwright_browser, live_server, "analyst", f"/admin/definitions/{CODE}/edit")
    page.wait_for_selector("body[data-studio=ready]")
    page.get_by_label("Lựa chọn").fill("reception_decision=refuse")
    page.get_by_label("Thời điểm nộp", exact=False).fill("2026-12-04T09:00")
    page.get_by_role("button", name="Chạy thử", exact=True).click()
    outcome = page.locator("#studio-run-outcome")
    expect(outcome).to_contain_text("EndEvent_refused_at_reception")
    expect(outcome).to_contain_text("Không được tiếp nhận")
    rows = page.locator("#studio-run-steps tbody tr").all_inner_texts()
    assert any("Task_reception_check" in r and "reception_decision=refuse" in r for r in rows), rows
    assert page.locator(f'g.djs-element.studio-passed[data-element-id="{TASK}"]').count() == 1
    assert page.locator('g.djs-element.studio-passed[data-element-id="Task_specialist_review"]').count() == 0
