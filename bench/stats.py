"""Small timing helpers: a stopwatch and the summary figures every section reports."""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0–100) by linear interpolation; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def latency_summary(samples: list[float]) -> dict[str, float]:
    """Median, p95, p99 and max of samples in seconds, reported in milliseconds."""
    return {
        "median_ms": ms(percentile(samples, 50)),
        "p95_ms": ms(percentile(samples, 95)),
        "p99_ms": ms(percentile(samples, 99)),
        "max_ms": ms(max(samples, default=0.0)),
        "n": len(samples),
    }


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


class Samples:
    """Collects durations by name: `with samples.time("complete"): ...`."""

    def __init__(self) -> None:
        self.by_name: dict[str, list[float]] = {}

    @contextmanager
    def time(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.by_name.setdefault(name, []).append(time.perf_counter() - start)

    def get(self, name: str) -> list[float]:
        return self.by_name.get(name, [])
