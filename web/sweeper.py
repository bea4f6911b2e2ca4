"""The timer sweeper and outbox dispatcher: an APScheduler job beside the web server."""
from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler

from adapters.bootstrap import Services
from processes.outbox import dispatch_outbox
from processes.reports.oversight import queue_annual_reminders
from processes.timekeeping.timers import sweep_until_done

log = logging.getLogger("motcua.sweeper")


def sweep_once(services: Services) -> None:
    try:
        result = sweep_until_done(services)  # after downtime, everything overdue fires in this tick
        if result.claimed:
            log.info("timers: %d claimed, %d fired, %d failed", result.claimed, result.fired, result.failed)
        queue_annual_reminders(services)  # the annual report's dates (R17.1), once each
        dispatch_outbox(services)
    except Exception:  # a sweep that fails is logged and tried again next tick; it never dies
        log.exception("sweep failed")


def start_sweeper(services: Services) -> BackgroundScheduler:
    """Start sweeping every `timers.sweep_seconds`; any number of sweepers may run at once."""
    scheduler = BackgroundScheduler(daemon=True)
    scheduler.add_job(sweep_once, "interval", args=[services],
                      seconds=float(services.config["timers"]["sweep_seconds"]),
                      max_instances=1, coalesce=True, id="sweep")
    scheduler.start()
    return scheduler
