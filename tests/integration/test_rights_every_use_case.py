"""Rights are never optional (issue 10): every use case that changes or reveals data refuses a caller
without the right, whatever door calls it, and changes nothing when it does.

The table below names each such use case with a call; each call is tried with callers that lack the
right (a citizen who is not the applicant, an officer of another agency, an unknown account, a
locked administrator) and must be refused (`Forbidden`, or `NotFound` where telling would reveal
that the thing exists) with the audit trail untouched. A privileged caller making the same call is
not refused (so the call itself is right, and the refusals are about the caller).

`test_the_table_is_complete` walks every module of processes/: a public function taking
`(services, username | actor, …)` must be in the table or in EXEMPT with the reason; a public
function taking `services` and no actor must be in NO_ACTOR with the reason. A new use case without
a row here fails the suite."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Any

import pytest
import sqlalchemy as sa

import processes
from adapters.bootstrap import Services
from models import Attachment, AuditEvent, Dossier, User
from processes.errors import Forbidden, NotFound, Refused
from processes.uow import UnitOfWork
from tests.helpers import HKD, HKD_FORM, PDF, PNG, submit
from tests.integration.versions_support import HKD_BPMN, HKD_TOML

CITIZEN, OTHER_OFFICER, UNKNOWN, LOCKED_ADMIN = "citizen2", "reception2", "nobody", "locked_admin"
STRANGERS = (CITIZEN, OTHER_OFFICER, UNKNOWN, LOCKED_ADMIN)
NOT_THE_ACCOUNT = (UNKNOWN, LOCKED_ADMIN)  # for use cases that act on the caller's own account
NON_CITIZENS = (OTHER_OFFICER, UNKNOWN, LOCKED_ADMIN)  # submitting is the citizens' right
REFUSED = (Forbidden, NotFound)


class World:
    """What the calls need, made on first use in the test's own database: a dossier the citizen
    `citizen` submitted to the main agency (its reception task open), a proposal, a locked admin."""

    def __init__(self, services: Services):
        self.services = services
        with UnitOfWork(services.session_factory) as uow:
            uow.session.add(
                User(
                    username=LOCKED_ADMIN,
                    password_hash="!",
                    full_name="Khóa",
                    roles=["admin"],
                    active=False,
                    created_at=services.clock.now(),
                )
            )
            uow.commit()

    @cached_property
    def code(self) -> str:
        return submit(self.services)

    @cached_property
    def task_id(self) -> str:
        from tests.helpers import offered

        return str(offered(self.services, self.code, "reception")[0]["id"])

    @cached_property
    def claimed_task_id(self) -> str:
        from processes.desk.workbench import claim_task

        claim_task(self.services, "reception", self.task_id)
        return self.task_id

    @cached_property
    def form_no(self) -> str:
        """A printable form of the dossier (the last that applies now)."""
        from processes.desk.paper import applicable_forms

        with UnitOfWork(self.services.session_factory) as uow:
            dossier = uow.session.scalar(sa.select(Dossier).where(Dossier.code == self.code))
            return applicable_forms(uow.session, dossier)[-1]

    @cached_property
    def attachment_id(self) -> int:
        with UnitOfWork(self.services.session_factory) as uow:
            return int(
                uow.session.scalar(
                    sa.select(Attachment.id)
                    .join(Dossier, Dossier.id == Attachment.dossier_id)
                    .where(Dossier.code == self.code)
                    .limit(1)
                )
            )

    @cached_property
    def citizen_token_id(self) -> str:
        """An API token of the citizen `citizen` (its number)."""
        from processes.people.sessions import issue_token

        return str(issue_token(self.services, "citizen")["id"])

    @cached_property
    def dossier_id(self) -> int:
        with UnitOfWork(self.services.session_factory) as uow:
            return int(uow.session.scalar(sa.select(Dossier.id).where(Dossier.code == self.code)))

    @cached_property
    def paid_code(self) -> str:
        """A dossier of the citizen `citizen` whose fee reception recorded as paid by transfer (issue 13)."""
        from processes.payments.transfer import record_transfer

        code = submit(self.services)
        record_transfer(self.services, "reception", code, "CK-0001")
        return code

    @cached_property
    def return_params(self) -> dict[str, str]:
        """The signed browser return of an online payment the citizen started on the world's dossier."""
        from tests.integration.payments_support import pay_at_gateway

        return pay_at_gateway(self.services, self.code)[1]

    @cached_property
    def extension_code(self) -> str:
        """A second dossier, accepted by the main agency (issue 12)."""
        from tests.helpers import work

        accepted = submit(self.services)
        work(self.services, accepted, "reception")
        return accepted

    @cached_property
    def extension_id(self) -> int:
        """A pending extension request on `extension_code`."""
        from processes.acts.extension import request_extension

        return int(request_extension(self.services, "specialist", self.extension_code, "Xác minh", 2)["id"])

    @cached_property
    def substitution_id(self) -> int:
        """The main agency's specialist covered by its leader today (a row, as a leader would name)."""
        from models import Substitution

        with UnitOfWork(self.services.session_factory) as uow:
            s = uow.session
            ids = {u.username: u for u in s.scalars(sa.select(User).where(User.username.in_(
                ("specialist", "leader"))))}
            today = self.services.clock.now().date()
            row = Substitution(agency_id=ids["specialist"].agency_id, officer_id=ids["specialist"].id,
                               substitute_id=ids["leader"].id, starts_on=today, ends_on=today,
                               created_by=ids["leader"].id, created_at=self.services.clock.now())
            s.add(row)
            s.flush()
            uow.commit()
            return int(row.id)

    @cached_property
    def proposal_id(self) -> int:
        from processes.definitions.proposals import propose

        check = propose(self.services, "analyst", upload())
        assert check.proposal_id is not None, check.problems
        return check.proposal_id


