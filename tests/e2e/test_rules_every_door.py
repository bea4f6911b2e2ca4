"""One rule, every door (issue 10): each business rule of submission and of the desk, driven through
each door that reaches it (the JSON API, the HTML page, the `motcua` command line), answers with the
same refusal code, says the same sentence, and changes nothing.

Submission has two doors (`POST /api/v1/dossiers`, the portal's form); completing a task has three
(`POST /api/v1/tasks/ID/complete`, the task page, `motcua tasks complete`)."""
from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from html import unescape
from typing import Any

import pytest
import sqlalchemy as sa

from adapters.bootstrap import Services
from models import AuditEvent, Dossier, FeePayment, ResultDelivery, UserTask
from processes.desk.fees import mark_fee_paid
from processes.errors import Reason
from tests.helpers import HKD, HKD_FORM, PDF, PNG, catalogue_form, offered, session_of, submit, work
from tests.integration.test_lifecycle import snapshot
from web import cli, refusals

DOORS = ("api", "page", "cli")
MARRIAGE = "1.000894"  # đăng ký kết hôn: level 3, the result is handed over at the desk only (R8.4)
IDENTITY_OK = {"recipient_name": "Nguyễn Văn An", "identity_document": "062095001234", "identity_checked": True,
               "originals_compared": True, "applicant_signed": True}


# -- completing a task ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Completion:
    """A rule of the desk: where the dossier must be, what is sent, and the refusal expected."""

    stage: str  # "intake": just submitted; "delivery": processing finished, the result waits at the desk
    data: dict[str, Any]
    code: str
    field: str
    checklist: dict[str, bool] | None = None
    delivery: dict[str, Any] | None = None
    fee_paid: bool = False
    params: dict[str, Any] = field(default_factory=dict)


COMPLETIONS = {
    # R15.3: the reception refusal without a note (the example) and a return without reasons.
    "refusal_without_reasons": Completion("intake", {"reception_decision": "refuse"},
                                          "desk.refusal_reason_required", "data.reception_note",
                                          checklist={"giay_de_nghi": True, "giay_to_phap_ly": True}),
    # R14.1: accepting needs the checklist, and every required document ticked as checked and valid.
    "acceptance_without_checklist": Completion("intake", {"reception_decision": "accept"},
                                               "desk.checklist_required", "checklist"),
    "acceptance_with_a_document_unchecked": Completion(
        "intake", {"reception_decision": "accept"}, "desk.document_not_checked", "checklist.giay_to_phap_ly",
        checklist={"giay_de_nghi": True},
        params={"document": "Bản sao giấy tờ pháp lý của cá nhân (CCCD) của chủ hộ kinh doanh và các thành viên "
                            "hộ gia đình đăng ký hộ kinh doanh"}),
    # R7.2: no hand-over while a fee is unpaid, unless the desk waives it with a reason.
    "hand_over_with_the_fee_unpaid": Completion("delivery", {"result_delivered": True}, "desk.fee_unpaid",
                                                "delivery.fee_waiver_reason", delivery=IDENTITY_OK,
                                                params={"amount_vnd": 100000}),
    # R7.1: at the desk, the recipient's identity checked and the originals compared.
    "hand_over_without_identity_check": Completion(
        "delivery", {"result_delivered": True}, "desk.identity_not_checked", "delivery.identity_checked",
        delivery={**IDENTITY_OK, "identity_checked": False}, fee_paid=True),
    "hand_over_without_originals_compared": Completion(
        "delivery", {"result_delivered": True}, "desk.originals_not_compared", "delivery.originals_compared",
        delivery={**IDENTITY_OK, "originals_compared": False}, fee_paid=True),
}


def at_stage(services: Services, stage: str, fee_paid: bool) -> tuple[str, str]:
    """A household business dossier at intake or waiting for the hand-over: (code, open task id)."""
    code = submit(services)
    if stage == "delivery":
        work(services, code, "reception")
        work(services, code, "specialist")
        work(services, code, "leader")
        if fee_paid:
            mark_fee_paid(services, "reception", code, "BL-0001")
    [task] = offered(services, code, "reception")
    return code, str(task["id"])


def page_fields(case: Completion) -> dict[str, str]:
    """What the task page's form posts for this case."""
    posted = {f"data.{k}": ("true" if v is True else str(v)) for k, v in case.data.items()}
    if case.checklist is not None:
        posted["checklist_shown"] = "1"
        posted.update({f"checklist.{k}": "1" for k, ok in case.checklist.items() if ok})
    for key, value in (case.delivery or {}).items():
        if value is not False:
            posted[f"delivery.{key}"] = "1" if value is True else str(value)
    return posted


