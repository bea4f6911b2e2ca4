"""Administration use cases (R2.1, R10.1, R8.3, R17.1, R9.2): the rights matrix, the agency tree,
officer accounts, reports and incidents, and their refusals — on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from adapters.bootstrap import Services
from engine.clock import ManualClock
from models import Agency, AuditEvent, Dossier, Incident, User
from processes import audit
from processes.access import may_grant_roles, may_manage_users, may_view_reports
from processes.administration import admin_agencies, admin_home, admin_users
from processes.errors import Conflict, Forbidden, Invalid
from processes.people import users
from processes.reports import admin_reports
from processes.submission.submission import Submission, Upload, submit_dossier
from processes.uow import UnitOfWork
from tests.helpers import HKD, HKD_FORM, PDF

MAIN = "000.00.22.H34"
WARD = "000.25.22.H34"


def make_user(services: Services, username: str, roles: list[str], agency: str | None) -> None:
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        agency_id = s.scalar(sa.select(Agency.id).where(Agency.code == agency)) if agency else None
        s.add(User(username=username, password_hash=users.hash_password("mot-mat-khau-dai"), full_name=username,
                   roles=roles, agency_id=agency_id, created_at=services.clock.now()))
        uow.commit()


@pytest.fixture
def agency_admin(services: Services) -> str:
    make_user(services, "qtv_tp", ["agency_admin"], MAIN)
    return "qtv_tp"


def audited(services: Services, kind: str) -> list[dict[str, Any]]:
    with UnitOfWork(services.session_factory) as uow:
        return [e.detail for e in uow.session.scalars(sa.select(AuditEvent).where(AuditEvent.kind == kind))]


# --- rights -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("username", "sections"), [
    ("admin", {"definitions", "calendar", "agencies", "users", "reports", "operations"}),
    ("analyst", {"definitions"}),
    ("leader", {"reports"}),
    ("qtv_tp", {"calendar", "agencies", "users", "reports", "operations"}),
])
def test_each_administrative_role_is_offered_its_sections(services: Services, agency_admin: str, username: str,
                                                          sections: set[str]) -> None:
    assert admin_home.sections_for(services, username) == sections


@pytest.mark.parametrize("username", ["citizen", "reception", "specialist"])
def test_citizens_and_plain_officers_are_refused_the_admin_area(services: Services, username: str) -> None:
    with pytest.raises(Forbidden):
        admin_home.sections_for(services, username)


def test_the_rights_matrix_of_accounts_and_reports(services: Services, agency_admin: str) -> None:
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        by_name = {u.username: u for u in s.scalars(sa.select(User))}
        main = s.scalar(sa.select(Agency.id).where(Agency.code == MAIN))
        ward = s.scalar(sa.select(Agency.id).where(Agency.code == WARD))
        admin, qtv, leader = by_name["admin"], by_name["qtv_tp"], by_name["leader"]
        assert may_manage_users(admin, ward) and may_manage_users(qtv, main) and not may_manage_users(qtv, ward)
        assert not may_manage_users(leader, main)
        assert may_grant_roles(admin, {"agency_admin"}) and not may_grant_roles(qtv, {"agency_admin"})
        assert may_grant_roles(qtv, {"reception", "leader"}) and not may_grant_roles(admin, {"admin"})
        assert may_view_reports(admin, None) and may_view_reports(leader, main)
        assert not may_view_reports(leader, ward) and not may_view_reports(leader, None)
        assert not may_view_reports(by_name["reception"], main)


# --- agencies ---------------------------------------------------------------------------------

def test_the_tree_shows_each_agency_under_its_parent_with_its_officers(services: Services) -> None:
    rows = admin_agencies.agency_tree(services, "admin")
    codes = [r["code"] for r in rows]
    assert codes[0] == "000.00.00.H34" and rows[0]["depth"] == 0
    assert codes.index(MAIN) < codes.index(WARD)
    ward = next(r for r in rows if r["code"] == WARD)
    assert ward["parent"] == MAIN and ward["depth"] == 2 and ward["officers"] == 3


def test_an_administrator_adds_an_agency_and_edits_it(services: Services) -> None:
    admin_agencies.add_agency(services, "admin", "000.27.22.H34", "UBND phường Trường Chinh", "commune", MAIN,
                              "truongchinh@example.vn")
    admin_agencies.edit_agency(services, "admin", "000.27.22.H34", "UBND phường Trường Chinh (mới)", "")
    row = next(r for r in admin_agencies.agency_tree(services, "admin") if r["code"] == "000.27.22.H34")
    assert row["name"] == "UBND phường Trường Chinh (mới)" and row["email"] == "" and row["parent"] == MAIN
    assert [d["action"] for d in audited(services, "agency_changed")] == ["added", "edited"]


@pytest.mark.parametrize(("values", "field"), [
    (("27.22.H34", "X", "commune", MAIN), "code"),
    ((MAIN, "X", "commune", MAIN), "code"),
    (("000.27.22.H34", " ", "commune", MAIN), "name"),
    (("000.27.22.H34", "X", "village", MAIN), "level"),
    (("000.27.22.H34", "X", "commune", ""), "parent"),
    (("000.27.22.H34", "X", "district", WARD), "parent"),
    (("000.27.22.H34", "X", "commune", "000.99.99.H34"), "parent"),
])
def test_a_wrong_agency_is_refused_naming_the_field(services: Services, values: tuple[str, ...],
                                                    field: str) -> None:
    with pytest.raises(Invalid) as caught:
        admin_agencies.add_agency(services, "admin", *values)
    assert field in caught.value.fields
    assert audited(services, "agency_changed") == []


def test_only_a_system_administrator_changes_agencies(services: Services, agency_admin: str) -> None:
    assert admin_agencies.agency_tree(services, agency_admin)
    with pytest.raises(Forbidden):
        admin_agencies.add_agency(services, agency_admin, "000.27.22.H34", "X", "commune", MAIN)
    with pytest.raises(Forbidden):
        admin_agencies.agency_tree(services, "leader")


# --- accounts ---------------------------------------------------------------------------------

def test_an_officer_created_with_a_generated_password_can_log_in_with_it(services: Services) -> None:
    made = admin_users.create_officer(services, "admin", "canbo_moi", "Nguyễn Cán Bộ", "cb@example.vn",
                                      ["reception", "specialist"], WARD)
    assert made["password"] and users.authenticate(services, "canbo_moi", made["password"]) == "canbo_moi"
    listed = admin_users.list_accounts(services, "admin", WARD, "reception")
    assert [u["username"] for u in listed] == ["canbo_moi", "reception2"]
    assert audited(services, "user_changed")[0]["action"] == "created"
    assert made["password"] not in str(audited(services, "user_changed"))


def test_a_chosen_initial_password_is_checked_and_not_returned(services: Services) -> None:
    with pytest.raises(Invalid) as caught:
        admin_users.create_officer(services, "admin", "canbo_moi", "X", "cb@example.vn", ["leader"], MAIN, "ngan")
    assert "password" in caught.value.fields
    made = admin_users.create_officer(services, "admin", "canbo_moi", "X", "cb@example.vn", ["leader"], MAIN,
                                      "mot-mat-khau-dai")
    assert made["password"] is None


@pytest.mark.parametrize(("values", "field"), [
    (("Ab", "X", "cb@example.vn", ["leader"], MAIN), "username"),
    (("reception", "X", "cb@example.vn", ["leader"], MAIN), "username"),
    (("canbo_moi", "", "cb@example.vn", ["leader"], MAIN), "full_name"),
    (("canbo_moi", "X", "khong-phai-thu", ["leader"], MAIN), "email"),
    (("canbo_moi", "X", "cb@example.vn", [], MAIN), "roles"),
    (("canbo_moi", "X", "cb@example.vn", ["admin"], MAIN), "roles"),
    (("canbo_moi", "X", "cb@example.vn", ["leader"], "000.99.99.H34"), "agency"),
])
def test_a_wrong_account_is_refused_naming_the_field(services: Services, values: tuple[Any, ...],
                                                     field: str) -> None:
    with pytest.raises(Invalid) as caught:
        admin_users.create_officer(services, "admin", *values)
    assert field in caught.value.fields


def test_an_agency_administrator_manages_only_its_agency_and_never_grants_admin(
        services: Services, agency_admin: str) -> None:
    assert {u["agency"] for u in admin_users.list_accounts(services, agency_admin)} == {MAIN}
    admin_users.create_officer(services, agency_admin, "canbo_moi", "X", "cb@example.vn", ["reception"], MAIN)
    with pytest.raises(Forbidden):
        admin_users.create_officer(services, agency_admin, "canbo_2", "X", "c2@example.vn", ["reception"], WARD)
    with pytest.raises(Forbidden):
        admin_users.create_officer(services, agency_admin, "canbo_3", "X", "c3@example.vn", ["agency_admin"], MAIN)
    with pytest.raises(Forbidden):
        admin_users.change_account(services, agency_admin, "reception2", ["leader"], WARD)
    with pytest.raises(Forbidden):
        admin_users.set_locked(services, agency_admin, "admin", True)
    with pytest.raises(Forbidden):
        admin_users.list_accounts(services, "leader")


def test_roles_and_agency_change_and_are_audited(services: Services) -> None:
    admin_users.change_account(services, "admin", "reception", ["reception", "leader"], WARD)
    row = next(u for u in admin_users.list_accounts(services, "admin") if u["username"] == "reception")
    assert row["roles"] == ["leader", "reception"] and row["agency"] == WARD
    assert audited(services, "user_changed")[-1]["before"]["roles"] == ["reception"]


def test_a_locked_officer_can_no_longer_log_in_nor_act_until_unlocked(services: Services) -> None:
    admin_users.set_locked(services, "admin", "reception", True)
    assert users.authenticate(services, "reception", "demo") is None
    assert users.roles_of(services, "reception") == []
    with pytest.raises(Forbidden):
        admin_home.sections_for(services, "reception")
    with pytest.raises(Invalid) as caught:
        admin_users.set_locked(services, "admin", "admin", True)
    assert "username" in caught.value.fields
    admin_users.set_locked(services, "admin", "reception", False)
    assert users.roles_of(services, "reception") == ["reception"]
    assert [d["action"] for d in audited(services, "user_changed")
            if d["username"] == "reception"] == ["locked", "unlocked"]


# --- reports ----------------------------------------------------------------------------------

def submitted(services: Services) -> str:
    made = submit_dossier(services, "citizen", Submission(procedure=HKD, form=HKD_FORM, declaration=True,
                                                          uploads=[Upload("giay_de_nghi", "a.pdf", PDF),
                                                                   Upload("giay_to_phap_ly", "b.pdf", PDF)]))
    return str(made["code"])


def settle(services: Services, code: str, **values: Any) -> None:
    """Put a dossier in the state a report reads (status, dates), as the workflow would have left it."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        d = s.scalar(sa.select(Dossier).where(Dossier.code == code))
        for key, value in values.items():
            setattr(d, key, value)
        uow.commit()


