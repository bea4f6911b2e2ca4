"""Procedural acts and the operations console over HTTP (issue 12): transfer, extension, the
reviewed withdrawal and substitutes end to end through the API and through the pages, with the
applicant told; the console's pages and API (retry a parked timer, resend a failed message,
suspend/resume, cancel); and who may call what, as a matrix."""
from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from adapters.bootstrap import Services
from adapters.messaging import FakeMailer
from models import Agency, Dossier, DossierNotice, OutboxMessage, Timer, User
from processes.outbox import MAX_ATTEMPTS, dispatch_outbox
from processes.people.users import hash_password
from processes.timekeeping import timers
from processes.timekeeping.timers import PARKED, fire_due_timers
from tests.e2e.test_api_walkthrough import submit, work
from tests.helpers import session_of
from tests.integration.timers_support import local

SECOND = "000.25.22.H34"


def login(client: Any, username: str) -> Any:
    with client.session_transaction() as s:
        s["sid"] = session_of(client, username)
        s["csrf"] = "t"
    return client


def post(client: Any, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, data={"csrf_token": "t", **data})


def notices(services: Services, code: str) -> list[str]:
    with services.session_factory() as s:
        d = s.scalar(sa.select(Dossier).where(Dossier.code == code))
        return [n.title for n in s.scalars(sa.select(DossierNotice).where(DossierNotice.dossier_id == d.id))]


def mailed_to_applicant(services: Services, code: str, part: str) -> bool:
    with services.session_factory() as s:
        d = s.scalar(sa.select(Dossier).where(Dossier.code == code))
        return any(part in m.subject for m in s.scalars(sa.select(OutboxMessage).where(
            OutboxMessage.dossier_id == d.id, OutboxMessage.recipient == "citizen@example.vn")))


def accepted(client: Any, token: Any) -> str:
    code = str(submit(client, token)["code"])
    assert work(client, token, code, "reception")
    return code


def add_officer(services: Services, username: str, roles: list[str], like: str = "specialist") -> None:
    with services.session_factory() as s, s.begin():
        agency_id = s.scalar(sa.select(User.agency_id).where(User.username == like))
        s.add(User(username=username, password_hash=hash_password("demo"), full_name=f"Cán bộ {username}",
                   roles=roles, agency_id=agency_id, email=f"{username}@example.vn",
                   created_at=services.clock.now()))


# -- through the API -----------------------------------------------------------------------------------
def test_extension_through_the_api(client: Any, token: Any, services: Services) -> None:
    code = accepted(client, token)
    before = client.get(f"/api/v1/dossiers/{code}", headers=token("citizen")).json["due_at"]
    asked = client.post(f"/api/v1/dossiers/{code}/extensions", headers=token("specialist"),
                        json={"reason": "Cần xác minh thực địa", "working_days": 3})
    assert asked.status_code == 201, asked.json
    refused = client.post(f"/api/v1/dossiers/{code}/extensions/{asked.json['id']}/decision",
                          headers=token("specialist"), json={"approve": True})
    assert refused.status_code == 403 and refused.json["error"]["code"] == "extension.leaders_only"
    decided = client.post(f"/api/v1/dossiers/{code}/extensions/{asked.json['id']}/decision",
                          headers=token("leader"), json={"approve": True})
    assert decided.status_code == 200 and decided.json["status"] == "approved"
    after = client.get(f"/api/v1/dossiers/{code}", headers=token("citizen")).json["due_at"]
    assert after != before and after == decided.json["due_after"] or after > before
    assert "Thông báo gia hạn và hẹn lại ngày trả kết quả" in notices(services, code)
    assert mailed_to_applicant(services, code, "gia hạn")
    listed = client.get(f"/api/v1/dossiers/{code}/extensions", headers=token("leader")).json
    assert [e["status"] for e in listed] == ["approved"]
    again = client.post(f"/api/v1/dossiers/{code}/extensions/{asked.json['id']}/decision",
                        headers=token("leader"), json={"approve": False, "reason": "Muộn"})
    assert again.status_code == 409


