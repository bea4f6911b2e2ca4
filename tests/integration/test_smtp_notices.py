"""E-mail over SMTP to a real local server (aiosmtpd): the confirmation of a submission arrives, a
refusing or dropping server leaves the message retried, and after the last try an incident."""
from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from adapters.bootstrap import Services, bootstrap, make_mailer
from adapters.config import load_config
from adapters.messaging import DeliveryError, FakeSms, FileMailer, SmtpMailer
from engine.clock import ManualClock
from models import Incident, OutboxMessage
from processes.outbox import dispatch_outbox
from tests.helpers import submit
from tests.notices_support import SmtpSink, smtp_server


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def smtp_services(services: Services, clock: ManualClock, sink: SmtpSink) -> Iterator[Services]:
    config = {**services.config, "outbox": {"max_attempts": 3, "retry_base_seconds": 30, "retry_max_seconds": 600},
              "mail": {"transport": "smtp", "host": "127.0.0.1", "port": sink.port, "security": "none",
                       "sender": "MotCua <no-reply@motcua.test>", "timeout_seconds": 5}}
    svc = bootstrap(config, clock=clock, sms=FakeSms())
    assert isinstance(svc.mailer, SmtpMailer)
    yield svc
    svc.db.dispose()


def mail_rows(services: Services) -> list[OutboxMessage]:
    with services.session_factory() as s:
        return list(s.scalars(sa.select(OutboxMessage).where(OutboxMessage.channel == "email")
                              .order_by(OutboxMessage.id)))


def test_a_submission_delivers_its_confirmation_to_the_smtp_server_within_seconds(
        smtp_services: Services, sink: SmtpSink) -> None:
    started = time.monotonic()
    code = submit(smtp_services)
    assert dispatch_outbox(smtp_services) >= 1
    assert time.monotonic() - started < 5
    [mail] = sink.received
    assert mail["To"] == "citizen@example.vn" and mail["From"] == "MotCua <no-reply@motcua.test>"
    assert mail["Subject"] == f"Đã nhận hồ sơ {code}"
    assert code in mail.get_content() and "Đăng ký thành lập hộ kinh doanh" in mail.get_content()
    assert mail["X-MotCua-Key"] == f"mail:{code}:submitted"
    assert [(r.status, r.event) for r in mail_rows(smtp_services)] == [("sent", "submitted")]
    assert dispatch_outbox(smtp_services) == 0 and len(sink.received) == 1  # never twice


def test_a_refusing_server_leaves_the_mail_retried_then_failed_with_an_incident(
        smtp_services: Services, sink: SmtpSink, clock: ManualClock) -> None:
    sink.mode = "refuse"
    code = submit(smtp_services)
    waits = []
    for attempt in (1, 2):
        dispatch_outbox(smtp_services)  # the SMS leaves, the mail does not
        [row] = mail_rows(smtp_services)
        assert (row.status, row.attempts) == ("pending", attempt)
        assert "550" in (row.last_error or "")
        waits.append(row.next_attempt_at - clock.now())
        assert dispatch_outbox(smtp_services) == 0  # not before its wait has passed
        clock.set(row.next_attempt_at)
    assert waits == [timedelta(seconds=30), timedelta(seconds=60)]  # backs off
    assert dispatch_outbox(smtp_services) == 0
    [row] = [r for r in mail_rows(smtp_services) if not r.key.startswith("incident:")]
    assert (row.status, row.attempts) == ("failed", 3)
    with smtp_services.session_factory() as s:
        [incident] = s.scalars(sa.select(Incident).where(Incident.kind == "outbox.failed")).all()
        assert incident.dossier_id == row.dossier_id and "citizen@example.vn" in incident.message
    alerts = [r for r in mail_rows(smtp_services) if r.key.startswith("incident:")]
    assert alerts and all(r.recipient != "citizen@example.vn" for r in alerts)  # the administrators are told
    sink.mode = "accept"
    clock.advance(timedelta(days=1))
    assert dispatch_outbox(smtp_services) == len(alerts)  # the alerts go; the given-up mail waits for an operator
    assert {m["To"] for m in sink.received} == {r.recipient for r in alerts}
    assert code


def test_a_dropped_connection_is_retried_and_the_mail_then_arrives_once(
        smtp_services: Services, sink: SmtpSink, clock: ManualClock) -> None:
    sink.mode = "drop"
    submit(smtp_services)
    dispatch_outbox(smtp_services)
    [row] = mail_rows(smtp_services)
    assert row.status == "pending" and row.attempts == 1
    sink.mode = "accept"
    clock.set(row.next_attempt_at)
    assert dispatch_outbox(smtp_services) == 1
    assert len(sink.received) == 1 and [r.status for r in mail_rows(smtp_services)] == ["sent"]


def test_the_mailer_logs_in_and_a_wrong_password_is_a_delivery_error() -> None:
    with smtp_server(users={"motcua": "s3cret"}) as sink:
        SmtpMailer("127.0.0.1", sink.port, "a@motcua.test", username="motcua", password="s3cret",
                   timeout=5).send("b@example.vn", "Chào", "Nội dung", "k1")
        assert [m["Subject"] for m in sink.received] == ["Chào"]
        with pytest.raises(DeliveryError):
            SmtpMailer("127.0.0.1", sink.port, "a@motcua.test", username="motcua", password="wrong",
                       timeout=5).send("b@example.vn", "Chào", "Nội dung", "k2")


def test_an_unreachable_server_is_a_delivery_error_within_the_timeout() -> None:
    from tests.notices_support import free_port

    with pytest.raises(DeliveryError):
        SmtpMailer("127.0.0.1", free_port(), "a@motcua.test", timeout=2).send("b@example.vn", "x", "y", "k")


def test_config_chooses_the_transport_and_the_password_comes_from_the_environment(tmp_path: Path) -> None:
    config = load_config({"MOTCUA_MAIL__TRANSPORT": "smtp", "MOTCUA_MAIL__PASSWORD": "from-env",
                          "MOTCUA_MAIL__SECURITY": "starttls", "MOTCUA_MAIL__PORT": "587"})
    mailer = make_mailer(config, tmp_path)
    assert isinstance(mailer, SmtpMailer)
    assert (mailer.password, mailer.security, mailer.port) == ("from-env", "starttls", 587)
    assert isinstance(make_mailer(load_config({}), tmp_path), FileMailer)
    with pytest.raises(ValueError):
        make_mailer(load_config({"MOTCUA_MAIL__TRANSPORT": "pigeon"}), tmp_path)