def upload() -> Any:
    from processes.definitions.proposals import Upload

    return Upload(HKD_BPMN.name, HKD_BPMN.read_bytes(), HKD_TOML.name, HKD_TOML.read_bytes())


def submission() -> Any:
    from processes.submission.submission import Submission, Upload

    return Submission(
        procedure=HKD,
        form=HKD_FORM,
        channel="online",
        uploads=[Upload("giay_de_nghi", "de-nghi.pdf", PDF), Upload("giay_to_phap_ly", "cccd.png", PNG)],
        declaration=True,
    )


Call = Callable[[Any, Services, str, World], Any]  # (the use case, services, the acting user, the world)


@dataclass(frozen=True)
class Row:
    call: Call
    allowed: str  # a caller who has the right: the call is not refused for it
    strangers: tuple[str, ...] = STRANGERS
    refused: tuple[type[Refused], ...] = REFUSED
    marks: list[Any] = field(default_factory=list)


def _m(path: str) -> Any:
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def _fn(key: str) -> Any:
    module, _, name = key.partition(":")
    return getattr(importlib.import_module(module), name)


def _call(call: Call, key: str, services: Services, who: str, world: World) -> Any:
    return call(_fn(key), services, who, world)


def _warm(call: Call, world: World) -> None:
    """Make what the call needs before counting the audit trail (the world is made on first use)."""
    for name in ("code", "task_id", "claimed_task_id", "attachment_id", "proposal_id", "form_no",
                 "citizen_token_id", "paid_code", "return_params", "extension_code", "extension_id",
                 "substitution_id"):
        if name in call.__code__.co_names:
            getattr(world, name)


