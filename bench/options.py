"""How big a benchmark run is. Light on purpose: the `motcua` command line imports it to build
its parser, so nothing heavy is imported here."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Options:
    instances: int = 300  # peer instances per round (use cases and HTTP); the bare engine runs 4x as many
    rounds: int = 3  # rounds of the peer measurement, interleaved with the bare engine; medians reported
    lifecycles: int = 100  # HKD dossiers from submission to delivery
    growth: tuple[int, ...] = (1_000, 10_000, 100_000)  # finished dossiers in the database at each step
    growth_ops: int = 50  # repetitions of each operation at each step
    timers: int = 10_000  # due timers fired by one sweep
    clients: int = 16  # concurrent HTTP clients
    per_client: int = 25  # dossiers per client (two completions each)
    nodes: int = 3  # servers on one PostgreSQL database in the multi-node section (each with its sweeper)
    postgres: bool = True  # also PostgreSQL, when a server answers
    http: bool = True  # the HTTP sections (a gunicorn subprocess)
    svg: str | None = None  # write the growth plot here


QUICK = Options(
    instances=60, rounds=3, lifecycles=20, growth=(100, 1_000), growth_ops=20, timers=1_000, per_client=8
)
SMOKE = Options(
    instances=8, rounds=1, lifecycles=3, growth=(20, 60), growth_ops=4, timers=30, clients=4, per_client=3
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags that shrink or grow a run (defaults: the full run, or --quick)."""
    parser.add_argument("--instances", type=int, help="peer instances per round (default 300, quick 60)")
    parser.add_argument("--rounds", type=int, help="peer rounds, medians reported (default 3)")
    parser.add_argument(
        "--lifecycles", type=int, help="HKD dossiers submission→delivery (default 100, quick 20)"
    )
    parser.add_argument(
        "--growth", type=_steps, help="history sizes, e.g. 1000,10000,100000 (quick 100,1000)"
    )
    parser.add_argument("--growth-ops", type=int, help="repetitions per operation and step (default 50)")
    parser.add_argument(
        "--timers", type=int, help="due timers fired by one sweep (default 10000, quick 1000)"
    )
    parser.add_argument("--clients", type=int, help="concurrent HTTP clients (default 16)")
    parser.add_argument("--per-client", type=int, help="dossiers per client (default 25, quick 8)")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--no-http", action="store_true", help="skip the sections that start gunicorn")
    parser.add_argument("--svg", help="write the growth plot (SVG) to this file")


def from_args(args: argparse.Namespace) -> Options:
    base = QUICK if getattr(args, "quick", False) else Options()
    changes = {
        name: getattr(args, name)
        for name in (
            "instances",
            "rounds",
            "lifecycles",
            "growth",
            "growth_ops",
            "timers",
            "clients",
            "per_client",
            "svg",
        )
        if getattr(args, name, None) is not None
    }
    if getattr(args, "no_postgres", False):
        changes["postgres"] = False
    if getattr(args, "no_http", False):
        changes["http"] = False
    return replace(base, **changes)


def _steps(text: str) -> tuple[int, ...]:
    try:
        steps = tuple(int(x.replace("_", "")) for x in text.split(",") if x.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a list of numbers such as 1000,10000") from None
    if not steps or sorted(steps) != list(steps) or steps[0] < 1:
        raise argparse.ArgumentTypeError("growth steps must be positive and increasing")
    return steps
