"""The timer sweeper and outbox dispatcher: an APScheduler job beside the web server."""
from __future__ import annotations

import logging
import time

from apscheduler.schedulers.background import BackgroundScheduler

from adapters.bootstrap import Services
from processes.audit import make_checkpoint
from processes.idempotency import purge_expired
from processes.outbox import archive_sent, dispatch_outbox
from processes.reports.oversight import queue_annual_reminders
from processes.timekeeping.timers import sweep_until_done

log = logging.getLogger("motcua.sweeper")
PURGE_EVERY = 600.0  # seconds between two purges (idempotency keys, sent outbox bodies) by one process
_last_purge: list[float] = []  # monotonic instant of this process's last purge


def sweep_once(services: Services) -> None:
    try:
        result = sweep_until_done(services)  # after downtime, everything overdue fires in this tick
        if result.claimed:
            log.info("timers: %d claimed, %d fired, %d failed", result.claimed, result.fired, result.failed)
        queue_annual_reminders(services)  # the annual report's dates (R17.1), once each
        dispatch_outbox(services)
        if not _last_purge or time.monotonic() - _last_purge[0] >= PURGE_EVERY:
            _last_purge[:] = [time.monotonic()]
            purged = purge_expired(services)
            if purged:
                log.info("idempotency: %d expired keys purged", purged)
            archived = archive_sent(services)
            if archived:
                log.info("outbox: %d sent messages archived", archived)
    except Exception:  # a sweep that fails is logged and tried again next tick; it never dies
        log.exception("sweep failed")


def reconcile_once(services: Services) -> None:
    """The daily reconciliation of online payments with the gateways (processes.payments.reconcile)."""
    from processes.payments.reconcile import reconcile_daily

    try:
        summary = reconcile_daily(services)
        log.info("payments: %d attempts checked, %d expired, %d incidents", summary["checked"],
                 summary["expired"], len(summary["incidents"]))
    except Exception:  # logged; tomorrow's run (or `motcua payments reconcile`) tries again
        log.exception("payment reconciliation failed")
def checkpoint_once(services: Services) -> None:
    try:
        make_checkpoint(services)
    except Exception:  # logged; the next period tries again
        log.exception("audit checkpoint failed")


def start_sweeper(services: Services) -> BackgroundScheduler:
    """Start sweeping every `timers.sweep_seconds`; any number of sweepers may run at once."""
    scheduler = BackgroundScheduler(daemon=True)
    scheduler.add_job(sweep_once, "interval", args=[services],
                      seconds=float(services.config["timers"]["sweep_seconds"]),
                      max_instances=1, coalesce=True, id="sweep")
    at = str(services.config.get("payments", {}).get("reconcile_at") or "")
    if at:  # `[payments] reconcile_at` = "HH:MM" local time; "" turns the daily run off
        hour, _, minute = at.partition(":")
        scheduler.add_job(reconcile_once, "cron", args=[services], hour=int(hour), minute=int(minute or 0),
                          timezone=str(services.config["calendar"]["timezone"]), max_instances=1,
                          coalesce=True, id="reconcile_payments")
    minutes = float(services.config.get("audit", {}).get("checkpoint_minutes") or 0)
    if minutes > 0:  # several nodes may each checkpoint: harmless, every file verifies on its own
        scheduler.add_job(checkpoint_once, "interval", args=[services], minutes=minutes,
                          max_instances=1, coalesce=True, id="audit_checkpoint")
    scheduler.start()
    return scheduler
