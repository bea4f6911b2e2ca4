"""Zalo notification service simulator: the OAuth token refresh and POST /message/template."""
from __future__ import annotations

import hashlib
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
    app_id: str = "demo-app"
    secret_key: str = "demo-secret"
    refresh_token: str = "demo-refresh"
    access_tokens: dict[str, float] = field(default_factory=dict)  # token -> expiry (epoch seconds)
    token_seconds: float = 3600.0
    mode: str = "accept"  # accept | refuse | timeout
    delay: float = 5.0
    webhook: str = ""  # where delivery reports go (the OA's webhook)
    refreshes: int = 0
    messages: list[dict[str, Any]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def expire_tokens(self) -> None:
        self.access_tokens.clear()

    def report(self, message_id: str, delivered: bool = True) -> int:
        msg = next(m for m in self.messages if m["id"] == message_id)
        timestamp = str(int(time.time() * 1000))
        raw = json.dumps({"app_id": self.app_id, "event_name": "user_received_message" if delivered
                          else "user_not_received_message", "timestamp": timestamp,
                          "message": {"msg_id": message_id, "tracking_id": msg["tracking_id"]}}).encode()
        mac = hashlib.sha256((self.app_id + raw.decode() + timestamp + self.secret_key).encode()).hexdigest()
        req = urllib.request.Request(self.webhook, data=raw, method="POST",
                                     headers={"Content-Type": "application/json", "X-ZEvent-Signature": f"mac={mac}"})
        with urllib.request.urlopen(req, timeout=10) as answer:  # noqa: S310 (the configured webhook)
            return int(answer.status)


def blueprint(state: State) -> Blueprint:
    bp = Blueprint("sim_zalo", __name__)

    @bp.post("/oa/access_token")
    def access_token() -> Any:
        form = request.form
        if (request.headers.get("Secret-Key") != state.secret_key or form.get("app_id") != state.app_id
                or form.get("grant_type") != "refresh_token" or form.get("refresh_token") != state.refresh_token):
            return jsonify({"error": -14014, "error_name": "Invalid refresh token"}), 400
        token = uuid.uuid4().hex
        with state._lock:
            state.access_tokens[token] = time.time() + state.token_seconds
            state.refresh_token = uuid.uuid4().hex  # a refresh token is used once
            state.refreshes += 1
        return jsonify({"access_token": token, "refresh_token": state.refresh_token,
                        "expires_in": str(int(state.token_seconds))})

    @bp.post("/message/template")
    def template() -> Any:
        if state.mode == "timeout":
            time.sleep(state.delay)
        expiry = state.access_tokens.get(request.headers.get("Access-Token", ""), 0)
        if expiry < time.time():
            return jsonify({"error": -124, "message": "Access token is invalid"})
        if state.mode == "refuse":
            return jsonify({"error": -118, "message": "Zalo account not existed"})
        body = _json()
        phone = str(body.get("phone") or "")
        if not phone.startswith("84") or not body.get("template_id") or not isinstance(body.get("template_data"), dict):
            return jsonify({"error": -108, "message": "Phone number is invalid"})
        with state._lock:
            known = next((m for m in state.messages if m["tracking_id"] == body.get("tracking_id")), None)
            if known is None:
                known = {"id": uuid.uuid4().hex, "tracking_id": body.get("tracking_id"), "phone": phone,
                         "template_id": body["template_id"], "data": body["template_data"], "at": time.time()}
                state.messages.append(known)
        return jsonify({"error": 0, "message": "Success", "data": {"msg_id": known["id"],
                                                                   "sent_time": str(int(known["at"] * 1000))}})

    @bp.get("/messages")
    def messages() -> Any:
        return jsonify(state.messages)

    @bp.post("/control")
    def control() -> Any:
        """{"mode", "delay", "webhook", "expire_tokens": true} or {"report": msg_id, "delivered": bool}."""
        body = _json()
        if body.get("report"):
            if not any(m["id"] == str(body["report"]) for m in state.messages):
                return jsonify({"error": "unknown message"}), 404
            try:
                status = state.report(str(body["report"]), bool(body.get("delivered", True)))
            except (OSError, ValueError) as exc:
                return jsonify({"error": f"callback failed: {exc}"}), 502
            return jsonify({"callback_status": status})
        if body.get("expire_tokens"):
            state.expire_tokens()
        state.mode = str(body.get("mode", state.mode))
        state.delay = _seconds(body.get("delay"), state.delay)
        state.webhook = str(body.get("webhook", state.webhook))
        return jsonify({"mode": state.mode, "delay": state.delay, "webhook": state.webhook})

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
