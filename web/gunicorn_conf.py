"""gunicorn settings for `make run`: the production server, with the sweeper in the master."""
from __future__ import annotations

import sys
from typing import Any

from adapters.config import InsecureConfig, check_secret_key, load_config

_config = load_config()
try:
    check_secret_key(_config)
except InsecureConfig as _exc:
    print(f"motcua: {_exc}", file=sys.stderr)
    raise SystemExit(1) from None
_server = _config.get("server", {})

import os  # noqa: E402

bind = f"{_server.get('host', '127.0.0.1')}:{os.environ.get('PORT', _server.get('port', 5000))}"
workers = int(_server.get("workers", 2))
threads = int(_server.get("threads", 4))
worker_class = "gthread"
accesslog = "-"
graceful_timeout = 10
_scheduler: Any = None


def when_ready(server: Any) -> None:
    """Start the timer sweeper once, in the master process (workers only serve requests)."""
    global _scheduler
    from adapters.bootstrap import bootstrap
    from web.sweeper import start_sweeper

    _scheduler = start_sweeper(bootstrap(_config))
    server.log.info("timer sweeper started (every %ss)", _config["timers"]["sweep_seconds"])


def on_exit(server: Any) -> None:
    if _scheduler is not None:
        _scheduler.shutdown(wait=False)