@dataclass
class Doors:
    """Drives a refused completion through one door; returns the refusal's code and what was shown."""

    client: Any
    token: Callable[[str], dict[str, str]]
    capsys: pytest.CaptureFixture[str]

    def complete(self, door: str, task_id: str, case: Completion, sentence: str) -> str:
        if door == "api":
            body: dict[str, Any] = {"data": case.data}
            if case.checklist is not None:
                body["checklist"] = case.checklist
            if case.delivery is not None:
                body["delivery"] = case.delivery
            resp = self.client.post(f"/api/v1/tasks/{task_id}/complete", headers=self.token("reception"), json=body)
            assert resp.status_code == 422, resp.json
            assert resp.json["error"]["message"] == sentence
            assert resp.json["error"]["field"] == case.field
            return str(resp.json["error"]["code"])
        if door == "page":
            with self.client.session_transaction() as s:
                s["sid"], s["csrf"] = session_of(self.client, "reception"), "t"
            resp = self.client.post(f"/officer/tasks/{task_id}", data={"csrf_token": "t", **page_fields(case)})
            assert resp.status_code == 422
            assert sentence in unescape(resp.get_data(as_text=True))
            return case.code  # a page shows the sentence; the status and the sentence are its code
        argv = ["tasks", "complete", task_id, "--as", "reception", "--data", json.dumps(case.data)]
        if case.checklist is not None:
            argv += ["--checklist", json.dumps(case.checklist)]
        if case.delivery is not None:
            argv += ["--delivery", json.dumps(case.delivery)]
        exit_code = cli.main(argv)
        _out, err = self.capsys.readouterr()
        assert exit_code == 1 and sentence in err, err
        return case.code


@pytest.fixture
def doors(client: Any, token: Any, services: Services, capsys: pytest.CaptureFixture[str],
          monkeypatch: pytest.MonkeyPatch) -> Doors:
    monkeypatch.setattr(cli, "cli_services", lambda: services)  # the command line on the test's database
    return Doors(client, token, capsys)


def unchanged(services: Services, code: str, before: dict[str, Any]) -> None:
    """Nothing but the audit of the refused attempt: same dossier, same open task, nothing recorded."""
    after = snapshot(services, code)
    assert after["audit"] == before["audit"] + 1
    assert {k: v for k, v in after.items() if k != "audit"} == {k: v for k, v in before.items() if k != "audit"}
    with services.session_factory() as s:
        dossier_id = s.scalar(sa.select(Dossier.id).where(Dossier.code == code))
        kinds = list(s.scalars(sa.select(AuditEvent.kind).where(AuditEvent.dossier_id == dossier_id,
                                                                 AuditEvent.kind != "personal_data_read")
                               .order_by(AuditEvent.seq)))  # the page shown again is a read (logged)
        assert kinds[-1] == "task_refused" and "fee_waived" not in kinds
        assert s.scalar(sa.select(sa.func.count()).select_from(ResultDelivery)) == 0
        assert s.scalars(sa.select(UserTask.completed_at).where(UserTask.dossier_id == dossier_id,
                                                                UserTask.role == "reception")).all()[-1] is None


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("rule", list(COMPLETIONS))
def test_a_desk_rule_refuses_the_same_way_through_every_door(
        rule: str, door: str, services: Services, doors: Doors) -> None:
    case = COMPLETIONS[rule]
    code, task_id = at_stage(services, case.stage, case.fee_paid)
    before = snapshot(services, code)
    sentence = refusals.describe(Reason(case.code, case.field, case.params))
    assert doors.complete(door, task_id, case, sentence) == case.code
    unchanged(services, code, before)


def test_the_reception_refusal_without_a_note_answers_422_through_the_api(
        client: Any, token: Any, services: Services) -> None:
    code, task_id = at_stage(services, "intake", False)
    resp = client.post(f"/api/v1/tasks/{task_id}/complete", headers=token("reception"),
                       json={"data": {"reception_decision": "refuse"}})
    assert resp.status_code == 422
    assert (resp.json["error"]["code"], resp.json["error"]["field"]) == ("desk.refusal_reason_required",
                                                                         "data.reception_note")
    assert client.get(f"/api/v1/dossiers/{code}", headers=token("citizen")).json["status_code"] == 1
    done = client.post(f"/api/v1/tasks/{task_id}/complete", headers=token("reception"), json={
        "data": {"reception_decision": "refuse", "reception_note": "Ngành nghề thuộc danh mục cấm kinh doanh"}})
    assert done.status_code == 200 and done.json["status_code"] == 3


def test_a_waived_fee_lets_the_result_go_and_the_waiver_is_recorded_with_its_reason(
        client: Any, token: Any, services: Services) -> None:
    code, task_id = at_stage(services, "delivery", False)
    resp = client.post(f"/api/v1/tasks/{task_id}/complete", headers=token("reception"), json={
        "data": {"result_delivered": True},
        "delivery": {**IDENTITY_OK, "fee_waiver_reason": "Hộ nghèo, miễn lệ phí theo nghị quyết của HĐND tỉnh"}})
    assert resp.status_code == 200 and resp.json["status_code"] == 10, resp.json
    with services.session_factory() as s:
        assert s.scalars(sa.select(ResultDelivery.fee_waiver_reason)).one() == (
            "Hộ nghèo, miễn lệ phí theo nghị quyết của HĐND tỉnh")
        assert s.scalar(sa.select(sa.func.count()).select_from(FeePayment)) == 0
        waived = s.scalars(sa.select(AuditEvent).where(AuditEvent.kind == "fee_waived")).one()
        assert (waived.actor, waived.detail["amount_vnd"]) == ("reception", 100000)