def test_transfer_through_the_api(client: Any, token: Any, services: Services) -> None:
    code = str(submit(client, token)["code"])
    bad = client.post(f"/api/v1/dossiers/{code}/transfer", headers=token("reception"), json={"agency": SECOND})
    assert bad.status_code == 422 and bad.json["error"]["field"] == "reason"
    done = client.post(f"/api/v1/dossiers/{code}/transfer", headers=token("reception"),
                       json={"agency": SECOND, "reason": "Thuộc thẩm quyền cấp phường"})
    assert done.status_code == 200 and done.json["agency"] == SECOND
    assert code in [t["dossier"] for t in client.get("/api/v1/tasks", headers=token("reception2")).json]
    assert code not in [t["dossier"] for t in client.get("/api/v1/tasks", headers=token("reception")).json]
    assert client.get(f"/api/v1/dossiers/{code}", headers=token("citizen")).json["code"] == code
    assert mailed_to_applicant(services, code, "chuyển hồ sơ")
    assert work(client, token, code, "reception2")  # the competent agency takes it in


def test_reviewed_withdrawal_through_the_api(client: Any, token: Any, services: Services) -> None:
    code = accepted(client, token)
    asked = client.post(f"/api/v1/dossiers/{code}/withdrawal", headers=token("citizen"),
                        json={"reason": "Không còn nhu cầu"})
    assert asked.status_code == 200 and asked.json["withdrawal"] == "requested" and asked.json["status_code"] != 7
    assert client.post(f"/api/v1/dossiers/{code}/withdrawal", headers=token("citizen"), json={}).status_code == 409
    no_reason = client.post(f"/api/v1/dossiers/{code}/withdrawal/review", headers=token("reception"),
                            json={"accept": False})
    assert no_reason.status_code == 422
    done = client.post(f"/api/v1/dossiers/{code}/withdrawal/review", headers=token("reception"),
                       json={"accept": True})
    assert done.status_code == 200 and done.json["status_code"] == 7
    assert "Thông báo rút hồ sơ" in notices(services, code)
    assert mailed_to_applicant(services, code, "rút hồ sơ")


def test_substitutes_through_the_api(client: Any, token: Any, services: Services) -> None:
    add_officer(services, "specialist_b", ["specialist"])
    code = accepted(client, token)
    [task] = [t for t in client.get("/api/v1/tasks", headers=token("specialist")).json if t["dossier"] == code]
    made = client.post("/api/v1/substitutes", headers=token("specialist"),
                       json={"officer": "specialist", "substitute": "specialist_b", "from": "2026-03-02",
                             "to": "2026-03-06"})
    assert made.status_code == 201, made.json
    # the absent officer had claimed it: the substitute sees it offered (the group queue shows it held)
    from processes.desk.workbench import claim_task
    claim_task(services, "specialist", task["id"])
    offered = client.get("/api/v1/substitutes", headers=token("specialist_b")).json["offered"]
    assert [t["id"] for t in offered] == [task["id"]]
    assert work(client, token, code, "specialist_b") == []  # not yet claimed: nothing of theirs
    login(client, "specialist_b")
    assert post(client, f"/officer/tasks/{task['id']}/claim", {"back": "/officer/substitutes"}).status_code == 303
    assert work(client, token, code, "specialist_b")
    ended = client.post(f"/api/v1/substitutes/{made.json['id']}/end", headers=token("specialist"))
    assert ended.status_code == 200 and ended.json["ended_at"]


