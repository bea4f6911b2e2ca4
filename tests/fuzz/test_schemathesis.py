"""schemathesis against the API's own description (`GET /api/v1/openapi.json`, web/api/openapi.py): every
operation, with data that fits the description and data that does not, sent in-process (WSGI) as strangers
(no token, a forged one), the applicant and officers with real tokens, on a seeded database (SQLite, and PostgreSQL when
MOTCUA_TEST_POSTGRES_URL is set). Every answer must be no 5xx, a documented status, of a documented content
type, and its body must match the JSON Schema described for it (the error envelope for every refusal).

The description is read strictly here: an object the description lists the properties of may carry no
other (a field the app sends but the description forgets fails the test); the served document stays open,
so that clients tolerate additions.

Bounded: at most `MOTCUA_FUZZ_EXAMPLES` (default 30) cases per operation and mode, and the whole run within
`MOTCUA_FUZZ_SECONDS` (default 30), shared evenly by the operations; `MOTCUA_FUZZ_SEED` (default 11) makes a
failure reproducible. `make fuzz` runs it longer."""
from __future__ import annotations

import base64
import copy
import os
import time
from collections import Counter
from functools import partial
from typing import Any

import pytest
import schemathesis
import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from adapters.bootstrap import Services
from tests.helpers import HKD, HKD_FORM, PDF, PNG, RECEIPT, affirmative, submit

SECONDS = float(os.environ.get("MOTCUA_FUZZ_SECONDS", "30"))
EXAMPLES = int(os.environ.get("MOTCUA_FUZZ_EXAMPLES", "30"))
SEED = int(os.environ.get("MOTCUA_FUZZ_SEED", "11"))
MIN_CALLS = 3
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]
USERS = ["citizen", "reception", "leader", "admin", "forged", None]  # hypothesis favours the first
# A token no one was given: an id past what a row id holds, and a secret that matches nothing.
FORGED = {"Authorization": f"Bearer {2**31}.forged"}


# A multipart body that werkzeug stops parsing half-way (too large, a part without a name: the refusals
# under test) leaves the temporary file it had spooled the part into to the garbage collector, which closes
# it with a ResourceWarning that pytest reports as "unraisable" on whichever test runs then. Nothing leaks for
# good and no answer depends on it; the answers themselves are what these tests check.
UNRAISABLE_TEMP_FILES = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
pytestmark = UNRAISABLE_TEMP_FILES


class _OutOfTime(Exception):
    """The operation's share of the time is spent (stops hypothesis at once)."""


def strict(schema: Any) -> Any:
    """A copy where every object schema that lists its properties allows no others."""
    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "properties" in node and "additionalProperties" not in node:
                node["additionalProperties"] = False
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    copied = copy.deepcopy(schema)
    walk(copied["components"]["schemas"])
    return copied


def _real_values(services: Services, token: Any) -> tuple[dict[str, list[Any]], dict[str, list[Any]]]:
    """Path values that exist, so that the fuzz reaches past "not found"."""
    from models import Attachment, Dossier
    from processes.desk.tasks import list_tasks
    from processes.people.sessions import list_tokens

    code = submit(services)
    with services.session_factory() as s:
        attachments = list(s.scalars(sa.select(Attachment.id).join(Dossier, Dossier.id == Attachment.dossier_id)
                                     .where(Dossier.code == code)))
    for _ in range(2):  # spare tokens to revoke (not the ones the fuzz sends)
        token("citizen")
    spare = [t["id"] for t in list_tokens(services, "citizen")]
    tasks = list_tasks(services, "reception")
    return {"code": [code], "form_no": ["01", "05"], "day": ["2026-09-02"], "task_id": [t["id"] for t in tasks],
            "attachment_id": attachments, "token_id": spare}, _real_bodies(tasks)


