"""The benchmark (`motcua bench`, docs/performance.md) in miniature, so that it never rots: a few
dozen instances through every section. Figures are only checked to be sane — never timed."""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any

from bench.options import SMOKE
from bench.report import TARGETS, lookup
from bench.run import run

REQUIRED = [
    "peer.bare_per_s",
    "peer.usecase_sqlite_per_s",
    "peer.http_sqlite_per_s",
    "peer.ratio",
    "peer.completion_ms_median",
    "lifecycle.per_s",
    "growth.ratio_1e5_1e3",
    "timers.sweep_10k_s",
    "concurrency.p99_ms",
    "memory.peak_rss_mb",
    "memory.db_bytes_per_dossier",
]


def test_every_section_runs_and_reports_sane_figures() -> None:
    with_pg = bool(os.environ.get("MOTCUA_TEST_POSTGRES_URL"))
    messages: list[str] = []
    result: dict[str, Any] = run(replace(SMOKE, postgres=with_pg), messages.append)

    for path in REQUIRED:
        value = lookup(result, path)
        assert isinstance(value, (int, float)) and value > 0, f"{path} = {value!r}"
    assert lookup(result, "concurrency.errors") == 0, result["concurrency"]
    timers = result["timers"]
    assert (
        timers["fired"] == timers["count"] == SMOKE.timers
        and timers["failed"] == 0
        and timers["left_due"] == 0
    )
    assert [p["dossiers"] for p in result["growth"]["steps"]] == list(SMOKE.growth)
    assert set(result["targets"]) == {path for path, *_ in TARGETS}
    assert result["profile"]["full_table_scans"] == []  # every look-up of the hot use cases has its index
    assert result["reference"]["spiff_arena"]["measured_elsewhere"] is True  # spiff-arena is never run here
    assert lookup(result, "audit.verify_per_s") > 0
    if with_pg:
        assert lookup(result, "peer.usecase_postgresql_per_s") > 0
        assert lookup(result, "concurrency.postgresql.errors") == 0
        pg_timers = result["timers"]["postgresql_2_sweepers"]
        assert (pg_timers["fired"], pg_timers["left_due"], pg_timers["duplicate_firings"]) == (SMOKE.timers, 0, 0)
        m = result["multinode"]  # three servers, each with its sweeper, on one PostgreSQL database
        assert m["nodes"] == 3 and m["per_s"] > 0 and m["completions"] > 0, m
        assert (m["errors"], m["duplicate_firings"], m["lost_writes"], m["timers_left"]) == (0, 0, 0, 0), m
        assert m["timers_fired"] == m["timers"] >= 10