# -- through the pages ---------------------------------------------------------------------------------
def test_extension_through_the_pages(client: Any, token: Any, services: Services) -> None:
    code = accepted(client, token)
    login(client, "specialist")
    page = client.get(f"/officer/dossiers/{code}/acts").get_data(as_text=True)
    assert "Gửi đề nghị gia hạn" in page and "Chuyển hồ sơ" not in page
    bad = post(client, f"/officer/dossiers/{code}/extensions", {"working_days": "0", "reason": ""})
    assert bad.status_code == 422 and "Hãy nêu lý do đề nghị gia hạn." in bad.get_data(as_text=True)
    assert post(client, f"/officer/dossiers/{code}/extensions",
                {"working_days": "2", "reason": "Cần xác minh"}).status_code == 303
    login(client, "leader")
    waiting = client.get("/officer/requests").get_data(as_text=True)
    assert code in waiting and "Cần xác minh" in waiting
    page = client.get(f"/officer/dossiers/{code}/acts").get_data(as_text=True)
    request_id = re.search(r"/extensions/(\d+)/decision", page).group(1)  # type: ignore[union-attr]
    done = post(client, f"/officer/dossiers/{code}/extensions/{request_id}/decision", {"decision": "approve"})
    assert done.status_code == 303
    assert "Đã chấp thuận" in client.get(f"/officer/dossiers/{code}/acts").get_data(as_text=True)
    login(client, "citizen")
    assert "Thông báo gia hạn và hẹn lại ngày trả kết quả" in client.get(f"/my/dossiers/{code}").get_data(as_text=True)


def test_transfer_through_the_pages(client: Any, token: Any, services: Services) -> None:
    code = str(submit(client, token)["code"])
    login(client, "reception")
    page = client.get(f"/officer/dossiers/{code}/acts").get_data(as_text=True)
    assert "Chuyển hồ sơ đến cơ quan có thẩm quyền" in page and SECOND in page
    assert post(client, f"/officer/dossiers/{code}/transfer",
                {"agency": SECOND, "reason": "Thuộc thẩm quyền cấp phường"}).status_code == 303
    login(client, "reception2")
    assert code in client.get("/officer/tasks").get_data(as_text=True)
    login(client, "citizen")
    assert "Thông báo chuyển hồ sơ đến cơ quan có thẩm quyền" in client.get(f"/my/dossiers/{code}").get_data(
        as_text=True)


def test_reviewed_withdrawal_through_the_pages(client: Any, token: Any, services: Services) -> None:
    code = accepted(client, token)
    login(client, "citizen")
    page = client.get(f"/my/dossiers/{code}").get_data(as_text=True)
    assert "bộ phận một cửa xem xét trước khi có hiệu lực" in page
    sent = post(client, f"/my/dossiers/{code}/withdraw", {"confirm": "yes", "reason": "Nộp nhầm thủ tục"})
    assert sent.status_code == 303
    page = client.get(f"/my/dossiers/{code}").get_data(as_text=True)
    assert "Đã gửi đề nghị rút hồ sơ" in page and "đang chờ bộ phận một cửa xem xét" in page
    login(client, "reception")
    assert code in client.get("/officer/requests").get_data(as_text=True)
    refused = post(client, f"/officer/dossiers/{code}/withdrawal/review", {"decision": "refuse", "reason": ""})
    assert refused.status_code == 422
    assert post(client, f"/officer/dossiers/{code}/withdrawal/review",
                {"decision": "refuse", "reason": "Đã có kết quả thẩm định"}).status_code == 303
    login(client, "citizen")
    page = client.get(f"/my/dossiers/{code}").get_data(as_text=True)
    assert "Đã có kết quả thẩm định" in page and "Thông báo không chấp nhận đề nghị rút hồ sơ" in page