# "module:function" -> how to call it. `who` is the acting user; `w` the world of the test.
TABLE: dict[str, Row] = {
    # -- definitions and versions --------------------------------------------------------------------
    "processes.definitions.deploy:deploy_paths": Row(lambda f, svc, who, w: f(svc, who, [HKD_BPMN]), "admin"),
    "processes.definitions.deploy:deploy_file": Row(lambda f, svc, who, w: f(svc, who, HKD_BPMN), "admin"),
    "processes.definitions.deploy:deploy_source": Row(
        lambda f, svc, who, w: f(
            svc, who, _m("processes.definitions.proposals.source_of")(upload()), dry_run=True
        ),
        "analyst",
    ),
    "processes.definitions.versions:list_procedures": Row(lambda f, svc, who, w: f(svc, who), "analyst"),
    "processes.definitions.versions:procedure_history": Row(
        lambda f, svc, who, w: f(svc, who, HKD), "analyst"
    ),
    "processes.definitions.versions:rollback": Row(lambda f, svc, who, w: f(svc, who, HKD, 1), "admin"),
    "processes.definitions.versions:compare_versions": Row(
        lambda f, svc, who, w: f(svc, who, HKD, 1, 1), "analyst"
    ),
    "processes.definitions.versions:version_bpmn": Row(lambda f, svc, who, w: f(svc, who, HKD, 1), "analyst"),
    "processes.definitions.versions:published_library": Row(
        lambda f, svc, who, w: f(svc, who, b'<x calledElement="dang_ky_ho_kinh_doanh" />'), "analyst"
    ),
    "processes.definitions.versions:published_diagram": Row(lambda f, svc, who, w: f(svc, who, HKD), "analyst"),
    "processes.definitions.migration:migrate_dossiers": Row(
        lambda f, svc, who, w: f(svc, who, HKD, 1), "admin"
    ),
    "processes.definitions.diagrams:version_diagram": Row(
        lambda f, svc, who, w: f(svc, who, HKD, 1), "analyst"
    ),
    "processes.definitions.simulation:simulate_published": Row(lambda f, svc, who, w: f(svc, who, HKD), "analyst"),
    "processes.definitions.simulation:simulate_upload": Row(lambda f, svc, who, w: f(svc, who, upload()), "analyst"),
    "processes.definitions.diagrams:version_diff_diagram": Row(
        lambda f, svc, who, w: f(svc, who, HKD, 1, 1, "new"), "analyst"
    ),
    "processes.definitions.diagrams:proposal_diff_diagram": Row(
        lambda f, svc, who, w: f(svc, who, w.proposal_id, "new"), "analyst"
    ),
    "processes.definitions.diagrams:upload_diagram": Row(
        lambda f, svc, who, w: f(svc, who, upload(), {"Task_reception_check"}), "analyst"
    ),
    "processes.definitions.diagrams:proposal_diagram": Row(
        lambda f, svc, who, w: f(svc, who, w.proposal_id), "analyst"
    ),
    "processes.definitions.diagrams:dossier_diagram": Row(
        lambda f, svc, who, w: f(svc, who, w.code), "citizen"
    ),
    "processes.definitions.proposals:check_upload": Row(
        lambda f, svc, who, w: f(svc, who, upload()), "analyst"
    ),
    "processes.definitions.proposals:propose": Row(lambda f, svc, who, w: f(svc, who, upload()), "analyst"),
    "processes.definitions.studio:studio_source": Row(lambda f, svc, who, w: f(svc, who, "1.000656"), "analyst"),
    "processes.definitions.proposals:stage_deployment": Row(
        lambda f, svc, who, w: f(svc, who, upload()), "admin"
    ),
    "processes.definitions.proposals:deploy_upload": Row(
        lambda f, svc, who, w: f(svc, who, upload()), "admin"
    ),
    "processes.definitions.proposals:deploy_proposal": Row(
        lambda f, svc, who, w: f(svc, who, w.proposal_id), "admin"
    ),
    "processes.definitions.proposals:reject_proposal": Row(
        lambda f, svc, who, w: f(svc, who, w.proposal_id), "admin"
    ),
    "processes.definitions.proposals:list_proposals": Row(lambda f, svc, who, w: f(svc, who), "analyst"),
    "processes.definitions.proposals:get_proposal": Row(
        lambda f, svc, who, w: f(svc, who, w.proposal_id), "analyst"
    ),
    # -- time ----------------------------------------------------------------------------------------
    "processes.timekeeping.calendar_admin:list_overrides": Row(lambda f, svc, who, w: f(svc, who), "admin"),
    "processes.timekeeping.calendar_admin:add_override": Row(
        lambda f, svc, who, w: f(svc, who, "2026-09-03", "day_off", "Nghỉ bù"), "admin"
    ),
    "processes.timekeeping.calendar_admin:remove_override": Row(
        lambda f, svc, who, w: f(svc, who, "2026-09-03"), "admin", refused=(Forbidden,)
    ),  # never "not listed" before the right is checked
    # -- administration and reports ------------------------------------------------------------------
    "processes.administration.admin_home:sections_for": Row(lambda f, svc, who, w: f(svc, who), "leader"),
    "processes.administration.admin_agencies:agency_tree": Row(lambda f, svc, who, w: f(svc, who), "admin"),
    "processes.administration.admin_agencies:add_agency": Row(
        lambda f, svc, who, w: f(svc, who, "000.77.22.H34", "UBND phường Mới", "commune", "000.00.22.H34"),
        "admin",
    ),
    "processes.administration.admin_agencies:edit_agency": Row(
        lambda f, svc, who, w: f(svc, who, "000.00.22.H34", "Tên mới", ""), "admin", refused=(Forbidden,)
    ),
    "processes.administration.admin_users:list_accounts": Row(lambda f, svc, who, w: f(svc, who), "admin"),
    "processes.administration.admin_users:create_officer": Row(
        lambda f, svc, who, w: f(
            svc, who, "moi.cb", "Cán bộ mới", "moi@example.vn", ["reception"], "000.00.22.H34"
        ),
        "admin",
    ),
    "processes.administration.admin_users:change_account": Row(
        lambda f, svc, who, w: f(svc, who, "reception", ["reception", "specialist"], "000.00.22.H34"), "admin"
    ),
    "processes.administration.admin_users:set_locked": Row(
        lambda f, svc, who, w: f(svc, who, "reception", True), "admin"
    ),
    "processes.administration.admin_users:sign_out_everywhere": Row(
        lambda f, svc, who, w: f(svc, who, "reception"), "admin"
    ),
    "processes.reports.admin_reports:report": Row(
        lambda f, svc, who, w: f(svc, who, "000.00.22.H34"), "leader"
    ),
    "processes.reports.admin_reports:resolve_incident": Row(
        lambda f, svc, who, w: f(svc, who, 999999), "admin", refused=(Forbidden,)
    ),  # never "no such incident" before the right is checked
    # -- oversight (issue 17): a leader sees their agency, not another's ---------------------------------
    "processes.reports.oversight:indicators": Row(lambda f, svc, who, w: f(svc, who, "000.00.22.H34"), "leader"),
    "processes.reports.oversight:dashboard": Row(lambda f, svc, who, w: f(svc, who, "000.00.22.H34"), "leader"),
    "processes.reports.oversight:annual_report": Row(lambda f, svc, who, w: f(svc, who, "000.00.22.H34"), "leader"),
    "processes.reports.oversight:choices": Row(lambda f, svc, who, w: f(svc, who), "leader"),
    "processes.reports.oversight:annual_report_file": Row(
        lambda f, svc, who, w: f(svc, who, "000.00.22.H34", "", "xlsx"), "leader"),
    "processes.reports.oversight:indicators_file": Row(
        lambda f, svc, who, w: f(svc, who, "000.00.22.H34", "", "", "", "csv"), "leader"),
    "processes.reports.feedback_answers:list_for_answer": Row(lambda f, svc, who, w: f(svc, who), "leader"),
    "processes.reports.feedback_answers:answer_feedback": Row(
        lambda f, svc, who, w: f(svc, who, 999999, "Cảm ơn."), "admin", refused=(Forbidden,)),
    "processes.reports.feedback_answers:close_feedback": Row(
        lambda f, svc, who, w: f(svc, who, 999999), "admin", refused=(Forbidden,)),
    # -- the caller's own account --------------------------------------------------------------------
    "processes.people.accounts:get_profile": Row(
        lambda f, svc, who, w: f(svc, who), "citizen", NOT_THE_ACCOUNT
    ),
    "processes.people.accounts:update_profile": Row(
        lambda f, svc, who, w: f(svc, who, "Nguyễn Văn An", "citizen@example.vn", "0912345678"),
        "citizen",
        NOT_THE_ACCOUNT,
    ),
    "processes.people.accounts:update_applicant_details": Row(
        lambda f, svc, who, w: f(svc, who, "062095001234", "12 Lê Lợi"), "citizen", NOT_THE_ACCOUNT
    ),
    "processes.people.accounts:resend_confirmation": Row(
        lambda f, svc, who, w: f(svc, who, "127.0.0.1"), "citizen", NOT_THE_ACCOUNT
    ),
    "processes.people.sessions:issue_token": Row(lambda f, svc, who, w: f(svc, who), "citizen", NOT_THE_ACCOUNT),
    "processes.people.sessions:list_tokens": Row(lambda f, svc, who, w: f(svc, who), "citizen", NOT_THE_ACCOUNT),
    "processes.people.sessions:revoke_token": Row(
        lambda f, svc, who, w: f(svc, who, w.citizen_token_id),
        "citizen",
    ),  # another account's token is not found; an unknown or locked caller is refused
    # issue 11, two-factor log-in: the caller's own account (officers and administrators)
    "processes.people.two_factor:status": Row(lambda f, svc, who, w: f(svc, who), "reception", NOT_THE_ACCOUNT),
    "processes.people.two_factor:begin_enrolment": Row(
        lambda f, svc, who, w: f(svc, who), "reception", (CITIZEN, *NOT_THE_ACCOUNT)
    ),  # a citizen-only account may not enrol
    "processes.people.two_factor:confirm_enrolment": Row(
        lambda f, svc, who, w: f(svc, who, "000000"), "reception", NOT_THE_ACCOUNT
    ),
    "processes.people.two_factor:new_recovery_codes": Row(
        lambda f, svc, who, w: f(svc, who), "reception", NOT_THE_ACCOUNT
    ),
    "processes.administration.admin_users:reset_two_factor": Row(
        lambda f, svc, who, w: f(svc, who, "reception"), "admin"
    ),
    "processes.people.credentials:change_password": Row(
        lambda f, svc, who, w: f(svc, who, "demo", "mat-khau-moi-123", "mat-khau-moi-123"),
        "citizen",
        NOT_THE_ACCOUNT,
    ),
    # -- submission and the applicant's side (the desk helper's rooms) -------------------------------
    "processes.submission.submission:submit_dossier": Row(
        lambda f, svc, who, w: f(svc, who, submission()), "citizen", NON_CITIZENS
    ),
    "processes.submission.portal_submission:submit_online": Row(
        lambda f, svc, who, w: f(
            svc, who, _m("processes.submission.portal_submission.new_nonce")(), submission()
        ),
        "citizen",
        NON_CITIZENS,
    ),
    "processes.submission.drafts:load_draft": Row(lambda f, svc, who, w: f(svc, who, HKD), "citizen", NON_CITIZENS),
    "processes.submission.drafts:save_draft": Row(
        lambda f, svc, who, w: f(svc, who, _m("processes.submission.drafts.DraftInput")(HKD, {"ho_ten": "A"})),
        "citizen",
        NON_CITIZENS,
    ),
    "processes.submission.drafts:discard_draft": Row(
        lambda f, svc, who, w: f(svc, who, HKD), "citizen", NON_CITIZENS
    ),  # the caller's own draft: none of another account's is reachable
    "processes.submission.drafts:submit_draft": Row(
        lambda f, svc, who, w: f(svc, who, _m("processes.submission.portal_submission.new_nonce")(), HKD),
        "citizen",
        NON_CITIZENS,
        (Forbidden,),  # the citizen without a draft meets "no draft" (404), which is about the data
    ),
    "processes.submission.submission:answer_supplement": Row(
        lambda f, svc, who, w: f(svc, who, w.code, {}, []), "citizen"
    ),
    "processes.submission.portal_dossiers:my_dossier": Row(
        lambda f, svc, who, w: f(svc, who, w.code), "citizen"
    ),
    "processes.submission.portal_dossiers:attachment_content": Row(
        lambda f, svc, who, w: f(svc, who, w.code, w.attachment_id), "citizen"
    ),
    "processes.submission.portal_dossiers:withdraw_dossier": Row(
        lambda f, svc, who, w: f(svc, who, w.code, "Không cần nữa"), "citizen"
    ),
    "processes.submission.feedback:rate_dossier": Row(
        lambda f, svc, who, w: f(svc, who, w.code, 5, "Tốt"), "citizen"
    ),
    "processes.submission.feedback:list_feedback": Row(lambda f, svc, who, w: f(svc, who), "admin"),
    "processes.dossier.dossiers:get_dossier": Row(lambda f, svc, who, w: f(svc, who, w.code), "reception"),
    # -- the desk and task work (the desk helper's rooms) --------------------------------------------
    "processes.desk.tasks:complete_task": Row(
        lambda f, svc, who, w: f(svc, who, _m("processes.desk.tasks.Completion")(w.task_id, {})), "reception"
    ),
    "processes.desk.fees:mark_fee_paid": Row(
        lambda f, svc, who, w: f(svc, who, w.code, "BL-0001"), "reception"
    ),
    "processes.desk.apology:issue_apology": Row(
        lambda f, svc, who, w: f(svc, who, w.code, svc.clock.now() + timedelta(days=10), "Cần xác minh thêm"),
        "leader",
    ),
    "processes.desk.paper:dossier_form_pdf": Row(
        lambda f, svc, who, w: f(svc, who, w.code, w.form_no), "reception"
    ),
    "processes.desk.paper:register_pdf": Row(
        lambda f, svc, who, w: f(svc, who, date(2026, 3, 1), date(2026, 3, 31)),
        "reception",
        (CITIZEN, UNKNOWN, LOCKED_ADMIN),
    ),  # an officer prints the register of his own agency
    "processes.desk.task_page:task_page": Row(lambda f, svc, who, w: f(svc, who, w.task_id), "reception"),
    "processes.desk.task_page:add_note": Row(
        lambda f, svc, who, w: f(svc, who, w.code, "Ghi chú"), "reception"
    ),
    "processes.desk.task_page:read_document": Row(
        lambda f, svc, who, w: f(svc, who, w.code, w.attachment_id), "reception"
    ),
    "processes.desk.workbench:claim_task": Row(lambda f, svc, who, w: f(svc, who, w.task_id), "reception"),
    "processes.desk.workbench:release_task": Row(
        lambda f, svc, who, w: f(svc, who, w.claimed_task_id), "reception"
    ),
    "processes.desk.workbench:hand_over_task": Row(
        lambda f, svc, who, w: f(svc, who, w.task_id, "reception"), "reception"
    ),
    # -- procedural acts and the operations console (issue 12) ---------------------------------------
    "processes.acts.transfer:transfer_dossier": Row(
        lambda f, svc, who, w: f(svc, who, w.code, "000.25.22.H34", "Thuộc thẩm quyền cấp phường"), "reception"
    ),
    "processes.acts.transfer:transfer_targets": Row(lambda f, svc, who, w: f(svc, who, w.code), "reception"),
    "processes.acts.extension:request_extension": Row(
        lambda f, svc, who, w: f(svc, who, w.code, "Xác minh", 2), "specialist"
    ),  # the world's dossier is not accepted yet: a conflict for the specialist, a refusal for strangers
    "processes.acts.extension:decide_extension": Row(
        lambda f, svc, who, w: f(svc, who, w.extension_code, w.extension_id, True), "leader"
    ),
    "processes.acts.extension:list_extensions": Row(lambda f, svc, who, w: f(svc, who, w.code), "leader"),
    "processes.acts.withdrawal:review_withdrawal": Row(
        lambda f, svc, who, w: f(svc, who, w.code, True), "reception"
    ),  # nothing pending: a conflict for reception, a refusal for strangers
    "processes.acts.pages:dossier_acts": Row(lambda f, svc, who, w: f(svc, who, w.code), "reception"),
    "processes.acts.substitutes:appoint_substitute": Row(
        lambda f, svc, who, w: f(svc, who, "specialist", "leader", "2026-03-02", "2026-03-06"), "specialist",
        refused=(Forbidden,),
    ),  # specialist and leader share no role: invalid for the specialist, forbidden for strangers
    "processes.acts.substitutes:end_substitution": Row(
        lambda f, svc, who, w: f(svc, who, w.substitution_id), "specialist"
    ),
    "processes.operations.console:running_dossiers": Row(lambda f, svc, who, w: f(svc, who), "admin"),
    "processes.operations.console:inspect_dossier": Row(lambda f, svc, who, w: f(svc, who, w.code), "admin"),
    "processes.operations.console:list_incidents": Row(lambda f, svc, who, w: f(svc, who), "admin"),
    "processes.operations.console:list_messages": Row(lambda f, svc, who, w: f(svc, who), "admin"),
    "processes.operations.console:list_parked_timers": Row(lambda f, svc, who, w: f(svc, who), "admin"),
    "processes.operations.console:retry_timer": Row(
        lambda f, svc, who, w: f(svc, who, 999999), "admin", refused=(Forbidden,)
    ),  # never "no such timer" before the right is checked
    "processes.operations.console:resend_message": Row(
        lambda f, svc, who, w: f(svc, who, 999999), "admin", refused=(Forbidden,)
    ),
    "processes.operations.console:suspend_dossier": Row(
        lambda f, svc, who, w: f(svc, who, w.code, "Bảo trì"), "admin", refused=(Forbidden,)
    ),
    "processes.operations.console:resume_dossier": Row(
        lambda f, svc, who, w: f(svc, who, w.code), "admin", refused=(Forbidden,)
    ),
    "processes.operations.console:cancel_dossier": Row(
        lambda f, svc, who, w: f(svc, who, w.code, "Dừng theo yêu cầu"), "admin", refused=(Forbidden,)
    ),
    # -- notices and the national portal (issue 15) ---------------------------------------------------
    "processes.notices.deliveries:dossier_deliveries": Row(lambda f, svc, who, w: f(svc, who, w.code), "reception"),
    "processes.notices.deliveries:national_look_up": Row(lambda f, svc, who, w: f(svc, who, w.code), "admin"),
    "processes.notices.deliveries:national_backlog": Row(lambda f, svc, who, w: f(svc, who), "admin"),
    "processes.notices.deliveries:notice_preferences": Row(lambda f, svc, who, w: f(svc, who), "citizen",
                                                           NOT_THE_ACCOUNT),
    "processes.definitions.national_import:import_catalogue": Row(
        lambda f, svc, who, w: f(svc, who, "export.json", b'{"procedures": []}'), "analyst"),
    "processes.notices.deliveries:set_notice_preferences": Row(
        lambda f, svc, who, w: f(svc, who, ["email"], "vi"), "citizen", NOT_THE_ACCOUNT),
    # -- issue 18: consent records, the caller's own (processes/people/consent.py) ---------------------
    "processes.people.consent:my_consents": Row(lambda f, svc, who, w: f(svc, who), "citizen", NOT_THE_ACCOUNT),
    "processes.people.consent:decide_consent": Row(
        lambda f, svc, who, w: f(svc, who, "zalo_notices", "granted", "api"), "citizen", NOT_THE_ACCOUNT),
    # -- payments (issue 13) -------------------------------------------------------------------------
    "processes.payments.online:start_payment": Row(lambda f, svc, who, w: f(svc, who, w.code), "citizen"),
    "processes.payments.online:list_payments": Row(lambda f, svc, who, w: f(svc, who, w.code), "reception"),
    "processes.payments.online:payment_return": Row(lambda f, svc, who, w: f(svc, who, w.return_params),
                                                    "citizen"),
    "processes.payments.transfer:record_transfer": Row(
        lambda f, svc, who, w: f(svc, who, w.code, "CK-0002"), "reception"),
    "processes.payments.receipts:receipt_pdf": Row(lambda f, svc, who, w: f(svc, who, w.paid_code), "citizen"),
    "processes.payments.refunds:propose_refund": Row(
        lambda f, svc, who, w: f(svc, who, w.paid_code, "Hồ sơ bị từ chối"), "reception"),
    "processes.payments.refunds:refund_fee": Row(
        lambda f, svc, who, w: f(svc, who, w.paid_code, "Hồ sơ bị từ chối"), "leader"),
    "processes.payments.reconcile:reconcile_payments": Row(
        lambda f, svc, who, w: f(svc, who, svc.clock.now().date()), "admin"),
    # -- issue 12 (h12a): counter intake, the dossier page, linking a walk-in dossier -----------------
    "processes.desk.counter:register_at_desk": Row(
        lambda f, svc, who, w: f(svc, who, submission(), _m("processes.submission.submission.DeskIntake")(
            "counter", _m("processes.submission.submission.Applicant")("062095009876", "Phạm Thị Mai",
                                                                      "0905123456"))),
        "reception",
        (CITIZEN, UNKNOWN, LOCKED_ADMIN),
    ),  # reception2 has the right, for its own agency's procedures (a district procedure: Invalid)
    "processes.desk.result:generate_draft": Row(lambda f, svc, who, w: f(svc, who, w.code), "specialist"),
    "processes.desk.result:attach_draft": Row(
        lambda f, svc, who, w: f(svc, who, w.code, _m("processes.submission.submission.Upload")(
            "draft", "du-thao.pdf", PDF)), "specialist"),
    "processes.desk.counter:desk_procedures": Row(lambda f, svc, who, w: f(svc, who), "reception",
                                                  (CITIZEN, UNKNOWN, LOCKED_ADMIN)),
    "processes.desk.dossier_page:officer_dossier": Row(lambda f, svc, who, w: f(svc, who, w.code), "reception"),
    "processes.submission.portal_dossiers:link_dossier": Row(
        lambda f, svc, who, w: f(svc, who, w.code, "0912345678", "10.0.0.9"),
        "citizen",
        (OTHER_OFFICER, UNKNOWN, LOCKED_ADMIN),
        refused=(Forbidden,),
    ),  # another citizen is told "no match" like anyone without the code and phone (test_desk_intake)
}

