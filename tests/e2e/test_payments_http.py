"""Paying over HTTP (issue 13): the API starts a payment, the simulator's hosted page (under
/_sim/vnpay/, demo mode) takes the tester's choice and sends the IPN to /api/v1/payments/vnpay/ipn
separately from the browser's return; the return page shows what MotCua holds; the receipt is a PDF;
the CLI reconciles; the simulator is not mounted outside demo mode."""
from __future__ import annotations

import io
import re
import urllib.parse
from typing import Any

import sqlalchemy as sa

from adapters.bootstrap import Services
from models import Attachment, Dossier
from processes.uow import UnitOfWork
from tests.helpers import HKD, PNG, session_of, submit

FEE = 100_000


def browser(client: Any, username: str) -> None:
    with client.session_transaction() as s:
        s["sid"], s["csrf"] = session_of(client, username), "t"


def path_of(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_pay_through_the_simulator_the_ipn_alone_marks_paid(app: Any, services: Services, token: Any) -> None:
    code = submit(services)
    ipn_client = app.test_client()  # the gateway's own connection to the merchant, not the browser's
    app.extensions["vnpay_sim_ipn_get"] = lambda url: ipn_client.get(path_of(url)).get_json()
    api = app.test_client()
    started = api.post(f"/api/v1/dossiers/{code}/payments", headers=token("citizen"), json={"channel": "vnpay"})
    assert started.status_code == 201, started.json
    assert started.json["amount_vnd"] == FEE and started.json["state"] == "created"
    assert api.post(f"/api/v1/dossiers/{code}/payments", headers=token("reception"),
                    json={"channel": "vnpay"}).status_code == 403  # the applicant pays, not an officer

    client = app.test_client()
    browser(client, "citizen")
    hosted = client.get(path_of(started.json["pay_url"]))
    assert hosted.status_code == 200 and "100.000 đ" in hosted.get_data(as_text=True)
    forged = client.get(path_of(started.json["pay_url"]).replace("vnp_Amount=10000000", "vnp_Amount=100"))
    assert forged.status_code == 400  # the gateway refuses a request whose signature does not match
    tmn = re.search(r"vnp_TmnCode=(\w+)", started.json["pay_url"]).group(1)  # type: ignore[union-attr]
    back = client.post("/_sim/vnpay/pay", data={"csrf_token": "t", "tmn": tmn, "ref": started.json["txn_ref"],
                                                "outcome": "success", "send_ipn": "no"})
    assert back.status_code == 302 and "/payments/vnpay/return?" in back.headers["Location"]
    page = client.get(path_of(back.headers["Location"])).get_data(as_text=True)
    assert "Đang chờ xác nhận" in page and "Đã thanh toán" not in page  # the return alone pays nothing
    returned = api.get("/api/v1/payments/vnpay/return?" + urllib.parse.urlsplit(back.headers["Location"]).query,
                       headers=token("citizen"))
    assert returned.json["attempt"]["state"] == "created"

    def send(mode: str) -> str:
        answer = client.post(f"/_sim/vnpay/orders/{tmn}/{started.json['txn_ref']}/ipn",
                             data={"csrf_token": "t", "mode": mode}, headers={"Accept": "application/json"})
        return str(answer.json["RspCode"])

    assert [send("bad_signature"), send("wrong_amount"), send("repeat"), send("repeat")] == ["97", "04", "00", "02"]
    page = client.get(path_of(back.headers["Location"])).get_data(as_text=True)
    assert "Đã thanh toán" in page and f"/my/dossiers/{code}/receipt.pdf" in page
    listed = api.get(f"/api/v1/dossiers/{code}/payments", headers=token("reception")).json
    assert listed["fees_paid"] == FEE and listed["fee"]["method"] == "online"
    assert [a["state"] for a in listed["attempts"]] == ["paid"]
    dossier = api.get(f"/api/v1/dossiers/{code}", headers=token("citizen")).json
    assert (dossier["fees_due"], dossier["fees_paid"]) == (0, FEE)
    pdf = api.get(f"/api/v1/dossiers/{code}/payments/receipt.pdf", headers=token("citizen"))
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and pdf.mimetype == "application/pdf"
    assert client.get(f"/my/dossiers/{code}/receipt.pdf").data.startswith(b"%PDF")
    assert "Đã nộp phí, lệ phí" in client.get(f"/my/dossiers/{code}").get_data(as_text=True)


def test_the_ipn_door_answers_vnpay_codes_without_a_token(client: Any) -> None:
    answer = client.get("/api/v1/payments/vnpay/ipn?vnp_TmnCode=KTTP0022&vnp_TxnRef=X&vnp_SecureHash=00")
    assert answer.status_code == 200 and answer.json == {"RspCode": "97", "Message": "Invalid signature"}


def test_the_desk_records_a_transfer_and_sees_the_receipt(app: Any, services: Services) -> None:
    code = submit(services)
    client = app.test_client()
    browser(client, "reception")
    page = client.get(f"/officer/dossiers/{code}/payments").get_data(as_text=True)
    assert "Ghi nhận nộp bằng chuyển khoản" in page
    done = client.post(f"/officer/dossiers/{code}/payments/transfer", content_type="multipart/form-data",
                       data={"csrf_token": "t", "reference": "VCB-778899",
                             "proof": (io.BytesIO(PNG), "uy-nhiem-chi.png", "image/png")})
    assert done.status_code == 303
    with UnitOfWork(services.session_factory) as uow:  # the slip is kept with the dossier's documents
        assert uow.session.scalars(sa.select(Attachment.filename).join(Dossier, Dossier.id == Attachment.dossier_id)
                                   .where(Dossier.code == code, Attachment.document_key == "payment_proof")
                                   ).all() == ["uy-nhiem-chi.png"]
    page = client.get(f"/officer/dossiers/{code}/payments").get_data(as_text=True)
    assert "BL2026-000.00.22.H34-000001" in page and "VCB-778899" in page
    assert client.get(f"/officer/dossiers/{code}/receipt.pdf").data.startswith(b"%PDF")
    citizen = app.test_client()
    browser(citizen, "citizen2")
    assert citizen.get(f"/my/dossiers/{code}/receipt.pdf").status_code == 404


def test_the_openapi_describes_the_payment_paths(client: Any) -> None:
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert {"/dossiers/{code}/payments", "/dossiers/{code}/payments/transfer", "/dossiers/{code}/payments/refund",
            "/dossiers/{code}/payments/receipt.pdf", "/payments/vnpay/ipn", "/payments/vnpay/return"} <= set(paths)
    assert paths["/payments/vnpay/ipn"]["get"]["responses"]["200"]["content"]


def test_the_service_page_names_only_the_payment_channels_the_agency_offers(client: Any) -> None:
    page = client.get(f"/procedures/{HKD}").get_data(as_text=True)  # the agency has a merchant account
    assert "Cách nộp phí, lệ phí" in page and "trực tuyến qua VNPay" in page


def test_the_simulator_exists_in_demo_mode_only(services: Services) -> None:
    from web import create_app

    services.config["app"]["secret_key"] = "a-long-enough-production-secret-key"
    services.config["app"]["demo"] = False
    production = create_app(services).test_client()
    assert production.get("/_sim/vnpay/").status_code == 404
    assert "trực tuyến qua VNPay" not in production.get(f"/procedures/{HKD}").get_data(as_text=True)
    code = submit(services)
    from processes.dossier.dossiers import get_dossier
    assert get_dossier(services, "citizen", code)["online_payment"] is False  # no gateway address configured


def test_motcua_payments_reconcile(motcua: Any) -> None:
    status, out, _ = motcua("payments", "reconcile", "--date", "2026-03-02")
    assert status == 0 and '"checked": 0' in out
    status, _, err = motcua("payments", "reconcile", "--date", "2026-03-02", "--as", "reception")
    assert status == 1 and "reception" in err
    status, _, err = motcua("payments", "reconcile", "--date", "02/03/2026")
    assert status == 2 and "--date" in err
