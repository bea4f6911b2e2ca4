"""Where the time of a task completion goes: a cProfile of peer instances through the use cases,
summed by library, and the SQL statements and commits each use case sends."""

from __future__ import annotations

import cProfile
import pstats
from collections import Counter
from typing import Any

import sqlalchemy as sa

from bench import peer
from bench.env import BenchDB
from bench.stats import Samples
from processes.desk.tasks import Completion, complete_task

# First match wins: the path fragment of a profiled function -> the share it is counted in.
CATEGORIES = [
    ("sqlalchemy/orm", "SQLAlchemy ORM"),
    ("sqlalchemy", "SQLAlchemy Core"),
    ("psycopg", "psycopg"),
    ("sqlite3", "SQLite"),
    ("SpiffWorkflow", "SpiffWorkflow"),
    ("RestrictedPython", "RestrictedPython"),
    ("/json/", "json"),
    ("/engine/", "motcua engine/"),
    ("/processes/", "motcua processes/"),
    ("/handlers/", "motcua handlers/"),
    ("/models/", "motcua models/"),
    ("/bench/", "benchmark harness"),
]


def _category(filename: str, name: str) -> str:
    if filename == "~":  # a builtin: sqlite3 and json's C parts show up as methods of their objects
        if "sqlite3" in name:
            return "SQLite"
        if "psycopg" in name or "pq" in name:
            return "psycopg"
        if "json" in name or "encode_basestring" in name or "scanstring" in name:
            return "json"
        return "Python builtins"
    for fragment, label in CATEGORIES:
        if fragment in filename:
            return label
    return "Python stdlib and other"


class StatementCounter:
    """Counts the statements and commits an engine sends while attached."""

    def __init__(self, engine: sa.Engine):
        self.engine = engine
        self.statements = 0
        self.commits = 0
        sa.event.listen(engine, "before_cursor_execute", self._statement)
        sa.event.listen(engine, "commit", self._commit)

    def _statement(self, *args: Any) -> None:
        self.statements += 1

    def _commit(self, *args: Any) -> None:
        self.commits += 1

    def detach(self) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._statement)
        sa.event.remove(self.engine, "commit", self._commit)


def statements_per_use_case(db: BenchDB) -> dict[str, Any]:
    """SQL statements and commits of one submission and of one task completion (peer process)."""
    services = db.services()
    peer.run_usecases(services, 2, Samples())
    counter = StatementCounter(services.db)
    code = peer.submit_dossier(
        services, peer.APPLICANT, peer.Submission(peer.PEER_CODE, dict(peer.FORM), "counter", declaration=True)
    )
    submit = (counter.statements, counter.commits)
    task_id = peer.open_task_id(services, code["code"])
    before = (counter.statements, counter.commits)
    officer, data = peer.STEPS[0]
    complete_task(services, officer, Completion(task_id, data))
    counter.detach()
    services.db.dispose()
    return {
        "submit_statements": submit[0],
        "submit_commits": submit[1],
        "completion_statements": counter.statements - before[0],
        "completion_commits": counter.commits - before[1],
    }


def profile_peer(db: BenchDB, n: int, top: int = 12) -> dict[str, Any]:
    """Shares of the profiled time by library, and the functions that cost most themselves."""
    services = db.services()
    peer.run_usecases(services, 3, Samples())
    profiler = cProfile.Profile()
    profiler.enable()
    peer.run_usecases(services, n, Samples())
    profiler.disable()
    services.db.dispose()
    stats = pstats.Stats(profiler)
    shares: Counter[str] = Counter()
    rows = []
    raw = stats.stats  # type: ignore[attr-defined]
    for (filename, line, name), (_, calls, tottime, _cumtime, _) in raw.items():
        shares[_category(filename, name)] += tottime
        rows.append(
            (
                tottime,
                f"{filename.split('site-packages/')[-1].split('/work/main/')[-1]}:{line}({name})",
                calls,
            )
        )
    total = sum(shares.values()) or 1.0
    rows.sort(reverse=True)
    return {
        "instances": n,
        "profiled_s": round(total, 3),
        "share_percent": {k: round(v / total * 100, 1) for k, v in shares.most_common()},
        "top_functions": [
            {"function": f, "self_ms_per_instance": round(t / n * 1000, 3), "calls": c}
            for t, f, c in rows[:top]
        ],
    }


def full_scans(db: BenchDB) -> list[str]:
    """Statements of the hot use cases (submit, complete, task list, the applicant's view, the public
    look-up) whose SQLite query plan scans a whole table: each look-up should have its index."""
    from bench import lifecycle
    from processes.desk.tasks import list_tasks
    from processes.dossier.dossiers import get_dossier
    from processes.submission.portal_dossiers import public_status

    services = db.services()
    seen: dict[str, Any] = {}

    def record(_conn: Any, _cursor: Any, statement: str, params: Any, _ctx: Any, many: bool) -> None:
        # A look-up (a WHERE clause); a deliberate read of a whole small table (the calendar) is not.
        if (
            not many
            and " WHERE " in statement.upper()
            and statement.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE"))
        ):
            seen.setdefault(statement, params)

    sa.event.listen(services.db, "before_cursor_execute", record)
    code = lifecycle.submit(services)
    lifecycle.work(services, code, 1)
    list_tasks(services, "reception")
    get_dossier(services, "citizen", code)
    public_status(services, code, lifecycle.FORM["so_dien_thoai"], "10.9.9.9")
    sa.event.remove(services.db, "before_cursor_execute", record)
    scans = []
    with services.db.connect() as conn:
        for statement, params in seen.items():
            plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params).fetchall()
            if any(str(row[-1]).startswith("SCAN") and "USING" not in str(row[-1]) for row in plan):
                scans.append(" ".join(statement.split())[:160])
        conn.rollback()
    services.db.dispose()
    return scans