# Use cases whose answer is filtered to the caller: a stranger is refused or sees nothing of the
# world's dossier nor of the agency's officers.
FILTERED: dict[str, Call] = {
    "processes.desk.workbench:colleagues": lambda f, svc, who, w: f(svc, who, w.task_id),
    "processes.desk.tasks:list_tasks": lambda f, svc, who, w: f(svc, who),
    "processes.desk.workbench:task_queue": lambda f, svc, who, w: f(svc, who),
    "processes.submission.portal_dossiers:my_dossiers": lambda f, svc, who, w: f(svc, who),
    "processes.submission.drafts:my_drafts": lambda f, svc, who, w: f(svc, who),
    "processes.acts.substitutes:my_substitutions": lambda f, svc, who, w: f(svc, who),
    "processes.acts.pages:waiting_requests": lambda f, svc, who, w: f(svc, who),
    "processes.inbox.inbox:inbox_page": lambda f, svc, who, w: f(svc, who),
    "processes.inbox.inbox:unread_count": lambda f, svc, who, w: f(svc, who),
    "processes.dossier.search:search_dossiers": lambda f, svc, who, w: f(
        svc, who, _m("processes.dossier.search.DossierQuery")()),
}

# Functions taking (services, username | actor, …) that need no right, and why.
EXEMPT: dict[str, str] = {
    "processes.people.credentials:log_in": "anonymous by nature: the username is the identity claimed, the "
    "password the proof",
    "processes.people.users:authenticate": "anonymous by nature: checks a password (log_in's helper)",
    "processes.people.sessions:start_session": "called by the log-in door once credentials.log_in proved the "
    "password (or register made the account); an unknown or locked account is refused",
    "processes.people.users:roles_of": "the caller's own roles (none for an unknown or locked account)",
    "processes.definitions.versions:definition_rights": "the caller's own rights (all False for a stranger)",
    "processes.desk.tasks:log_refusal": "records a refusal another use case already made; no door calls it",
    "processes.people.two_factor:challenge": "called by the log-in door once credentials.log_in proved the "
    "password: the signed half-logged-in state of the caller's own account, which opens nothing",
    "processes.idempotency:after_race": "reads back the caller's own earlier answer, inside a use case that "
    "has authorised the caller; no door calls it",
    "processes.submission.feedback:give_feedback": "general feedback is open to anyone, logged in or not",
    "processes.inbox.inbox:mark_read": "marks the caller's own notifications only (others' ids are ignored: "
    "the update is filtered by the caller's id); an unknown or locked account is refused",
    "processes.people.my_data:my_data": "the caller's own data only, whoever they are (an unknown or locked "
    "account is refused): tests/e2e/test_my_data.py",
}

