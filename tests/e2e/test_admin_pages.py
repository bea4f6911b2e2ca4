"""The administration pages over HTTP (`/admin`, `/admin/agencies`, `/admin/users`,
`/admin/reports`) as a system administrator, an agency administrator, a leader and a citizen."""
from __future__ import annotations

import re
from html import unescape
from typing import Any

import sqlalchemy as sa

from adapters.bootstrap import Services
from models import Agency, Incident, User
from processes.people.users import authenticate, hash_password
from processes.uow import UnitOfWork
from tests.e2e.test_api_walkthrough import submit
from tests.helpers import session_of

MAIN = "000.00.22.H34"


def login(client: Any, username: str) -> Any:
    with client.session_transaction() as s:
        s["sid"] = session_of(client, username)
        s["csrf"] = "t"
    return client


def text(resp: Any) -> str:
    return unescape(re.sub(r"\s+", " ", resp.get_data(as_text=True)))


def agency_admin(services: Services) -> str:
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        s.add(User(username="qtv_tp", password_hash=hash_password("mot-mat-khau-dai"), full_name="Quản trị TP",
                   roles=["agency_admin"], agency_id=s.scalar(sa.select(Agency.id).where(Agency.code == MAIN)),
                   created_at=services.clock.now()))
        uow.commit()
    return "qtv_tp"


def test_a_citizen_is_refused_every_admin_page(client: Any) -> None:
    login(client, "citizen")
    for path in ("/admin", "/admin/agencies", "/admin/users", "/admin/reports", "/admin/reports/report.csv"):
        resp = client.get(path)
        assert resp.status_code == 403, path
        assert "Bạn không có quyền" in text(resp)
    assert client.post("/admin/users/reception/lock", data={"csrf_token": "t"}).status_code == 403


def test_the_landing_page_links_only_the_sections_a_user_may_open(client: Any, services: Services) -> None:
    page = text(login(client, "admin").get("/admin"))
    for path in ("/admin/definitions", "/admin/calendar", "/admin/agencies", "/admin/users", "/admin/reports"):
        assert f'href="{path}"' in page
    page = text(login(client, "leader").get("/admin"))
    assert 'href="/admin/reports"' in page and 'href="/admin/users"' not in page


def test_an_administrator_adds_an_agency_and_a_wrong_code_is_named(client: Any) -> None:
    login(client, "admin")
    tree = text(client.get("/admin/agencies"))
    assert "000.25.22.H34" in tree and "Ủy ban nhân dân phường Quyết Thắng" in tree
    bad = client.post("/admin/agencies", data={"csrf_token": "t", "code": "34.27", "name": "UBND phường mới",
                                               "level": "commune", "parent": MAIN})
    assert bad.status_code == 422 and "000.NN.NN.Hxx" in text(bad) and 'value="UBND phường mới"' in text(bad)
    good = client.post("/admin/agencies", data={"csrf_token": "t", "code": "000.27.22.H34", "name": "UBND phường mới",
                                                "level": "commune", "parent": MAIN}, follow_redirects=True)
    assert good.status_code == 200 and "Đã thêm cơ quan 000.27.22.H34" in text(good)
    renamed = client.post("/admin/agencies/000.27.22.H34", data={"csrf_token": "t", "name": "UBND phường Mới",
                                                                  "email": ""}, follow_redirects=True)
    assert "UBND phường Mới" in text(renamed)


def test_a_form_without_the_csrf_token_is_refused(client: Any) -> None:
    login(client, "admin")
    resp = client.post("/admin/agencies", data={"code": "000.27.22.H34", "name": "X", "level": "commune",
                                                "parent": MAIN})
    assert resp.status_code == 400


def test_an_agency_administrator_sees_the_tree_but_cannot_add(client: Any, services: Services) -> None:
    login(client, agency_admin(services))
    assert "Thêm cơ quan" not in text(client.get("/admin/agencies"))
    resp = client.post("/admin/agencies", data={"csrf_token": "t", "code": "000.27.22.H34", "name": "X",
                                                "level": "commune", "parent": MAIN})
    assert resp.status_code == 403


def test_a_generated_password_is_shown_once_and_works(client: Any, services: Services) -> None:
    login(client, "admin")
    resp = client.post("/admin/users", data={"csrf_token": "t", "username": "canbo_moi", "full_name": "Cán Bộ Mới",
                                             "email": "cbm@example.vn", "roles": ["reception"], "agency": MAIN,
                                             "password": ""})
    assert resp.status_code == 200
    found = re.search(r'<code class="password">([^<]+)</code>', resp.get_data(as_text=True))
    assert found is not None
    password = found.group(1)
    assert authenticate(services, "canbo_moi", password) == "canbo_moi"
    assert password not in text(client.get("/admin/users"))
    assert "canbo_moi" in text(client.get(f"/admin/users?agency={MAIN}&role=reception"))


def test_a_locked_officer_can_no_longer_use_its_token(client: Any, token: Any) -> None:
    headers = token("reception")
    assert client.get("/api/v1/tasks", headers=headers).status_code == 200
    login(client, "admin")
    locked = client.post("/admin/users/reception/lock", data={"csrf_token": "t", "locked": "1"},
                         follow_redirects=True)
    assert "Đã khóa tài khoản reception" in text(locked)
    assert client.get("/api/v1/tasks", headers=headers).status_code in (401, 403)


def test_an_agency_administrator_may_not_grant_agency_admin(client: Any, services: Services) -> None:
    login(client, agency_admin(services))
    page = text(client.get("/admin/users"))
    assert "reception" in page and "reception2" not in page
    resp = client.post("/admin/users/reception", data={"csrf_token": "t", "roles": ["agency_admin"], "agency": MAIN})
    assert resp.status_code == 403
    ok = client.post("/admin/users/reception", data={"csrf_token": "t", "roles": ["reception", "leader"],
                                                     "agency": MAIN}, follow_redirects=True)
    assert "Đã lưu tài khoản reception" in text(ok)


def test_reports_table_csv_and_incident_resolution(client: Any, token: Any, services: Services) -> None:
    submit(client, token)
    with UnitOfWork(services.session_factory) as uow:
        uow.session.add(Incident(at=services.clock.now(), kind="timer_failed", message="bộ hẹn giờ lỗi"))
        uow.commit()
    login(client, "admin")
    page = text(client.get("/admin/reports"))
    assert MAIN in page and "bộ hẹn giờ lỗi" in page and "Góp ý chung" in page
    csv = client.get(f"/admin/reports/report.csv?agency={MAIN}&from=2026-01-01&to=2026-12-31")
    assert csv.mimetype == "text/csv" and f"{MAIN},,1," in csv.get_data(as_text=True)
    bad = client.get("/admin/reports?from=2026-13-01")
    assert bad.status_code == 422 and "from" in text(bad)
    link = re.search(r"/admin/reports/incidents/(\d+)/resolve", page)
    assert link is not None
    incident = link.group(1)
    done = client.post(f"/admin/reports/incidents/{incident}/resolve", data={"csrf_token": "t"},
                       follow_redirects=True)
    assert "bộ hẹn giờ lỗi" not in text(done).split("Góp ý chung")[0].split("Sự cố chưa xử lý")[1]


def test_a_leader_sees_its_agency_report_only(client: Any, token: Any) -> None:
    submit(client, token)
    login(client, "leader")
    page = text(client.get("/admin/reports"))
    assert MAIN in page and "Sự cố chưa xử lý" not in page
    assert client.get("/admin/reports?agency=000.25.22.H34").status_code == 403
