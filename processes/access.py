"""Every access decision of the system, in one place (R2.1, R13.2). Tested as a matrix.

Rights are never optional: every use case that changes or reveals data takes the acting user (a
username) as a required argument and checks it itself, with the `may_…` rule it chooses, through
`acting_user` / `authorise` below. No door (page, API, CLI, timer) picks the rule or can skip it.
The CLI acts as a named operator account (`--as`, default `[cli] operator`); `motcua init` deploys
the shipped diagrams as the machine account `SYSTEM`, which holds only the `system` role; the timer
sweeper writes `SYSTEM` into the audit trail."""
from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
import sqlalchemy.orm as so

from models import Dossier, User, UserTask
from processes.errors import Forbidden

Right = Callable[[User], bool]
SYSTEM = "system"  # the machine account: `motcua init` deploys as it; the timers write it as their actor
SYSTEM_ROLE = "system"  # its only role: it may deploy diagrams (may_deploy) and nothing else

_ACTING_USER = sa.select(User).where(User.username == sa.bindparam("username"))


def acting_user(s: so.Session, username: str) -> User:
    """The active account behind a call, whatever the door (page, API, CLI); Forbidden otherwise."""
    user = s.scalar(_ACTING_USER, {"username": username})
    if user is None or not user.active:
        raise Forbidden("account.inactive", username=username)
    return user


def authorise(s: so.Session, username: str, right: Right) -> User:
    """The acting user, if `right` (one of the `may_…` rules below) allows; Forbidden otherwise."""
    user = acting_user(s, username)
    if not right(user):
        raise Forbidden("forbidden")
    return user


OFFICER_ROLES = frozenset({"reception", "specialist", "leader", "agency_admin"})


def is_officer(user: User) -> bool:
    return bool(OFFICER_ROLES & set(user.roles or [])) and user.agency_id is not None


def may_view_dossier(user: User, dossier: Dossier, involved_agencies: set[int]) -> bool:
    """The applicant; officers of the handling agency or of an agency consulted on it; system admins."""
    if not user.active:
        return False
    if dossier.applicant_id == user.id:
        return True
    if user.has_role("admin"):
        return True
    return is_officer(user) and user.agency_id in ({dossier.agency_id} | involved_agencies)


def may_complete_task(user: User, task: UserTask) -> bool:
    """Officers of the task's agency holding the task's role; a claimed task only by its assignee."""
    return (user.active and user.has_role(task.role) and user.agency_id == task.agency_id
            and (task.assignee_id is None or task.assignee_id == user.id))


def may_see_task(user: User, task: UserTask) -> bool:
    """Officers of the task's agency holding its role see it, whoever holds it (R2.1)."""
    return user.active and user.has_role(task.role) and user.agency_id == task.agency_id


def may_claim_task(user: User, task: UserTask) -> bool:
    """An open, unclaimed (or already own) task of the officer's agency and role."""
    return may_complete_task(user, task) and task.completed_at is None


def may_release_task(user: User, task: UserTask) -> bool:
    """Only the officer holding a task gives it back to the group."""
    return user.active and task.assignee_id == user.id and task.completed_at is None


def may_hand_over_task(user: User, task: UserTask, colleague: User) -> bool:
    """The holder (or anyone of the group for an unclaimed task) hands it to an active colleague of
    the same agency who holds the task's role."""
    return (may_claim_task(user, task) and colleague.active and colleague.id != user.id
            and colleague.agency_id == task.agency_id and colleague.has_role(task.role))


def may_work_on_dossier(user: User, dossier: Dossier, involved_agencies: set[int]) -> bool:
    """Officers (not the applicant) of the handling or a consulted agency: notes, documents, forms."""
    return (user.active and is_officer(user)
            and user.agency_id in ({dossier.agency_id} | involved_agencies))


def may_take_payment(user: User, dossier: Dossier) -> bool:
    """Fees are received at the desk of the handling agency (R7.2)."""
    return user.active and user.has_role("reception") and user.agency_id == dossier.agency_id


