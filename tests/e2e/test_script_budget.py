"""An analyst's diagram whose expression runs without end is cut within its budget when a person
completes the task that triggers it: a clear 422 naming the element, nothing saved, and the server
keeps answering."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from adapters.bootstrap import Services
from engine.sandbox import Limits
from processes.definitions.deploy import deploy_file
from tests.e2e.test_api_walkthrough import submit
from tests.helpers import api_agreeing
from tests.integration.versions_support import HKD_BPMN, copy_with

ACCEPT = 'reception_decision == "accept"'
# Ten billion turns: without a budget it would hold the worker (and the write lock) for hours.
ENDLESS = 'len([1 for i in range(100000) for j in range(100000)]) > 0 and reception_decision == "accept"'


@pytest.mark.parametrize(("limits", "code"), [
    (None, "workflow.script_budget.steps"),  # config.toml's budget
    (Limits(seconds=0.3, steps=10**15, max_size=10**6), "workflow.script_budget.seconds"),
], ids=["steps", "seconds"])
def test_an_endless_expression_is_cut_with_a_422_naming_the_gateway_and_nothing_is_saved(
        services: Services, client: Any, token: Any, tmp_path: Path, limits: Limits | None, code: str) -> None:
    endless = HKD_BPMN.read_text("utf-8").replace(ACCEPT, ENDLESS).encode("utf-8")
    assert deploy_file(services, "admin", copy_with(tmp_path, bpmn=endless)).ok
    if limits is not None:
        services.runner.limits = limits
    dossier = submit(client, token)["code"]
    [task] = [t for t in client.get("/api/v1/tasks", headers=token("reception")).json if t["dossier"] == dossier]

    started = time.monotonic()
    resp = client.post(f"/api/v1/tasks/{task['id']}/complete", **api_agreeing(client, token, task, "reception"))
    elapsed = time.monotonic() - started

    assert resp.status_code == 422, resp.json
    assert resp.json["error"]["code"] == code
    assert resp.json["error"]["field"] == "Gateway_reception_decision"
    assert "Gateway_reception_decision" in resp.json["error"]["message"]
    assert elapsed < 5.0  # a bound, not a benchmark
    assert client.get("/healthz").json == {"status": "ok"}
    # Rolled back: the task still waits for reception and the dossier is still newly registered.
    still = [t["id"] for t in client.get("/api/v1/tasks", headers=token("reception")).json
             if t["dossier"] == dossier]
    assert still == [task["id"]]
    assert client.get(f"/api/v1/dossiers/{dossier}", headers=token("citizen")).json["status_code"] == 1


def test_a_diagram_whose_script_obviously_never_ends_is_refused_at_upload(client: Any) -> None:
    looping = HKD_BPMN.read_text("utf-8").replace(
        '<bpmn:sequenceFlow id="Flow_submitted"',
        '<bpmn:scriptTask id="Script_spin"><bpmn:script>n = 0\nwhile True:\n    n += 1</bpmn:script>'
        '</bpmn:scriptTask>\n    <bpmn:sequenceFlow id="Flow_submitted"')
    from tests.e2e.test_admin_definitions import login, upload
    login(client, "admin")
    resp = upload(client, "validate", looping.encode("utf-8"))
    page = resp.get_data(as_text=True)
    line = looping[:looping.index("while True")].count("\n") + 1
    assert f":{line}: Script_spin: this loop never ends" in page
