"""The `motcua` command line as ../shared/CONTRACT.md promises it, against a database of its own under
tmp_path (`motcua init` first). Commands run in process (`web.cli.main`, stdout and stderr captured, the
environment of the command set for the call); a few run as the installed script in a process of their
own, as smoke tests of the entry point (`motcua init`, a refused deploy, `audit verify`)."""
from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from adapters.bootstrap import Services, bootstrap
from adapters.config import PROJECT_ROOT, load_config
from engine.clock import ManualClock
from processes.submission.submission import Submission, Upload, submit_dossier
from tests.helpers import HKD, HKD_FORM, PDF, PNG
from web import cli as motcua_cli

PROBLEM_LINE = re.compile(r"^[^:]+:(\d+|-): \S+: .+")
HKD_BPMN = PROJECT_ROOT / "bpmn_diagrams" / "dang_ky_ho_kinh_doanh.bpmn"
_SCRIPT = Path(sys.executable).parent / "motcua"
COMMAND = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "web.cli"]


class Cli:
    """One database and data folder, and the environment that points the command line at them."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.db = folder / "motcua.db"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("MOTCUA_")}
        self.env.update({"MOTCUA_DATABASE__URL": f"sqlite:///{self.db}", "MOTCUA_STORAGE__DATA_DIR": str(folder),
                         "MOTCUA_APP__SECRET_KEY": "cli-test-secret"})

    def __call__(self, *args: str, process: bool = False) -> subprocess.CompletedProcess[str]:
        done = self.in_a_process(args) if process else self.in_process(args)
        assert "Traceback" not in done.stdout + done.stderr, done.stdout + done.stderr
        return done

    def in_a_process(self, args: tuple[str, ...]) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*COMMAND, *args], env=self.env, cwd=PROJECT_ROOT, capture_output=True, text=True,
                              check=False, timeout=120)

    def in_process(self, args: tuple[str, ...]) -> subprocess.CompletedProcess[str]:
        """`motcua ARGS` as `web.cli.main` runs it, with this database's environment; every service it
        opens is closed afterwards (a process of its own would close them on exit)."""
        out, err, opened = io.StringIO(), io.StringIO(), []

        def tracked(*a: Any, **kw: Any) -> Services:
            opened.append(bootstrap(*a, **kw))
            return opened[-1]

        real = motcua_cli.bootstrap
        motcua_cli.bootstrap = tracked  # type: ignore[assignment]
        saved = dict(os.environ)
        os.environ.clear()
        os.environ.update(self.env)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    code = motcua_cli.main(list(args))
                except SystemExit as exc:  # argparse's usage errors
                    code = exc.code if isinstance(exc.code, int) else 2
        finally:
            os.environ.clear()
            os.environ.update(saved)
            motcua_cli.bootstrap = real  # type: ignore[assignment]
            for services in opened:
                services.db.dispose()
        return subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue())

    def copy(self, folder: Path) -> Cli:
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(self.db, folder / "motcua.db")
        return Cli(folder)

    def services(self, clock: ManualClock | None = None) -> Services:
        return bootstrap(load_config(self.env), clock=clock)


@pytest.fixture(scope="module")
def initialised(tmp_path_factory: pytest.TempPathFactory) -> Cli:
    cli = Cli(tmp_path_factory.mktemp("cli"))
    done = cli("init", process=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return cli


@pytest.fixture
def cli(initialised: Cli, tmp_path: Path) -> Cli:
    """A copy of the initialised database for a test that changes it."""
    return initialised.copy(tmp_path / "cli")


@pytest.fixture
def services_of(cli: Cli) -> Iterator[Any]:
    opened: list[Services] = []

    def make(clock: ManualClock | None = None) -> Services:
        opened.append(cli.services(clock))
        return opened[-1]

    yield make
    for s in opened:
        s.db.dispose()


# -- deploy: refusals are problem lines, never a traceback ----------------------------------------
MALFORMED = ('<?xml version="1.0"?>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">\n'
             '  <bpmn:process id="p"\n')
BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">&lol4;</bpmn:definitions>
"""
XXE = """<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x">
  <bpmn:process id="p" name="&xxe;" isExecutable="true" />
</bpmn:definitions>
"""


def hkd_with(old: str, new: str) -> str:
    text = HKD_BPMN.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new)


