"""One contract, two adapters: the SMS brandname gateway and Zalo ZNS each run the same tests against
their simulator on a real local server (accept, the same key sent twice, refuse, time out, unreachable,
signed delivery reports); then what is particular to each (Zalo's token refresh, SMS without marks),
and the whole way round: a notice queued, sent, and marked delivered by the provider's report."""
from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from adapters.bootstrap import Services, bootstrap
from adapters.messaging import DeliveryError, FakeMailer
from adapters.phone import SmsBrandname, ZaloZns
from engine.clock import ManualClock
from models import Incident, OutboxMessage, User
from processes.notices.deliveries import dossier_deliveries, set_notice_preferences
from processes.outbox import dispatch_outbox
from tests.helpers import submit
from tests.notices_support import free_port, wsgi_server
from web.simulators import sms as sms_sim
from web.simulators import standalone
from web.simulators import zalo as zalo_sim


class Reports:
    """A receiver of delivery reports: each POST's body and headers."""

    def __init__(self) -> None:
        self.got: list[tuple[bytes, dict[str, str]]] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        size = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(size)
        headers = {k[5:].replace("_", "-").title(): v for k, v in environ.items() if k.startswith("HTTP_")}
        self.got.append((raw, headers))
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b"{}"]


@dataclass
class Rig:
    name: str
    adapter: Any  # SmsBrandname | ZaloZns
    sim: Any  # the simulator's State
    reports: Reports
    phone_seen: str  # how the provider receives 0912345678


@pytest.fixture(params=["sms", "zalo"])
def rig(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Rig]:
    reports = Reports()
    with wsgi_server(reports) as reports_url:
        if request.param == "sms":
            state: Any = sms_sim.State(api_key="k", secret="s", delay=3)
            with wsgi_server(standalone("sms", state)) as base:
                adapter: Any = SmsBrandname(f"{base}/send", "k", "s", "MOTCUA", callback_url=reports_url, timeout=1)
                yield Rig("sms", adapter, state, reports, "0912345678")
        else:
            state = zalo_sim.State(app_id="app", secret_key="zs", refresh_token="r0", delay=3, webhook=reports_url)
            with wsgi_server(standalone("zalo", state)) as base:
                adapter = ZaloZns(f"{base}/message/template", f"{base}/oa/access_token", "app", "zs", "", "r0",
                                  {"default": "T-DEFAULT", "receipt": "T-01"}, tmp_path / "token.json", timeout=1)
                yield Rig("zalo", adapter, state, reports, "84912345678")


def send(rig: Rig, key: str = "mail:X:1") -> str:
    ref = rig.adapter.send("0912345678", "Hồ sơ X đã được tiếp nhận", key, template="receipt",
                           data={"code": "X", "due": "09:00 ngày 05/03/2026"})
    assert isinstance(ref, str) and ref
    return ref


# -- the contract ---------------------------------------------------------------------------------
def test_an_accepted_message_reaches_the_provider_once_with_its_id(rig: Rig) -> None:
    ref = send(rig)
    [msg] = rig.sim.messages
    assert msg["id"] == ref and msg["phone"] == rig.phone_seen


def test_the_same_key_sent_again_is_the_same_message(rig: Rig) -> None:
    first, again = send(rig, "k1"), send(rig, "k1")
    other = send(rig, "k2")
    assert first == again != other and len(rig.sim.messages) == 2


def test_a_refusal_is_a_delivery_error_and_nothing_is_sent(rig: Rig) -> None:
    rig.sim.mode = "refuse"
    with pytest.raises(DeliveryError):
        send(rig)
    assert rig.sim.messages == []


def test_a_provider_that_stalls_is_given_up_after_the_timeout(rig: Rig) -> None:
    rig.sim.mode = "timeout"
    started = time.monotonic()
    with pytest.raises(DeliveryError):
        send(rig)
    assert time.monotonic() - started < 2.5


def test_an_unreachable_provider_is_a_delivery_error(rig: Rig) -> None:
    rig.adapter.url = f"http://127.0.0.1:{free_port()}/send"
    with pytest.raises(DeliveryError):
        send(rig)


def test_signed_delivery_reports_name_the_message_and_forgeries_are_ignored(rig: Rig) -> None:
    delivered, lost = send(rig, "a"), send(rig, "b")
    assert rig.sim.report(delivered, True) == 200 and rig.sim.report(lost, False) == 200
    (raw1, headers1), (raw2, headers2) = rig.reports.got
    assert rig.adapter.report(raw1, headers1) == (delivered, "delivered")
    assert rig.adapter.report(raw2, headers2) == (lost, "failed")
    assert rig.adapter.report(raw1.replace(b"a", b"b", 1), headers1) is None
    assert rig.adapter.report(raw1, {}) is None


