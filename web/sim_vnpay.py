"""The VNPay gateway simulator under /_sim/vnpay/ (demo mode only, `[app] demo = true`): the hosted
payment page where a tester chooses success, cancel (24), timeout (11) or a failure; the IPN call
(server to server, separately from the browser's return, which it precedes unless the tester holds
it back); a console to repeat an IPN or send one with a wrong amount or a forged signature; and the
merchant web API (querydr, refund). Its logic is adapters.payments.vnpay_sim; it knows the merchants'
secrets from `[payments.vnpay.merchants]` (HMAC is shared-secret: VNPay holds each merchant's too)."""
from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, abort, current_app, jsonify, redirect, render_template, request

from adapters.payments import vnpay
from adapters.payments.vnpay_sim import OUTCOMES, SimOrder, Simulator
from web.context import services

bp = Blueprint("sim_vnpay", __name__, url_prefix=vnpay.SIMULATOR_PATH)
IpnGet = Callable[[str], dict[str, Any]]


def http_get_json(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310 (the configured IPN address)
        answer = json.loads(response.read().decode("utf-8"))
    return answer if isinstance(answer, dict) else {"answer": answer}


def simulator(app: Flask | None = None) -> Simulator:
    app = app or current_app
    sim = app.extensions.get("vnpay_sim")
    if sim is None:
        secrets = {tmn: secret for tmn, (_agency, secret) in
                   vnpay.merchants_by_terminal(app.extensions["motcua"].config).items()}
        sim = app.extensions["vnpay_sim"] = Simulator(secrets)
    return sim


def ipn_url() -> str:
    return str(services().config["app"].get("base_url", "")).rstrip("/") + vnpay.IPN_PATH


def _ipn_get() -> IpnGet:
    """How the simulator reaches the merchant's IPN: HTTP, or what a test put in its place."""
    get: IpnGet = current_app.extensions.get("vnpay_sim_ipn_get") or http_get_json
    return get


def _order(tmn: str, ref: str) -> SimOrder:
    order = simulator().find(tmn, ref)
    if order is None:
        abort(404)
    return order


@bp.get("/paymentv2/vpcpay.html")
def hosted_page() -> Any:
    order, why = simulator().receive(request.args.to_dict())
    if order is None:
        return render_template("sim/vnpay_error.html", why=why), 400
    return render_template("sim/vnpay_pay.html", order=order, outcomes=OUTCOMES)


@bp.post("/pay")
def pay() -> Any:
    order = _order(request.form.get("tmn", ""), request.form.get("ref", ""))
    outcome = request.form.get("outcome", "")
    if outcome not in OUTCOMES:
        abort(400)
    simulator().decide(order, outcome, services().clock.now())
    if request.form.get("send_ipn", "yes") == "yes":
        simulator().notify(order, ipn_url(), _ipn_get())
    return redirect(simulator().return_url(order), code=302)


@bp.get("/")
def console() -> Any:
    return render_template("sim/vnpay_console.html", orders=list(simulator().orders.values()))


@bp.post("/orders/<tmn>/<ref>/ipn")
def send_ipn(tmn: str, ref: str) -> Any:
    """Send the order's IPN (again): as it is, with a wrong amount, or with a forged signature."""
    order = _order(tmn, ref)
    if not order.response_code:
        abort(409)
    mode = request.form.get("mode", "repeat")
    forges: dict[str, dict[str, Any]] = {"repeat": {}, "wrong_amount": {"amount_vnd": order.amount_vnd + 1000},
                                         "bad_signature": {"bad_signature": True}}
    forge = forges.get(mode, {})
    answer = simulator().notify(order, ipn_url(), _ipn_get(), **forge)
    if request.accept_mimetypes.best == "application/json":
        return jsonify(answer)
    return redirect(f"{vnpay.SIMULATOR_PATH}/", code=303)


@bp.post("/merchant_webapi/api/transaction")
def merchant_api() -> Any:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400)
    return jsonify(simulator().api(body, services().clock.now()))


def init_app(app: Flask) -> None:
    """Mount the simulator when the site runs in demo mode (never in production)."""
    if app.extensions["motcua"].config["app"].get("demo"):
        app.register_blueprint(bp)
