"""One sweep firing many due timers: HKD dossiers waiting at the reception check, each with its
R14.4 forward-deadline timer, all due at the instant the sweep starts."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from bench import fill, lifecycle
from bench.env import BenchDB
from bench.stats import ms, percentile
from engine.clock import ManualClock
from models import AuditEvent, Timer
from processes.timekeeping.timers import sweep_until_done


def run(db: BenchDB, n: int) -> dict[str, Any]:
    """Fill n waiting dossiers, make their timers due now, sweep once; report duration and lateness."""
    past = datetime.now(UTC) - timedelta(days=30)
    # Submitted a month ago, so the forward deadline kept in the workflow state has passed.
    template_services = db.services(clock=ManualClock(past))
    code = lifecycle.submit(template_services)
    template_services.db.dispose()
    services = db.services()
    template = fill.Template.read(services.db, code)
    if "timers" not in template.children:
        raise RuntimeError("the HKD dossier waiting at the reception check has no timer")
    far = datetime(2999, 1, 1, tzinfo=UTC)
    fill.copy_dossier(services.db, template, n - 1, timer_due=far)
    with services.db.begin() as conn:
        due = datetime.now(UTC)
        conn.execute(sa.update(Timer).values(due_at=due))
    # A timer has fired when its transaction commits: lateness is that wall-clock instant minus the
    # due instant (the sweep's own clock stands still during a sweep, so its audit detail cannot say).
    committed: list[float] = []

    def on_commit(_conn: Any) -> None:
        committed.append(time.time())

    sa.event.listen(services.db, "commit", on_commit)
    start = time.perf_counter()
    result = sweep_until_done(services)  # what one tick of the sweeper does: batches until none is due
    elapsed = time.perf_counter() - start
    sa.event.remove(services.db, "commit", on_commit)
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
    past = datetime.now(UTC) - timedelta(days=30)
    template_services = db.services(clock=ManualClock(past))
    code = lifecycle.submit(template_services)
    template_services.db.dispose()
    services = db.services()
    template = fill.Template.read(services.db, code)
    fill.copy_dossier(services.db, template, n - 1, timer_due=datetime(2999, 1, 1, tzinfo=UTC))
    with services.db.begin() as conn:
        due = datetime.now(UTC)
        conn.execute(sa.update(Timer).values(due_at=due))
    services.db.dispose()
    nodes = [db.services() for _ in range(sweepers)]
    results: list[Any] = [None] * sweepers
    barrier = threading.Barrier(sweepers + 1)

    def sweep(i: int) -> None:
        barrier.wait()
        results[i] = sweep_until_done(nodes[i], owner=f"bench-sweeper-{i}")

    threads = [threading.Thread(target=sweep, args=(i,), daemon=True) for i in range(sweepers)]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
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
