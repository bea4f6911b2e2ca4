"""Phone channels over HTTP: an SMS brandname gateway and Zalo's notification service (ZNS).

Both take (phone, text, outbox key, template, data) and answer the provider's message id; both read the
provider's delivery report (`report`) into (message id, "delivered" | "failed"). The request shapes are
those common to Vietnamese providers (docs/integrations.md says what was relied on); each has a local
simulator (web/simulators/) that the same contract tests run against (tests/integration/test_phone_contract.py).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from adapters.http_json import post_form, post_json
from adapters.messaging import DeliveryError


def request_id(key: str) -> str:
    """The outbox key as the provider's idempotency field (short, same for a resend)."""
    return hashlib.sha256(key.encode()).hexdigest()[:40]


def local_phone(phone: str) -> str:
    """0912345678 from +84 912 345 678, 84912345678 or 0912345678."""
    digits = "".join(c for c in phone if c.isdigit())
    return "0" + digits[2:] if digits.startswith("84") and len(digits) >= 11 else digits


def international_phone(phone: str) -> str:
    """84912345678 (what ZNS wants) from any of the local forms."""
    digits = local_phone(phone)
    return "84" + digits[1:] if digits.startswith("0") else digits


def without_diacritics(text: str) -> str:
    """Vietnamese without marks, for SMS routes that carry only plain letters ("Đ" -> "D")."""
    text = text.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def signature(secret: str, raw: bytes) -> str:
    return hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


class SmsBrandname:
    """An SMS brandname gateway: POST JSON {ApiKey, SecretKey, Brandname, Phone, Content, SmsType,
    IsUnicode, RequestId, CallbackUrl}; the answer {CodeResult: "100", SMSID} on success, another
    CodeResult (with ErrorMessage) when refused. The delivery report is POSTed to CallbackUrl as
    {SMSID, RequestId, Phone, Status: "DELIVERED" | "FAILED"} with header X-Signature, the HMAC-SHA256
    of the body under the secret."""

    def __init__(self, url: str, api_key: str, secret: str, brandname: str, sms_type: int = 2,
                 ascii_only: bool = True, callback_url: str = "", timeout: float = 10.0):
        self.url, self.api_key, self.secret, self.brandname = url, api_key, secret, brandname
        self.sms_type, self.ascii_only, self.callback_url, self.timeout = sms_type, ascii_only, callback_url, timeout

    @classmethod
    def from_config(cls, sms: Mapping[str, Any], base_url: str = "") -> SmsBrandname:
        return cls(url=str(sms.get("url") or ""), api_key=str(sms.get("api_key") or ""),
                   secret=str(sms.get("secret") or ""), brandname=str(sms.get("brandname") or ""),
                   sms_type=int(sms.get("sms_type") or 2), ascii_only=bool(sms.get("ascii_only", True)),
                   callback_url=str(sms.get("callback_url") or (base_url.rstrip("/") + "/api/v1/callbacks/sms"
                                                                 if base_url else "")),
                   timeout=float(sms.get("timeout_seconds") or 10))

    def send(self, to: str, text: str, key: str, template: str | None = None,
             data: Mapping[str, str] | None = None) -> str | None:
        content = without_diacritics(text) if self.ascii_only else text
        status, answer = post_json(self.url, {
            "ApiKey": self.api_key, "SecretKey": self.secret, "Brandname": self.brandname,
            "Phone": local_phone(to), "Content": content, "SmsType": str(self.sms_type),
            "IsUnicode": "0" if self.ascii_only else "1", "RequestId": request_id(key),
            "CallbackUrl": self.callback_url}, timeout=self.timeout)
        if status != 200 or not isinstance(answer, dict) or str(answer.get("CodeResult")) != "100":
            detail = answer.get("ErrorMessage") if isinstance(answer, dict) else answer
            code = answer.get("CodeResult") if isinstance(answer, dict) else None
            raise DeliveryError(f"SMS gateway refused (HTTP {status}, CodeResult {code}): {detail}")
        return str(answer["SMSID"])

    def report(self, raw: bytes, headers: Mapping[str, str]) -> tuple[str, str] | None:
        """(message id, delivered | failed) of a signed delivery report; None when not genuine."""
        sent = next((v for k, v in headers.items() if k.lower() == "x-signature"), "")
        if not self.secret or not hmac.compare_digest(sent, signature(self.secret, raw)):
            return None
        try:
            body = json.loads(raw)
            return str(body["SMSID"]), "delivered" if body.get("Status") == "DELIVERED" else "failed"
        except (ValueError, KeyError, TypeError):
            return None


def _both(name: str, value: str) -> dict[str, str]:
    """Zalo names its headers with underscores (access_token, secret_key); servers and proxies that drop
    such headers (gunicorn, werkzeug) see the dashed twin (Access-Token, Secret-Key)."""
    return {name: value, name.replace("_", "-").title(): value}


INVALID_TOKEN = -124  # ZNS: the access token is invalid or expired


