"""One sweep firing many due timers: HKD dossiers waiting at the reception check, each with its
R14.4 forward-deadline timer, all due at the instant the sweep starts."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from adapters.bootstrap import Services
from bench import fill, lifecycle
from bench.env import BenchDB
from bench.load import all_at_once
from bench.stats import ms, percentile
from engine.clock import ManualClock
from models import AuditEvent, Timer
from processes.timekeeping.timers import sweep_until_done


def run(db: BenchDB, n: int) -> dict[str, Any]:
    """Fill n waiting dossiers, make their timers due now, sweep once; report duration and lateness."""
    services = db.services()
    due = _due_now(db, services, n)
    # A timer has fired when its transaction commits: lateness is that wall-clock instant minus the
    # due instant (the sweep's own clock stands still during a sweep, so its audit detail cannot say);
    # a transaction that fires several counts once for each.
    committed: list[float] = []

    def on_commit(fired: int) -> None:
        committed.extend([time.time()] * fired)

    start = time.perf_counter()
    result = sweep_until_done(services, on_commit=on_commit)  # one tick of the sweeper: batches until none is due
    elapsed = time.perf_counter() - start
    with services.db.connect() as conn:
        left = conn.execute(
            sa.select(sa.func.count()).select_from(Timer).where(Timer.due_at <= due)
        ).scalar_one()
        conn.rollback()
    lateness = [t - due.timestamp() for t in committed]
    services.db.dispose()
    return {
        "count": n,
        "claimed": result.claimed,
        "fired": result.fired,
        "failed": result.failed,
        "left_due": int(left),
        "sweep_s": round(elapsed, 3),
        "per_s": round(result.fired / elapsed, 1),
        "lateness_ms_median": ms(percentile(lateness, 50)),
        "lateness_ms_p95": ms(percentile(lateness, 95)),
        "lateness_ms_max": ms(max(lateness, default=0.0)),
    }


def run_parallel(db: BenchDB, n: int, sweepers: int = 2) -> dict[str, Any]:
    """PostgreSQL: n due timers fired by `sweepers` sweepers at once (each a thread with its own owner and
    connection pool, as on separate nodes); every timer must fire exactly once."""
    services = db.services()
    due = _due_now(db, services, n)
    services.db.dispose()
    nodes = [db.services() for _ in range(sweepers)]
    results: list[Any] = [None] * sweepers

    def sweep(i: int, ready: Callable[[], object]) -> None:
        ready()
        results[i] = sweep_until_done(nodes[i], owner=f"bench-sweeper-{i}")

    elapsed = all_at_once(sweep, sweepers)
    for node in nodes:
        node.db.dispose()
    services = db.services()
    with services.db.connect() as conn:
        fired = Counter(int(d["timer_id"]) for d in conn.execute(
            sa.select(AuditEvent.detail).where(AuditEvent.kind == "timer_fired")).scalars()
            if isinstance(d, dict) and "timer_id" in d)
        left = conn.execute(sa.select(sa.func.count()).select_from(Timer).where(
            Timer.due_at <= due, Timer.fired_at.is_(None))).scalar_one()
        conn.rollback()
    services.db.dispose()
    return {
        "count": n,
        "sweepers": sweepers,
        "fired": sum(r.fired for r in results),
        "failed": sum(r.failed for r in results),
        "left_due": int(left),
        "duplicate_firings": sum(c - 1 for c in fired.values() if c > 1),
        "sweep_s": round(elapsed, 3),
        "per_s": round(sum(r.fired for r in results) / elapsed, 1) if elapsed else 0.0,
    }


def _due_now(db: BenchDB, services: Services, n: int) -> datetime:
    """n HKD dossiers waiting at the reception check (one submitted a month ago, so that the forward
    deadline kept in its workflow state has passed, and n - 1 copies of it), every timer due now."""
    past = datetime.now(UTC) - timedelta(days=30)
    template_services = db.services(clock=ManualClock(past))
    code = lifecycle.submit(template_services)
    template_services.db.dispose()
    template = fill.Template.read(services.db, code)
    if "timers" not in template.children:
        raise RuntimeError("the HKD dossier waiting at the reception check has no timer")
    fill.copy_dossier(services.db, template, n - 1, timer_due=datetime(2999, 1, 1, tzinfo=UTC))
    due = datetime.now(UTC)
    with services.db.begin() as conn:
        conn.execute(sa.update(Timer).values(due_at=due))
    return due
