"""What the figures were measured on."""

from __future__ import annotations

import os
import platform
import sqlite3
from pathlib import Path
from typing import Any

import SpiffWorkflow
import sqlalchemy as sa


def describe(pg_url: str | None) -> dict[str, Any]:
    cpu = "unknown"
    ram_gb = 0.0
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": ram_gb,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": _pg_version(pg_url),
        "spiffworkflow": getattr(SpiffWorkflow, "__version__", "3.2"),
        "sqlalchemy": sa.__version__,
        "load_average": _load(),
    }


def _pg_version(url: str | None) -> str | None:
    if not url:
        return None
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return str(conn.exec_driver_sql("SHOW server_version").scalar_one())
    except Exception:  # noqa: BLE001 — the version is only shown
        return None
    finally:
        engine.dispose()


def _load() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []
