"""SMS brandname gateway simulator: POST /send as adapters/phone.py SmsBrandname speaks it."""
from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, jsonify, request


@dataclass
class State:
    api_key: str = "demo-key"
    secret: str = "demo-secret"
    mode: str = "accept"  # accept | refuse | timeout
    delay: float = 5.0  # how long "timeout" stalls
    messages: list[dict[str, Any]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def report(self, message_id: str, delivered: bool = True) -> int:
        """POST the signed delivery report of a message to its callback; the callback's HTTP status."""
        msg = next(m for m in self.messages if m["id"] == message_id)
        raw = json.dumps({"SMSID": message_id, "RequestId": msg["request_id"], "Phone": msg["phone"],
                          "Status": "DELIVERED" if delivered else "FAILED"}).encode()
        sig = hmac.new(self.secret.encode(), raw, hashlib.sha256).hexdigest()
        req = urllib.request.Request(msg["callback"], data=raw, method="POST",
                                     headers={"Content-Type": "application/json", "X-Signature": sig})
        with urllib.request.urlopen(req, timeout=10) as answer:  # noqa: S310 (the configured callback)
            return int(answer.status)


def blueprint(state: State) -> Blueprint:
    bp = Blueprint("sim_sms", __name__)

    @bp.post("/send")
    def send() -> Any:
        body = _json()
        if state.mode == "timeout":
            time.sleep(state.delay)
        if state.mode == "refuse" or body.get("ApiKey") != state.api_key or body.get("SecretKey") != state.secret:
            return jsonify({"CodeResult": "101", "ErrorMessage": "Authorize Failed"})
        if not body.get("Phone") or not body.get("Content"):
            return jsonify({"CodeResult": "99", "ErrorMessage": "Phone and Content are required"})
        with state._lock:
            known = next((m for m in state.messages if m["request_id"] == body.get("RequestId")), None)
            if known is None:
                known = {"id": uuid.uuid4().hex, "request_id": body.get("RequestId"), "phone": body["Phone"],
                         "text": body["Content"], "brandname": body.get("Brandname"),
                         "callback": body.get("CallbackUrl") or "", "at": time.time()}
                state.messages.append(known)
        return jsonify({"CodeResult": "100", "SMSID": known["id"]})

    @bp.get("/messages")
    def messages() -> Any:
        return jsonify([{k: v for k, v in m.items() if k != "callback"} for m in state.messages])

    @bp.post("/control")
    def control() -> Any:
        """{"mode": "accept" | "refuse" | "timeout", "delay": seconds}, or {"report": SMSID, "delivered": bool}."""
        body = _json()
        if body.get("report"):
            if not any(m["id"] == str(body["report"]) for m in state.messages):
                return jsonify({"error": "unknown message"}), 404
            try:
                status = state.report(str(body["report"]), bool(body.get("delivered", True)))
            except (OSError, ValueError) as exc:
                return jsonify({"error": f"callback failed: {exc}"}), 502
            return jsonify({"callback_status": status})
        state.mode = str(body.get("mode", state.mode))
        state.delay = _seconds(body.get("delay"), state.delay)
        return jsonify({"mode": state.mode, "delay": state.delay})

    return bp


def _seconds(value: object, default: float) -> float:
    """A delay from the control call, between 0 and 30 seconds."""
    try:
        return min(30.0, max(0.0, float(value)))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default


def _json() -> dict[str, Any]:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}