# Functions taking `services` and no acting user, and why that is right.
NO_ACTOR: dict[str, str] = {
    "processes.submission.portal_catalogue:generated_template": "the public catalogue: a blank form of a "
    "published procedure, the same for everyone",
    "processes.notices.deliveries:record_delivery_report": "a provider's delivery report: its signature "
    "(the shared secret) is the proof; it only marks one of our messages delivered or failed",
    "processes.idempotency:commit_or_twin": "commits a use case's own transaction (after its authorisation) "
    "or answers the twin request of the same caller",
    "processes.people.accounts:register": "anonymous by nature: whoever registers has no account yet",
    "processes.people.accounts:confirm_email": "anonymous by nature: the signed link is the proof",
    "processes.people.accounts:base_url": "configuration, not a use case",
    "processes.people.credentials:request_password_reset": "anonymous by nature: the mailbox is the proof "
    "(the answer is the same whether the address exists)",
    "processes.people.credentials:reset_password": "anonymous by nature: the signed link is the proof",
    "processes.people.sessions:check": "authentication: the credential's secret is the proof",
    "processes.people.sessions:end_session": "log-out: the credential's secret is the proof",
    "processes.people.sessions:operator_token": "operator bootstrap tool (`motcua token`)",
    "processes.audit:make_checkpoint": "host-operator tool (`motcua audit checkpoint`) and the sweeper: "
    "reads heads, writes the auditor's file, records the root as `system`",
    "processes.audit:verify_all": "host-operator tool (`motcua audit verify`): reads only, reveals no "
    "personal data",
    "processes.people.sessions:token_days": "configuration, not a use case",
    "processes.people.sessions:web_limits": "configuration, not a use case",
    "processes.people.sessions:admin_2fa_required": "configuration, not a use case",
    "processes.people.two_factor:complete_log_in": "anonymous by nature: the signed half-logged-in state proves "
    "the password, the code the device",
    "processes.people.two_factor:operator_reset": "operator bootstrap tool (`motcua users reset-2fa`): a lost "
    "device",
    "processes.idempotency:retention": "configuration, not a use case",
    "processes.idempotency:purge_expired": "maintenance (timer sweep, `motcua maintenance purge`), acting as "
    "SYSTEM",
    "processes.administration.admin_users:create_first_account": "operator bootstrap tool (`motcua users "
    "create`): the first administrator of a production database, before any account may act",
    "processes.people.users:list_users": "operator bootstrap tool (`motcua users list`)",
    "processes.administration.demo:seed_demo": "set-up (`motcua init` in demo mode)",
    "processes.desk.steps:desk_step": "a step inside complete_task's transaction (its context carries the "
    "officer complete_task has authorised)",
    "processes.desk.steps:hand_over": "a step inside complete_task's transaction (desk_step's delivery part)",
    "processes.administration.system_account:ensure_system_account": "set-up (`motcua init`)",
    "processes.outbox:dispatch_outbox": "the outbox worker (timer sweeper), acting as SYSTEM",
    "processes.outbox:archive_sent": "the sweeper, and the operator's `motcua outbox archive`",
    "processes.timekeeping.timers:claim_due_timers": "the timer sweeper, acting as SYSTEM",
    "processes.timekeeping.timers:fire_timer": "the timer sweeper, acting as SYSTEM",
    "processes.timekeeping.timers:fire_together": "the timer sweeper, acting as SYSTEM",
    "processes.timekeeping.timers:record_failure": "the timer sweeper, acting as SYSTEM",
    "processes.timekeeping.timers:fire_due_timers": "the timer sweeper, acting as SYSTEM",
    "processes.timekeeping.timers:sweep_until_done": "the timer sweeper, acting as SYSTEM",
    "processes.reports.oversight:queue_annual_reminders": "the timer sweeper, acting as SYSTEM (issue 17)",
    "processes.reports.feedback_answers:published_answers": "the portal's public page of published answers "
    "(no author's name or contact)",
    "processes.dossier.dossiers:list_procedures": "the public catalogue",
    "processes.submission.portal_catalogue:browse": "the public catalogue",
    "processes.submission.portal_catalogue:procedure_page": "the public catalogue",
    "processes.submission.portal_catalogue:template_file": "the public catalogue's blank forms",
    "processes.payments.online:handle_ipn": "VNPay's IPN: the gateway's signature with the agency's secret is "
    "the proof (97 otherwise)",
    "processes.payments.online:expire_minutes": "configuration, not a use case",
    "processes.payments.reconcile:reconcile_daily": "the daily reconciliation sweep, acting as SYSTEM",
    "processes.submission.portal_dossiers:public_status": "the public look-up: the dossier code and the "
    "applicant's phone number are the proof (R6.2)",
    # Issue 14: digital signatures
    "processes.signing:sign_result": "a step inside hand_over (complete_task has authorised the officer)",
    "processes.signing:sign_notice": "a step inside dossier_form_pdf (which checked who may see the dossier)",
    "processes.signing:attachment_verdict": "a helper of views that already loaded a dossier their caller may see",
    "processes.signing:verify_document": "the public verification page: whoever holds a file may check it "
    "(it reveals only the issuer of that very file)",
    "processes.signing:make_demo_pki": "set-up (`motcua pki demo`, `motcua init` in demo mode)",
}