def supplement_requested(services: Services, code: str, times: int) -> None:
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        d = s.scalar(sa.select(Dossier).where(Dossier.code == code))
        assert d is not None
        for _ in range(times):
            audit.append(s, at=services.clock.now(), actor="specialist", kind="supplement_requested",
                         dossier_id=d.id, detail={})
        uow.commit()


def test_the_report_counts_on_time_late_refused_withdrawn_and_repeated_supplements(
        services: Services, clock: ManualClock) -> None:
    codes = [submitted(services) for _ in range(4)]
    now = clock.now()
    settle(services, codes[0], status_code=10, accepted_at=now, due_at=now + timedelta(days=3),
           finished_at=now + timedelta(days=1))
    settle(services, codes[1], status_code=10, accepted_at=now, due_at=now + timedelta(days=1),
           finished_at=now + timedelta(days=2))
    settle(services, codes[2], status_code=3)
    settle(services, codes[3], status_code=7)
    supplement_requested(services, codes[0], 2)
    clock.advance(timedelta(days=3))
    table = admin_reports.report(services, "admin")
    main = next(r for r in table["agencies"] if r["agency"] == MAIN)
    assert (main["received"], main["finished"], main["on_time"], main["late"]) == (4, 2, 1, 1)
    assert (main["refused"], main["withdrawn"], main["supplement_requests"], main["repeated_supplements"]) \
        == (1, 1, 2, 1)
    assert main["avg_hours"] > 0 and main["statutory_hours"] > 0
    assert [r["procedure"] for r in table["procedures"]] == [HKD]
    csv_text = admin_reports.report_csv(table)
    assert csv_text.splitlines()[0].startswith("agency,procedure,received")
    assert f"{MAIN},,4,2,2,1,1,1,1,2,1," in csv_text


