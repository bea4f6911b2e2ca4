"""The administrators' calendar table over HTTP: the JSON API (`/api/v1/calendar/overrides`) and the
page (`/admin/calendar`), with their refusals; and the leader's apology letter endpoint."""
from __future__ import annotations

import re
from html import unescape
from typing import Any

from adapters.bootstrap import Services
from engine.clock import ManualClock
from processes.timekeeping.timers import fire_due_timers
from tests.helpers import session_of
from tests.integration.timers_support import local, submit_hkd, work

OVERRIDES = "/api/v1/calendar/overrides"


def login(client: Any, username: str) -> Any:
    with client.session_transaction() as s:
        s["sid"] = session_of(client, username)
        s["csrf"] = "t"
    return client


def text(resp: Any) -> str:
    return unescape(re.sub(r"\s+", " ", resp.get_data(as_text=True)))


# -- the JSON API ----------------------------------------------------------------------------------
def test_an_administrator_lists_adds_and_removes_days(client: Any, token: Any) -> None:
    admin = token("admin")
    assert client.get(OVERRIDES, headers=admin).json == []
    added = client.post(OVERRIDES, headers=admin, json={"day": "2026-01-02", "kind": "day_off",
                                                        "note": "Nghỉ bù Tết Dương lịch"})
    assert added.status_code == 201
    assert added.json == {"day": "2026-01-02", "kind": "day_off", "note": "Nghỉ bù Tết Dương lịch",
                          "without_entry": "working_day", "changes_calendar": True}
    swapped = client.post(OVERRIDES, headers=admin, json={"day": "2026-01-10", "kind": "working_day"})
    assert swapped.status_code == 201
    assert [r["day"] for r in client.get(OVERRIDES + "?year=2026", headers=admin).json] == ["2026-01-02", "2026-01-10"]
    assert client.get(OVERRIDES + "?year=2025", headers=admin).json == []
    removed = client.delete(OVERRIDES + "/2026-01-10", headers=admin)
    assert removed.status_code == 200 and removed.json["kind"] == "working_day"
    assert [r["day"] for r in client.get(OVERRIDES, headers=admin).json] == ["2026-01-02"]


def test_a_date_cannot_be_both_a_day_off_and_a_working_day(client: Any, token: Any) -> None:
    admin = token("admin")
    assert client.post(OVERRIDES, headers=admin, json={"day": "2026-02-14", "kind": "working_day"}).status_code == 201
    both = client.post(OVERRIDES, headers=admin, json={"day": "2026-02-14", "kind": "day_off"})
    assert both.status_code == 409
    assert (both.json["error"]["code"], both.json["error"]["field"]) == ("calendar.contradiction", "day")
    assert "2026-02-14" in both.json["error"]["message"] and "vừa là ngày nghỉ" in both.json["error"]["message"]
    again = client.post(OVERRIDES, headers=admin, json={"day": "2026-02-14", "kind": "working_day"})
    assert again.status_code == 409 and again.json["error"]["code"] == "calendar.already_listed"


def test_bad_entries_are_refused_naming_the_field(client: Any, token: Any) -> None:
    admin = token("admin")
    cases = [({"day": "1999-12-31", "kind": "day_off"}, "day", "calendar.day_out_of_range", "từ 2000 đến 2100"),
             ({"day": "2101-01-01", "kind": "day_off"}, "day", "calendar.day_out_of_range", "từ 2000 đến 2100"),
             ({"day": "2026-02-30", "kind": "day_off"}, "day", "calendar.day_invalid", "không phải là ngày"),
             ({"day": "02/01/2026", "kind": "day_off"}, "day", "calendar.day_invalid", "không phải là ngày"),
             ({"day": "2026-01-02", "kind": "holiday"}, "kind", "calendar.kind_invalid", "ngày làm việc bù"),
             ({"day": "2026-01-02", "kind": ["day_off"]}, "kind", "calendar.kind_invalid", "ngày làm việc bù"),
             ({"day": "2026-01-02", "kind": "day_off", "note": "x" * 301}, "note", "calendar.note_too_long", "300")]
    for body, field, code, words in cases:
        resp = client.post(OVERRIDES, headers=admin, json=body)
        assert resp.status_code == 422, body
        assert {"code": code, "field": field} in [{"code": r["code"], "field": r["field"]}
                                                   for r in resp.json["error"]["reasons"]], resp.json
        assert words in resp.json["error"]["fields"][field], resp.json
    assert client.get(OVERRIDES + "?year=3000", headers=admin).status_code == 422
    assert client.delete(OVERRIDES + "/2026-01-02", headers=admin).status_code == 404
    assert client.get(OVERRIDES, headers=admin).json == []


