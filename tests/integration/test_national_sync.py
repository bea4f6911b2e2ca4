"""The national portal sync through the outbox, against its simulator on a real local server: the
dossier's creation and each status change arrive once and in order per dossier, also after the portal
was down; the records carry the national shapes; the state per dossier reads synchronised/behind/failing."""
from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from adapters.bootstrap import Services, bootstrap
from adapters.messaging import FakeMailer, FakeSms
from engine.clock import ManualClock
from models import Dossier, Incident, OutboxMessage
from processes.notices.deliveries import dossier_deliveries, national_backlog, national_look_up
from processes.outbox import dispatch_outbox
from tests.helpers import submit, work
from tests.notices_support import wsgi_server
from web.simulators import national as national_sim
from web.simulators import standalone

DATE = re.compile(r"^\d{14}$")


@pytest.fixture
def portal() -> Iterator[tuple[national_sim.State, str]]:
    state = national_sim.State(token="t0ken", delay=3)
    with wsgi_server(standalone("national", state)) as url:
        yield state, url


@pytest.fixture
def synced(services: Services, clock: ManualClock, portal: tuple[national_sim.State, str]) -> Iterator[Services]:
    config = {**services.config, "national_portal": {"url": portal[1], "token": "t0ken", "timeout_seconds": 1},
              "outbox": {"max_attempts": 3, "retry_base_seconds": 10, "retry_max_seconds": 60}}
    svc = bootstrap(config, clock=clock, mailer=FakeMailer(), sms=FakeSms())
    yield svc
    svc.db.dispose()


def statuses(state: national_sim.State, code: str) -> list[tuple[str, str]]:
    """(service, status) of every call the portal accepted for the dossier, in arrival order."""
    out = []
    for call in state.received:
        record = call["data"][0]
        if record["MaHoSo"] == code:
            out.append((call["service"], record.get("TrangThaiHoSo") or record.get("TrangThai")))
    return out


def drain(services: Services, clock: ManualClock, rounds: int = 12) -> None:
    for _ in range(rounds):
        dispatch_outbox(services)
        clock.advance(timedelta(seconds=61))


def test_creation_and_each_status_change_arrive_once_in_order(
        synced: Services, clock: ManualClock, portal: tuple[national_sim.State, str]) -> None:
    state, _ = portal
    code = submit(synced)
    dispatch_outbox(synced)
    assert statuses(state, code) == [("DongBoHoSoMC", "1")]
    record = state.dossiers[code]
    assert record["MaTTHC"] == "1.001612" and record["ChuHoSo"] == "Nguyễn Văn An"
    assert record["KenhThucHien"] == "2" and DATE.match(record["NgayTiepNhan"])
    assert record["NgayTiepNhan"] == "20260302090000"  # 09:00 in Vietnam
    assert {d["MaThanhPhanHoSo"] for d in record["TaiLieuNop"]} == {"giay_de_nghi", "giay_to_phap_ly"}
    assert record["DanhSachLePhi"] and all("Gia" in fee for fee in record["DanhSachLePhi"])
    assert dossier_deliveries(synced, "reception", code)["national"]["state"] == "synchronised"

    work(synced, code, "reception")  # accepted: status 1 -> 4 (in process)
    dispatch_outbox(synced)
    clock.advance(timedelta(days=1))
    work(synced, code, "specialist")
    work(synced, code, "leader")
    work(synced, code, "reception")
    drain(synced, clock, 2)
    with synced.session_factory() as s:
        final = s.scalar(sa.select(Dossier.status_code).where(Dossier.code == code))
    got = statuses(state, code)
    progress = [st for service, st in got if service == "CapNhatTienDoHoSoMC"]
    assert progress == ["4", "9", "10"] and final == 10
    assert got[0] == ("DongBoHoSoMC", "1") and got[-1] == ("CapNhatTienDoHoSoMC", "10")
    assert state.repeats == 0 and len({c["key"] for c in state.received}) == len(state.received)
    step = state.progress[code][0]
    assert step["NguoiXuLy"] and DATE.match(step["ThoiDiemXuLy"]) and DATE.match(step["NgayKetThucTheoQuyDinh"])
    assert state.dossiers[code]["TrangThaiHoSo"] == "10" and DATE.match(state.dossiers[code]["NgayTra"])
    looked = national_look_up(synced, "admin", code)
    assert looked["agrees"] is True and looked["portal"]["TrangThaiHoSo"] == "10"
    assert national_backlog(synced, "admin")["dossiers"] == []


