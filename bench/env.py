"""The benchmark's own databases: a SQLite file in a temporary folder, or a throw-away PostgreSQL
database; each migrated, seeded with the demo users and with the peer and HKD diagrams deployed."""

from __future__ import annotations

import copy
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from adapters.bootstrap import Services, bootstrap
from adapters.config import PROJECT_ROOT, load_config
from adapters.messaging import FakeMailer, FakeSms
from engine.clock import Clock, SystemClock

BENCH_DIR = Path(__file__).resolve().parent
PEER_BPMN = BENCH_DIR / "peer.bpmn"
HKD_BPMN = PROJECT_ROOT / "bpmn_diagrams" / "dang_ky_ho_kinh_doanh.bpmn"
PEER_CODE = "BENCH.PEER"
HKD_CODE = "1.001612"
SECRET = "bench-secret"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_admin_url() -> str | None:
    """The PostgreSQL server to make throw-away databases on, or None when none answers."""
    url = (
        os.environ.get("MOTCUA_BENCH_POSTGRES_URL")
        or os.environ.get("MOTCUA_TEST_POSTGRES_URL")
        or DEFAULT_PG
    )
    try:
        engine = sa.create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        engine.dispose()
    except Exception:  # noqa: BLE001 — unreachable, wrong password, no driver: the report says PG was skipped
        return None
    return url


@dataclass
class BenchDB:
    """One database of the benchmark; `drop()` removes it (PostgreSQL) — the folder goes with the run."""

    backend: str
    url: str
    data_dir: Path
    admin_url: str | None = None
    name: str | None = None

    def config(self) -> dict[str, Any]:
        config = copy.deepcopy(load_config({}))
        config["database"]["url"] = self.url
        config["storage"]["data_dir"] = str(self.data_dir)
        config["app"]["secret_key"] = SECRET
        return config

    def services(self, clock: Clock | None = None) -> Services:
        """Services as production wires them, with fake mail/SMS ports (nothing leaves the machine)."""
        return bootstrap(self.config(), clock=clock or SystemClock(), mailer=FakeMailer(), sms=FakeSms())

    def env(self) -> dict[str, str]:
        """Environment for a server process that serves this database."""
        return {
            "MOTCUA_DATABASE__URL": self.url,
            "MOTCUA_STORAGE__DATA_DIR": str(self.data_dir),
            "MOTCUA_APP__SECRET_KEY": SECRET,
            "MOTCUA_APP__DEMO": "true",
        }

    def prepare(self) -> None:
        """Migrate, seed the demo users, deploy the peer and the HKD diagrams."""
        from models.migrate import upgrade
        from processes.access import SYSTEM
        from processes.administration.demo import seed_demo
        from processes.administration.system_account import ensure_system_account
        from processes.definitions.deploy import deploy_paths

        upgrade(self.url)
        services = self.services()
        seed_demo(services)
        ensure_system_account(services)
        outcomes = deploy_paths(services, SYSTEM, [PEER_BPMN, HKD_BPMN])
        problems = [str(p) for o in outcomes for p in o.problems]
        services.db.dispose()
        if problems:
            raise RuntimeError("cannot deploy the benchmark diagrams: " + "; ".join(problems))

    def size_bytes(self, engine: sa.Engine) -> int:
        """Bytes the live data takes: SQLite pages in use after VACUUM; PostgreSQL relation sizes
        after VACUUM FULL (dead row versions left by updates are not data)."""
        if self.backend == "sqlite":
            raw = engine.raw_connection()  # the DBAPI connection: no BEGIN IMMEDIATE around VACUUM
            try:
                cur = raw.cursor()
                cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                cur.execute("VACUUM")
                (pages,) = cur.execute("PRAGMA page_count").fetchone()
                (free,) = cur.execute("PRAGMA freelist_count").fetchone()
                (size,) = cur.execute("PRAGMA page_size").fetchone()
                cur.close()
            finally:
                raw.close()
            return int((pages - free) * size)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM FULL")
            total = conn.exec_driver_sql(
                "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND c.relkind = 'r'"
            ).scalar_one()
        return int(total)

    def drop(self) -> None:
        if self.backend == "postgresql" and self.admin_url and self.name:
            _admin(self.admin_url, f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")


class Databases:
    """Makes the run's databases: each a copy of one prepared template per backend (a file copy on
    SQLite, CREATE DATABASE … TEMPLATE on PostgreSQL); `drop_all()` removes the PostgreSQL ones."""

    def __init__(self, root: Path, pg_admin_url: str | None):
        self.root = root
        self.pg_admin_url = pg_admin_url
        self.run_id = uuid.uuid4().hex[:8]
        self.templates: dict[str, BenchDB] = {}
        self.made: list[BenchDB] = []

    def create(self, backend: str, label: str) -> BenchDB:
        template = self.templates.get(backend) or self._template(backend)
        data_dir = self.root / f"{backend}-{label}"
        data_dir.mkdir(parents=True, exist_ok=True)
        if backend == "sqlite":
            shutil.copy(Path(template.url.removeprefix("sqlite:///")), data_dir / "motcua.db")
            db = BenchDB(backend, f"sqlite:///{data_dir / 'motcua.db'}", data_dir)
        else:
            db = self._pg(f"motcua_bench_{self.run_id}_{label}", data_dir, template=template.name)
        self.made.append(db)
        return db

    def _template(self, backend: str) -> BenchDB:
        data_dir = self.root / f"{backend}-template"
        data_dir.mkdir(parents=True, exist_ok=True)
        if backend == "sqlite":
            db = BenchDB(backend, f"sqlite:///{data_dir / 'motcua.db'}", data_dir)
        else:
            db = self._pg(f"motcua_bench_{self.run_id}_template", data_dir)
            self.made.append(db)
        db.prepare()
        self.templates[backend] = db
        return db

    def _pg(self, name: str, data_dir: Path, template: str | None = None) -> BenchDB:
        if self.pg_admin_url is None:
            raise RuntimeError("no PostgreSQL server to make a database on")
        _admin(self.pg_admin_url, f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
        url = sa.make_url(self.pg_admin_url).set(database=name).render_as_string(hide_password=False)
        return BenchDB("postgresql", url, data_dir, self.pg_admin_url, name)

    def drop_all(self) -> None:
        for db in reversed(self.made):  # copies before their template
            db.drop()


def _admin(url: str, statement: str) -> None:
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(statement)
    finally:
        admin.dispose()