def test_substitutes_through_the_pages(client: Any, token: Any, services: Services) -> None:
    add_officer(services, "specialist_b", ["specialist"])
    code = accepted(client, token)
    login(client, "specialist")
    [task] = [t for t in client.get("/api/v1/tasks", headers=token("specialist")).json if t["dossier"] == code]
    assert post(client, f"/officer/tasks/{task['id']}/claim", {}).status_code == 303
    page = client.get("/officer/substitutes").get_data(as_text=True)
    assert "Cử người thay thế" in page and "specialist_b" in page
    past = post(client, "/officer/substitutes", {"substitute": "specialist_b", "from": "2026-02-01",
                                                 "to": "2026-02-02"})
    assert past.status_code == 422
    assert post(client, "/officer/substitutes", {"substitute": "specialist_b", "from": "2026-03-02",
                                                 "to": "2026-03-04"}).status_code == 303
    login(client, "specialist_b")
    page = client.get("/officer/substitutes").get_data(as_text=True)
    assert code in page and "Nhận xử lý thay" in page
    assert post(client, f"/officer/tasks/{task['id']}/claim", {}).status_code == 303
    assert "Bạn đang giữ công việc này." in client.get(f"/officer/tasks/{task['id']}").get_data(as_text=True)


# -- the console ---------------------------------------------------------------------------------------
def park(services: Services, monkeypatch: pytest.MonkeyPatch, code: str) -> int:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("down")

    monkeypatch.setattr(timers.escalations, "mark_drawn_overdue", broken)
    at = local(2026, 3, 2, 15)
    for _ in range(int(services.config["timers"]["max_attempts"])):
        fire_due_timers(services, at=at)
        at += timedelta(hours=1)
    monkeypatch.undo()
    with services.session_factory() as s:
        d = s.scalar(sa.select(Dossier.id).where(Dossier.code == code))
    with services.session_factory() as s:
        timer = s.scalar(sa.select(Timer).where(Timer.dossier_id == d))
        assert timer is not None and timer.lease_expires_at == PARKED
        return timer.id


def fail_a_message(services: Services, mailer: FakeMailer) -> int:
    now = services.clock.now() + timedelta(days=1)
    dispatch_outbox(services, now=now)  # what waits leaves first (the timer's alert included)
    with services.session_factory() as s, s.begin():
        msg = OutboxMessage(key="test:console", channel="email", recipient="an@example.vn", subject="Thông báo",
                            body="...", created_at=now, next_attempt_at=now)
        s.add(msg)
        s.flush()
        message_id = msg.id
    mailer.fail_times = MAX_ATTEMPTS
    for n in range(MAX_ATTEMPTS):
        dispatch_outbox(services, now=now + timedelta(days=n + 1))
    return message_id


