"""VNPay 2.1.0 signatures, checked against vectors computed here independently (hmac and the
standard library's own encoding, as VNPay's reference code does it), not through the adapter."""
from __future__ import annotations

import hashlib
import hmac
import urllib.parse
from datetime import UTC, datetime

import pytest

from adapters.payments import vnpay
from adapters.payments.vnpay_sim import Simulator

SECRET = "SECRETKEYFORTESTS0123456789ABCDEF"
MERCHANT = vnpay.Merchant(tmn_code="TESTTMN1", hash_secret=SECRET, pay_url="https://gw.example/vpcpay.html",
                          api_url="https://gw.example/api", return_url="https://motcua.example/payments/vnpay/return")


def expected(params: dict[str, str]) -> str:
    """HMAC-SHA512 over the sorted, PHP-urlencoded `k=v&…` text, computed without the adapter."""
    text = "&".join(f"{urllib.parse.quote_plus(k)}={urllib.parse.quote_plus(v).replace('~', '%7E')}"
                    for k, v in sorted(params.items()))
    return hmac.new(SECRET.encode(), text.encode(), hashlib.sha512).hexdigest()


def test_a_known_vector() -> None:
    params = {"vnp_Amount": "10000000", "vnp_Command": "pay", "vnp_TxnRef": "ABC123"}
    text = "vnp_Amount=10000000&vnp_Command=pay&vnp_TxnRef=ABC123"
    assert vnpay.sign_data(params) == text
    assert vnpay.secure_hash(SECRET, params) == hmac.new(SECRET.encode(), text.encode(), hashlib.sha512).hexdigest()


def test_the_redirect_is_sorted_encoded_signed_with_the_amount_in_hundredths_and_gmt7() -> None:
    created = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 09:00 in Hanoi
    url = vnpay.checkout_url(MERCHANT, txn_ref="2603020900AB", amount_vnd=100_000,
                             order_info="Nop phi le phi ho so 000.00.22.H34-260302-0001", ip_addr="10.0.0.7",
                             created_at=created, expire_at=datetime(2026, 3, 2, 2, 15, tzinfo=UTC))
    base, _, query = url.partition("?")
    assert base == MERCHANT.pay_url
    pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
    names = [k for k, _ in pairs]
    assert names[-1] == "vnp_SecureHash" and names[:-1] == sorted(names[:-1])
    params = dict(pairs)
    digest = params.pop("vnp_SecureHash")
    assert params["vnp_Amount"] == "10000000"
    assert params["vnp_CreateDate"] == "20260302090000"
    assert params["vnp_ExpireDate"] == "20260302091500"
    assert params["vnp_Version"] == "2.1.0" and params["vnp_Command"] == "pay" and params["vnp_CurrCode"] == "VND"
    assert params["vnp_ReturnUrl"] == MERCHANT.return_url and params["vnp_TmnCode"] == "TESTTMN1"
    assert "+" in query and "%3A%2F%2F" in query  # spaces as "+", the return URL encoded as PHP does
    assert digest == expected(params)


def test_a_return_is_verified_and_any_change_breaks_it() -> None:
    params = {"vnp_TmnCode": "TESTTMN1", "vnp_TxnRef": "X1", "vnp_Amount": "5000000", "vnp_ResponseCode": "00",
              "vnp_OrderInfo": "Nop phi ~ ho so", "vnp_TransactionStatus": "00"}
    signed = params | {"vnp_SecureHash": expected(params), "vnp_SecureHashType": "HmacSHA512"}
    assert vnpay.verify(SECRET, signed)
    assert vnpay.verify(SECRET, signed | {"vnp_SecureHash": expected(params).upper()})
    assert not vnpay.verify(SECRET, signed | {"vnp_Amount": "5000100"})
    assert not vnpay.verify("another-secret", signed)
    assert not vnpay.verify(SECRET, params)


def test_querydr_and_refund_checksums_follow_the_api_field_order() -> None:
    now = datetime(2026, 3, 3, 3, 0, tzinfo=UTC)
    when = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    q = vnpay.query_body(MERCHANT, request_id="R1", txn_ref="X1", transaction_date=when, now=now,
                         ip_addr="127.0.0.1", order_info="Doi soat")
    text = "R1|2.1.0|querydr|TESTTMN1|X1|20260302090000|20260303100000|127.0.0.1|Doi soat"
    assert q["vnp_SecureHash"] == hmac.new(SECRET.encode(), text.encode(), hashlib.sha512).hexdigest()
    r = vnpay.refund_body(MERCHANT, request_id="R2", txn_ref="X1", amount_vnd=25_000, transaction_no="14000001",
                          transaction_date=when, created_by="leader", now=now, ip_addr="127.0.0.1",
                          order_info="Hoan tra")
    text = "R2|2.1.0|refund|TESTTMN1|02|X1|2500000|14000001|20260302090000|leader|20260303100000|127.0.0.1|Hoan tra"
    assert r["vnp_SecureHash"] == hmac.new(SECRET.encode(), text.encode(), hashlib.sha512).hexdigest()


def test_amounts_and_ipn_answers() -> None:
    assert vnpay.amount_param(8000) == "800000"
    assert vnpay.amount_of("800000") == 8000 and vnpay.amount_of("800050") is None and vnpay.amount_of("x") is None
    with pytest.raises(ValueError):
        vnpay.amount_param(0)
    assert vnpay.ipn_answer("00") == {"RspCode": "00", "Message": "Confirm Success"}
    assert [vnpay.ipn_answer(c)["RspCode"] for c in ("01", "02", "04", "97", "99")] == ["01", "02", "04", "97", "99"]
    with pytest.raises(ValueError):
        vnpay.vnp_date(datetime(2026, 1, 1))  # a naive instant has no zone to convert from


def test_the_simulator_refuses_a_forged_request_and_signs_its_answers() -> None:
    sim = Simulator({"TESTTMN1": SECRET})
    params = vnpay.checkout_params(MERCHANT, txn_ref="X9", amount_vnd=2000, order_info="Nop phi", ip_addr="",
                                   created_at=datetime(2026, 3, 2, 2, 0, tzinfo=UTC))
    assert sim.receive(params | {"vnp_Amount": "300000"})[0] is None
    order, why = sim.receive(params)
    assert order is not None and why == "" and order.amount_vnd == 2000
    sim.decide(order, "success", datetime(2026, 3, 2, 2, 5, tzinfo=UTC))
    ipn = sim.callback_params(order)
    assert vnpay.verify(SECRET, ipn) and ipn["vnp_ResponseCode"] == "00" and ipn["vnp_PayDate"] == "20260302090500"
    assert not vnpay.verify(SECRET, sim.callback_params(order, bad_signature=True))
    answer = vnpay.query(MERCHANT, lambda url, body: sim.api(body, datetime(2026, 3, 2, 3, tzinfo=UTC)),
                         request_id="Q1", txn_ref="X9", transaction_date=datetime(2026, 3, 2, 2, tzinfo=UTC),
                         now=datetime(2026, 3, 2, 3, tzinfo=UTC), ip_addr="", order_info="q")
    assert answer["vnp_TransactionStatus"] == "00" and answer["vnp_Amount"] == "200000"