def test_a_period_before_the_dossiers_counts_none_and_a_reversed_period_is_refused(services: Services) -> None:
    submitted(services)
    assert admin_reports.report(services, "admin", "", "2025-01-01", "2025-12-31")["agencies"] == []
    with pytest.raises(Invalid) as caught:
        admin_reports.report(services, "admin", "", "2026-03-02", "2026-01-01")
    assert "to" in caught.value.fields
    with pytest.raises(Invalid) as caught:
        admin_reports.report(services, "admin", "", "hôm qua")
    assert "from" in caught.value.fields


def test_a_leader_sees_only_its_agency_report(services: Services) -> None:
    submitted(services)
    assert [r["agency"] for r in admin_reports.report(services, "leader")["agencies"]] == [MAIN]
    assert admin_reports.report(services, "leader")["incidents"] is None
    with pytest.raises(Forbidden):
        admin_reports.report(services, "leader2", MAIN)
    with pytest.raises(Forbidden):
        admin_reports.report(services, "citizen")


def test_an_administrator_resolves_an_open_incident_once(services: Services, clock: ManualClock) -> None:
    with UnitOfWork(services.session_factory) as uow:
        uow.session.add(Incident(at=clock.now(), kind="timer_failed", message="hết lần thử"))
        uow.commit()
    [incident] = admin_reports.report(services, "admin")["incidents"]
    with pytest.raises(Forbidden):
        admin_reports.resolve_incident(services, "leader", incident["id"])
    admin_reports.resolve_incident(services, "admin", incident["id"])
    assert admin_reports.report(services, "admin")["incidents"] == []
    with pytest.raises(Conflict):
        admin_reports.resolve_incident(services, "admin", incident["id"])
    assert audited(services, "incident_resolved") == [{"incident": incident["id"], "kind": "timer_failed"}]
