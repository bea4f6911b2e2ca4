"""The definitions pages of /admin and the dossier's drawing, through HTTP as a browser and an API
client would use them."""
from __future__ import annotations

import io
import json
import re
from datetime import timedelta
from typing import Any

import pytest
from lxml import etree
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from adapters.bootstrap import Services
from engine.clock import ManualClock
from processes.definitions.deploy import deploy_file
from tests.helpers import HKD, HKD_FORM, PDF, PNG, api_agreeing, session_of
from tests.integration.versions_support import HKD_BPMN, HKD_TOML, copy_with, hkd_version_2_bytes

SVG = {"s": "http://www.w3.org/2000/svg"}


def login(client: Any, username: str) -> None:
    with client.session_transaction() as s:
        s["sid"] = session_of(client, username)
        s["csrf"] = "t"


def upload(client: Any, action: str, bpmn: bytes, toml: bytes | None = None, **extra: str) -> Any:
    data: dict[str, Any] = {"csrf_token": "t", "action": action, "bpmn": FileStorage(io.BytesIO(bpmn), HKD_BPMN.name),
                            **extra}
    if toml is not None:
        data["catalogue"] = FileStorage(io.BytesIO(toml), HKD_TOML.name)
    # Encoded in memory: the test client would spool a large body to a temporary file it never closes.
    boundary, body = encode_multipart(data)
    return client.post("/admin/definitions/upload", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def text(resp: Any) -> str:
    return resp.get_data(as_text=True)


# -- pages ------------------------------------------------------------------------------------------
def test_the_admin_landing_page_links_to_every_section(client: Any) -> None:
    login(client, "admin")
    page = text(client.get("/admin"))
    for path in ("/admin/definitions", "/admin/calendar", "/admin/agencies", "/admin/users", "/admin/reports"):
        assert f'href="{path}"' in page


def test_administrators_see_procedures_and_versions_in_vietnamese_and_english(client: Any) -> None:
    login(client, "admin")
    page = text(client.get("/admin/definitions"))
    assert "Quy trình và sơ đồ BPMN" in page and HKD in page and "Đăng ký thành lập hộ kinh doanh" in page
    assert 'value="deploy"' in page
    english = text(client.get("/admin/definitions?lang=en"))
    assert "Processes and BPMN diagrams" in english and "Upload a diagram" in english
    detail = text(client.get(f"/admin/definitions/{HKD}?lang=vi"))
    assert "Lịch sử công bố" in detail and "dang_ky_ho_kinh_doanh.bpmn" in detail


def test_analysts_validate_and_propose_but_see_no_deploy_button(client: Any) -> None:
    login(client, "analyst")
    page = text(client.get("/admin/definitions"))
    assert 'value="validate"' in page and 'value="propose"' in page and 'value="deploy"' not in page
    assert upload(client, "deploy", hkd_version_2_bytes(), HKD_TOML.read_bytes()).status_code == 403


def test_citizens_and_officers_are_refused(client: Any) -> None:
    for user in ("citizen", "reception"):
        login(client, user)
        assert client.get("/admin/definitions").status_code == 403
        assert client.get(f"/admin/definitions/{HKD}").status_code == 403


def test_validation_shows_problem_lines_and_stores_nothing(client: Any) -> None:
    login(client, "analyst")
    broken = HKD_BPMN.read_bytes().replace(b'camunda:topic="accept_dossier"', b'camunda:topic="no_such_handler"')
    resp = upload(client, "propose", broken, HKD_TOML.read_bytes())
    page = text(resp)
    assert resp.status_code == 200
    assert re.search(r"dang_ky_ho_kinh_doanh\.bpmn:\d+: Task_accept_dossier: no handler is registered for topic "
                     r"&#39;no_such_handler&#39;", page), page
    assert "không được lưu thành đề xuất" in page
    assert "Chưa có đề xuất nào." in text(client.get("/admin/definitions"))


def test_a_missing_catalogue_is_named_with_the_diagrams_own_problems(client: Any) -> None:
    login(client, "analyst")
    model_only = HKD_BPMN.read_bytes().replace(b'isExecutable="true"', b'isExecutable="false"')
    page = text(upload(client, "validate", model_only))
    assert "no process is marked isExecutable" in page and "no catalogue entry: dang_ky_ho_kinh_doanh.toml" in page


def test_analyst_proposes_administrator_compares_deploys_rolls_back(client: Any) -> None:
    login(client, "analyst")
    page = text(upload(client, "propose", hkd_version_2_bytes(), HKD_TOML.read_bytes(), note="bỏ bước trả kết quả"))
    proposal = re.search(r"/admin/definitions/proposals/(\d+)", page)
    assert proposal and "Task_reception_deliver" in page  # the changes against the published version
    login(client, "admin")
    detail = text(client.get(proposal.group(0)))
    assert "Chờ duyệt" in detail and "bỏ bước trả kết quả" in detail
    assert client.get(proposal.group(0) + "/diagram.svg").mimetype == "image/svg+xml"
    deployed = text(client.post(proposal.group(0) + "/deploy", data={"csrf_token": "t", "confirm": "yes"}))
    assert "phiên bản 2" in deployed
    compare = text(client.get(f"/admin/definitions/{HKD}/compare?old=1&new=2"))
    assert "Task_reception_deliver" in compare and "Task_specialist_appraise" in compare and "Bỏ" in compare
    resp = client.post(f"/admin/definitions/{HKD}/rollback", data={"csrf_token": "t", "version": "1",
                                                                   "confirm": "yes"})
    assert resp.status_code == 302
    history = text(client.get(resp.headers["Location"]))
    assert "Đã công bố lại phiên bản 1" in history and "Quay lại phiên bản cũ" in history


def _published(client: Any) -> str:
    return re.search(r"Phiên bản đang công bố: <strong>(\d+|—)</strong>",
                     text(client.get(f"/admin/definitions/{HKD}"))).group(1)  # type: ignore[union-attr]


def test_a_deploy_shows_what_changes_and_publishes_only_once_confirmed(client: Any) -> None:
    login(client, "admin")
    resp = upload(client, "deploy", hkd_version_2_bytes(), HKD_TOML.read_bytes())
    assert resp.status_code == 303  # stored and shown, not published
    confirm_url = resp.headers["Location"]
    assert re.search(r"/admin/definitions/proposals/\d+/deploy$", confirm_url)
    page = text(client.get(confirm_url))
    assert "Xác nhận triển khai đề xuất số" in page
    assert "Task_reception_deliver" in page and "Task_specialist_appraise" in page  # the changes
    assert "hồ sơ đang xử lý vẫn chạy theo phiên bản 1" in page
    assert 'name="confirm" value="yes"' in page
    assert _published(client) == "1"
    # One click without the confirmation publishes nothing: back to the page that shows the changes.
    unconfirmed = client.post(confirm_url, data={"csrf_token": "t"})
    assert unconfirmed.status_code == 303 and unconfirmed.headers["Location"].endswith(confirm_url)
    assert _published(client) == "1"
    done = text(client.post(confirm_url, data={"csrf_token": "t", "confirm": "yes"}))
    assert "Đã triển khai và công bố: thủ tục" in done and _published(client) == "2"


def test_a_rollback_shows_what_changes_and_the_running_dossiers_then_needs_the_confirmation(
        client: Any, token: Any, services: Services, tmp_path: Any) -> None:
    code = submit(client, token)
    assert deploy_file(services, "admin", copy_with(tmp_path, bpmn=hkd_version_2_bytes())).ok
    login(client, "admin")
    procedure = text(client.get(f"/admin/definitions/{HKD}"))
    assert f'action="/admin/definitions/{HKD}/rollback"' in procedure and 'method="get"' in procedure
    page = text(client.get(f"/admin/definitions/{HKD}/rollback?version=1"))
    assert "Xác nhận công bố lại phiên bản 1" in page
    assert "Task_reception_deliver" in page  # what version 1 has that the published version 2 lacks
    assert "Phiên bản 1: 1 hồ sơ vẫn chạy theo phiên bản này." in page and code
    resp = client.post(f"/admin/definitions/{HKD}/rollback", data={"csrf_token": "t", "version": "1"})
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"/admin/definitions/{HKD}/rollback?version=1")
    assert _published(client) == "2"
    resp = client.post(f"/admin/definitions/{HKD}/rollback", data={"csrf_token": "t", "version": "1", "confirm": "yes"})
    assert resp.status_code == 302 and _published(client) == "1"
    assert client.get(f"/admin/definitions/{HKD}/rollback?version=9").status_code == 404


