"""Reference values that `motcua bench` does NOT measure: figures of spiff-arena's backend
(`sartography/spiff-arena`, the SpiffWorkflow team's own Flask + SQLAlchemy application) running a
process like bench/peer.bpmn on SQLite, recorded when the benchmark was written (commit 061094e) and
measured elsewhere, outside this run and outside this code. They are printed beside the run's own
figures only for orientation (the target "10x the peer" is set against them); a change of machine
does not move them, and nothing here checks them."""

from __future__ import annotations

from typing import Any

NOT_MEASURED = "reference, not measured in this run"

SPIFF_ARENA: dict[str, Any] = {
    "system": "spiff-arena backend (sartography/spiff-arena: Flask, SQLAlchemy, SpiffWorkflow), SQLite",
    "measured_elsewhere": True,
    "measured_in_this_run": False,
    "source": "recorded when the benchmark was written (commit 061094e); measured outside motcua bench, "
    "never re-measured by it",
    "figures": {
        "service_per_s": 11,  # peer-process instances per second through its service layer
        "http_per_s": 9,  # the same through its HTTP API
        "completion_ms_median_service": 28,
        "completion_ms_median_http": 37,
        "statements_per_completion": 83,
        "commits_per_completion": 5,
        "growth_ms_at_0_instances": 37,  # per-operation cost with an empty history ...
        "growth_ms_at_1e4_instances": 42,  # ... and with 10,000 instances
        "db_bytes_per_instance": 10_240,
    },
}


def reference() -> dict[str, Any]:
    """The `reference` section of the result: each system measured elsewhere, labelled as such."""
    return {"note": NOT_MEASURED, "spiff_arena": SPIFF_ARENA}
