"""VNPay merchant API 2.1.0 (sandbox.vnpayment.vn/apis/docs): the signed redirect to the hosted payment
page, the checks of the return URL and of the IPN, and the merchant web API's `querydr` and `refund`.

Pure: no database, no clock (the caller gives every instant), no Flask. Only `query` and `refund` go
out, through the `JsonPost` they are given.

Signatures:
- pay, return, IPN: the `vnp_` parameters but `vnp_SecureHash(Type)`, sorted by name, each name and
  value URL-encoded as PHP's `urlencode` does (space as "+", everything but letters, digits and
  `-_.` as %XX), joined `k=v&k=v`; `vnp_SecureHash` is the HMAC-SHA512 of that text with the merchant's
  secret, in hexadecimal.
- querydr and refund (JSON): the HMAC-SHA512 of the named fields' values joined with "|" in the order
  the API defines (`QUERY_FIELDS`, `REFUND_FIELDS`; the answers: `QUERY_ANSWER_FIELDS`,
  `REFUND_ANSWER_FIELDS`)."""
from __future__ import annotations

import hashlib
import hmac
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from adapters.payments import GatewayError, JsonPost

VERSION = "2.1.0"
GMT7 = timezone(timedelta(hours=7))  # VNPay's dates are yyyyMMddHHmmss in GMT+7, whatever the server's zone
DATE_FORMAT = "%Y%m%d%H%M%S"
ORDER_TYPE = "other"  # VNPay's category code for "other goods and services"

# The IPN answer codes (RspCode) the merchant sends back to VNPay.
IPN_OK, IPN_NOT_FOUND, IPN_ALREADY, IPN_BAD_AMOUNT, IPN_BAD_SIGNATURE, IPN_OTHER = "00", "01", "02", "04", "97", "99"
IPN_MESSAGES = {IPN_OK: "Confirm Success", IPN_NOT_FOUND: "Order not found",
                IPN_ALREADY: "Order already confirmed", IPN_BAD_AMOUNT: "Invalid amount",
                IPN_BAD_SIGNATURE: "Invalid signature", IPN_OTHER: "Unknown error"}

# vnp_ResponseCode of a payment: 00 success, 24 cancelled by the customer, 11 timed out; others failures.
PAID, CANCELLED, TIMED_OUT = "00", "24", "11"

QUERY_FIELDS = ("vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TxnRef",
                "vnp_TransactionDate", "vnp_CreateDate", "vnp_IpAddr", "vnp_OrderInfo")
QUERY_ANSWER_FIELDS = ("vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message", "vnp_TmnCode",
                       "vnp_TxnRef", "vnp_Amount", "vnp_BankCode", "vnp_PayDate", "vnp_TransactionNo",
                       "vnp_TransactionType", "vnp_TransactionStatus", "vnp_OrderInfo", "vnp_PromotionCode",
                       "vnp_PromotionAmount")
REFUND_FIELDS = ("vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TransactionType",
                 "vnp_TxnRef", "vnp_Amount", "vnp_TransactionNo", "vnp_TransactionDate", "vnp_CreateBy",
                 "vnp_CreateDate", "vnp_IpAddr", "vnp_OrderInfo")
REFUND_ANSWER_FIELDS = ("vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message", "vnp_TmnCode",
                        "vnp_TxnRef", "vnp_Amount", "vnp_BankCode", "vnp_PayDate", "vnp_TransactionNo",
                        "vnp_TransactionType", "vnp_TransactionStatus", "vnp_OrderInfo")
FULL_REFUND, PARTIAL_REFUND = "02", "03"


@dataclass(frozen=True)
class Merchant:
    """One agency's merchant account at VNPay (its terminal code and secret) and the gateway's addresses."""

    tmn_code: str
    hash_secret: str
    pay_url: str  # the hosted payment page (…/paymentv2/vpcpay.html)
    api_url: str  # the merchant web API (…/merchant_webapi/api/transaction)
    return_url: str  # where the gateway sends the applicant's browser back

    def __repr__(self) -> str:  # never print the secret
        return f"Merchant(tmn_code={self.tmn_code!r}, pay_url={self.pay_url!r}, api_url={self.api_url!r})"


@dataclass(frozen=True)
class Callback:
    """The facts of a signed return or IPN (all as VNPay sent them, amount back in VND)."""

    txn_ref: str
    amount_vnd: int | None  # None when vnp_Amount is not a whole number of hundredths
    response_code: str
    transaction_status: str
    transaction_no: str
    bank_code: str
    pay_date: str
    tmn_code: str

    @property
    def paid(self) -> bool:
        return self.response_code == PAID and self.transaction_status in ("00", "")


def php_urlencode(text: str) -> str:
    """PHP's urlencode, which VNPay's reference code signs with: space as "+", "~" encoded."""
    return urllib.parse.quote_plus(text, safe="").replace("~", "%7E")