def test_the_console_pages_retry_a_parked_timer_and_resend_a_failed_message(
        client: Any, token: Any, services: Services, mailer: FakeMailer, monkeypatch: pytest.MonkeyPatch) -> None:
    code = str(submit(client, token)["code"])
    timer_id = park(services, monkeypatch, code)
    message_id = fail_a_message(services, mailer)
    login(client, "admin")
    assert "/admin/operations" in client.get("/admin").get_data(as_text=True)
    home = client.get("/admin/operations").get_data(as_text=True)
    assert code in home and "1.001612" in home
    inside = client.get(f"/admin/operations/dossiers/{code}").get_data(as_text=True)
    assert "Biến của quy trình" in inside and "Chạy lại" in inside and "Kiểm tra, tiếp nhận hồ sơ" in inside
    svg = client.get(f"/admin/operations/dossiers/{code}/diagram.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    incidents = client.get("/admin/operations/incidents").get_data(as_text=True)
    assert "timer_failed" in incidents and "outbox.failed" in incidents
    lists = client.get("/admin/operations/messages").get_data(as_text=True)
    assert f"/admin/operations/timers/{timer_id}/retry" in lists
    assert f"/admin/operations/messages/{message_id}/resend" in lists
    assert post(client, f"/admin/operations/timers/{timer_id}/retry", {}).status_code == 303
    assert post(client, f"/admin/operations/messages/{message_id}/resend", {}).status_code == 303
    again = post(client, f"/admin/operations/messages/{message_id}/resend", {"back": "/admin/operations/messages"})
    assert again.status_code == 303
    assert "chỉ gửi lại thư đã gửi lỗi" in client.get("/admin/operations/messages").get_data(as_text=True)
    assert fire_due_timers(services, at=local(2026, 3, 3, 15)).fired >= 1  # both complete
    dispatch_outbox(services, now=services.clock.now() + timedelta(days=30))
    assert "test:console" in [key for *_, key in mailer.sent]
    assert "Không có sự cố nào." in client.get("/admin/operations/incidents").get_data(as_text=True)


def test_the_console_api_retries_resends_suspends_and_cancels(
        client: Any, token: Any, services: Services, mailer: FakeMailer, monkeypatch: pytest.MonkeyPatch) -> None:
    code = str(submit(client, token)["code"])
    timer_id = park(services, monkeypatch, code)
    message_id = fail_a_message(services, mailer)
    admin = token("admin")
    assert [t["id"] for t in client.get("/api/v1/operations/timers", headers=admin).json] == [timer_id]
    assert {i["kind"] for i in client.get("/api/v1/operations/incidents", headers=admin).json} == {
        "timer_failed", "outbox.failed"}
    assert client.post(f"/api/v1/operations/timers/{timer_id}/retry", headers=admin).status_code == 200
    conflict = client.post(f"/api/v1/operations/timers/{timer_id}/retry", headers=admin)
    assert conflict.status_code == 409 and conflict.json["error"]["code"] == "operations.timer_not_parked"
    assert client.post(f"/api/v1/operations/messages/{message_id}/resend", headers=admin).json["status"] == "pending"
    inside = client.get(f"/api/v1/operations/dossiers/{code}", headers=admin).json
    assert inside["running"] and inside["tasks"][0]["role"] == "reception"
    assert client.post(f"/api/v1/operations/dossiers/{code}/suspend", headers=admin, json={}).status_code == 422
    assert client.post(f"/api/v1/operations/dossiers/{code}/suspend", headers=admin,
                       json={"reason": "Sửa dữ liệu"}).status_code == 200
    held = client.get("/api/v1/tasks", headers=token("reception")).json
    [task] = [t for t in held if t["dossier"] == code]
    blocked = client.post(f"/api/v1/tasks/{task['id']}/complete", headers=token("reception"), json={"data": {}})
    assert blocked.status_code in (409, 422)
    assert client.post(f"/api/v1/operations/dossiers/{code}/resume", headers=admin, json={}).status_code == 200
    done = client.post(f"/api/v1/operations/dossiers/{code}/cancel", headers=admin,
                       json={"reason": "Tạo nhầm khi thử nghiệm"})
    assert done.status_code == 200 and done.json["status_code"] == 8
    assert mailed_to_applicant(services, code, "dừng xử lý")
    assert client.post(f"/api/v1/operations/dossiers/{code}/cancel", headers=admin,
                       json={"reason": "Lần nữa"}).status_code == 409


# -- who may call what ---------------------------------------------------------------------------------
CONSOLE_GETS = ["/admin/operations", "/admin/operations/incidents", "/admin/operations/messages"]


@pytest.mark.parametrize(("user", "expected"), [
    ("admin", 200), ("qtv_tp", 200), ("reception", 403), ("leader", 403), ("citizen", 403), ("analyst", 403)])
def test_who_may_open_the_console(client: Any, services: Services, user: str, expected: int) -> None:
    with services.session_factory() as s, s.begin():
        s.add(User(username="qtv_tp", password_hash=hash_password("demo"), full_name="Quản trị TP",
                   roles=["agency_admin"], email="qtv_tp@example.vn", created_at=services.clock.now(),
                   agency_id=s.scalar(sa.select(Agency.id).where(Agency.code == "000.00.22.H34"))))
    login(client, user)
    assert [client.get(url).status_code for url in CONSOLE_GETS] == [expected] * len(CONSOLE_GETS)


def test_the_rights_matrix_of_the_acts_over_the_api(client: Any, token: Any, services: Services) -> None:
    code = accepted(client, token)
    fresh = str(submit(client, token)["code"])
    calls: list[tuple[str, str, dict[str, Any], dict[str, int]]] = [
        # (url, body, {user: status})
        (f"/api/v1/dossiers/{code}/extensions", {"reason": "Xác minh", "working_days": 2},
         {"citizen": 403, "citizen2": 404, "reception2": 404, "leader": 403, "reception": 403, "specialist": 201}),
        (f"/api/v1/dossiers/{fresh}/transfer", {"agency": SECOND, "reason": "Sai thẩm quyền"},
         {"citizen2": 404, "reception2": 404, "specialist": 403, "citizen": 403, "reception": 200}),
        (f"/api/v1/dossiers/{code}/withdrawal/review", {"accept": True},
         {"citizen2": 404, "reception2": 404, "specialist": 403, "leader": 403, "reception": 409}),
        (f"/api/v1/dossiers/{code}/withdrawal", {"reason": "Không cần"},
         {"citizen2": 404, "reception": 404, "citizen": 200}),
        ("/api/v1/operations/timers/999999/retry", {},
         {"citizen": 403, "reception": 403, "leader": 403, "analyst": 403, "admin": 404}),
        ("/api/v1/operations/messages/999999/resend", {},
         {"citizen": 403, "reception": 403, "admin": 404}),
        (f"/api/v1/operations/dossiers/{code}/suspend", {"reason": "Kiểm tra"},
         {"citizen": 403, "reception": 403, "leader": 403, "admin": 200}),
    ]
    for url, body, expected in calls:
        got = {user: client.post(url, headers=token(user), json=body).status_code for user in expected}
        assert got == expected, (url, got)


def test_openapi_describes_every_route_of_the_acts_and_the_console(client: Any) -> None:
    paths = set(client.get("/api/v1/openapi.json").json["paths"])
    ours = {re.sub(r"<(?:int:)?[a-z_]+>", lambda m: "{code}" if m.group(0) == "<code>" else "{id}",
                   rule.rule[len("/api/v1"):])
            for rule in client.application.url_map.iter_rules()
            if rule.endpoint.startswith("api.") and rule.rule.startswith("/api/v1/")
            and any(part in rule.rule for part in ("/transfer", "/extensions", "/withdrawal", "/substitutes",
                                                   "/operations")) and "/payments/" not in rule.rule}
    assert len(ours) == 17 and ours <= paths, sorted(ours - paths)


def test_the_new_pages_read_in_english_throughout(client: Any, token: Any, services: Services,
                                                   mailer: FakeMailer) -> None:
    from tests.english_pages import problems, shown_texts

    add_officer(services, "specialist_b", ["specialist"])
    code = accepted(client, token)
    fresh = str(submit(client, token)["code"])
    client.post(f"/api/v1/dossiers/{code}/extensions", headers=token("specialist"),
                json={"reason": "Cần xác minh", "working_days": 2})
    client.post(f"/api/v1/dossiers/{code}/withdrawal", headers=token("citizen"), json={"reason": "Không cần"})
    client.post("/api/v1/substitutes", headers=token("specialist"),
                json={"officer": "specialist", "substitute": "specialist_b", "from": "2026-03-02", "to": "2026-03-03"})
    fail_a_message(services, mailer)
    pages = [("leader", f"/officer/dossiers/{code}/acts"), ("reception", f"/officer/dossiers/{code}/acts"),
             ("reception", f"/officer/dossiers/{fresh}/acts"), ("leader", "/officer/requests"),
             ("reception", "/officer/requests"), ("specialist", "/officer/substitutes"),
             ("specialist_b", "/officer/substitutes"), ("citizen", f"/my/dossiers/{code}"),
             ("admin", "/admin/operations"), ("admin", f"/admin/operations/dossiers/{code}"),
             ("admin", "/admin/operations/incidents?all=1"), ("admin", "/admin/operations/messages")]
    found = {}
    for user, path in pages:
        login(client, user)
        resp = client.get(path + ("&" if "?" in path else "?") + "lang=en")
        assert resp.status_code == 200, (user, path)
        if bad := problems(shown_texts(resp.get_data(as_text=True))):
            found[f"{user} {path}"] = bad
    assert found == {}
