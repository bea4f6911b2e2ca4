"""`Idempotency-Key` on `POST /api/v1/dossiers`, `POST /api/v1/tasks/ID/complete` and
`POST /api/v1/dossiers/CODE/fees`: a retry with the same key (same caller, same request) returns the first
answer and does nothing again; the same key with another request is 422; the key is kept in the same
transaction as the effect (processes/idempotency.py), so neither exists without the other."""
from __future__ import annotations

import io
import json
from typing import Any

import pytest
import sqlalchemy as sa

from adapters.bootstrap import Services
from models import Dossier, FeePayment, IdempotentRequest
from processes import idempotency
from processes.submission.submission import Submission, Upload, submit_dossier
from processes.uow import UnitOfWork
from tests.helpers import HKD, HKD_FORM, PDF, PNG, RECEIPT, api_agreeing

BODY = {"procedure": HKD, "form": HKD_FORM, "channel": "counter", "declaration": True}


def _submit(client: Any, token: Any, key: str | None, user: str = "citizen", **extra: Any) -> Any:
    files = {"documents.giay_de_nghi": (io.BytesIO(PDF), "de-nghi.pdf"),
             "documents.giay_to_phap_ly": (io.BytesIO(PNG), "cccd.png")}
    headers = token(user) | ({"Idempotency-Key": key} if key is not None else {})
    return client.post("/api/v1/dossiers", headers=headers, content_type="multipart/form-data",
                       data={"payload": json.dumps(BODY | extra), **files})


def _count(services: Services, model: Any) -> int:
    with services.session_factory() as s:
        return int(s.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


def test_a_retried_submission_returns_the_first_answer_and_creates_nothing(client: Any, token: Any,
                                                                          services: Services) -> None:
    before = _count(services, Dossier)
    first = _submit(client, token, "3f0c9a7e-retry-1")
    again = _submit(client, token, "3f0c9a7e-retry-1")
    assert first.status_code == again.status_code == 201
    assert again.json == first.json
    assert _count(services, Dossier) == before + 1
    other = _submit(client, token, "3f0c9a7e-retry-2")  # a new key is a new dossier
    assert other.status_code == 201 and other.json["code"] != first.json["code"]
    assert _submit(client, token, None).json["code"] not in (first.json["code"], other.json["code"])


def test_the_same_key_with_another_request_is_a_422(client: Any, token: Any, services: Services) -> None:
    assert _submit(client, token, "k-1").status_code == 201
    resp = _submit(client, token, "k-1", channel="post")
    assert resp.status_code == 422
    assert resp.json["error"]["code"] == "idempotency.key_reused" and resp.json["error"]["field"] == "Idempotency-Key"


def test_keys_are_per_caller(client: Any, token: Any, services: Services) -> None:
    mine = _submit(client, token, "shared-key")
    theirs = _submit(client, token, "shared-key", user="citizen2")
    assert mine.status_code == theirs.status_code == 201 and mine.json["code"] != theirs.json["code"]


@pytest.mark.parametrize("key", ["", "with space", "x" * 201, "khóa"])
def test_a_malformed_key_is_a_400(client: Any, token: Any, key: str) -> None:
    resp = _submit(client, token, key)
    assert resp.status_code == 400 and resp.json["error"]["code"] == "idempotency.key_invalid"


def test_a_refused_request_keeps_no_key(client: Any, token: Any, services: Services) -> None:
    assert _submit(client, token, "k-2", declaration=False).status_code == 422
    assert _count(services, IdempotentRequest) == 0
    assert _submit(client, token, "k-2").status_code == 201  # nothing was kept: the corrected request goes


def test_a_crash_at_commit_keeps_neither_the_dossier_nor_the_key(services: Services,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    before = _count(services, Dossier)

    def crash(self: UnitOfWork) -> None:
        self.session.flush()  # everything written, then the process dies before COMMIT
        raise RuntimeError("killed")

    monkeypatch.setattr(UnitOfWork, "commit", crash)
    cmd = Submission(procedure=HKD, form=HKD_FORM, channel="counter", declaration=True,
                     uploads=[Upload("giay_de_nghi", "a.pdf", PDF), Upload("giay_to_phap_ly", "b.png", PNG)])
    with pytest.raises(RuntimeError):
        submit_dossier(services, "citizen", cmd, "k-crash")
    monkeypatch.undo()
    assert _count(services, Dossier) == before and _count(services, IdempotentRequest) == 0


def test_twins_racing_with_one_key_make_one_dossier(services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    """The second twin looked before the first committed (it saw no key), so it registers a dossier too;
    the unique key refuses its commit, and it answers the first twin's answer."""
    cmd = Submission(procedure=HKD, form=HKD_FORM, channel="counter", declaration=True,
                     uploads=[Upload("giay_de_nghi", "a.pdf", PDF), Upload("giay_to_phap_ly", "b.png", PNG)])
    first = submit_dossier(services, "citizen", cmd, "k-twin")
    before = _count(services, Dossier)
    real = idempotency.replay
    looks: list[int] = []

    def too_early(*args: Any) -> Any:
        looks.append(1)
        return None if len(looks) == 1 else real(*args)

    monkeypatch.setattr(idempotency, "replay", too_early)
    assert submit_dossier(services, "citizen", cmd, "k-twin") == first
    assert _count(services, Dossier) == before


def test_a_retried_completion_and_payment_return_the_first_answer(client: Any, token: Any,
                                                                 services: Services) -> None:
    code = _submit(client, token, None).json["code"]
    task = next(t for t in client.get("/api/v1/tasks", headers=token("reception")).json if t["dossier"] == code)
    call = api_agreeing(client, token, task, "reception")
    call["headers"] = call["headers"] | {"Idempotency-Key": "complete-1"}
    first = client.post(f"/api/v1/tasks/{task['id']}/complete", **call)
    again = client.post(f"/api/v1/tasks/{task['id']}/complete", **call)
    assert first.status_code == again.status_code == 200 and again.json == first.json
    plain = dict(call, headers=token("reception"))
    assert client.post(f"/api/v1/tasks/{task['id']}/complete", **plain).status_code == 409  # without the key

    headers = token("reception") | {"Idempotency-Key": "fee-1"}
    paid = client.post(f"/api/v1/dossiers/{code}/fees", headers=headers, json={"receipt_no": RECEIPT})
    repaid = client.post(f"/api/v1/dossiers/{code}/fees", headers=headers, json={"receipt_no": RECEIPT})
    assert paid.status_code == repaid.status_code == 200 and repaid.json == paid.json
    with services.session_factory() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(FeePayment)
                        .join(Dossier, Dossier.id == FeePayment.dossier_id).where(Dossier.code == code)) == 1
    other = client.post(f"/api/v1/dossiers/{code}/fees", headers=headers, json={"receipt_no": "BL-0002"})
    assert other.status_code == 422 and other.json["error"]["code"] == "idempotency.key_reused"