# -- what is particular to each ---------------------------------------------------------------------
def test_zalo_refreshes_an_expired_token_and_keeps_the_new_refresh_token(tmp_path: Path) -> None:
    state = zalo_sim.State(app_id="app", secret_key="zs", refresh_token="r0")
    with wsgi_server(standalone("zalo", state)) as base:
        make = lambda: ZaloZns(f"{base}/message/template", f"{base}/oa/access_token", "app", "zs", "",  # noqa: E731
                               "r0", {"default": "T"}, tmp_path / "token.json", timeout=2)
        adapter = make()
        adapter.send("0912345678", "x", "k1")
        assert state.refreshes == 1
        state.expire_tokens()  # the access token expired early: error -124, refreshed, sent
        adapter.send("0912345678", "x", "k2")
        assert state.refreshes == 2 and len(state.messages) == 2
        assert state.messages[1]["data"] == {"content": "x"}  # no data: the text as the template's content
        state.expire_tokens()
        restarted = make()  # a restart reads the newest refresh token ("r0" was used up)
        restarted.send("0912345678", "x", "k3")
        assert state.refreshes == 3 and len(state.messages) == 3
        with pytest.raises(DeliveryError):  # a used-up refresh token is refused
            ZaloZns(f"{base}/message/template", f"{base}/oa/access_token", "app", "zs", "", "r0",
                    {"default": "T"}, timeout=2).send("0912345678", "x", "k4")


def test_sms_is_sent_without_diacritics_on_plain_routes() -> None:
    state = sms_sim.State(api_key="k", secret="s")
    with wsgi_server(standalone("sms", state)) as base:
        SmsBrandname(f"{base}/send", "k", "s", "MOTCUA").send("+84 912 345 678", "Đã tiếp nhận hồ sơ", "k")
        SmsBrandname(f"{base}/send", "k", "s", "MOTCUA", ascii_only=False).send("0912345678", "Đã nhận", "k2")
    assert [m["text"] for m in state.messages] == ["Da tiep nhan ho so", "Đã nhận"]
    assert state.messages[0]["phone"] == "0912345678"


# -- the whole way round ----------------------------------------------------------------------------
@pytest.fixture
def phone_services(services: Services, clock: ManualClock) -> Iterator[tuple[Services, Any, Any]]:
    from web import create_app

    sms_state = sms_sim.State(api_key="k", secret="s")
    zalo_state = zalo_sim.State(app_id="app", secret_key="zs", refresh_token="r0")
    with wsgi_server(standalone("sms", sms_state)) as sms_url, wsgi_server(standalone("zalo", zalo_state)) as z_url:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        config = {**services.config, "app": {**services.config["app"], "base_url": base}}
        svc = bootstrap(config, clock=clock, mailer=FakeMailer(),
                        sms=SmsBrandname(f"{sms_url}/send", "k", "s", "MOTCUA",
                                         callback_url=f"{base}/api/v1/callbacks/sms", timeout=2),
                        zalo=ZaloZns(f"{z_url}/message/template", f"{z_url}/oa/access_token", "app", "zs", "", "r0",
                                     {"default": "T", "submitted": "T-SUB"}, timeout=2))
        zalo_state.webhook = f"{base}/api/v1/callbacks/zalo"
        with wsgi_server(create_app(svc), port):
            yield svc, sms_state, zalo_state
        svc.db.dispose()


def test_a_notice_goes_out_by_sms_and_zalo_and_the_reports_mark_it_delivered_or_failed(
        phone_services: tuple[Services, Any, Any]) -> None:
    services, sms_state, zalo_state = phone_services
    set_notice_preferences(services, "citizen", ["sms", "zalo"], "en")
    code = submit(services)
    dispatch_outbox(services)
    [sms], [zns] = sms_state.messages, zalo_state.messages
    assert code in sms["text"] and "received" in sms["text"]  # English, as the applicant chose
    assert zns["template_id"] == "T-SUB" and zns["data"]["code"] == code
    assert sms_state.report(sms["id"], True) == 200
    assert zalo_state.report(zns["id"], False) == 200
    seen = {m["channel"]: m["state"] for m in dossier_deliveries(services, "citizen", code)["messages"]}
    assert seen == {"sms": "delivered", "zalo": "failed"}  # no e-mail: the applicant did not choose it
    with services.session_factory() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Incident)
                        .where(Incident.kind == "outbox.failed")) == 1
        assert s.scalar(sa.select(User.notice_channels).where(User.username == "citizen")) == ["sms", "zalo"]
        assert s.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                        .where(OutboxMessage.channel == "email", OutboxMessage.event.is_not(None))) == 0