def test_a_portal_that_was_down_gets_every_step_later_in_order_and_a_later_step_waits(
        synced: Services, clock: ManualClock, portal: tuple[national_sim.State, str]) -> None:
    state, _ = portal
    state.mode = "fail"
    code = submit(synced)
    work(synced, code, "reception")
    dispatch_outbox(synced)
    with synced.session_factory() as s:
        rows = s.scalars(sa.select(OutboxMessage).where(OutboxMessage.channel == "national")
                         .order_by(OutboxMessage.id)).all()
    assert [(r.subject, r.attempts, r.status) for r in rows] == [
        ("DongBoHoSoMC", 1, "pending"), ("DongBoHoSoMC", 0, "pending"), ("CapNhatTienDoHoSoMC", 0, "pending")]
    assert dossier_deliveries(synced, "reception", code)["national"]["state"] == "failing"
    assert national_backlog(synced, "admin")["dossiers"][0]["code"] == code
    drain(synced, clock, 4)  # still down: after max_attempts an incident, and it keeps trying
    with synced.session_factory() as s:
        incidents = s.scalars(sa.select(Incident).where(Incident.kind == "national_sync.failing")).all()
        assert len(incidents) == 1
        assert s.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                        .where(OutboxMessage.status == "failed")) == 0
    assert state.received == []
    state.mode = "accept"
    drain(synced, clock, 3)
    assert statuses(state, code) == [("DongBoHoSoMC", "1"), ("DongBoHoSoMC", "4"), ("CapNhatTienDoHoSoMC", "4")]
    assert dossier_deliveries(synced, "reception", code)["national"]["state"] == "synchronised"


def test_a_stalling_portal_times_out_and_nothing_after_it_is_sent(
        synced: Services, clock: ManualClock, portal: tuple[national_sim.State, str]) -> None:
    state, _ = portal
    state.mode = "stall"
    code = submit(synced)
    dispatch_outbox(synced)  # times out after 1 s
    state.mode = "accept"
    assert state.received == [] or statuses(state, code) == [("DongBoHoSoMC", "1")]
    drain(synced, clock, 2)
    assert statuses(state, code) == [("DongBoHoSoMC", "1")]  # the stalled call landed late: once, not twice
    assert dossier_deliveries(synced, "reception", code)["national"]["state"] == "synchronised"


def test_off_when_no_address_is_configured(services: Services) -> None:
    code = submit(services)
    with services.session_factory() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                        .where(OutboxMessage.channel == "national")) == 0
    assert dossier_deliveries(services, "reception", code)["national"]["state"] == "off"
    assert dossier_deliveries(services, "citizen", code)["national"] is None


def wrong_token(portal: tuple[national_sim.State, str], services: Services, clock: ManualClock) -> Any:
    return bootstrap({**services.config, "national_portal": {"url": portal[1], "token": "nope"}}, clock=clock,
                     mailer=FakeMailer(), sms=FakeSms())


def test_a_wrong_token_is_refused_and_retried(services: Services, clock: ManualClock,
                                             portal: tuple[national_sim.State, str]) -> None:
    svc = wrong_token(portal, services, clock)
    submit(svc)
    dispatch_outbox(svc)
    with svc.session_factory() as s:
        row = s.scalars(sa.select(OutboxMessage).where(OutboxMessage.channel == "national")).one()
    assert row.status == "pending" and "401" in (row.last_error or "") and portal[0].received == []
    svc.db.dispose()


def test_a_stalled_portal_does_not_hold_up_the_site(services: Services, clock: ManualClock,
                                                    portal: tuple[national_sim.State, str]) -> None:
    import threading
    import time

    state, url = portal
    svc = bootstrap({**services.config, "national_portal": {"url": url, "token": "t0ken", "timeout_seconds": 10}},
                    clock=clock, mailer=FakeMailer(), sms=FakeSms())
    state.mode, state.delay = "stall", 3
    submit(svc)
    sender = threading.Thread(target=dispatch_outbox, args=(svc,))
    sender.start()
    hits = time.monotonic()
    while state.hits == 0 and time.monotonic() - hits < 10:
        time.sleep(0.05)
    started = time.monotonic()
    submit(svc)  # a write while the dispatcher waits for the portal: no transaction is held meanwhile
    assert time.monotonic() - started < 2 and sender.is_alive()
    sender.join()
    assert state.received and state.received[0]["data"][0]["TrangThaiHoSo"] == "1"
    svc.db.dispose()