def sign_data(params: Mapping[str, str]) -> str:
    """The text signed for pay, return and IPN: sorted, URL-encoded `k=v` joined by "&"."""
    return "&".join(f"{php_urlencode(k)}={php_urlencode(str(v))}" for k, v in sorted(params.items())
                    if k.startswith("vnp_") and k not in ("vnp_SecureHash", "vnp_SecureHashType")
                    and str(v) != "")


def hmac_sha512(secret: str, text: str) -> str:
    return hmac.new(secret.encode("utf-8"), text.encode("utf-8"), hashlib.sha512).hexdigest()


def secure_hash(secret: str, params: Mapping[str, str]) -> str:
    return hmac_sha512(secret, sign_data(params))


def verify(secret: str, params: Mapping[str, str]) -> bool:
    """A return or IPN's signature is the merchant's (constant-time comparison, hex case ignored)."""
    sent = str(params.get("vnp_SecureHash", "")).lower()
    return bool(sent) and hmac.compare_digest(sent, secure_hash(secret, params))


def vnp_date(at: datetime) -> str:
    """An instant as VNPay writes it: yyyyMMddHHmmss in GMT+7."""
    if at.tzinfo is None:
        raise ValueError("VNPay dates need an aware instant")
    return at.astimezone(GMT7).strftime(DATE_FORMAT)


def parse_vnp_date(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, DATE_FORMAT).replace(tzinfo=GMT7)
    except (TypeError, ValueError):
        return None


def amount_param(amount_vnd: int) -> str:
    """vnp_Amount: the amount in VND times 100 (VNPay counts in hundredths), as an integer."""
    if amount_vnd <= 0:
        raise ValueError("an amount to pay is positive")
    return str(int(amount_vnd) * 100)


def amount_of(param: str) -> int | None:
    text = str(param or "")
    if not text.isdigit() or int(text) % 100:
        return None
    return int(text) // 100


def checkout_params(merchant: Merchant, *, txn_ref: str, amount_vnd: int, order_info: str, ip_addr: str,
                    created_at: datetime, expire_at: datetime | None = None, locale: str = "vn",
                    bank_code: str = "") -> dict[str, str]:
    """The signed parameters of the redirect to the hosted payment page (vnp_SecureHash included)."""
    params = {"vnp_Version": VERSION, "vnp_Command": "pay", "vnp_TmnCode": merchant.tmn_code,
              "vnp_Amount": amount_param(amount_vnd), "vnp_CurrCode": "VND", "vnp_TxnRef": txn_ref,
              "vnp_OrderInfo": order_info, "vnp_OrderType": ORDER_TYPE,
              "vnp_Locale": "en" if locale == "en" else "vn", "vnp_ReturnUrl": merchant.return_url,
              "vnp_IpAddr": ip_addr or "127.0.0.1", "vnp_CreateDate": vnp_date(created_at)}
    if expire_at is not None:
        params["vnp_ExpireDate"] = vnp_date(expire_at)
    if bank_code:
        params["vnp_BankCode"] = bank_code
    params["vnp_SecureHash"] = secure_hash(merchant.hash_secret, params)
    return params


def checkout_url(merchant: Merchant, **kwargs: Any) -> str:
    """The address of the hosted payment page with its signed query (as VNPay's reference code builds it)."""
    params = checkout_params(merchant, **kwargs)
    digest = params.pop("vnp_SecureHash")
    query = sign_data(params) + "&vnp_SecureHash=" + digest
    return f"{merchant.pay_url}?{query}"


def callback(params: Mapping[str, str]) -> Callback:
    """The facts of a return or IPN's parameters (check `verify` first)."""
    get = lambda name: str(params.get(name, ""))  # noqa: E731
    return Callback(txn_ref=get("vnp_TxnRef"), amount_vnd=amount_of(get("vnp_Amount")),
                    response_code=get("vnp_ResponseCode"), transaction_status=get("vnp_TransactionStatus"),
                    transaction_no=get("vnp_TransactionNo"), bank_code=get("vnp_BankCode"),
                    pay_date=get("vnp_PayDate"), tmn_code=get("vnp_TmnCode"))


def ipn_answer(code: str) -> dict[str, str]:
    """What the merchant answers an IPN: {"RspCode": "00", "Message": "Confirm Success"}…"""
    return {"RspCode": code, "Message": IPN_MESSAGES[code]}


def pipe_hash(secret: str, body: Mapping[str, Any], fields: tuple[str, ...]) -> str:
    """The merchant web API's checksum: HMAC-SHA512 of the fields' values joined by "|" in API order."""
    return hmac_sha512(secret, "|".join(str(body.get(f, "")) for f in fields))


def query_body(merchant: Merchant, *, request_id: str, txn_ref: str, transaction_date: datetime,
               now: datetime, ip_addr: str, order_info: str) -> dict[str, str]:
    body = {"vnp_RequestId": request_id, "vnp_Version": VERSION, "vnp_Command": "querydr",
            "vnp_TmnCode": merchant.tmn_code, "vnp_TxnRef": txn_ref,
            "vnp_TransactionDate": vnp_date(transaction_date), "vnp_CreateDate": vnp_date(now),
            "vnp_IpAddr": ip_addr or "127.0.0.1", "vnp_OrderInfo": order_info}
    body["vnp_SecureHash"] = pipe_hash(merchant.hash_secret, body, QUERY_FIELDS)
    return body


