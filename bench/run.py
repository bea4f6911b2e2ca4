"""`motcua bench`: every measurement of issue 7 in one run, side by side, in a temporary folder
(and throw-away PostgreSQL databases) that is removed at the end. Progress goes to stderr; the
table, or with --json one JSON object, to stdout. Every figure is measured in the run except the
`reference` section (bench/reference.py: spiff-arena's figures, measured elsewhere), labelled so."""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench import growth, lifecycle, load, multinode, peer, timers
from bench.env import BenchDB, Databases, postgres_admin_url
from bench.http import Server
from bench.machine import describe
from bench.options import QUICK, Options
from bench.profile import full_scans, profile_peer, statements_per_use_case
from bench.reference import reference
from bench.report import check_targets, growth_svg, table
from bench.stats import Samples, latency_summary, median

Log = Callable[[str], None]


def main(json_output: bool = False, quick: bool = False, options: Options | None = None) -> int:
    """Run the benchmark and print it; 0 when every section ran (targets missed still print as MISS)."""
    opts = options or (QUICK if quick else Options())

    def log(message: str) -> None:
        print(f"bench: {message}", file=sys.stderr, flush=True)

    try:
        result = run(opts, log)
    except Exception as exc:  # noqa: BLE001 — one line, no traceback (CONTRACT)
        print(f"motcua bench: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    if opts.svg and result.get("growth"):
        Path(opts.svg).write_text(
            growth_svg(result["growth"], "Per-operation cost as the history grows (SQLite)"), encoding="utf-8"
        )
    print(json.dumps(result, ensure_ascii=False, indent=2) if json_output else table(result))
    return 0


def run(opts: Options, log: Log) -> dict[str, Any]:
    pg_url = postgres_admin_url() if opts.postgres else None
    backends = ["sqlite"] + (["postgresql"] if pg_url else [])
    notes: list[str] = []
    if opts.postgres and not pg_url:
        notes.append("PostgreSQL skipped: no server answered (set MOTCUA_BENCH_POSTGRES_URL)")
    result: dict[str, Any] = {
        "machine": describe(pg_url),
        "options": asdict(opts),
        "reference": reference(),  # measured elsewhere, never in this run
    }
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="motcua-bench-") as tmp:
        root = Path(tmp)
        databases = Databases(root, pg_url)
        database = databases.create
        try:
            result["peer"] = peer_section(opts, backends, database, log)
            log("profile of the peer process through the use cases (SQLite)")
            profiled = database("sqlite", "profile")
            result["profile"] = {
                **statements_per_use_case(profiled),
                **profile_peer(profiled, max(opts.instances // 3, 5)),
                "full_table_scans": full_scans(profiled),
            }
            result["lifecycle"], db_sizes = lifecycle_section(opts, backends, database, log)
            result["audit"] = db_sizes.pop("audit")
            log(f"audit verify: {result['audit']['verify_per_s']:,} events/s")
            log(f"growth on SQLite: {', '.join(f'{n:,}' for n in opts.growth)} dossiers")
            result["growth"] = growth.run(database("sqlite", "growth"), list(opts.growth), opts.growth_ops)
            log(f"timers: one sweep firing {opts.timers:,}")
            t = timers.run(database("sqlite", "timers"), opts.timers)
            t["sweep_10k_s"] = round(t["sweep_s"] * 10_000 / opts.timers, 3)
            t["extrapolated_to_10k"] = opts.timers != 10_000
            if "postgresql" in backends:
                log(f"timers on PostgreSQL: {opts.timers:,} fired by 2 sweepers at once")
                pg = timers.run_parallel(database("postgresql", "timers"), opts.timers, sweepers=2)
                t["postgresql_2_sweepers"] = pg
                t["pg_sweep_10k_s"] = round(pg["sweep_s"] * 10_000 / opts.timers, 3)
                log(f"timers on PostgreSQL: {pg['per_s']}/s, {pg['duplicate_firings']} duplicate firings")
            result["timers"] = t
            peer_sizes = {
                f"db_bytes_per_dossier{'' if b == 'sqlite' else '_' + b}": result["peer"].pop(
                    f"db_bytes_per_instance_{b}"
                )
                for b in backends
            }  # a finished peer-process dossier: like for like with the peer's 10 KB per instance
            result["memory"] = {**peer_sizes, **db_sizes, "peak_rss_mb": None}
            if opts.http:
                http_section(opts, backends, database, root, result, log)
                if "postgresql" in backends:
                    n_timers = max(opts.timers // 10, 10)
                    log(f"multi-node: {opts.nodes} servers on one PostgreSQL database, {opts.clients} clients, "
                        f"{n_timers} due timers")
                    m = multinode.run(database("postgresql", "multinode"), root, opts.nodes, opts.clients,
                                      opts.per_client, n_timers)
                    m["single_node_per_s"] = result["concurrency"]["postgresql"]["throughput_per_s"]
                    log(f"multi-node: {m['per_s']}/s (one node {m['single_node_per_s']}/s), p99 {m['p99_ms']} ms, "
                        f"{m['errors']} errors, {m['duplicate_firings']} duplicate firings, "
                        f"{m['lost_writes']} lost writes")
                    result["multinode"] = m
                else:
                    notes.append("multi-node section skipped: it needs PostgreSQL")
            else:
                notes.append("HTTP sections skipped (--no-http)")
        finally:
            databases.drop_all()
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["targets"] = check_targets(result)
    result["notes"] = notes
    return result


def peer_section(
    opts: Options, backends: list[str], database: Callable[[str, str], BenchDB], log: Log
) -> dict[str, Any]:
    """Bare engine and use cases, rounds interleaved so that a noisy neighbour hits both alike."""
    bare = peer.BareEngine()
    bare.run(20)
    out: dict[str, Any] = {}
    bare_rounds: list[float] = []
    for backend in backends:
        db = database(backend, "peer")
        services = db.services()
        peer.run_usecases(services, 5, Samples())  # warm: definition parsed, calendar and sandbox cached
        size0 = db.size_bytes(services.db)
        samples = Samples()
        rounds = []
        for r in range(opts.rounds):
            if backend == "sqlite":
                bare_rounds.append(bare.run(opts.instances * 4))
            rounds.append(peer.run_usecases(services, opts.instances, samples))
            log(
                f"peer on {backend}, round {r + 1}: {rounds[-1]:.1f}/s through the use cases"
                + (f", bare engine {bare_rounds[-1]:.0f}/s" if backend == "sqlite" else "")
            )
        size1 = db.size_bytes(services.db)
        services.db.dispose()
        completion = latency_summary(samples.get("complete"))
        out[f"usecase_{backend}_per_s"] = round(median(rounds), 1)
        out[f"usecase_{backend}_rounds"] = [round(x, 1) for x in rounds]
        out[f"usecase_{backend}_completion"] = completion
        out[f"usecase_{backend}_submit"] = latency_summary(samples.get("submit"))
        out[f"db_bytes_per_instance_{backend}"] = round((size1 - size0) / (opts.rounds * opts.instances))
        if backend == "sqlite":
            out["completion_ms_median"] = completion["median_ms"]
            out["completion_ms_p95"] = completion["p95_ms"]
    out["bare_per_s"] = round(median(bare_rounds), 1)
    out["bare_rounds"] = [round(x, 1) for x in bare_rounds]
    out["bare_state_bytes"] = bare.state_bytes
    out["ratio"] = round(out["usecase_sqlite_per_s"] / out["bare_per_s"], 3)
    return out


def lifecycle_section(
    opts: Options, backends: list[str], database: Callable[[str, str], BenchDB], log: Log
) -> tuple[dict[str, Any], dict[str, Any]]:
    out: dict[str, Any] = {}
    sizes: dict[str, Any] = {}
    for backend in backends:
        db = database(backend, "lifecycle")
        services = db.services()
        lifecycle.run(services, 2, Samples())
        size0 = db.size_bytes(services.db)
        samples = Samples()
        per_s = lifecycle.run(services, opts.lifecycles, samples)
        size1 = db.size_bytes(services.db)
        if backend == "sqlite":
            sizes["audit"] = _verify_rate(services)
        services.db.dispose()
        size2 = _after_archive(db)
        log(f"HKD lifecycle on {backend}: {per_s:.1f}/s")
        key = "" if backend == "sqlite" else f"_{backend}"
        out[f"per_s{key}"] = round(per_s, 1)
        out[f"submit{key}"] = latency_summary(samples.get("submit"))
        out[f"complete{key}"] = latency_summary(samples.get("complete"))
        bytes_per = round((size1 - size0) / opts.lifecycles)
        sizes[f"db_bytes_per_hkd_dossier{key}"] = bytes_per
        # The steady state: every message sent (fake ports) and its body archived after
        # [outbox] archive_after_days, as the sweeper leaves a finished dossier a month later.
        sizes[f"db_bytes_per_hkd_dossier_archived{key}"] = round((size2 - size0) / opts.lifecycles)
    out["dossiers"] = opts.lifecycles
    return out, sizes


def _after_archive(db: BenchDB) -> int:
    """The database's size once its messages were sent and their bodies archived a month later."""
    from processes.outbox import ARCHIVE_AFTER_DAYS, archive_sent, dispatch_outbox

    services = db.services()
    dispatch_outbox(services, batch=1000)
    later = services.clock.now() + timedelta(days=ARCHIVE_AFTER_DAYS + 1)
    archive_sent(services, now=later)
    size = db.size_bytes(services.db)
    services.db.dispose()
    return size


def _verify_rate(services: Any) -> dict[str, Any]:
    """`motcua audit verify` over the lifecycle database (chains, states; no checkpoint): events per second."""
    from processes.audit import verify

    with services.session_factory() as s:
        start = time.perf_counter()
        checked = verify(s)
        elapsed = time.perf_counter() - start
    if not checked.ok:
        raise RuntimeError(f"audit verify failed on the benchmark's own database: {checked.reason}")
    return {"events": checked.count, "seconds": round(elapsed, 3),
            "verify_per_s": round(checked.count / elapsed, 1) if elapsed else 0.0}


def http_section(
    opts: Options,
    backends: list[str],
    database: Callable[[str, str], BenchDB],
    root: Path,
    result: dict[str, Any],
    log: Log,
) -> None:
    conc: dict[str, Any] = {}
    rss: dict[str, Any] = {}
    for backend in backends:
        db = database(backend, "http")
        tok = load.tokens(db)
        with Server(db, root) as server:
            load.run_peer(server.port, tok, 5, Samples())  # warm both workers
            samples = Samples()
            rounds = [load.run_peer(server.port, tok, opts.instances, samples) for _ in range(opts.rounds)]
            completion = latency_summary(samples.get("complete"))
            result["peer"][f"http_{backend}_per_s"] = round(median(rounds), 1)
            result["peer"][f"http_{backend}_completion"] = completion
            if backend == "sqlite":
                result["peer"]["http_completion_ms_median"] = completion["median_ms"]
            log(
                f"peer through HTTP on {backend}: {median(rounds):.1f}/s, "
                f"completion {completion['median_ms']} ms"
            )
            c = load.run_concurrency(db, server.port, tok, opts.clients, opts.per_client)
            log(
                f"{opts.clients} clients on {backend}: {c['throughput_per_s']}/s, p99 {c['p99_ms']} ms, "
                f"{c['errors']} errors"
            )
            conc[backend] = c
            rss[backend] = server.peak_rss_mb()
    first = conc["sqlite"]
    result["concurrency"] = {
        "clients": opts.clients,
        "throughput_per_s": first["throughput_per_s"],
        "p50_ms": first["p50_ms"],
        "p95_ms": first["p95_ms"],
        "p99_ms": first["p99_ms"],
        "errors": sum(c["errors"] for c in conc.values()),
        **conc,
    }
    result["memory"]["peak_rss_mb"] = max(r["peak_mb"] for r in rss.values())
    result["memory"]["server"] = rss