def test_migration_dry_run_then_migrate_from_the_admin_pages(client: Any, token: Any, services: Services,
                                                             tmp_path: Any) -> None:
    code = submit(client, token)
    work(client, token, code, "reception")
    assert deploy_file(services, "admin", copy_with(tmp_path, bpmn=hkd_version_2_bytes())).ok
    login(client, "analyst")
    dry = text(client.get(f"/admin/definitions/{HKD}/migrate?to=2"))
    assert code in dry and "Chuyển được" in dry and 'name="to"' not in dry  # analysts see, do not migrate
    assert client.post(f"/admin/definitions/{HKD}/migrate", data={"csrf_token": "t", "to": "2"}).status_code == 403
    login(client, "admin")
    assert 'value="2"' in text(client.get(f"/admin/definitions/{HKD}/migrate?to=2"))
    moved = text(client.post(f"/admin/definitions/{HKD}/migrate", data={"csrf_token": "t", "to": "2"}))
    assert "Đã chuyển 1 hồ sơ" in moved
    assert [t["name"] for t in client.get("/api/v1/tasks", headers=token("specialist")).json
            if t["dossier"] == code] == ["Task_specialist_appraise"]


def test_a_post_without_the_csrf_token_is_refused(client: Any) -> None:
    login(client, "admin")
    resp = client.post(f"/admin/definitions/{HKD}/rollback", data={"version": "1"})
    assert resp.status_code == 400