def may_print_register(user: User, agency_id: int) -> bool:
    """The register of dossiers (form 06) of an agency: its own officers only (R2.1)."""
    return user.active and is_officer(user) and user.agency_id == agency_id


def may_submit(user: User, email_confirmed: bool = True) -> bool:
    """Active applicants; a self-registered account only once its e-mail is confirmed (R6.1)."""
    return user.active and user.has_role("citizen") and email_confirmed


def may_register_at_desk(user: User) -> bool:
    """A dossier handed in at the counter or received by post, for someone without an account
    (R7.1, R14): reception of an agency, for that agency."""
    return user.active and user.has_role("reception") and user.agency_id is not None


def may_prepare_draft(user: User, dossier: Dossier) -> bool:
    """The draft result (issue 12): specialists of the handling agency attach or generate it."""
    return user.active and user.has_role("specialist") and user.agency_id == dossier.agency_id


def may_search_dossiers(user: User) -> bool:
    """The dossier search (issue 12): officers of an agency, within their agency and the dossiers
    it was consulted on."""
    return user.active and is_officer(user)


def may_keep_drafts(user: User) -> bool:
    """Active applicants keep submission drafts (an unconfirmed account too: a draft reaches no agency)."""
    return user.active and user.has_role("citizen")


def may_deploy(user: User) -> bool:
    """System administrators; the machine account `SYSTEM` that `motcua init` deploys the shipped
    diagrams with (before any administrator exists on a production database)."""
    return user.active and (user.has_role("admin") or user.has_role(SYSTEM_ROLE))


def may_validate_diagrams(user: User) -> bool:
    return user.active and (user.has_role("analyst") or user.has_role("admin"))


def may_edit_calendar(user: User) -> bool:
    return user.active and (user.has_role("admin") or user.has_role("agency_admin"))


def may_read_feedback(user: User) -> bool:
    """Citizens' feedback (R9.1) is reviewed by system administrators (it spans every agency)."""
    return user.active and user.has_role("admin")


def may_issue_apology(user: User, dossier: Dossier) -> bool:
    """The apology-and-new-date letter (form 04) of a late dossier: a leader of the handling agency."""
    return user.active and user.has_role("leader") and user.agency_id == dossier.agency_id


def may_act_as_applicant(user: User, dossier: Dossier) -> bool:
    """The applicant's own pages and acts (follow, supplement, withdraw, rate): the applicant only,
    never an officer or an administrator acting for them (R6.1, R13.2)."""
    return user.active and dossier.applicant_id == user.id


ADMIN_AREA_ROLES = frozenset({"admin", "agency_admin", "analyst", "leader"})
GRANTABLE_ROLES = ("reception", "specialist", "leader", "agency_admin")


def may_enter_admin(user: User) -> bool:
    """The `/admin` landing: administrators, agency administrators, analysts and leaders (reports)."""
    return user.active and bool(ADMIN_AREA_ROLES & set(user.roles or []))


def may_view_agencies(user: User) -> bool:
    """The agency tree (R2.1): system and agency administrators."""
    return user.active and (user.has_role("admin") or user.has_role("agency_admin"))


def may_manage_agencies(user: User) -> bool:
    """Adding and renaming agencies: system administrators only (R2.1)."""
    return user.active and user.has_role("admin")


def may_manage_users(user: User, agency_id: int | None) -> bool:
    """Officer accounts: a system administrator for every agency; an agency administrator for the
    accounts of its own agency (R2.1). Accounts outside any agency (citizens, admins): admin only."""
    if not user.active:
        return False
    if user.has_role("admin"):
        return True
    return user.has_role("agency_admin") and agency_id is not None and user.agency_id == agency_id


def may_administer_accounts(user: User) -> bool:
    """The accounts pages at all: a system administrator, or an agency administrator of an agency."""
    return may_manage_users(user, user.agency_id)


