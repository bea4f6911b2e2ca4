"""National public-service portal simulator: DongBoHoSoMC, CapNhatTienDoHoSoMC and TraCuuHoSo as
adapters/national_portal.py speaks them. It records what it receives (once per IdempotencyKey: a repeat
is answered as a success and changes nothing), refuses a progress step of a dossier it does not know,
and can fail (HTTP 503) or stall."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, jsonify, request


@dataclass
class State:
    token: str = "demo-token"
    mode: str = "accept"  # accept | fail | stall
    delay: float = 5.0
    received: list[dict[str, Any]] = field(default_factory=list)  # each accepted call, in order
    repeats: int = 0  # calls whose key was already received
    hits: int = 0  # calls that came in, whatever became of them
    dossiers: dict[str, dict[str, Any]] = field(default_factory=dict)
    progress: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _keys: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)


def blueprint(state: State) -> Blueprint:
    bp = Blueprint("sim_national", __name__)

    def refused() -> Any:
        if state.mode == "stall":
            time.sleep(state.delay)
        if state.mode == "fail":
            return jsonify({"error_code": 503, "message": "Hệ thống đang bảo trì"}), 503
        if request.headers.get("Authorization") != f"Bearer {state.token}":
            return jsonify({"error_code": 401, "message": "Token không hợp lệ"}), 401
        return None

    def receive(service: str) -> Any:
        state.hits += 1
        refusal = refused()
        if refusal is not None:
            return refusal
        body = _json()
        key, records = str(body.get("IdempotencyKey") or ""), body.get("data")
        if not key or not isinstance(records, list) or not records or not all(isinstance(r, dict) for r in records):
            return jsonify({"error_code": 400, "message": "IdempotencyKey and data are required"}), 400
        with state._lock:
            if key in state._keys:
                state.repeats += 1
                return jsonify({"error_code": 0, "message": "Đã nhận (trùng khóa)"})
            for record in records:
                code = str(record.get("MaHoSo") or "")
                if service == "CapNhatTienDoHoSoMC":
                    if code not in state.dossiers:
                        return jsonify({"error_code": 404, "message": f"Không có hồ sơ {code}"}), 200
                    state.progress.setdefault(code, []).append(record)
                    state.dossiers[code]["TrangThaiHoSo"] = record.get("TrangThai")
                else:
                    state.dossiers[code] = dict(record)
            state._keys.add(key)
            state.received.append({"service": service, "key": key, "data": records, "at": time.time()})
        return jsonify({"error_code": 0, "message": "Thành công"})

    @bp.post("/DongBoHoSoMC")
    def dong_bo() -> Any:
        return receive("DongBoHoSoMC")

    @bp.post("/CapNhatTienDoHoSoMC")
    def tien_do() -> Any:
        return receive("CapNhatTienDoHoSoMC")

    @bp.post("/TraCuuHoSo")
    def tra_cuu() -> Any:
        refusal = refused()
        if refusal is not None:
            return refusal
        code = str(_json().get("MaHoSo") or "")
        found = state.dossiers.get(code)
        if found is None:
            return jsonify({"error_code": 404, "message": "Không tìm thấy hồ sơ"}), 404
        return jsonify({"error_code": 0, "data": {**found, "TienDo": state.progress.get(code, [])}})

    @bp.get("/received")
    def received() -> Any:
        return jsonify(state.received)

    @bp.post("/control")
    def control() -> Any:
        """{"mode": "accept" | "fail" | "stall", "delay": seconds}."""
        body = _json()
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