def test_an_upload_over_the_size_limit_gets_413_before_it_is_read(client: Any) -> None:
    login(client, "admin")
    resp = upload(client, "deploy", b" " * (7 * 1024 * 1024), HKD_TOML.read_bytes())
    assert resp.status_code == 413 and "Tệp gửi lên quá lớn: sơ đồ và thông tin danh mục cộng lại tối đa" in text(resp)


def test_an_oversized_diagram_under_the_request_limit_is_refused_by_its_size(client: Any) -> None:
    login(client, "admin")
    page = text(upload(client, "validate", b" " * (5 * 1024 * 1024 + 10), HKD_TOML.read_bytes()))
    assert "file is 5,242,890 bytes; the limit is 5,242,880 bytes" in page


# -- the dossier's drawing ---------------------------------------------------------------------------
def submit(client: Any, token: Any) -> str:
    files = {"documents.giay_de_nghi": (io.BytesIO(PDF), "de-nghi.pdf"),
             "documents.giay_to_phap_ly": (io.BytesIO(PNG), "cccd.png")}
    payload = json.dumps({"procedure": HKD, "form": HKD_FORM, "channel": "counter", "declaration": True})
    resp = client.post("/api/v1/dossiers", headers=token("citizen"), content_type="multipart/form-data",
                       data={"payload": payload, **files})
    assert resp.status_code == 201, resp.json
    return str(resp.json["code"])


def work(client: Any, token: Any, code: str, user: str) -> None:
    for task in client.get("/api/v1/tasks", headers=token(user)).json:
        if task["dossier"] == code:
            resp = client.post(f"/api/v1/tasks/{task['id']}/complete", **api_agreeing(client, token, task, user))
            assert resp.status_code == 200, resp.json


def states(svg: bytes) -> dict[str, str]:
    """Element id -> state class of every marked shape."""
    root = etree.fromstring(svg)
    found = {}
    for g in root.xpath("//s:g[contains(@class, 'state-')]", namespaces=SVG):
        state = next(c for c in g.get("class").split() if c.startswith("state-"))
        if "shape" in g.get("class").split():
            found[g.get("data-element-id")] = state
    return found


def test_the_applicant_sees_done_and_active_steps_in_vietnamese(client: Any, token: Any) -> None:
    code = submit(client, token)
    work(client, token, code, "reception")
    resp = client.get(f"/api/v1/dossiers/{code}/diagram.svg", headers=token("citizen"))
    assert resp.status_code == 200 and resp.mimetype == "image/svg+xml"
    marked = states(resp.data)
    assert marked["Task_specialist_review"] == "state-active"
    assert marked["Task_reception_check"] == "state-done" and marked["StartEvent_submitted"] == "state-done"
    assert "Task_leader_approve" not in marked and "Event_forward_overdue" not in marked
    legend = " ".join(etree.fromstring(resp.data).xpath("//s:g[@class='legend']//s:text/text()", namespaces=SVG))
    assert legend == "Đã xong Đang xử lý"
    english = client.get(f"/api/v1/dossiers/{code}/diagram.svg?lang=en", headers=token("citizen")).data
    assert b">Done<" in english and b">In process<" in english


def test_an_open_task_past_its_due_instant_is_overdue(client: Any, token: Any, clock: ManualClock) -> None:
    code = submit(client, token)
    clock.advance(timedelta(days=3))
    marked = states(client.get(f"/api/v1/dossiers/{code}/diagram.svg", headers=token("reception")).data)
    assert marked["Task_reception_check"] == "state-overdue"


