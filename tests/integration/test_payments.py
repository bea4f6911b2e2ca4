"""Fees paid online through the VNPay simulator, by transfer and at the counter; receipts, refunds
and reconciliation (issue 13). The IPN alone marks a payment paid, once, for its own dossier."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from adapters.bootstrap import Services
from adapters.payments import vnpay
from models import AuditEvent, Dossier, FeePayment, Incident, OutboxMessage, PaymentAttempt
from processes.desk.fees import mark_fee_paid
from processes.errors import Conflict, Forbidden, NotFound
from processes.payments import ledger
from processes.payments.online import list_payments, payment_return, start_payment
from processes.payments.receipts import receipt_pdf
from processes.payments.reconcile import reconcile_payments
from processes.payments.refunds import propose_refund, refund_fee
from processes.payments.transfer import record_transfer
from processes.uow import UnitOfWork
from tests.helpers import submit, work
from tests.integration.payments_support import gateway, ipn, pay_at_gateway, simulator

FEE = 100_000  # the household business registration's fee (its catalogue)


def fees(services: Services, code: str) -> list[FeePayment]:
    with UnitOfWork(services.session_factory) as uow:
        dossier_id = uow.session.scalar(sa.select(Dossier.id).where(Dossier.code == code))
        rows = list(uow.session.scalars(sa.select(FeePayment).where(FeePayment.dossier_id == dossier_id)))
        uow.session.expunge_all()
        return rows


def attempt(services: Services, attempt_id: int) -> PaymentAttempt:
    with UnitOfWork(services.session_factory) as uow:
        row = uow.session.get(PaymentAttempt, attempt_id)
        assert row is not None
        uow.session.expunge(row)
        return row


def events(services: Services, kind: str) -> int:
    with UnitOfWork(services.session_factory) as uow:
        return int(uow.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                                      .where(AuditEvent.kind == kind)) or 0)


def test_the_redirect_is_signed_for_the_agency_with_the_catalogue_amount(services: Services) -> None:
    code = submit(services)
    started = start_payment(services, "citizen", code)
    assert started["amount_vnd"] == FEE and started["state"] == "created"
    merchant = vnpay.merchant_for(services.config, "000.00.22.H34")
    assert merchant is not None and started["pay_url"].startswith(merchant.pay_url + "?")
    assert f"vnp_Amount={FEE * 100}&" in started["pay_url"] and "vnp_TmnCode=KTTP0022" in started["pay_url"]
    again = start_payment(services, "citizen", code)
    assert again["txn_ref"] != started["txn_ref"]  # unique per attempt


def test_a_return_url_alone_marks_nothing_paid(services: Services) -> None:
    code = submit(services)
    started, back, order = pay_at_gateway(services, code)
    assert back["vnp_ResponseCode"] == "00"  # the gateway says success…
    seen = payment_return(services, "citizen", back)
    assert seen["attempt"]["state"] == "created" and seen["fee"] is None  # …but only the IPN decides
    assert fees(services, code) == [] and list_payments(services, "citizen", code)["fees_due"] == FEE
    assert ipn(services, order) == "00"
    seen = payment_return(services, "citizen", back)
    assert seen["attempt"]["state"] == "paid" and seen["fee"]["receipt_no"].startswith("BL2026-000.00.22.H34-")
    with pytest.raises(NotFound):  # a return not signed by the gateway shows nothing
        payment_return(services, "citizen", back | {"vnp_Amount": "100"})
    with pytest.raises(NotFound):  # nor another citizen's payment
        payment_return(services, "citizen2", back)


def test_a_forged_or_replayed_ipn_changes_nothing_and_gets_the_right_code(services: Services) -> None:
    code = submit(services)
    started, _, order = pay_at_gateway(services, code)
    assert ipn(services, order, bad_signature=True) == "97"
    assert attempt(services, started["id"]).state == "created" and fees(services, code) == []
    unknown = simulator(services).callback_params(order)
    unknown["vnp_TxnRef"] = "NOSUCHORDER"
    secret = vnpay.merchants_by_terminal(services.config)[order.tmn_code][1]
    unknown["vnp_SecureHash"] = vnpay.secure_hash(secret, unknown)
    from processes.payments.online import handle_ipn
    assert handle_ipn(services, unknown)["RspCode"] == "01"
    assert handle_ipn(services, {"vnp_TmnCode": "NOBODY", "vnp_TxnRef": order.txn_ref})["RspCode"] == "97"
    assert ipn(services, order) == "00"
    paid = fees(services, code)
    assert [(f.method, f.amount_vnd, f.reference) for f in paid] == [("online", FEE, order.transaction_no)]
    assert ipn(services, order) == "02"  # replayed
    assert ipn(services, order, bad_signature=True) == "97"
    assert fees(services, code)[0].receipt_no == paid[0].receipt_no and events(services, "fee_paid") == 1
    with UnitOfWork(services.session_factory) as uow:  # the applicant is told once, on each of their channels
        told = dict(uow.session.execute(sa.select(OutboxMessage.channel, OutboxMessage.body)
                                        .where(OutboxMessage.event == "payment_confirmed")).all())
    assert "100.000 đồng phí, lệ phí" in told["email"] and code in told["sms"]


def test_a_wrong_amount_is_refused(services: Services) -> None:
    code = submit(services)
    started, _, order = pay_at_gateway(services, code)
    assert ipn(services, order, amount_vnd=FEE - 1000) == "04"
    assert attempt(services, started["id"]).state == "created" and fees(services, code) == []
    assert ipn(services, order) == "00"


def test_two_ipns_for_one_payment_record_it_once(services: Services) -> None:
    code = submit(services)
    started, _, order = pay_at_gateway(services, code)
    answers: list[str] = []
    barrier = threading.Barrier(2)

    def send() -> None:
        barrier.wait()
        answers.append(ipn(services, order))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers.count("00") == 1, answers  # the other is 02 (or 99 when the database was busy: retried)
    assert ipn(services, order) == "02"
    assert len(fees(services, code)) == 1 and events(services, "fee_paid") == 1
    assert attempt(services, started["id"]).state == "paid"


def test_a_cancelled_payment_leaves_the_fee_due_and_a_new_attempt_can_pay(services: Services) -> None:
    code = submit(services)
    started, _, order = pay_at_gateway(services, code, "cancel")
    assert ipn(services, order) == "00"
    assert attempt(services, started["id"]).state == "cancelled" and fees(services, code) == []
    second, _, order2 = pay_at_gateway(services, code, "timeout")
    assert ipn(services, order2) == "00" and attempt(services, second["id"]).state == "expired"
    third, _, order3 = pay_at_gateway(services, code)
    assert ipn(services, order3) == "00" and len(fees(services, code)) == 1
    with pytest.raises(Conflict):
        start_payment(services, "citizen", code)


def test_a_payment_never_reaches_another_dossier(services: Services) -> None:
    mine, other = submit(services), submit(services)
    _, _, order = pay_at_gateway(services, mine)
    # The same order sent as another agency's merchant (its own valid signature) is not found.
    secrets_ = vnpay.merchants_by_terminal(services.config)
    params = simulator(services).callback_params(order)
    params["vnp_TmnCode"] = "KTQT2522"
    params["vnp_SecureHash"] = vnpay.secure_hash(secrets_["KTQT2522"][1], params)
    from processes.payments.online import handle_ipn
    assert handle_ipn(services, params)["RspCode"] == "01"
    assert ipn(services, order) == "00"
    assert len(fees(services, mine)) == 1 and fees(services, other) == []
    assert list_payments(services, "citizen", other)["fees_due"] == FEE
    with pytest.raises(NotFound):  # nobody pays, nor sees the payments of, a dossier not theirs
        start_payment(services, "citizen2", other)
    with pytest.raises(NotFound):
        list_payments(services, "citizen2", mine)


def test_the_workflow_moves_on_once_paid_online_and_the_receipt_is_a_pdf(services: Services) -> None:
    code = submit(services)
    _, _, order = pay_at_gateway(services, code)
    assert ipn(services, order) == "00"
    for officer in ("reception", "specialist", "leader", "reception"):
        assert work(services, code, officer)
    with UnitOfWork(services.session_factory) as uow:
        assert uow.session.scalar(sa.select(Dossier.status_code).where(Dossier.code == code)) == 10
    assert events(services, "fee_waived") == 0  # handed over without a waiver: the fee was paid
    data, filename = receipt_pdf(services, "citizen", code)
    assert data.startswith(b"%PDF") and filename.startswith("bien-lai-BL2026-")
    data, _ = receipt_pdf(services, "reception", code)  # the desk sees it too
    assert data.startswith(b"%PDF")
    with pytest.raises(NotFound):
        receipt_pdf(services, "citizen2", code)


def test_transfer_and_counter_payments_are_recorded_with_their_proof(services: Services) -> None:
    by_transfer, at_counter = submit(services), submit(services)
    paid = record_transfer(services, "reception", by_transfer, "VCB-20260302-778899", idempotency_key="k-1")
    assert paid["receipt_no"] == "BL2026-000.00.22.H34-000001" and paid["method"] == "transfer"
    assert record_transfer(services, "reception", by_transfer, "VCB-20260302-778899", idempotency_key="k-1") == paid
    with pytest.raises(Conflict):
        record_transfer(services, "reception", by_transfer, "another")
    with pytest.raises(Forbidden):
        record_transfer(services, "citizen", at_counter, "VCB-1")
    mark_fee_paid(services, "reception", at_counter, "BL-0042")
    assert [(f.method, f.receipt_no) for f in fees(services, at_counter)] == [("counter", "BL-0042")]
    assert [(f.method, f.reference) for f in fees(services, by_transfer)] == [("transfer", "VCB-20260302-778899")]
    assert receipt_pdf(services, "citizen", at_counter)[0].startswith(b"%PDF")
    with pytest.raises(Conflict):  # nothing left to pay online
        start_payment(services, "citizen", at_counter)


def test_a_refund_is_executed_once(services: Services) -> None:
    code = submit(services)
    started, _, order = pay_at_gateway(services, code)
    assert ipn(services, order) == "00"
    with pytest.raises(Conflict):  # not refused yet: nothing to refund
        refund_fee(services, "leader", code, "Hồ sơ bị từ chối")
    work(services, code, "reception", {"reception_decision": "refuse", "reception_note": "Không đủ điều kiện"})
    assert list_payments(services, "leader", code)["may_refund"] is True
    with pytest.raises(Forbidden):  # the desk proposes, a leader approves and executes
        refund_fee(services, "reception", code, "Hồ sơ bị từ chối")
    with pytest.raises(Forbidden):
        propose_refund(services, "citizen", code, "Hồ sơ bị từ chối")
    proposed = propose_refund(services, "reception", code, "Hồ sơ bị từ chối tiếp nhận")
    assert proposed["state"] == "proposed" and gateway(services).calls == []  # nothing paid back yet
    with pytest.raises(Conflict):
        propose_refund(services, "reception", code, "Lần nữa")
    assert list_payments(services, "citizen", code)["fees_paid"] == FEE
    first = refund_fee(services, "leader", code, idempotency_key="refund-1")  # approves the proposal
    assert first["amount_vnd"] == FEE and first["method"] == "online"
    assert first["reason"] == "Hồ sơ bị từ chối tiếp nhận"
    assert refund_fee(services, "leader", code, idempotency_key="refund-1") == first
    with pytest.raises(Conflict):
        refund_fee(services, "leader", code, "Lần nữa")
    refunds_sent = [c for c in gateway(services).calls if c["vnp_Command"] == "refund"]
    assert len(refunds_sent) == 1 and order.refunded_vnd == FEE
    assert attempt(services, started["id"]).state == "refunded" and events(services, "fee_refunded") == 1
    view = list_payments(services, "citizen", code)
    assert view["fees_paid"] == 0 and view["refund"]["amount_vnd"] == FEE and view["refund"]["state"] == "done"


def test_a_counter_payment_is_refunded_by_a_leader_at_once(services: Services) -> None:
    code = submit(services)
    mark_fee_paid(services, "reception", code, "BL-0009")
    work(services, code, "reception", {"reception_decision": "refuse", "reception_note": "Không đủ điều kiện"})
    done = refund_fee(services, "leader", code, "Hồ sơ bị từ chối tiếp nhận")
    assert done["method"] == "counter" and done["gateway_ref"] is None
    assert gateway(services).calls == []  # counter money is paid back at the counter, recorded here
    with pytest.raises(Conflict):
        propose_refund(services, "reception", code, "Lần nữa")
    assert receipt_pdf(services, "citizen", code)[0].startswith(b"%PDF")


def test_reconciliation_raises_an_incident_for_a_payment_the_gateway_holds_and_motcua_missed(
        services: Services, clock: object) -> None:
    missed, fine, abandoned = submit(services), submit(services), submit(services)
    started, _, _order = pay_at_gateway(services, missed)  # paid at the gateway, the IPN never arrived
    _, _, ok = pay_at_gateway(services, fine)
    assert ipn(services, ok) == "00"
    left = start_payment(services, "citizen", abandoned)  # never went to the gateway
    clock.advance(timedelta(hours=1))  # type: ignore[attr-defined]
    summary = reconcile_payments(services, "admin", services.clock.now().date())
    assert [(i["kind"], i["txn_ref"]) for i in summary["incidents"]] == [("payment.unrecorded", started["txn_ref"])]
    assert summary["checked"] == 3 and summary["expired"] == 1
    with UnitOfWork(services.session_factory) as uow:
        incidents = uow.session.scalars(sa.select(Incident).where(Incident.kind.like("payment.%"))).all()
        assert len(incidents) == 1 and started["txn_ref"] in incidents[0].message
    assert attempt(services, started["id"]).state == "created"  # reconciliation never marks paid
    assert attempt(services, left["id"]).state == "expired"
    assert fees(services, missed) == []
    again = reconcile_payments(services, "admin", services.clock.now().date())
    assert again["incidents"] == []  # the open incident is not raised twice
    with pytest.raises(Forbidden):
        reconcile_payments(services, "reception", services.clock.now().date())


def test_the_dossier_view_shows_fees_due_and_paid(services: Services) -> None:
    from processes.dossier.dossiers import get_dossier

    code = submit(services)
    view = get_dossier(services, "citizen", code)
    assert (view["fees_due"], view["fees_paid"], view["online_payment"]) == (FEE, 0, True)
    _, _, order = pay_at_gateway(services, code)
    ipn(services, order)
    view = get_dossier(services, "citizen", code)
    assert (view["fees_due"], view["fees_paid"], view["online_payment"]) == (0, FEE, False)
    with UnitOfWork(services.session_factory) as uow:
        dossier = uow.session.scalar(sa.select(Dossier).where(Dossier.code == code))
        assert dossier is not None and ledger.fee_of(uow.session, dossier.id) is not None


def test_a_diagram_waiting_for_the_fee_resumes_when_the_ipn_confirms(services: Services, clock: object) -> None:
    """request_payment puts the dossier in status 6 and stops the clock; the IPN delivers `fee_paid`,
    the clock resumes with the appointment moved by the time spent paying, the specialist's task opens."""
    from pathlib import Path

    from processes.definitions.deploy import deploy_paths
    from processes.dossier.dossiers import get_dossier
    from processes.submission.submission import Submission, submit_dossier

    [outcome] = deploy_paths(services, "admin", [Path(__file__).parent.parent / "fixtures/payments/nop_phi.bpmn"])
    assert outcome.ok, [str(p) for p in outcome.problems]
    code = str(submit_dossier(services, "citizen", Submission(procedure="TEST.NOPPHI", form={"ho_ten": "Nguyễn Văn An"},
                                                               uploads=[], declaration=True))["code"])
    waiting = get_dossier(services, "citizen", code)
    assert waiting["status_code"] == 6 and waiting["paused_at"] and waiting["open_tasks"] == []
    assert waiting["fees_due"] == 50_000
    started, _, order = pay_at_gateway(services, code)
    assert started["amount_vnd"] == 50_000
    clock.advance(timedelta(days=1))  # type: ignore[attr-defined]  # paid the next day
    assert ipn(services, order) == "00"
    moved = get_dossier(services, "citizen", code)
    assert moved["status_code"] == 4 and moved["paused_at"] is None
    assert [t["name"] for t in moved["open_tasks"]] == ["Task_specialist_review"]
    assert moved["due_at"] > waiting["due_at"]  # the appointment moves by the working time spent paying