def _use_cases() -> tuple[set[str], set[str]]:
    """Every public function of processes/ taking (services, username | actor, …), and every one
    taking `services` without an actor (helpers that take the caller's session are not doors)."""
    with_actor, without = set(), set()
    for info in pkgutil.walk_packages(processes.__path__, "processes."):
        module = importlib.import_module(info.name)
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or fn.__module__ != module.__name__:
                continue
            params = list(inspect.signature(fn).parameters)
            if not params or params[0] != "services" or (len(params) > 1 and params[1] in ("s", "session")):
                continue
            key = f"{module.__name__}:{name}"
            (with_actor if len(params) > 1 and params[1] in ("username", "actor") else without).add(key)
    return with_actor, without


def test_the_table_is_complete() -> None:
    with_actor, without = _use_cases()
    missing = with_actor - set(TABLE) - set(FILTERED) - set(EXEMPT)
    assert not missing, f"use cases with an acting user and no rights test: {sorted(missing)}"
    unexplained = without - set(NO_ACTOR)
    assert not unexplained, (
        f"use cases without an acting user (take one, or say why not): {sorted(unexplained)}"
    )
    stale = (set(TABLE) | set(FILTERED) | set(EXEMPT)) - with_actor
    assert not stale, f"rows for functions that are gone or take no actor first: {sorted(stale)}"
    assert not set(NO_ACTOR) - without, sorted(set(NO_ACTOR) - without)