BAD_FILES = {
    "malformed": (lambda: MALFORMED, "not well-formed"),
    "billion_laughs": (lambda: BILLION_LAUGHS, "DOCTYPE"),
    "xxe": (lambda: XXE, "DOCTYPE"),
    "not_executable": (lambda: hkd_with('isExecutable="true"', 'isExecutable="false"'), "isExecutable"),
    "sandbox_escape": (lambda: hkd_with('reception_decision == "refuse"', "().__class__.__base__.__subclasses__()"),
                       "Flow_refuse_at_reception"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_deploy_dry_run_refuses_a_bad_file_with_problem_lines(initialised: Cli, tmp_path: Path, name: str) -> None:
    text, expected = BAD_FILES[name]
    path = tmp_path / f"{name}.bpmn"
    path.write_text(text(), encoding="utf-8")
    shutil.copy(HKD_BPMN.with_suffix(".toml"), path.with_suffix(".toml"))
    # the sandbox escape also goes through the installed script, as a smoke test of the entry point
    done = initialised("deploy", "--dry-run", str(path), process=name == "sandbox_escape")
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines and all(PROBLEM_LINE.match(line) for line in lines), lines
    assert all(line.startswith(f"{path}:") for line in lines)
    assert expected in done.stdout
    assert "root:" not in done.stdout  # nothing of /etc/passwd


def test_deploy_dry_run_accepts_every_shipped_diagram(initialised: Cli) -> None:
    diagrams = sorted(str(p) for p in (PROJECT_ROOT / "bpmn_diagrams").glob("*.bpmn"))
    done = initialised("deploy", "--dry-run", *diagrams)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == ""


def test_deploying_the_shipped_diagrams_again_leaves_them_unchanged(cli: Cli) -> None:
    done = cli("deploy", str(PROJECT_ROOT / "bpmn_diagrams"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "unchanged" in done.stderr and "deployed" not in done.stderr


def test_render_of_a_malformed_file_is_a_problem_line(initialised: Cli, tmp_path: Path) -> None:
    path = tmp_path / "broken.bpmn"
    path.write_text(MALFORMED, encoding="utf-8")
    done = initialised("render", str(path))
    assert done.returncode == 1
    assert all(PROBLEM_LINE.match(line) for line in done.stdout.splitlines()) and done.stdout


# -- users and tokens -----------------------------------------------------------------------------
def test_users_list_json_has_the_demo_users_of_the_contract(initialised: Cli) -> None:
    done = initialised("users", "list", "--json")
    assert done.returncode == 0
    users = {u["username"]: u for u in json.loads(done.stdout)}
    expected_roles = {"citizen": "citizen", "citizen2": "citizen", "reception": "reception",
                      "specialist": "specialist", "leader": "leader", "reception2": "reception",
                      "specialist2": "specialist", "leader2": "leader", "admin": "admin", "analyst": "analyst"}
    for username, role in expected_roles.items():
        assert role in users[username]["roles"], username
    main = {users[u]["agency"] for u in ("reception", "specialist", "leader")}
    second = {users[u]["agency"] for u in ("reception2", "specialist2", "leader2")}
    assert len(main) == 1 and len(second) == 1 and main != second and None not in main | second
    assert all(users[u]["agency"] is None for u in ("citizen", "citizen2"))


def test_token_is_accepted_by_the_api_and_an_unknown_user_gets_none(cli: Cli, services_of: Any) -> None:
    from web import create_app

    done = cli("token", "citizen")
    assert done.returncode == 0
    token = done.stdout.strip()
    assert token and "\n" not in token
    client = create_app(services_of()).test_client()
    resp = client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200 and resp.json == []
    listed = client.get("/api/v1/tokens", headers={"Authorization": f"Bearer {token}"}).json
    assert [t["id"] for t in listed] == [int(token.split(".")[0])] and listed[0]["label"] == "motcua token"
    nobody = cli("token", "nobody")
    assert nobody.returncode == 1 and nobody.stdout == "" and "nobody" in nobody.stderr


# -- time -----------------------------------------------------------------------------------------
def test_calendar_due_skips_tet(initialised: Cli) -> None:
    done = initialised("calendar", "due", "--from", "2026-02-13T10:00:00+07:00", "--working-days", "3")
    assert (done.returncode, done.stdout.strip()) == (0, "2026-02-25T10:00:00+07:00")


def test_calendar_due_without_an_offset_is_a_usage_error(initialised: Cli) -> None:
    done = initialised("calendar", "due", "--from", "2026-02-13T10:00:00", "--working-days", "3")
    assert done.returncode == 2 and "offset" in done.stderr


def test_timers_sweep_fires_what_is_due_once(cli: Cli, services_of: Any) -> None:
    clock = ManualClock(datetime.fromisoformat("2026-03-02T09:00:00+07:00"))
    uploads = [Upload("giay_de_nghi", "de-nghi.pdf", PDF), Upload("giay_to_phap_ly", "cccd.png", PNG)]
    svc = services_of(clock)
    submit_dossier(svc, "citizen", Submission(procedure=HKD, form=HKD_FORM, uploads=uploads,
                                              declaration=True))
    svc.db.dispose()
    # Reception has half a working day to forward it (until 14:30); at 11:00 nothing is due yet.
    early = cli("timers", "sweep", "--at", "2026-03-02T11:00:00+07:00")
    assert (early.returncode, early.stdout.strip()) == (0, "0")
    due = cli("timers", "sweep", "--at", "2026-03-02T15:00:00+07:00")
    assert due.returncode == 0 and due.stdout.strip().isdigit() and int(due.stdout) >= 1, due.stdout
    again = cli("timers", "sweep", "--at", "2026-03-02T15:00:00+07:00")  # each timer fires once
    assert (again.returncode, again.stdout.strip()) == (0, "0")


# -- audit ----------------------------------------------------------------------------------------
def test_audit_verify_is_ok_then_names_a_tampered_event(cli: Cli) -> None:
    done = cli("audit", "verify")
    assert done.returncode == 0, done.stdout + done.stderr
    match = re.fullmatch(r"ok (\d+) events\n", done.stdout)
    assert match and int(match[1]) >= 1

    engine = sa.create_engine(cli.env["MOTCUA_DATABASE__URL"])
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER audit_events_no_update")
        conn.exec_driver_sql("UPDATE audit_events SET actor = 'mallory' WHERE seq = 1")
    engine.dispose()
    broken = cli("audit", "verify", process=True)
    assert broken.returncode == 1
    assert broken.stdout.startswith("broken at event 1:")


def test_audit_checkpoint_then_verify_names_a_rewritten_chain_and_a_wrong_key(cli: Cli) -> None:
    made = cli("audit", "checkpoint")
    assert made.returncode == 0, made.stdout + made.stderr
    path = Path(made.stdout.split()[0])
    assert path.is_file() and path.parent == cli.folder / "audit-checkpoints"
    assert (cli.folder / "audit-checkpoint.key").is_file()  # demo mode: created on first use
    done = cli("audit", "verify")
    assert done.returncode == 0, done.stdout
    assert done.stdout == f"ok {done.stdout.split()[1]} events, checkpoint {path.name}\n"

    # What the owner of the database could do: drop the trigger, edit event 1, recompute every hash.
    from processes.audit import ZERO, event_digest

    engine = sa.create_engine(cli.env["MOTCUA_DATABASE__URL"])
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER audit_events_no_update")
        rows = conn.execute(sa.text("SELECT * FROM audit_events WHERE chain = 0 ORDER BY chain_seq")).mappings().all()
        prev = ZERO
        for row in rows:
            actor = "mallory" if row["seq"] == 1 else row["actor"]
            at = datetime.fromisoformat(str(row["at"])).replace(tzinfo=UTC)
            state = row["state_hash"].hex() if row["state_hash"] is not None else None  # stored as 32 bytes
            digest = event_digest(prev, row["seq"], at, actor, None, row["kind"], json.loads(row["detail"]),
                                  row["chain_seq"], state)
            conn.execute(sa.text("UPDATE audit_events SET actor = :a, prev_hash = :p, hash = :h WHERE id = :i"),
                         {"a": actor, "p": bytes.fromhex(prev), "h": bytes.fromhex(digest), "i": row["id"]})
            prev = digest
        conn.execute(sa.text("UPDATE audit_chains SET hash = :h WHERE chain = 0"), {"h": bytes.fromhex(prev)})
    engine.dispose()
    broken = cli("audit", "verify", process=True)
    assert broken.returncode == 1, broken.stdout
    assert "  system events, event 1: the chain was rewritten" in broken.stdout

    (cli.folder / "audit-checkpoint.key").write_text("ab" * 32 + "\n")  # another key
    wrong = cli("audit", "verify")
    assert wrong.returncode == 1 and "signature does not match the key" in wrong.stdout
