"""Local simulators of the outside systems of issue 15, as Flask blueprints: an SMS brandname gateway
(/_sim/sms/), Zalo's notification service (/_sim/zalo/) and the national public-service portal
(/_sim/national/). Mounted by the app factory in demo mode; tests serve them on a real local server.
Each keeps its state in memory (a `State` object the tests hold) and can be told to accept, refuse,
time out (stall) and, for the phone channels, to send delivery reports."""
from __future__ import annotations

from typing import Any

from flask import Flask


def register(app: Flask) -> dict[str, Any]:
    """Mount the three simulators under /_sim/ (demo mode); their states, by name."""
    from web.simulators import national, sms, zalo

    states: dict[str, Any] = {"sms": sms.State(), "zalo": zalo.State(), "national": national.State()}
    app.register_blueprint(sms.blueprint(states["sms"]), url_prefix="/_sim/sms")
    app.register_blueprint(zalo.blueprint(states["zalo"]), url_prefix="/_sim/zalo")
    app.register_blueprint(national.blueprint(states["national"]), url_prefix="/_sim/national")
    return states


def standalone(name: str, state: Any) -> Flask:
    """A bare app serving one simulator at its root (tests run it on a free port)."""
    from web.simulators import national, sms, zalo

    module = {"sms": sms, "zalo": zalo, "national": national}[name]
    app = Flask(f"sim_{name}")
    app.register_blueprint(module.blueprint(state))
    return app