@pytest.mark.parametrize("user", ["citizen2", "reception2", "specialist_ca"])
def test_people_not_involved_are_told_the_dossier_does_not_exist(client: Any, token: Any, user: str) -> None:
    code = submit(client, token)
    resp = client.get(f"/api/v1/dossiers/{code}/diagram.svg", headers=token(user))
    assert resp.status_code == 404 and resp.json["error"]["code"] == "dossier.not_found"


def test_the_drawing_for_logged_in_pages_uses_the_session(client: Any, token: Any) -> None:
    code = submit(client, token)
    login(client, "citizen")
    resp = client.get(f"/dossiers/{code}/diagram.svg")
    assert resp.status_code == 200 and states(resp.data)["Task_reception_check"] == "state-active"
    login(client, "citizen2")
    assert client.get(f"/dossiers/{code}/diagram.svg").status_code == 404


def test_a_diagram_without_layout_is_a_clear_error_not_a_blank_picture(
        client: Any, token: Any, services: Services, tmp_path: Any) -> None:
    bpmn = HKD_BPMN.read_bytes()
    no_layout = bpmn[:bpmn.index(b"<bpmndi:BPMNDiagram")] + b"</bpmn:definitions>\n"
    assert deploy_file(services, "admin", copy_with(tmp_path, bpmn=no_layout)).ok
    code = submit(client, token)
    resp = client.get(f"/api/v1/dossiers/{code}/diagram.svg", headers=token("citizen"))
    assert resp.status_code == 422
    assert resp.json["error"]["code"] == "diagram.no_layout"
    assert "BPMN-DI" in resp.json["error"]["message"]


@pytest.mark.parametrize("sidecar", ["a = " + "[" * 100_000 + "]" * 100_000,
                                     "a = " + "{b = " * 5000 + "1" + "}" * 5000], ids=["arrays", "inline tables"])
def test_a_deeply_nested_catalogue_upload_is_a_problem_line_not_a_500(client: Any, sidecar: str) -> None:
    login(client, "admin")
    resp = upload(client, "validate", HKD_BPMN.read_bytes(), sidecar.encode("utf-8"))
    assert resp.status_code < 500
    assert f"{HKD_TOML.name}:1: -: arrays and tables nested deeper than" in text(resp)


# -- the studio's checking: every problem, on its element ---------------------------------------------
def dead_end_hkd() -> bytes:
    """The household-business diagram with the leader's outgoing flow deleted: a dead end."""
    text = HKD_BPMN.read_text(encoding="utf-8")
    cut = re.sub(r'<bpmn:sequenceFlow id="[^"]+" sourceRef="Task_leader_approve"[^>]*/>', "", text)
    assert cut != text
    return cut.encode("utf-8")


def test_check_json_lists_every_problem_with_its_element_and_line(client: Any) -> None:
    login(client, "analyst")
    resp = client.post("/admin/definitions/check.json", headers={"X-CSRF-Token": "t"},
                       json={"filename": HKD_BPMN.name, "bpmn": dead_end_hkd().decode("utf-8"),
                             "catalogue_filename": HKD_TOML.name, "catalogue": HKD_TOML.read_text(encoding="utf-8")})
    assert resp.status_code == 200
    body = resp.json
    assert body["ok"] is False and body["procedure"] == HKD
    dead = [p for p in body["problems"] if p["element"] == "Task_leader_approve"]
    assert dead and dead[0]["message"].startswith("dead end: nothing leaves this user task")
    assert isinstance(dead[0]["line"], int) and dead[0]["line"] > 1
    unreachable = {p["element"] for p in body["problems"] if p["message"].startswith("unreachable")}
    assert unreachable  # what the deleted flow led to is said too: all problems at once
    ok = client.post("/admin/definitions/check.json", headers={"X-CSRF-Token": "t"},
                     json={"filename": HKD_BPMN.name, "bpmn": hkd_version_2_bytes().decode("utf-8"),
                           "catalogue_filename": HKD_TOML.name, "catalogue": HKD_TOML.read_text(encoding="utf-8")}).json
    assert ok["ok"] is True and ok["problems"] == [] and ok["published_version"] == 1
    assert any(c["element"] == "Task_reception_deliver" and c["kind"] == "removed" for c in ok["changes"])
    assert client.post("/admin/definitions/check.json", json={"bpmn": "x"}).status_code == 400  # no CSRF token