def test_only_administrators_edit_the_calendar(client: Any, token: Any) -> None:
    for user in ("citizen", "reception", "leader"):
        assert client.get(OVERRIDES, headers=token(user)).status_code == 403
        entry = {"day": "2026-01-02", "kind": "day_off"}
        assert client.post(OVERRIDES, headers=token(user), json=entry).status_code == 403
    assert client.get(OVERRIDES).status_code == 401


# -- the page ------------------------------------------------------------------------------------
def test_the_calendar_page_lists_adds_and_removes_with_csrf(client: Any) -> None:
    login(client, "admin")
    page = text(client.get("/admin/calendar"))
    assert "Lịch làm việc" in page and "Chưa có mục nào." in page
    resp = client.post("/admin/calendar", data={"csrf_token": "t", "day": "2026-08-22", "kind": "working_day",
                                                "note": "Làm bù cho ngày 31/8"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/admin/calendar?year=2026")
    page = text(client.get("/admin/calendar?year=2026"))
    assert "Đã thêm 2026-08-22 vào lịch." in page and "Làm bù cho ngày 31/8" in page
    assert "không thay đổi gì" in page  # the package already counts that Saturday as a working day
    assert client.post("/admin/calendar", data={"day": "2026-08-23", "kind": "day_off"}).status_code == 400  # no CSRF
    removed = client.post("/admin/calendar/2026-08-22/delete", data={"csrf_token": "t"})
    assert removed.status_code == 302
    assert "Đã xóa 2026-08-22 khỏi lịch." in text(client.get("/admin/calendar"))


def test_the_page_shows_what_is_wrong_with_an_entry(client: Any) -> None:
    login(client, "admin")
    client.post("/admin/calendar", data={"csrf_token": "t", "day": "2026-01-02", "kind": "day_off"})
    both = client.post("/admin/calendar", data={"csrf_token": "t", "day": "2026-01-02", "kind": "working_day"})
    assert both.status_code == 409
    assert 'aria-invalid="true"' in both.get_data(as_text=True)
    assert "không thể vừa là ngày nghỉ vừa là ngày làm việc bù" in text(both)
    old = client.post("/admin/calendar", data={"csrf_token": "t", "day": "1990-01-01", "kind": "day_off"})
    assert old.status_code == 422 and "năm phải từ 2000 đến 2100" in text(old)


def test_the_page_is_for_administrators_only(client: Any) -> None:
    assert client.get("/admin/calendar").status_code == 302  # to the login page
    login(client, "citizen")
    assert client.get("/admin/calendar").status_code == 403
    assert client.post("/admin/calendar", data={"csrf_token": "t", "day": "2026-01-02",
                                                "kind": "day_off"}).status_code == 403


def test_the_page_speaks_english_on_request(client: Any) -> None:
    login(client, "admin")
    page = text(client.get("/admin/calendar?lang=en"))
    assert "Working calendar" in page and "Add a date" in page


# -- the apology letter -------------------------------------------------------------------------------
def test_a_leader_sends_the_apology_letter_of_a_late_dossier(client: Any, token: Any, services: Services,
                                                             clock: ManualClock) -> None:
    code = submit_hkd(services)
    work(services, code, "reception")  # due Thursday 09:00
    url = f"/api/v1/dossiers/{code}/apology"
    body = {"new_due": "2026-03-10T16:00:00+07:00", "reason": "Chờ xác minh ngành nghề kinh doanh"}
    early = client.post(url, headers=token("leader"), json=body)
    assert early.status_code == 409 and early.json["error"]["code"] == "apology.not_late"
    fire_due_timers(services, at=local(2026, 3, 5, 10))
    clock.set(local(2026, 3, 5, 10))
    assert client.post(url, headers=token("specialist"), json=body).status_code == 403
    bad = client.post(url, headers=token("leader"), json={"new_due": "next Tuesday", "reason": "x"})
    assert bad.status_code == 422 and "new_due" in bad.json["error"]["fields"]
    sent = client.post(url, headers=token("leader"), json=body)
    assert sent.status_code == 200, sent.json
    assert sent.json["notices"][-1]["form"] == "04"
    seen = client.get(f"/api/v1/dossiers/{code}", headers=token("citizen")).json
    assert seen["due_at"] == "2026-03-10T09:00:00+00:00" and seen["late"] is True
