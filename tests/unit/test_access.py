"""Who may do what (R2.1, R13.2), as a matrix: every role, in the dossier's agency or another one,
as the applicant or not. Plain model objects; no database."""
from __future__ import annotations

from itertools import product

import pytest

from models import Dossier, User, UserTask
from processes import access

AGENCY, OTHER_AGENCY, CONSULTED = 10, 20, 30
APPLICANT_ID = 1
ALL_ROLES = ("citizen", "reception", "specialist", "leader", "agency_admin", "analyst", "admin")
OFFICER_ROLES = ("reception", "specialist", "leader", "agency_admin")
TASK_ROLES = ("reception", "specialist", "leader")


def user(role: str, agency: int | None = AGENCY, uid: int = 100, active: bool = True) -> User:
    # Citizens, analysts and system admins belong to no agency.
    has_agency = role in OFFICER_ROLES
    return User(id=uid, username=f"{role}-{uid}", roles=[role], agency_id=agency if has_agency else None,
                active=active)


def dossier() -> Dossier:
    return Dossier(id=5, code="000.00.22.H34-260302-0001", applicant_id=APPLICANT_ID, agency_id=AGENCY)


def task(role: str, assignee: int | None = None) -> UserTask:
    return UserTask(id="t-1", dossier_id=5, element_id="Task_x", name="x", role=role, agency_id=AGENCY,
                    assignee_id=assignee)


# -- seeing a dossier -----------------------------------------------------------------------------
@pytest.mark.parametrize("role, agency, is_applicant", list(product(ALL_ROLES, (AGENCY, OTHER_AGENCY),
                                                                   (True, False))))
def test_who_sees_a_dossier(role: str, agency: int, is_applicant: bool) -> None:
    u = user(role, agency, uid=APPLICANT_ID if is_applicant else 100)
    expected = is_applicant or role == "admin" or (role in OFFICER_ROLES and agency == AGENCY)
    assert access.may_view_dossier(u, dossier(), set()) is expected


@pytest.mark.parametrize("role", OFFICER_ROLES)
def test_officers_of_a_consulted_agency_see_the_dossier_they_worked_on(role: str) -> None:
    assert access.may_view_dossier(user(role, CONSULTED), dossier(), {CONSULTED}) is True
    assert access.may_view_dossier(user(role, OTHER_AGENCY), dossier(), {CONSULTED}) is False


def test_a_locked_account_sees_nothing_not_even_its_own_dossier() -> None:
    assert access.may_view_dossier(user("citizen", uid=APPLICANT_ID, active=False), dossier(), set()) is False
    assert access.may_view_dossier(user("admin", active=False), dossier(), set()) is False


def test_an_officer_role_without_an_agency_is_no_officer() -> None:
    u = User(id=100, username="x", roles=["reception"], agency_id=None, active=True)
    assert access.is_officer(u) is False
    assert access.may_view_dossier(u, dossier(), set()) is False


# -- completing a task ----------------------------------------------------------------------------
@pytest.mark.parametrize("role, task_role, agency", list(product(ALL_ROLES, TASK_ROLES, (AGENCY, OTHER_AGENCY))))
def test_who_completes_a_task(role: str, task_role: str, agency: int) -> None:
    expected = role == task_role and agency == AGENCY
    assert access.may_complete_task(user(role, agency), task(task_role)) is expected


def test_the_applicant_never_completes_an_officer_task_of_their_own_dossier() -> None:
    for task_role in TASK_ROLES:
        assert access.may_complete_task(user("citizen", uid=APPLICANT_ID), task(task_role)) is False


def test_a_claimed_task_only_by_its_assignee() -> None:
    mine, colleague = user("specialist", uid=100), user("specialist", uid=101)
    claimed = task("specialist", assignee=100)
    assert access.may_complete_task(mine, claimed) is True
    assert access.may_complete_task(colleague, claimed) is False


def test_a_locked_officer_completes_nothing() -> None:
    assert access.may_complete_task(user("reception", active=False), task("reception")) is False


# -- the other decisions --------------------------------------------------------------------------
@pytest.mark.parametrize("role", ALL_ROLES)
def test_what_each_role_may_do_besides_dossiers(role: str) -> None:
    u = user(role)
    assert access.may_submit(u) is (role == "citizen")
    assert access.may_deploy(u) is (role == "admin")
    assert access.may_validate_diagrams(u) is (role in ("analyst", "admin"))
    assert access.may_edit_calendar(u) is (role in ("admin", "agency_admin"))
    assert access.is_officer(u) is (role in OFFICER_ROLES)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_a_locked_account_may_do_nothing(role: str) -> None:
    u = user(role, active=False)
    assert not any((access.may_submit(u), access.may_deploy(u), access.may_validate_diagrams(u),
                    access.may_edit_calendar(u)))
