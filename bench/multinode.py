"""Several nodes on one PostgreSQL database (issue 18): three production servers (gunicorn, each with
its own sweeper in its master, as `make run` starts one), clients spread over them, due timers fired
by all three sweepers at once. Reports throughput, p99, errors, duplicate firings (a timer fired more
than once) and lost writes (a completion answered 200 whose event or task row is missing)."""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench import fill, lifecycle, peer
from bench.env import PEER_CODE, BenchDB
from bench.http import Server
from bench.load import complete_over_http, tokens
from bench.stats import latency_summary
from engine.clock import ManualClock
from models import AuditEvent, Timer, UserTask
from processes.submission.submission import Submission, submit_dossier

SWEEP_SECONDS = "0.5"


def run(db: BenchDB, root: Path, nodes: int, clients: int, per_client: int, timers: int) -> dict[str, Any]:
    tok = tokens(db)
    timer_ids = _due_timers_later(db, timers)  # first: the clients' dossiers keep their own timers
    work = _dossiers(db, clients, per_client)
    servers = [Server(db, root, extra_env={"MOTCUA_TIMERS__SWEEP_SECONDS": SWEEP_SECONDS,
                                           "MOTCUA_SERVER__WORKERS": "1"}) for _ in range(nodes)]
    started: list[Server] = []
    try:
        for server in servers:
            started.append(server.__enter__())
        services = db.services()
        with services.db.begin() as conn:  # every node's sweeper sees them due from now on
            conn.execute(sa.update(Timer).where(Timer.id.in_(timer_ids)).values(due_at=datetime.now(UTC)))
        services.db.dispose()
        load = complete_over_http([s.port for s in started], tok, work)
        fired_s = _wait_fired(db, timer_ids, timeout=120.0)
    finally:
        for server in reversed(started):
            server.__exit__(None, None, None)
    checks = _check(db, work, timer_ids, load["ok"])
    summary = latency_summary(load["latencies"])
    return {
        "nodes": nodes,
        "clients": clients,
        "completions": len(load["latencies"]),
        "seconds": round(load["seconds"], 3),
        "per_s": round(len(load["latencies"]) / load["seconds"], 1) if load["seconds"] else 0.0,
        "p50_ms": summary["median_ms"],
        "p99_ms": summary["p99_ms"],
        "errors": len(load["errors"]),
        "first_errors": load["errors"][:3],
        "timers": len(timer_ids),
        "timers_fired_s": fired_s,
        **checks,
    }


def _dossiers(db: BenchDB, clients: int, per_client: int) -> list[list[str]]:
    services = db.services()
    try:
        return [[peer.open_task_id(services, submit_dossier(
                    services, peer.APPLICANT, Submission(PEER_CODE, dict(peer.FORM), "counter",
                                                         declaration=True))["code"])
                 for _ in range(per_client)] for _ in range(clients)]
    finally:
        services.db.dispose()


def _due_timers_later(db: BenchDB, n: int) -> list[int]:
    """n HKD dossiers waiting at reception, each with its forward-deadline timer, due far away for now."""
    past = datetime.now(UTC) - timedelta(days=30)
    template_services = db.services(clock=ManualClock(past))
    code = lifecycle.submit(template_services)
    template_services.db.dispose()
    services = db.services()
    try:
        template = fill.Template.read(services.db, code)
        fill.copy_dossier(services.db, template, n - 1, timer_due=datetime(2999, 1, 1, tzinfo=UTC))
        with services.db.begin() as conn:
            conn.execute(sa.update(Timer).values(due_at=datetime(2999, 1, 1, tzinfo=UTC)))
            return [int(i) for i in conn.execute(sa.select(Timer.id).where(Timer.fired_at.is_(None))).scalars()]
    finally:
        services.db.dispose()


def _wait_fired(db: BenchDB, timer_ids: list[int], timeout: float) -> float:
    """Seconds until no timer of the set is left unfired (the sweepers fire them while clients work)."""
    services = db.services()
    start = time.perf_counter()
    try:
        while time.perf_counter() - start < timeout:
            with services.db.connect() as conn:
                left = conn.execute(sa.select(sa.func.count()).select_from(Timer).where(
                    Timer.id.in_(timer_ids), Timer.fired_at.is_(None))).scalar_one()
                conn.rollback()
            if not left:
                break
            time.sleep(0.2)
        return round(time.perf_counter() - start, 3)
    finally:
        services.db.dispose()


def _check(db: BenchDB, work: list[list[str]], timer_ids: list[int], ok: list[str]) -> dict[str, Any]:
    services = db.services()
    try:
        with services.db.connect() as conn:
            fired = Counter(int(d["timer_id"]) for d in conn.execute(
                sa.select(AuditEvent.detail).where(AuditEvent.kind == "timer_fired")).scalars()
                if isinstance(d, dict) and "timer_id" in d)
            completed = set(conn.execute(sa.select(UserTask.id).where(
                UserTask.id.in_(ok), UserTask.completed_at.is_not(None))).scalars()) if ok else set()
            unfired = conn.execute(sa.select(sa.func.count()).select_from(Timer).where(
                Timer.id.in_(timer_ids), Timer.fired_at.is_(None))).scalar_one()
            conn.rollback()
    finally:
        services.db.dispose()
    wanted = set(timer_ids)
    return {
        "timers_fired": sum(1 for t in wanted if fired.get(t)),
        "timers_left": int(unfired),
        "duplicate_firings": sum(c - 1 for t, c in fired.items() if t in wanted and c > 1),
        "lost_writes": len(set(ok) - completed),
    }