def test_the_check_page_marks_each_problem_on_the_drawing(client: Any) -> None:
    login(client, "analyst")
    page = text(upload(client, "validate", dead_end_hkd(), HKD_TOML.read_bytes()))
    assert "Sơ đồ bị từ chối" in page and "dead end: nothing leaves this user task" in page
    svg = page[page.index("<svg"):page.index("</svg>") + 6]
    marked = etree.fromstring(svg).xpath("//s:g[contains(@class, 'state-problem')]/@data-element-id", namespaces=SVG)
    assert "Task_leader_approve" in marked
    assert "Có lỗi" in svg  # the legend


def test_the_test_run_page_runs_the_published_version_with_the_decisions_given(client: Any, services: Services) -> None:
    login(client, "analyst")
    procedure = text(client.get(f"/admin/definitions/{HKD}"))
    assert f'href="/admin/definitions/{HKD}/simulate"' in procedure
    assert "<table class=\"simulation\">" not in text(client.get(f"/admin/definitions/{HKD}/simulate"))
    run = f"/admin/definitions/{HKD}/simulate"
    page = text(client.get(run, query_string={"run": "1", "decide": "reception_decision=refuse no_such=x",
                                              "at": "2026-03-02T08:00"}))
    assert "Đã đến sự kiện kết thúc EndEvent_refused_at_reception" in page
    assert "reception_decision=refuse" in page and "Không được tiếp nhận" in page
    assert "Quyết định no_such=x không được bước nào hỏi đến." in page
    before = text(client.get(f"/admin/definitions/{HKD}"))
    default = text(client.get(run, query_string={"run": "1", "at": "2026-03-02T08:00"}))
    assert "Đã đến sự kiện kết thúc EndEvent_result_delivered" in default and "Ngày hẹn trả kết quả" in default
    assert text(client.get(f"/admin/definitions/{HKD}")) == before  # nothing was written
    bad = client.get(f"/admin/definitions/{HKD}/simulate", query_string={"run": "1", "decide": "refuse"})
    assert bad.status_code == 422 and "không đúng dạng MÃ=GIÁ TRỊ" in text(bad)
    login(client, "citizen")
    assert client.get(f"/admin/definitions/{HKD}/simulate", query_string={"run": "1"}).status_code == 403


def _marked(svg: bytes, state: str) -> set[str]:
    return set(etree.fromstring(svg).xpath(f"//s:g[contains(@class, 'state-{state}')]/@data-element-id",
                                           namespaces=SVG))


def test_the_visual_difference_marks_added_changed_and_removed_elements(client: Any, services: Services,
                                                                        tmp_path: Any) -> None:
    assert deploy_file(services, "admin", copy_with(tmp_path, bpmn=hkd_version_2_bytes())).ok
    login(client, "analyst")
    compare = text(client.get(f"/admin/definitions/{HKD}/compare?old=1&new=2"))
    new_src = f"/admin/definitions/{HKD}/compare/diagram.svg?old=1&amp;new=2&amp;side=new"
    assert new_src in compare
    new = client.get(f"/admin/definitions/{HKD}/compare/diagram.svg?old=1&new=2&side=new")
    old = client.get(f"/admin/definitions/{HKD}/compare/diagram.svg?old=1&new=2&side=old")
    assert new.mimetype == old.mimetype == "image/svg+xml"
    assert "Task_specialist_appraise" in _marked(new.data, "added")
    assert "Task_reception_deliver" in _marked(old.data, "removed")
    assert _marked(new.data, "removed") == set() and "Task_reception_deliver" not in _marked(new.data, "added")
    assert "Thêm mới" in new.get_data(as_text=True) and "Bỏ đi" in old.get_data(as_text=True)  # legends
    # A rollback shows the same pictures, from the published version to the one to publish again.
    login(client, "admin")
    confirm = text(client.get(f"/admin/definitions/{HKD}/rollback?version=1"))
    assert f"/admin/definitions/{HKD}/compare/diagram.svg?old=2&amp;new=1&amp;side=new" in confirm


def test_the_deploy_confirmation_shows_the_proposal_s_difference_on_the_drawing(client: Any) -> None:
    login(client, "admin")
    confirm_url = upload(client, "deploy", hkd_version_2_bytes(), HKD_TOML.read_bytes()).headers["Location"]
    page = text(client.get(confirm_url))
    proposal = confirm_url.rsplit("/", 1)[0]
    assert f"{proposal}/diff.svg?side=new" in page and f"{proposal}/diff.svg?side=old" in page
    assert "Task_specialist_appraise" in _marked(client.get(f"{proposal}/diff.svg?side=new").data, "added")
    assert "Task_reception_deliver" in _marked(client.get(f"{proposal}/diff.svg?side=old").data, "removed")
