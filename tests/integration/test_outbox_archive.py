"""Sent messages' bodies leave the database after `[outbox] archive_after_days` for the archive files
of the file store: what the applicant's delivery list, the national sync state and duplicate detection
read stays; every body can be read back from the archive; pending messages stay whole."""
from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from adapters import outbox_archive
from adapters.bootstrap import Services, bootstrap
from adapters.messaging import FakeMailer, FakeSms
from engine.clock import ManualClock
from models import OutboxMessage
from processes.notices.deliveries import dossier_deliveries
from processes.outbox import ARCHIVED, archive_sent, dispatch_outbox
from tests.helpers import submit, work
from tests.notices_support import wsgi_server
from web.simulators import national as national_sim
from web.simulators import standalone

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def synced(services: Services, clock: ManualClock) -> Iterator[Services]:
    state = national_sim.State(token="t0ken", delay=0)
    with wsgi_server(standalone("national", state)) as url:
        config = {**services.config, "national_portal": {"url": url, "token": "t0ken", "timeout_seconds": 1}}
        svc = bootstrap(config, clock=clock, mailer=FakeMailer(), sms=FakeSms())
        yield svc
        svc.db.dispose()


def rows(services: Services) -> dict[int, OutboxMessage]:
    with services.session_factory() as s:
        return {m.id: m for m in s.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id))}


def test_sent_bodies_move_to_the_archive_and_the_dossier_reads_as_before(synced: Services,
                                                                         clock: ManualClock) -> None:
    code = submit(synced)
    work(synced, code, "reception")
    assert dispatch_outbox(synced) >= 3  # the mail, the SMS, the portal's steps
    before = rows(synced)
    deliveries = dossier_deliveries(synced, "reception", code)
    assert deliveries["national"]["state"] == "synchronised"

    clock.advance(timedelta(days=29))
    assert archive_sent(synced) == 0  # not yet: 30 days after sending
    late = submit(synced)  # queued now, not sent: stays whole whatever its age
    clock.advance(timedelta(days=2))
    moved = archive_sent(synced)
    assert moved == len(before)
    after = rows(synced)
    month = f"outbox-{clock.now().year}-"
    for msg_id, old in before.items():
        new = after[msg_id]
        assert new.body.startswith(ARCHIVED + month)
        assert (new.key, new.status, new.recipient, new.subject, new.sent_at) == (
            old.key, old.status, old.recipient, old.subject, old.sent_at)
    pending = [m for m in after.values() if m.id not in before]
    assert pending and all(m.status == "pending" and not m.body.startswith(ARCHIVED) for m in pending)
    assert dossier_deliveries(synced, "reception", code) == deliveries  # the same list, the same sync state
    archived = {r["id"]: r for r in outbox_archive.read(synced.config)}
    assert {i: r["body"] for i, r in archived.items()} == {i: m.body for i, m in before.items()}
    assert all(archived[i]["key"] == m.key for i, m in before.items())
    assert archive_sent(synced) == 0  # once
    assert late  # (its messages were the pending ones)


def test_archiving_can_be_turned_off(services: Services, clock: ManualClock) -> None:
    submit(services)
    dispatch_outbox(services)
    services.config["outbox"]["archive_after_days"] = 0
    clock.advance(timedelta(days=400))
    assert archive_sent(services) == 0
    assert not any(m.body.startswith(ARCHIVED) for m in rows(services).values())


def test_the_operators_command_archives_what_is_due(services: Services, tmp_path: Path) -> None:
    submit(services)
    dispatch_outbox(services)
    with services.session_factory() as s:  # sent long ago
        for msg in s.scalars(sa.select(OutboxMessage).where(OutboxMessage.sent_at.is_not(None))):
            msg.sent_at -= timedelta(days=90)
        s.commit()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOTCUA_")}
    env.update({"MOTCUA_DATABASE__URL": services.db.url.render_as_string(hide_password=False),
                "MOTCUA_STORAGE__DATA_DIR": str(tmp_path / "cli"), "MOTCUA_APP__SECRET_KEY": "cli-test-secret"})
    done = subprocess.run([sys.executable, "-m", "web.cli", "outbox", "archive"], cwd=ROOT, capture_output=True,
                          text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    sent = [m for m in rows(services).values() if m.status == "sent"]
    assert sent and all(m.body.startswith(ARCHIVED) for m in sent)
    assert f"{len(sent)} sent message(s) archived in {tmp_path / 'cli' / 'archive'}" in done.stdout
