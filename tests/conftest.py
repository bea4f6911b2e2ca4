"""Shared fixtures. Database tests run on a SQLite file, and also on PostgreSQL when
MOTCUA_TEST_POSTGRES_URL is set. Each test gets a fresh copy of a template database that is
migrated, seeded with the demo data and has bpmn_diagrams/ deployed (built once per run)."""
from __future__ import annotations

import copy
import os
import shutil
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from adapters.bootstrap import Services, bootstrap
from adapters.config import PROJECT_ROOT, load_config
from adapters.messaging import FakeMailer, FakeSms
from engine.clock import ManualClock
from processes import audit

# Every seal the audit trail takes from a dossier object this transaction wrote is compared with the row
# read back (processes/audit.py): a value that does not round-trip through the database fails the test.
audit.CHECK_WRITTEN_SEALS = True

PG_URL = os.environ.get("MOTCUA_TEST_POSTGRES_URL")
# Every database test runs on each backend: SQLite, and PostgreSQL when its URL is set.
# MOTCUA_TEST_BACKENDS=postgresql keeps one of them (.ci/run's second pass: SQLite ran in the first).
BACKENDS = [b for b in ["sqlite"] + (["postgresql"] if PG_URL else [])
            if b in (os.environ.get("MOTCUA_TEST_BACKENDS") or "sqlite,postgresql").split(",")]
# Monday 2 March 2026, 09:00 in Kon Tum: a plain working morning.
START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def _config(url: str, data_dir: Path) -> dict[str, Any]:
    config = copy.deepcopy(load_config({}))
    config["database"]["url"] = url
    config["storage"]["data_dir"] = str(data_dir)
    config["app"]["secret_key"] = "test-secret"
    # The demo administrator logs in without a second factor in tests; the rule that administrators
    # must enrol (on in config.toml) is tested with it switched on (tests/e2e/test_two_factor.py).
    config["sessions"]["admin_2fa_required"] = False
    return config


def _prepare(url: str, data_dir: Path) -> None:
    from models.migrate import upgrade
    from processes.access import SYSTEM
    from processes.administration.demo import seed_demo
    from processes.administration.system_account import ensure_system_account
    from processes.definitions.deploy import deploy_paths

    upgrade(url)
    services = bootstrap(_config(url, data_dir), clock=ManualClock(START))
    seed_demo(services)
    ensure_system_account(services)  # what `motcua init` does: the shipped diagrams deployed as SYSTEM
    outcomes = deploy_paths(services, SYSTEM, [PROJECT_ROOT / "bpmn_diagrams"])
    problems = [str(p) for o in outcomes for p in o.problems]
    assert not problems, problems
    services.db.dispose()


class _Templates:
    """Template databases built lazily, once per test run, and copied for each test."""

    def __init__(self, root: Path):
        self.root = root
        self.sqlite: Path | None = None
        self.pg_name: str | None = None
        self._background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pg-copies")
        self._next: Future[str] | None = None
        self._drops: list[Future[None]] = []

    def sqlite_copy(self, target: Path) -> str:
        if self.sqlite is None:
            self.sqlite = self.root / "template.db"
            _prepare(f"sqlite:///{self.sqlite}", self.root / "template-data")
        shutil.copy(self.sqlite, target)
        return f"sqlite:///{target}"

    def pg_copy(self) -> tuple[str, str]:
        """A fresh copy of the template. Copying and dropping take PostgreSQL about a quarter of a second per
        test; one background thread does both while the tests run, the next copy made ahead."""
        assert PG_URL
        if self.pg_name is None:
            self.pg_name = f"motcua_tpl_{uuid.uuid4().hex[:8]}"
            _admin(f"CREATE DATABASE {self.pg_name}")
            _prepare(_pg_url(self.pg_name), self.root / "template-data")
        ready = self._next or self._background.submit(self._create)
        self._next = self._background.submit(self._create)
        name = ready.result()
        return name, _pg_url(name)

    def _create(self) -> str:
        name = f"motcua_t_{uuid.uuid4().hex[:10]}"
        _admin(f"CREATE DATABASE {name} TEMPLATE {self.pg_name}")
        return name

    def pg_drop(self, name: str) -> None:
        self._drops.append(self._background.submit(drop_pg, name))

    def cleanup(self) -> None:
        if self._next is not None:
            self.pg_drop(self._next.result())
        for dropped in self._drops:
            dropped.result()  # a failed drop fails the run's teardown, as before
        self._background.shutdown()
        if self.pg_name and PG_URL:
            drop_pg(self.pg_name)


def _pg_url(name: str) -> str:
    assert PG_URL
    return sa.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


def drop_pg(name: str) -> None:
    _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _admin(statement: str) -> None:
    assert PG_URL
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(statement)
    admin.dispose()


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Templates]:
    t = _Templates(tmp_path_factory.mktemp("templates"))
    yield t
    t.cleanup()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, templates: _Templates, tmp_path: Path) -> Iterator[str]:
    """A fresh, seeded database of each configured backend."""
    if request.param == "sqlite":
        yield templates.sqlite_copy(tmp_path / "motcua.db")
        return
    name, url = templates.pg_copy()
    yield url
    templates.pg_drop(name)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def mailer() -> FakeMailer:
    return FakeMailer()


@pytest.fixture
def services(db_url: str, tmp_path: Path, clock: ManualClock, mailer: FakeMailer) -> Iterator[Services]:
    svc = bootstrap(_config(db_url, tmp_path / "data"), clock=clock, mailer=mailer, sms=FakeSms())
    yield svc
    svc.db.dispose()


@pytest.fixture
def app(services: Services) -> Any:
    from web import create_app

    flask_app = create_app(services)
    flask_app.config["TESTING"] = True
    return flask_app


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()


@pytest.fixture
def token(services: Services) -> Any:
    from web.auth import make_token

    return lambda username: {"Authorization": f"Bearer {make_token(services, username)}"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests run last. Playwright's synchronous API keeps an asyncio loop running in the main
    thread for the rest of the session once a browser has started; libraries whose synchronous calls start
    their own loop (pyHanko's signing and validation) cannot run in that thread after it. The project's
    own calls are guarded (adapters/signing/pades.py); the tests that call pyHanko's validator directly
    run before any browser starts."""
    items.sort(key=lambda item: item.nodeid.startswith("tests/browser/"))