def may_grant_roles(user: User, roles: set[str]) -> bool:
    """An administrator grants any officer role; an agency administrator never an administrator's role."""
    if not user.active or not roles <= set(GRANTABLE_ROLES):
        return False
    return user.has_role("admin") or (user.has_role("agency_admin") and "agency_admin" not in roles)


def may_view_reports(user: User, agency_id: int | None) -> bool:
    """Reports (R10.1, R8.3): administrators of every agency (None = all agencies); agency
    administrators and leaders of their own agency only."""
    if not user.active:
        return False
    if user.has_role("admin"):
        return True
    return ((user.has_role("agency_admin") or user.has_role("leader"))
            and agency_id is not None and user.agency_id == agency_id)


def may_view_some_report(user: User) -> bool:
    """The reports page at all: administrators (every agency), agency administrators and leaders
    of an agency (their own)."""
    return may_view_reports(user, None if user.has_role("admin") else user.agency_id)


def may_resolve_incident(user: User) -> bool:
    """Incidents (R9.2) span the whole system: system administrators resolve them."""
    return user.active and user.has_role("admin")


# -- procedural acts and the operations console (issue 12) ------------------------------------------
def may_transfer_dossier(user: User, dossier: Dossier) -> bool:
    """A dossier received by the wrong agency: its reception desk or leader sends it to the competent one."""
    return (user.active and user.agency_id == dossier.agency_id
            and (user.has_role("reception") or user.has_role("leader")))


def may_request_extension(user: User, dossier: Dossier) -> bool:
    """A specialist of the handling agency asks for more working days."""
    return user.active and user.has_role("specialist") and user.agency_id == dossier.agency_id


def may_decide_extension(user: User, dossier: Dossier) -> bool:
    """A leader of the handling agency approves or refuses an extension."""
    return user.active and user.has_role("leader") and user.agency_id == dossier.agency_id


def may_review_withdrawal(user: User, dossier: Dossier) -> bool:
    """Reception of the handling agency accepts or refuses an applicant's withdrawal request."""
    return user.active and user.has_role("reception") and user.agency_id == dossier.agency_id


def may_appoint_substitute(user: User, officer: User, colleague: User) -> bool:
    """The officer themself, or a leader or agency administrator of the same agency, names an active
    colleague of that agency who shares one of the officer's task roles."""
    task_roles = {"reception", "specialist", "leader"}
    shared = task_roles & set(officer.roles or []) & set(colleague.roles or [])
    same_agency = officer.agency_id is not None and officer.agency_id == colleague.agency_id
    appointer = user.id == officer.id or (
        user.agency_id == officer.agency_id and (user.has_role("leader") or user.has_role("agency_admin")))
    return (user.active and appointer and same_agency and bool(shared) and colleague.active
            and colleague.id != officer.id)


def may_operate(user: User, agency_id: int | None) -> bool:
    """The operations console (issue 12): system administrators for every agency (None = all);
    agency administrators for the dossiers of their own agency."""
    if not user.active:
        return False
    if user.has_role("admin"):
        return True
    return user.has_role("agency_admin") and agency_id is not None and user.agency_id == agency_id


def may_enter_operations(user: User) -> bool:
    """The console at all: system administrators, agency administrators of an agency."""
    return may_operate(user, None if user.has_role("admin") else user.agency_id)


# -- payments (issue 13) -----------------------------------------------------------------------------
def may_refund_fee(user: User, dossier: Dossier) -> bool:
    """A paid fee is refunded (R8.6) on the order of a leader of the agency that collected it."""
    return user.active and user.has_role("leader") and user.agency_id == dossier.agency_id


def may_reconcile_payments(user: User) -> bool:
    """Reconciliation with the gateways: system administrators (`motcua payments reconcile`) and the
    machine account's daily sweep."""
    return user.active and (user.has_role("admin") or user.has_role(SYSTEM_ROLE))