def refund_body(merchant: Merchant, *, request_id: str, txn_ref: str, amount_vnd: int, transaction_no: str,
                transaction_date: datetime, created_by: str, now: datetime, ip_addr: str, order_info: str,
                full: bool = True) -> dict[str, str]:
    body = {"vnp_RequestId": request_id, "vnp_Version": VERSION, "vnp_Command": "refund",
            "vnp_TmnCode": merchant.tmn_code, "vnp_TransactionType": FULL_REFUND if full else PARTIAL_REFUND,
            "vnp_TxnRef": txn_ref, "vnp_Amount": amount_param(amount_vnd), "vnp_TransactionNo": transaction_no,
            "vnp_TransactionDate": vnp_date(transaction_date), "vnp_CreateBy": created_by,
            "vnp_CreateDate": vnp_date(now), "vnp_IpAddr": ip_addr or "127.0.0.1", "vnp_OrderInfo": order_info}
    body["vnp_SecureHash"] = pipe_hash(merchant.hash_secret, body, REFUND_FIELDS)
    return body


def _call(merchant: Merchant, post: JsonPost, body: Mapping[str, str],
          answer_fields: tuple[str, ...]) -> dict[str, Any]:
    try:
        answer = post(merchant.api_url, body)
    except Exception as exc:  # noqa: BLE001 — any transport failure is the gateway's unavailability
        raise GatewayError(f"VNPay {body.get('vnp_Command')}: {exc}") from exc
    expected = pipe_hash(merchant.hash_secret, answer, answer_fields)
    if not hmac.compare_digest(str(answer.get("vnp_SecureHash", "")).lower(), expected):
        raise GatewayError(f"VNPay {body.get('vnp_Command')}: the answer's checksum is not VNPay's")
    return answer


def query(merchant: Merchant, post: JsonPost, **kwargs: Any) -> dict[str, Any]:
    """querydr: what VNPay holds about an order (vnp_ResponseCode "00" = found; then vnp_TransactionStatus
    "00" = paid, vnp_Amount ×100, vnp_TransactionNo). Raises GatewayError on a transport or checksum fault."""
    return _call(merchant, post, query_body(merchant, **kwargs), QUERY_ANSWER_FIELDS)


def refund(merchant: Merchant, post: JsonPost, **kwargs: Any) -> dict[str, Any]:
    """refund: give a paid order's money back (vnp_ResponseCode "00" = accepted; "94" = a refund of it is
    already being processed). Raises GatewayError on a transport or checksum fault."""
    return _call(merchant, post, refund_body(merchant, **kwargs), REFUND_ANSWER_FIELDS)


SIMULATOR_PATH = "/_sim/vnpay"  # the demo gateway (web/sim_vnpay.py) inside the app, demo mode only
RETURN_PATH = "/payments/vnpay/return"
IPN_PATH = "/api/v1/payments/vnpay/ipn"


def merchant_for(config: Mapping[str, Any], agency_code: str) -> Merchant | None:
    """The agency's merchant account (`[payments.vnpay.merchants."<agency e-code>"]`), or None when the
    agency takes no fee through VNPay. Empty gateway addresses mean the simulator, in demo mode only."""
    section = config.get("payments", {}).get("vnpay", {})
    account = section.get("merchants", {}).get(agency_code)
    if not account or not account.get("tmn_code") or not account.get("hash_secret"):
        return None
    base = str(config.get("app", {}).get("base_url", "")).rstrip("/")
    demo = bool(config.get("app", {}).get("demo"))
    pay_url = str(account.get("pay_url") or section.get("pay_url") or "")
    api_url = str(account.get("api_url") or section.get("api_url") or "")
    if not pay_url or not api_url:
        if not demo:
            return None  # a production site without the gateway's addresses offers no online payment
        pay_url = pay_url or f"{base}{SIMULATOR_PATH}/paymentv2/vpcpay.html"
        api_url = api_url or f"{base}{SIMULATOR_PATH}/merchant_webapi/api/transaction"
    return Merchant(tmn_code=str(account["tmn_code"]), hash_secret=str(account["hash_secret"]),
                    pay_url=pay_url, api_url=api_url, return_url=f"{base}{RETURN_PATH}")


def merchants_by_terminal(config: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """Terminal code -> (agency e-code, secret) of every configured merchant (to check an IPN's terminal)."""
    accounts = config.get("payments", {}).get("vnpay", {}).get("merchants", {})
    return {str(a["tmn_code"]): (code, str(a["hash_secret"])) for code, a in accounts.items()
            if a.get("tmn_code") and a.get("hash_secret")}
