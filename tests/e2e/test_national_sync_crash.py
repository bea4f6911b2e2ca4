"""The real server (gunicorn, its sweeper in the master) against a local SMTP server and the national
portal simulator: a submission's confirmation mail arrives within seconds; the portal gets the dossier's
creation and each status change once and in order, also after it was down, and after a `kill -9` of the
server in the middle of a call (the call is repeated after the restart and the portal ignores the repeat)."""
from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from adapters.bootstrap import Services, bootstrap
from adapters.config import PROJECT_ROOT, load_config
from models import OutboxMessage
from tests.e2e.test_cli import Cli
from tests.helpers import HKD, HKD_FORM, PDF, PNG, work
from tests.notices_support import free_port, smtp_server, wsgi_server
from web.simulators import national as national_sim
from web.simulators import standalone

GUNICORN = Path(sys.executable).parent / "gunicorn"


def wait_for(what: Callable[[], Any], seconds: float, message: str) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = what()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"not within {seconds} s: {message}")


class Server:
    def __init__(self, env: dict[str, str], port: int):
        self.env, self.port, self.proc = env, port, None  # type: ignore[var-annotated]

    def start(self) -> None:
        self.proc = subprocess.Popen([str(GUNICORN), "-c", "web/gunicorn_conf.py", "web.wsgi:app"],  # type: ignore[assignment]
                                     env={**self.env, "PORT": str(self.port)}, cwd=PROJECT_ROOT,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        wait_for(self.healthy, 60, "the server answers /healthz")

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as r:
                return bool(r.status == 200)
        except OSError:
            return False

    def kill(self) -> None:
        """kill -9 of the server: its master (the sweeper) and its workers, no goodbye."""
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[dict[str, Any]]:
    if not GUNICORN.exists():
        pytest.skip("gunicorn is not installed in this environment")
    portal = national_sim.State(token="t0ken", delay=3)
    with smtp_server() as sink, wsgi_server(standalone("national", portal)) as portal_url:
        cli = Cli(tmp_path)
        cli.env.update({
            "MOTCUA_NATIONAL_PORTAL__URL": portal_url, "MOTCUA_NATIONAL_PORTAL__TOKEN": "t0ken",
            "MOTCUA_NATIONAL_PORTAL__TIMEOUT_SECONDS": "10",
            "MOTCUA_MAIL__TRANSPORT": '"smtp"', "MOTCUA_MAIL__HOST": '"127.0.0.1"', "MOTCUA_MAIL__PORT": str(sink.port),
            "MOTCUA_TIMERS__SWEEP_SECONDS": "0.3", "MOTCUA_OUTBOX__RETRY_BASE_SECONDS": "0.2",
            "MOTCUA_OUTBOX__RETRY_MAX_SECONDS": "1", "MOTCUA_OUTBOX__LEASE_SECONDS": "2",
            "MOTCUA_SERVER__WORKERS": "1", "MOTCUA_SERVER__THREADS": "2"})
        assert cli("init").returncode == 0
        token = cli("token", "citizen").stdout.strip()
        server = Server(cli.env, free_port())
        services = bootstrap(load_config(cli.env))
        try:
            yield {"server": server, "portal": portal, "sink": sink, "token": token, "services": services}
        finally:
            if server.proc is not None and server.proc.poll() is None:
                server.kill()
            services.db.dispose()


def national_rows(services: Services) -> list[OutboxMessage]:
    with services.session_factory() as s:
        return list(s.scalars(sa.select(OutboxMessage).where(OutboxMessage.channel == "national")
                              .order_by(OutboxMessage.id)))


def submit_over_http(port: int, token: str) -> str:
    docs = {"giay_de_nghi": {"filename": "de-nghi.pdf", "content_base64": base64.b64encode(PDF).decode()},
            "giay_to_phap_ly": {"filename": "cccd.png", "content_base64": base64.b64encode(PNG).decode()}}
    body = json.dumps({"procedure": HKD, "form": HKD_FORM, "channel": "counter", "declaration": True,
                       "documents": docs}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/dossiers", data=body, method="POST",
                                     headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return str(json.load(answer)["code"])


def test_the_portal_gets_every_step_once_in_order_through_downtime_and_a_kill_9(site: dict[str, Any]) -> None:
    server, portal, sink, services = site["server"], site["portal"], site["sink"], site["services"]
    server.start()
    started = time.monotonic()
    code = submit_over_http(server.port, site["token"])
    mail = wait_for(lambda: [m for m in sink.received if m["Subject"] == f"Đã nhận hồ sơ {code}"], 10,
                    "the confirmation mail reaches the SMTP server")
    assert mail[0]["To"] == "citizen@example.vn" and time.monotonic() - started < 10
    wait_for(lambda: portal.dossiers.get(code), 10, "the dossier reaches the portal")

    portal.mode = "fail"  # the portal is down for a while
    work(services, code, "reception")  # accepted: status 4
    wait_for(lambda: any(r.attempts >= 2 for r in national_rows(services)), 15, "the server keeps trying")
    assert len(portal.received) == 1

    portal.mode = "stall"  # the next call hangs; the server is killed while it waits for the answer
    calls, hits = len(portal.received), portal.hits
    wait_for(lambda: portal.hits > hits, 10, "a call comes in and stalls")
    server.kill()
    wait_for(lambda: len(portal.received) > calls, 10, "the stalled call lands after the kill")
    portal.mode = "accept"
    work(services, code, "specialist")  # more steps while the server is down
    work(services, code, "leader")
    assert [r.status for r in national_rows(services)][1] == "pending"  # the landed call was never recorded sent

    server.start()
    wait_for(lambda: all(r.status == "sent" for r in national_rows(services)), 30, "every step is sent")
    expected = [(r.subject, json.loads(r.body).get("TrangThaiHoSo") or json.loads(r.body).get("TrangThai"))
                for r in national_rows(services)]
    got = [(c["service"], c["data"][0].get("TrangThaiHoSo") or c["data"][0].get("TrangThai"))
           for c in portal.received if c["data"][0]["MaHoSo"] == code]
    assert got == expected  # each once, in the order they happened
    assert [st for service, st in got if service == "CapNhatTienDoHoSoMC"] == ["4", "9"]
    assert portal.repeats >= 1  # the call cut by the kill was repeated; the portal took it once