RECORDED_REFUSALS = ("access_refused", "task_refused")  # the desk writes refused attempts down (R13.2)


def _audit_count(services: Services) -> int:
    """Audit events besides the records of refused attempts: what a refusal must not add to."""
    with UnitOfWork(services.session_factory) as uow:
        return int(
            uow.session.scalar(
                sa.select(sa.func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.kind.not_in(RECORDED_REFUSALS))
            )
        )


CODED_ROOMS = (
    "processes.definitions.",
    "processes.timekeeping.",
    "processes.administration.",
    "processes.reports.",
    "processes.people.",
)


@pytest.mark.parametrize("use_case", [pytest.param(k, marks=v.marks) for k, v in TABLE.items()])
def test_a_caller_without_the_right_is_refused_and_nothing_changes(services: Services, use_case: str) -> None:
    row = TABLE[use_case]
    world = World(services)
    _warm(row.call, world)
    for who in row.strangers:
        before = _audit_count(services)
        with pytest.raises(row.refused) as caught:
            _call(row.call, use_case, services, who, world)
        assert _audit_count(services) == before, (use_case, who, "changed the audit trail")
        if use_case.startswith(CODED_ROOMS) and not use_case.endswith(
            "dossier_diagram"
        ):  # (the dossier room's)
            # these rooms say no with a code, never prose
            assert caught.value.code != "legacy", (use_case, who, str(caught.value))


