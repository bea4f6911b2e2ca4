"""A stand-in for VNPay's gateway, for demonstrations and tests (never in production): it checks a
pay request's signature, remembers the order, lets a tester choose its outcome, builds the signed
browser return and IPN, and answers `querydr` and `refund` as VNPay does (signed, in API field order).

Pure and in memory: no Flask (web/sim_vnpay.py serves it under /_sim/vnpay/ in demo mode) and no
clock (the caller gives the instant). The secrets are the merchants' (HMAC is symmetric: the gateway
holds each merchant's secret), given as terminal code -> secret."""
from __future__ import annotations

import itertools
import threading
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from adapters.payments import vnpay

OUTCOMES = {"success": vnpay.PAID, "cancel": vnpay.CANCELLED, "timeout": vnpay.TIMED_OUT, "failure": "51"}


@dataclass
class SimOrder:
    params: dict[str, str]  # the pay request as received
    tmn_code: str
    txn_ref: str
    amount_vnd: int
    response_code: str = ""  # "" while the tester has not chosen
    transaction_no: str = ""
    pay_date: str = ""
    bank_code: str = "NCB"
    refunded_vnd: int = 0
    ipn_answers: list[dict[str, Any]] = field(default_factory=list)


class Simulator:
    """The gateway's state: orders by (terminal, order reference)."""

    def __init__(self, secrets: Mapping[str, str]):
        self.secrets = dict(secrets)
        self.orders: dict[tuple[str, str], SimOrder] = {}
        self._numbers = itertools.count(14_000_001)
        self._lock = threading.Lock()

    # -- the hosted page --------------------------------------------------------------------------
    def receive(self, params: Mapping[str, str]) -> tuple[SimOrder | None, str]:
        """A pay request: the order (new or the same again) and "" — or None and why it is refused."""
        tmn = str(params.get("vnp_TmnCode", ""))
        secret = self.secrets.get(tmn)
        if secret is None:
            return None, "terminal unknown"
        if not vnpay.verify(secret, params):
            return None, "invalid signature"
        amount = vnpay.amount_of(str(params.get("vnp_Amount", "")))
        if amount is None or params.get("vnp_Command") != "pay" or params.get("vnp_Version") != vnpay.VERSION:
            return None, "invalid request"
        key = (tmn, str(params.get("vnp_TxnRef", "")))
        with self._lock:
            order = self.orders.get(key)
            if order is None:
                order = self.orders[key] = SimOrder(params=dict(params), tmn_code=tmn, txn_ref=key[1],
                                                     amount_vnd=amount)
            elif order.response_code:
                return None, "order already processed"
        return order, ""

    def find(self, tmn_code: str, txn_ref: str) -> SimOrder | None:
        return self.orders.get((tmn_code, txn_ref))

    def decide(self, order: SimOrder, outcome: str, now: datetime) -> None:
        """The tester's choice: success (00), cancel (24), timeout (11) or a failure (51)."""
        with self._lock:
            if order.response_code:
                return
            order.response_code = OUTCOMES.get(outcome, "99")
            order.pay_date = vnpay.vnp_date(now)
            if order.response_code == vnpay.PAID:
                order.transaction_no = str(next(self._numbers))

    def callback_params(self, order: SimOrder, *, amount_vnd: int | None = None,
                        bad_signature: bool = False) -> dict[str, str]:
        """The signed parameters of the return and the IPN (a wrong amount or a forged signature on demand)."""
        status = order.response_code if order.response_code in (vnpay.PAID, vnpay.CANCELLED) else "02"
        params = {"vnp_TmnCode": order.tmn_code, "vnp_TxnRef": order.txn_ref,
                  "vnp_Amount": vnpay.amount_param(order.amount_vnd if amount_vnd is None else amount_vnd),
                  "vnp_OrderInfo": order.params.get("vnp_OrderInfo", ""), "vnp_ResponseCode": order.response_code,
                  "vnp_TransactionNo": order.transaction_no or "0", "vnp_BankCode": order.bank_code,
                  "vnp_CardType": "ATM", "vnp_PayDate": order.pay_date,
                  "vnp_TransactionStatus": status}
        params["vnp_SecureHash"] = vnpay.secure_hash(self.secrets[order.tmn_code], params)
        if bad_signature:
            params["vnp_SecureHash"] = vnpay.secure_hash("forged-" + self.secrets[order.tmn_code], params)
        return params

    def return_url(self, order: SimOrder) -> str:
        base = order.params.get("vnp_ReturnUrl", "")
        query = vnpay.sign_data({k: v for k, v in self.callback_params(order).items() if k != "vnp_SecureHash"})
        digest = self.callback_params(order)["vnp_SecureHash"]
        return f"{base}{'&' if '?' in base else '?'}{query}&vnp_SecureHash={digest}"

    def notify(self, order: SimOrder, ipn_url: str, get: Callable[[str], dict[str, Any]],
               **forge: Any) -> dict[str, Any]:
        """Call the merchant's IPN (GET with the signed parameters) and keep its answer."""
        url = f"{ipn_url}?{urllib.parse.urlencode(self.callback_params(order, **forge))}"
        try:
            answer = get(url)
        except Exception as exc:  # noqa: BLE001 — a merchant down is recorded, as VNPay retries later
            answer = {"error": str(exc)}
        order.ipn_answers.append(answer)
        return answer

    # -- the merchant web API ---------------------------------------------------------------------
    def api(self, body: Mapping[str, Any], now: datetime) -> dict[str, Any]:
        """querydr and refund, answered and signed as VNPay does."""
        command = str(body.get("vnp_Command", ""))
        tmn = str(body.get("vnp_TmnCode", ""))
        secret = self.secrets.get(tmn)
        fields = {"querydr": vnpay.QUERY_FIELDS, "refund": vnpay.REFUND_FIELDS}.get(command)
        answer: dict[str, Any] = {"vnp_ResponseId": f"sim{next(self._numbers)}", "vnp_Command": command,
                                  "vnp_TmnCode": tmn, "vnp_TxnRef": str(body.get("vnp_TxnRef", "")),
                                  "vnp_ResponseCode": "", "vnp_Message": ""}
        if secret is None or fields is None:
            answer.update(vnp_ResponseCode="02" if secret is None else "99", vnp_Message="Invalid request")
            return self._signed(answer, secret or "", command)
        if str(body.get("vnp_SecureHash", "")).lower() != vnpay.pipe_hash(secret, body, fields):
            answer.update(vnp_ResponseCode="97", vnp_Message="Invalid Checksum")
            return self._signed(answer, secret, command)
        order = self.find(tmn, answer["vnp_TxnRef"])
        if order is None:
            answer.update(vnp_ResponseCode="91", vnp_Message="Transaction not found")
            return self._signed(answer, secret, command)
        answer.update(vnp_Amount=vnpay.amount_param(order.amount_vnd), vnp_BankCode=order.bank_code,
                      vnp_PayDate=order.pay_date, vnp_TransactionNo=order.transaction_no or "0",
                      vnp_OrderInfo=order.params.get("vnp_OrderInfo", ""), vnp_TransactionType="01")
        with self._lock:
            if command == "refund":
                amount = vnpay.amount_of(str(body.get("vnp_Amount", ""))) or 0
                if order.response_code != vnpay.PAID or order.transaction_no != str(body.get("vnp_TransactionNo")):
                    answer.update(vnp_ResponseCode="91", vnp_Message="Transaction not found")
                elif order.refunded_vnd:
                    answer.update(vnp_ResponseCode="94", vnp_Message="Refund already requested")
                elif amount <= 0 or amount > order.amount_vnd:
                    answer.update(vnp_ResponseCode="03", vnp_Message="Invalid amount")
                else:
                    order.refunded_vnd = amount
                    answer.update(vnp_ResponseCode="00", vnp_Message="Refund success",
                                  vnp_Amount=vnpay.amount_param(amount),
                                  vnp_TransactionType=str(body.get("vnp_TransactionType", "02")),
                                  vnp_PayDate=vnpay.vnp_date(now))
            answer["vnp_TransactionStatus"] = self._status(order)
            if command == "querydr":
                answer.update(vnp_ResponseCode="00", vnp_Message="QueryDR Success",
                              vnp_PromotionCode="", vnp_PromotionAmount="")
        return self._signed(answer, secret, command)

    @staticmethod
    def _status(order: SimOrder) -> str:
        if order.refunded_vnd:
            return "06"  # refund sent to the bank
        return {"": "01", vnpay.PAID: "00", vnpay.CANCELLED: "02"}.get(order.response_code, "02")

    @staticmethod
    def _signed(answer: dict[str, Any], secret: str, command: str) -> dict[str, Any]:
        fields = vnpay.REFUND_ANSWER_FIELDS if command == "refund" else vnpay.QUERY_ANSWER_FIELDS
        answer["vnp_SecureHash"] = vnpay.pipe_hash(secret, answer, fields)
        return answer
