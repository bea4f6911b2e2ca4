"""The benchmark says what it measured: spiff-arena's figures are reference values measured
elsewhere, labelled so in the JSON and on every line of the text table (no run needed)."""
from __future__ import annotations

import json
from typing import Any

from bench.reference import reference
from bench.report import check_targets, table

MACHINE = {"cpus": 2, "cpu": "test", "ram_gb": 1.0, "python": "3.11", "sqlite": "3.40", "postgresql": None}


def result() -> dict[str, Any]:
    r: dict[str, Any] = {"machine": MACHINE, "reference": reference(),
                         "peer": {"usecase_sqlite_per_s": 108.0, "completion_ms_median": 2.7}}
    r["targets"] = check_targets(r)
    return r


def test_the_json_keeps_reference_values_apart_and_marked_as_measured_elsewhere() -> None:
    data = json.loads(json.dumps(result()))
    arena = data["reference"]["spiff_arena"]
    assert arena["measured_elsewhere"] is True and arena["measured_in_this_run"] is False
    assert "spiff-arena" in arena["system"] and "measured outside" in arena["source"]
    assert arena["figures"]["service_per_s"] == 11
    assert data["reference"]["note"] == "reference, not measured in this run"
    assert "peer_reference" not in data and "service_per_s" not in json.dumps(data["peer"])


def test_every_reference_line_of_the_table_says_it_was_not_measured_in_this_run() -> None:
    text = table(result())
    assert "Measured in this run: every section below except [reference]." in text
    assert "[reference: spiff_arena] (reference, not measured in this run)" in text
    figures = [line for line in text.splitlines() if line.strip().startswith(tuple(reference()["spiff_arena"]
                                                                                   ["figures"]))]
    assert len(figures) == len(reference()["spiff_arena"]["figures"])
    assert all(line.endswith("(reference, not measured in this run)") for line in figures)
    assert "10x spiff-arena's reference value" in text
