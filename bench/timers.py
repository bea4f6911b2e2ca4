"""One sweep firing many due timers: HKD dossiers waiting at the reception check, each with its
R14.4 forward-deadline timer, all due at the instant the sweep starts."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from bench import fill, lifecycle
from bench.env import BenchDB
from bench.stats import ms, percentile
from engine.clock import ManualClock
from models import AuditEvent, Timer
from processes.timers import fire_due_timers


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
    start = time.perf_counter()
    result = fire_due_timers(services, batch=n)
    elapsed = time.perf_counter() - start
    with services.db.connect() as conn:
        details = (
            conn.execute(sa.select(AuditEvent.detail).where(AuditEvent.kind == "timer_fired")).scalars().all()
        )
        left = conn.execute(
            sa.select(sa.func.count()).select_from(Timer).where(Timer.due_at <= due)
        ).scalar_one()
        conn.rollback()
    lateness = [float(d.get("lateness_s", 0.0)) for d in details]
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
