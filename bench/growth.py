"""Per-operation cost as the history grows: 10³, 10⁴, 10⁵ finished dossiers already in the database
(copied in bulk from one real finished HKD dossier), then the same operations measured at each step."""

from __future__ import annotations

import random
from typing import Any

from adapters.bootstrap import Services
from bench import fill, lifecycle
from bench.env import BenchDB
from bench.stats import Samples, median, ms
from processes.desk.tasks import list_tasks
from processes.dossier.dossiers import get_dossier
from processes.submission.portal_dossiers import public_status

# submit: a citizen submits an HKD dossier with two papers; complete: reception accepts it;
# task_list: the reception officer's task list; lookup: the public look-up by code and phone (/track);
# view: the applicant opens the dossier (history, notices, open tasks).
OPERATIONS = ("submit", "complete", "task_list", "lookup", "view")


def measure(services: Services, codes: list[str], m: int, rng: random.Random) -> dict[str, float]:
    """Median milliseconds of each operation, over m repetitions."""
    samples = Samples()
    fresh = [lifecycle.submit(services, samples) for _ in range(m)]
    for _ in range(m):
        with samples.time("task_list"):
            listed = list_tasks(services, "reception")
        if not listed:
            raise RuntimeError("the reception officer's task list is empty")
    for code in fresh:
        lifecycle.work(services, code, 1, samples)  # the reception check
    for n, code in enumerate(rng.sample(codes, min(m, len(codes)))):
        with samples.time("lookup"):  # each from its own address: the look-up limit is per address
            found = public_status(
                services, code, lifecycle.FORM["so_dien_thoai"], f"10.7.{n // 250}.{n % 250}"
            )
        with samples.time("view"):
            view = get_dossier(services, "citizen", code)
        if found["code"] != code or view["code"] != code:
            raise RuntimeError(f"look-up of {code} returned {found['code']} and {view['code']}")
    result = {op: ms(median(samples.get(op))) for op in OPERATIONS}
    result["total_ms"] = round(sum(result[op] for op in OPERATIONS), 3)
    return result


def run(db: BenchDB, steps: list[int], m: int, seed: int = 7) -> dict[str, Any]:
    services = db.services()
    rng = random.Random(seed)
    template = fill.Template.read(services.db, lifecycle.lifecycle(services))
    codes = [template.dossier["code"]]
    measure(services, codes, max(3, m // 5), rng)  # warm caches first, so the first step is not penalised
    points: list[dict[str, Any]] = []
    for target in steps:
        missing = target - len(codes)
        if missing > 0:
            codes += fill.copy_dossier(services.db, template, missing, start=len(codes))
        points.append({"dossiers": target, **measure(services, codes, m, rng)})
    services.db.dispose()
    first, last = points[0], points[-1]
    ratio = round(last["total_ms"] / first["total_ms"], 3) if first["total_ms"] else 0.0
    return {
        "steps": points,
        "ratio_1e5_1e3": ratio,
        "ratio_from": first["dossiers"],
        "ratio_to": last["dossiers"],
        "ratio_by_operation": {op: round(last[op] / first[op], 3) if first[op] else 0.0 for op in OPERATIONS},
        "operations_per_step": m,
    }
