"""The payment port: how MotCua takes a fee through an outside payment intermediary.

One module per intermediary speaks its real protocol (`vnpay` for VNPay's merchant API 2.1.0); a
PayGov or MoMo adapter would be one more module with the same five parts (docs/payments.md):

- `checkout(...)`: the signed address of the hosted payment page the applicant is sent to;
- `verify(params)`: is a callback (browser return or server-to-server notification) signed by the gateway;
- `callback(params)`: the callback's facts (order, amount, outcome, the gateway's transaction number);
- `query(...)`: what the gateway holds about an order (reconciliation);
- `refund(...)`: give a paid order's money back.

Merchant accounts are per agency: fees go to the agency that collects them (config `[payments.vnpay.
merchants."<agency e-code>"]`). The outside calls (query, refund) go through `JsonPost`, a function the
services hold (`Services.payment_http`): the real one posts JSON over HTTPS, tests pass the simulator."""
from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any

JsonPost = Callable[[str, Mapping[str, Any]], dict[str, Any]]
TIMEOUT_SECONDS = 20


def post_json(url: str, body: Mapping[str, Any]) -> dict[str, Any]:
    """POST a JSON body and read a JSON answer (the gateways' merchant web APIs)."""
    data = json.dumps(dict(body), ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=data, method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (configured URL)
        answer = json.loads(response.read().decode("utf-8"))
    if not isinstance(answer, dict):
        raise ValueError("the gateway answered something else than a JSON object")
    return answer


class GatewayError(Exception):
    """The gateway could not be reached or answered something unusable (the message says what)."""
