"""Who may perform the procedural acts and use the operations console (issue 12), as a matrix: every
role, in the dossier's agency or another one, active or locked. Plain model objects; no database."""
from __future__ import annotations

from itertools import product

import pytest

from processes import access
from tests.unit.test_access import AGENCY, ALL_ROLES, OTHER_AGENCY, dossier, user

RULES = {  # the right -> the roles of the dossier's agency that hold it
    access.may_transfer_dossier: {"reception", "leader"},
    access.may_request_extension: {"specialist"},
    access.may_decide_extension: {"leader"},
    access.may_review_withdrawal: {"reception"},
}


@pytest.mark.parametrize("rule, role, agency, active", [
    (rule, role, agency, active) for rule, (role, agency, active)
    in product(RULES, product(ALL_ROLES, (AGENCY, OTHER_AGENCY), (True, False)))])
def test_the_acts_belong_to_the_handling_agency(rule: object, role: str, agency: int, active: bool) -> None:
    u = user(role, agency, active=active)
    expected = active and role in RULES[rule] and agency == AGENCY  # type: ignore[index]
    assert rule(u, dossier()) is expected  # type: ignore[operator]


@pytest.mark.parametrize("role, agency", list(product(ALL_ROLES, (AGENCY, OTHER_AGENCY))))
def test_the_console(role: str, agency: int) -> None:
    u = user(role, agency)
    assert access.may_operate(u, AGENCY) is (role == "admin" or (role == "agency_admin" and agency == AGENCY))
    assert access.may_operate(u, None) is (role == "admin")  # every agency, or what has no dossier
    assert access.may_enter_operations(u) is (role in ("admin", "agency_admin"))
    assert not access.may_enter_operations(user(role, agency, active=False))


def test_substitutes_are_named_by_the_officer_or_a_leader_among_colleagues_sharing_a_role() -> None:
    absent = user("specialist", uid=1)
    colleague = user("specialist", uid=2)
    leader = user("leader", uid=3)
    admin_of_agency = user("agency_admin", uid=4)
    elsewhere = user("specialist", OTHER_AGENCY, uid=5)
    assert access.may_appoint_substitute(absent, absent, colleague)
    assert access.may_appoint_substitute(leader, absent, colleague)
    assert access.may_appoint_substitute(admin_of_agency, absent, colleague)
    assert not access.may_appoint_substitute(colleague, absent, colleague)  # a colleague names nobody for another
    assert not access.may_appoint_substitute(absent, absent, leader)  # no task role in common
    assert not access.may_appoint_substitute(absent, absent, elsewhere)  # another agency
    assert not access.may_appoint_substitute(absent, absent, absent)  # not oneself
    assert not access.may_appoint_substitute(absent, absent, user("specialist", uid=6, active=False))
    assert not access.may_appoint_substitute(user("leader", OTHER_AGENCY, uid=7), absent, colleague)
