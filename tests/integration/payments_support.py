"""Paying through the VNPay simulator in tests without a server: the simulator's core answers the
merchant web API in place of HTTP, and the IPN is handed to the use case as VNPay would send it."""
from __future__ import annotations

import urllib.parse
from typing import Any

from adapters.bootstrap import Services
from adapters.payments import vnpay
from adapters.payments.vnpay_sim import SimOrder, Simulator


class Gateway:
    """The services' merchant web API port, answered by the simulator's core (no HTTP)."""

    def __init__(self, services: Services):
        self.services = services
        terminals = vnpay.merchants_by_terminal(services.config)
        self.sim = Simulator({tmn: secret for tmn, (_a, secret) in terminals.items()})
        self.calls: list[dict[str, Any]] = []

    def __call__(self, url: str, body: Any) -> dict[str, Any]:
        self.calls.append(dict(body))
        return self.sim.api(body, self.services.clock.now())


def gateway(services: Services) -> Gateway:
    if not isinstance(services.payment_http, Gateway):
        services.payment_http = Gateway(services)
    return services.payment_http


def simulator(services: Services) -> Simulator:
    """The test's gateway, also answering the services' query and refund calls."""
    return gateway(services).sim


def pay_at_gateway(services: Services, code: str, outcome: str = "success",
                   username: str = "citizen") -> tuple[dict[str, Any], dict[str, str], SimOrder]:
    """The applicant starts paying and chooses `outcome` on the hosted page: the attempt, the signed
    browser return's parameters, and the gateway's order (its IPN not sent yet)."""
    from processes.payments.online import start_payment

    sim = simulator(services)
    started = start_payment(services, username, code)
    params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(started["pay_url"]).query))
    order, why = sim.receive(params)
    assert order is not None, why
    sim.decide(order, outcome, services.clock.now())
    back = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(sim.return_url(order)).query))
    return started, back, order


def ipn(services: Services, order: SimOrder, **forge: Any) -> str:
    """Send the order's IPN (as it is, `amount_vnd=` another amount, `bad_signature=True`); the RspCode."""
    from processes.payments.online import handle_ipn

    return handle_ipn(services, simulator(services).callback_params(order, **forge))["RspCode"]