@pytest.mark.parametrize("use_case", [pytest.param(k, marks=v.marks) for k, v in TABLE.items()])
def test_the_same_call_by_a_caller_with_the_right_is_not_refused_for_its_caller(
    services: Services, use_case: str
) -> None:
    row = TABLE[use_case]
    try:
        _call(row.call, use_case, services, row.allowed, World(services))
    except row.refused as exc:  # a row whose strangers get only Forbidden may meet a missing thing
        pytest.fail(f"{use_case} refused {row.allowed}, who has the right: {exc}")
    except Refused:
        pass  # a rule about the data (a conflict, an invalid field) is not about the caller


@pytest.mark.parametrize("use_case", sorted(FILTERED))
def test_a_stranger_sees_nothing_of_a_dossier_that_is_not_his(services: Services, use_case: str) -> None:
    world = World(services)
    code = world.code
    _warm(FILTERED[use_case], world)
    for who in STRANGERS:
        try:
            seen = _call(FILTERED[use_case], use_case, services, who, world)
        except REFUSED:
            continue
        for secret in (code, "Lê Thị Cúc"):  # the dossier, or the main agency's reception officer
            assert secret not in repr(seen), (use_case, who, secret)
    # the same call by the one it is for does show the dossier (the check can fail)
    owner = {"my_dossiers": "citizen", "list_tasks": "reception", "task_queue": "reception",
             "search_dossiers": "reception", "inbox_page": "reception"}.get(
        use_case.rpartition(":")[2]
    )
    if owner:
        assert code in repr(_call(FILTERED[use_case], use_case, services, owner, world)), use_case