class ZaloZns:
    """Zalo notification service: POST {phone (84…), template_id, template_data, tracking_id} with the
    official account's `access_token` header; {error: 0, data: {msg_id}} on success. An expired token
    (error -124, or its known expiry passed) is refreshed at the OAuth endpoint with the refresh token
    (form fields refresh_token, app_id, grant_type=refresh_token; header secret_key), which answers a new
    access token AND a new refresh token: both are kept in `token_file` so a restart uses the newest.
    Delivery reports (webhook event user_received_message) carry X-ZEvent-Signature:
    mac=sha256(app_id + body + timestamp + secret_key)."""

    def __init__(self, url: str, oauth_url: str, app_id: str, secret_key: str, access_token: str,
                 refresh_token: str, templates: Mapping[str, str], token_file: Path | None = None,
                 timeout: float = 10.0):
        self.url, self.oauth_url, self.app_id, self.secret_key = url, oauth_url, app_id, secret_key
        self.templates, self.token_file, self.timeout = dict(templates), token_file, timeout
        self._lock = threading.Lock()
        self._token, self._refresh, self._expires = access_token, refresh_token, 0.0
        if token_file is not None and token_file.exists():
            saved = json.loads(token_file.read_text())
            self._token, self._refresh = saved.get("access_token", ""), saved.get("refresh_token", "")
            self._expires = float(saved.get("expires_at", 0))

    @classmethod
    def from_config(cls, zalo: Mapping[str, Any], data_dir: Path | None = None) -> ZaloZns:
        return cls(url=str(zalo.get("url") or ""), oauth_url=str(zalo.get("oauth_url") or ""),
                   app_id=str(zalo.get("app_id") or ""), secret_key=str(zalo.get("secret_key") or ""),
                   access_token=str(zalo.get("access_token") or ""),
                   refresh_token=str(zalo.get("refresh_token") or ""),
                   templates={str(k): str(v) for k, v in dict(zalo.get("templates") or {}).items()},
                   token_file=data_dir / "zalo_token.json" if data_dir else None,
                   timeout=float(zalo.get("timeout_seconds") or 10))

    def send(self, to: str, text: str, key: str, template: str | None = None,
             data: Mapping[str, str] | None = None) -> str | None:
        template_id = self.templates.get(template or "") or self.templates.get("default")
        if not template_id:
            raise DeliveryError(f"no Zalo template configured for {template!r} (nor a default)")
        body = {"phone": international_phone(to), "template_id": template_id,
                "template_data": dict(data or {}) or {"content": text}, "tracking_id": request_id(key)}
        for attempt in (1, 2):
            token = self.access_token(force=attempt == 2)
            status, answer = post_json(self.url, body, _both("access_token", token), timeout=self.timeout)
            error = answer.get("error") if isinstance(answer, dict) else None
            if error == INVALID_TOKEN and attempt == 1:
                continue
            if status != 200 or error != 0:
                message = answer.get("message") if isinstance(answer, dict) else answer
                raise DeliveryError(f"Zalo ZNS refused (HTTP {status}, error {error}): {message}")
            return str(answer["data"]["msg_id"])
        raise AssertionError("unreachable")

    def access_token(self, force: bool = False) -> str:
        with self._lock:
            if self._token and not force and (not self._expires or time.time() < self._expires - 60):
                return self._token
            status, answer = post_form(self.oauth_url, {"refresh_token": self._refresh, "app_id": self.app_id,
                                                        "grant_type": "refresh_token"},
                                       _both("secret_key", self.secret_key), timeout=self.timeout)
            if status != 200 or not isinstance(answer, dict) or not answer.get("access_token"):
                raise DeliveryError(f"Zalo token refresh failed (HTTP {status}): {answer}")
            self._token = str(answer["access_token"])
            self._refresh = str(answer.get("refresh_token") or self._refresh)
            self._expires = time.time() + float(answer.get("expires_in") or 3600)
            if self.token_file is not None:
                self.token_file.parent.mkdir(parents=True, exist_ok=True)
                self.token_file.write_text(json.dumps({"access_token": self._token, "refresh_token": self._refresh,
                                                       "expires_at": self._expires}))
            return self._token

    def report(self, raw: bytes, headers: Mapping[str, str]) -> tuple[str, str] | None:
        try:
            body = json.loads(raw)
            timestamp = str(body.get("timestamp", ""))
        except (ValueError, AttributeError):
            return None
        expected = "mac=" + hashlib.sha256((self.app_id + raw.decode() + timestamp + self.secret_key)
                                           .encode()).hexdigest()
        sent = next((v for k, v in headers.items() if k.lower() == "x-zevent-signature"), "")
        if not self.secret_key or not hmac.compare_digest(sent, expected):
            return None
        message = body.get("message") or {}
        if not isinstance(message, dict) or not message.get("msg_id"):
            return None
        state = "delivered" if body.get("event_name") == "user_received_message" else "failed"
        return str(message["msg_id"]), state
