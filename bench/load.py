"""Load through HTTP: the peer process by one client, and many concurrent clients completing tasks
on different dossiers."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from bench import peer
from bench.env import PEER_CODE, BenchDB
from bench.http import Client
from bench.stats import Samples, latency_summary
from processes.submission.submission import Submission, submit_dossier
from web.auth import make_token

USERS = ("citizen", "reception", "specialist")


def tokens(db: BenchDB) -> dict[str, str]:
    services = db.services()
    found = {u: make_token(services, u) for u in USERS}
    services.db.dispose()
    return found


def http_instance(port: int, tok: dict[str, str], samples: Samples, clients: dict[str, Client]) -> None:
    """One peer instance through the API: submit, open the dossier as reception, complete both tasks."""
    with samples.time("submit"):
        status, body = clients["citizen"].request(
            "POST",
            "/api/v1/dossiers",
            {"procedure": PEER_CODE, "form": dict(peer.FORM), "declaration": True},
        )
    if status != 201:
        raise RuntimeError(f"submit answered {status}: {body}")
    status, view = clients["reception"].request("GET", f"/api/v1/dossiers/{body['code']}")
    if status != 200:
        raise RuntimeError(f"dossier look-up answered {status}: {view}")
    for officer, data in peer.STEPS:
        task_id = view["open_tasks"][0]["id"]
        with samples.time("complete"):
            status, view = clients[officer].request(
                "POST", f"/api/v1/tasks/{task_id}/complete", {"data": data}
            )
        if status != 200:
            raise RuntimeError(f"completion answered {status}: {view}")
    if view["open_tasks"]:
        raise RuntimeError(f"peer dossier {body['code']} did not finish")


def run_peer(port: int, tok: dict[str, str], n: int, samples: Samples) -> float:
    """Peer instances per second through HTTP, one client (one keep-alive connection per user)."""
    clients = {u: Client(port, tok[u]) for u in USERS}
    try:
        start = time.perf_counter()
        for _ in range(n):
            http_instance(port, tok, samples, clients)
        return n / (time.perf_counter() - start)
    finally:
        for c in clients.values():
            c.close()


def run_concurrency(
    db: BenchDB, port: int, tok: dict[str, str], clients: int, per_client: int
) -> dict[str, Any]:
    """`clients` threads, each completing both tasks of its own `per_client` dossiers, all at once."""
    services = db.services()
    work = [
        [
            peer.open_task_id(
                services,
                submit_dossier(
                    services,
                    peer.APPLICANT,
                    Submission(PEER_CODE, dict(peer.FORM), "counter", declaration=True),
                )["code"],
            )
            for _ in range(per_client)
        ]
        for _ in range(clients)
    ]
    services.db.dispose()
    driven = complete_over_http([port], tok, work)
    elapsed = driven["seconds"]
    samples, found = driven["latencies"], driven["errors"]
    summary = latency_summary(samples)
    return {
        "clients": clients,
        "completions": len(samples),
        "seconds": round(elapsed, 3),
        "throughput_per_s": round(len(samples) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": summary["median_ms"],
        "p95_ms": summary["p95_ms"],
        "p99_ms": summary["p99_ms"],
        "max_ms": summary["max_ms"],
        "errors": len(found),
        "first_errors": found[:3],
    }


def all_at_once(work: Callable[[int, Callable[[], object]], None], count: int) -> float:
    """Run `work(i, ready)` for i in 0..count-1, each in its own thread; each calls `ready()` once set up,
    and all are released together. The seconds from that release until the last one ends."""
    barrier = threading.Barrier(count + 1)
    threads = [threading.Thread(target=work, args=(i, barrier.wait), daemon=True) for i in range(count)]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    return time.perf_counter() - start


def complete_over_http(ports: list[int], tok: dict[str, str], work: list[list[str]]) -> dict[str, Any]:
    """One client per list of `work`, on the server of `ports` it is given (round robin), completing both
    tasks of each of its dossiers, all clients at once: the seconds, every latency, every error, and the
    dossiers whose every completion was answered 200."""
    latencies: list[list[float]] = [[] for _ in work]
    errors: list[list[str]] = [[] for _ in work]
    ok: list[list[str]] = [[] for _ in work]

    def client(n: int, ready: Callable[[], object]) -> None:
        conns = {u: Client(ports[n % len(ports)], tok[u]) for u in ("reception", "specialist")}
        ready()
        for task_id in work[n]:
            for officer, data in peer.STEPS:
                start = time.perf_counter()
                try:
                    status, view = conns[officer].request("POST", f"/api/v1/tasks/{task_id}/complete",
                                                          {"data": data})
                except Exception as exc:  # noqa: BLE001 — counted, never hidden
                    errors[n].append(f"{type(exc).__name__}: {exc}")
                    break
                latencies[n].append(time.perf_counter() - start)
                if status != 200:
                    errors[n].append(f"HTTP {status}: {view}")
                    break
                ok[n].append(task_id)
                task_id = view["open_tasks"][0]["id"] if view["open_tasks"] else ""
        for c in conns.values():
            c.close()

    seconds = all_at_once(client, len(work))
    return {"seconds": seconds, "latencies": [x for per in latencies for x in per],
            "errors": [e for per in errors for e in per], "ok": [t for per in ok for t in per]}