def test_a_payment_arriving_for_a_dossier_paid_meanwhile_is_kept_and_raises_an_incident(services: Services) -> None:
    code = submit(services)
    started, _, order = pay_at_gateway(services, code)
    mark_fee_paid(services, "reception", code, "BL-0007")  # paid at the counter while the page was open
    assert ipn(services, order) == "00"  # VNPay has the money: acknowledged, never lost
    assert [f.method for f in fees(services, code)] == ["counter"]
    assert attempt(services, started["id"]).state == "paid"
    with UnitOfWork(services.session_factory) as uow:
        kinds = list(uow.session.scalars(sa.select(Incident.kind)))
    assert kinds == ["payment.duplicate"]


def test_a_level_3_fee_is_paid_at_the_agency_not_online(services: Services) -> None:
    """R7.2: level 3 fees are paid at the agency; R7.4: level 4 fees may be paid online."""
    from models import Procedure
    from processes.dossier.dossiers import get_dossier

    code = submit(services)
    with UnitOfWork(services.session_factory) as uow:
        procedure = uow.session.scalar(sa.select(Procedure).join(Dossier, Dossier.procedure_id == Procedure.id)
                                       .where(Dossier.code == code))
        assert procedure is not None and procedure.level == 4
        procedure.level = 3
        uow.commit()
    assert get_dossier(services, "citizen", code)["online_payment"] is False
    with pytest.raises(Conflict) as refused:
        start_payment(services, "citizen", code)
    assert refused.value.code == "payment.online_unavailable"