def test_the_cli_completes_a_task_and_lists_the_open_ones(services: Services, doors: Doors) -> None:
    code, task_id = at_stage(services, "intake", False)
    assert cli.main(["tasks", "list", "--as", "reception", "--json"]) == 0
    listed = json.loads(doors.capsys.readouterr().out)
    [task] = [t for t in listed if t["dossier"] == code]
    assert (task["id"], task["step"], [d["key"] for d in task["checklist"] if d["required"]]) == (
        task_id, "intake", ["giay_de_nghi", "giay_to_phap_ly"])
    assert cli.main(["tasks", "complete", task_id, "--as", "reception", "--data", '{"reception_decision": "accept"}',
                     "--checklist", '{"giay_de_nghi": true, "giay_to_phap_ly": true}']) == 0
    assert json.loads(doors.capsys.readouterr().out)["status_code"] == 4
    with services.session_factory() as s:
        event = s.scalars(sa.select(AuditEvent).where(AuditEvent.kind == "task_completed")).one()
        assert event.actor == "reception"  # the CLI acts as the named account, recorded in the audit trail
    assert cli.main(["tasks", "complete", task_id, "--as", "specialist", "--data", "{}"]) == 1
    assert refusals.describe(Reason("task.not_yours")) in doors.capsys.readouterr().err


# -- submitting a dossier ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Submitted:
    """A rule of submission: what differs from a valid dossier, and the refusal expected."""

    procedure: str
    code: str
    field: str
    channel: str = "counter"
    declaration: bool = True
    left_out: str | None = None  # a required document not attached
    params: dict[str, Any] = field(default_factory=dict)


SUBMISSIONS = {
    "no_declaration": Submitted(HKD, "dossier.declaration_required", "declaration", declaration=False),  # R16.1
    "a_required_document_missing": Submitted(
        HKD, "submission.document_required", "documents.giay_to_phap_ly", left_out="giay_to_phap_ly",
        params={"document": "Bản sao giấy tờ pháp lý của cá nhân (CCCD) của chủ hộ kinh doanh và các thành viên "
                            "hộ gia đình đăng ký hộ kinh doanh"}),
    "level_3_result_by_post": Submitted(MARRIAGE, "submission.channel_desk_only", "channel", channel="post"),  # R8.4
}


def valid_parts(client: Any, procedure: str, case: Submitted) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the form's values, the files by field name) of a dossier every other rule accepts."""
    entry = next(p for p in client.get("/api/v1/procedures").json if p["code"] == procedure)
    form = HKD_FORM if procedure == HKD else catalogue_form(entry)
    files = {f"documents.{d['key']}": (io.BytesIO(PNG if n else PDF), f"{d['key']}.{'png' if n else 'pdf'}")
             for n, d in enumerate(d for d in entry["documents"] if d["required"]) if d["key"] != case.left_out}
    return dict(form), files


@pytest.mark.parametrize("door", ("api", "page"))
@pytest.mark.parametrize("rule", list(SUBMISSIONS))
def test_a_submission_rule_refuses_the_same_way_through_every_door(
        rule: str, door: str, client: Any, token: Any, services: Services) -> None:
    case = SUBMISSIONS[rule]
    form, files = valid_parts(client, case.procedure, case)
    sentence = refusals.describe(Reason(case.code, case.field, case.params))
    if door == "api":
        body = {"procedure": case.procedure, "form": form, "channel": case.channel, "declaration": case.declaration}
        resp = client.post("/api/v1/dossiers", headers=token("citizen"), content_type="multipart/form-data",
                           data={"payload": json.dumps(body), **files})
        assert resp.status_code == 422, resp.json
        assert (resp.json["error"]["code"], resp.json["error"]["field"]) == (case.code, case.field)
        assert [r["code"] for r in resp.json["error"]["reasons"]] == [case.code]  # that rule, nothing else
        assert resp.json["error"]["message"] == sentence
    else:
        with client.session_transaction() as s:
            s["sid"], s["csrf"] = session_of(client, "citizen"), "t"
        page = client.get(f"/procedures/{case.procedure}/submit").get_data(as_text=True)
        nonce = page.split('name="nonce" value="', 1)[1].split('"', 1)[0]
        if case.procedure == MARRIAGE:  # the form offers the desk only; a forged post is still refused
            assert 'value="counter"' in page and 'value="post"' not in page and 'value="online"' not in page
        posted = {"csrf_token": "t", "nonce": nonce, "channel": case.channel,
                  **{f"form.{k}": str(v) for k, v in form.items()}, **files}
        if case.declaration:
            posted["declaration"] = "yes"
        resp = client.post(f"/procedures/{case.procedure}/submit", data=posted, content_type="multipart/form-data")
        assert resp.status_code == 422
        assert sentence in unescape(resp.get_data(as_text=True))
    with services.session_factory() as s:  # nothing registered, no file kept, no code used
        assert s.scalar(sa.select(sa.func.count()).select_from(Dossier)) == 0
        assert s.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.kind.in_(("dossier_submitted", "declaration_made")))) == 0