def _real_bodies(tasks: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """Bodies the use cases accept (or refuse for a rule of the moment), so that the success answers are met."""
    inline = {"giay_de_nghi": {"filename": "de-nghi.pdf", "content_base64": base64.b64encode(PDF).decode()},
              "giay_to_phap_ly": {"filename": "cccd.png", "content_base64": base64.b64encode(PNG).decode()}}
    return {
        "POST /dossiers": [{"procedure": HKD, "form": HKD_FORM, "channel": "counter", "declaration": True,
                            "documents": inline}],
        "POST /dossiers/{code}/fees": [{"receipt_no": RECEIPT}],
        "POST /tasks/{id}/complete": [{"data": affirmative(t["form"]), "checklist": {
            c["key"]: True for c in t.get("checklist", [])}} for t in tasks],
        "POST /calendar/overrides": [{"day": "2026-09-03", "kind": "day_off", "note": "Nghỉ bù"},
                                     {"day": "2026-09-05", "kind": "working_day"}],
        "POST /dossiers/{code}/apology": [{"new_due": "2026-04-01T09:00:00+07:00", "reason": "Chờ ý kiến"}],
        "POST /dossiers/{code}/supplement": [{"form": {"so_lao_dong": 4}}]}


# The description's name of a path parameter -> the name above (the routes say task_id, the document id).
_ALIASES = {("/tasks/{id}/complete", "id"): "task_id", ("/dossiers/{code}/documents/{id}", "id"): "attachment_id",
            ("/tokens/{id}", "id"): "token_id"}


def _strategies(operation: Any, real: dict[str, list[Any]], bodies: dict[str, list[Any]]) -> list[Any]:
    """Cases that fit the description and cases that do not, and cases on real path values and bodies."""
    names = [_ALIASES.get((operation.path, p.name), p.name) for p in operation.path_parameters]
    fixed = {p.name: st.sampled_from(real[name]) for p, name in zip(operation.path_parameters, names, strict=True)
             if real.get(name)}
    strategies = [operation.as_strategy(generation_mode=mode) for mode in GenerationMode]
    if fixed:
        strategies.append(st.fixed_dictionaries(fixed).flatmap(
            lambda values: operation.as_strategy(path_parameters=values)))
    for body in bodies.get(operation.label, []):
        strategies.append(st.fixed_dictionaries(fixed).flatmap(partial(_with_body, operation, body)))
    return strategies


def _with_body(operation: Any, body: Any, values: dict[str, Any]) -> Any:
    return operation.as_strategy(path_parameters=values, body=body, media_type="application/json")


def _fuzz(operation: Any, strategies: list[Any], seconds: float, headers: dict[str | None, dict[str, str]],
          statuses: Counter[int]) -> None:
    """Run the cases of one operation until `EXAMPLES` per strategy or `seconds` are spent (but at least
    `MIN_CALLS`, however loaded the machine); raise what fails."""
    started = time.monotonic()

    @seed(SEED)
    @settings(max_examples=EXAMPLES * len(strategies), deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=st.one_of(strategies), user=st.sampled_from(USERS))
    def run(case: Any, user: str | None) -> None:
        if time.monotonic() - started > seconds and statuses.total() >= MIN_CALLS:
            raise _OutOfTime
        response = case.call_and_validate(headers=headers[user], checks=CHECKS)
        statuses[response.status_code] += 1

    try:
        run()
    except _OutOfTime:
        pass


def test_every_operation_answers_as_described(app: Any, services: Services, token: Any) -> None:
    real, bodies = _real_values(services, token)
    headers = {user: FORGED if user == "forged" else token(user) if user else {} for user in USERS}
    served = app.test_client().get("/api/v1/openapi.json").get_json()
    schema = schemathesis.openapi.from_dict(strict(served))
    schema.app = app
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    failures: list[str] = []
    seen: dict[str, Counter[int]] = {}
    started = time.monotonic()
    for index, operation in enumerate(operations):
        share = (SECONDS - (time.monotonic() - started)) / (len(operations) - index)
        began = time.monotonic()
        seen[operation.label] = Counter()
        try:
            _fuzz(operation, _strategies(operation, real, bodies), share, headers, seen[operation.label])
        except (Exception, BaseExceptionGroup) as exc:  # every failing operation is reported, not the first only
            failures.append(f"{operation.label}: {exc}"[:3000])
        print(f"  {operation.label}: {dict(sorted(seen[operation.label].items()))} in "
              f"{time.monotonic() - began:.1f} s")
    sent = sum(sum(statuses.values()) for statuses in seen.values())
    print(f"schemathesis: {sent} requests, {len(operations)} operations, {time.monotonic() - started:.0f} s, "
          f"seed {SEED}")
    assert [label for label, statuses in seen.items() if not statuses] == [], "operations never called"
    assert any(200 <= status < 300 for statuses in seen.values() for status in statuses), "no success answer met"
    assert failures == [], "\n\n".join(failures)
