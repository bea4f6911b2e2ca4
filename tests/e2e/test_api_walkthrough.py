"""The whole procedure through the JSON API, as an outside client that knows only the contract."""
from __future__ import annotations

import base64
import io
import json
from typing import Any

from tests.helpers import HKD, HKD_FORM, PDF, PNG, affirmative, api_agreeing


def submit(client: Any, token: Any, **extra: Any) -> dict[str, Any]:
    files = {"documents.giay_de_nghi": (io.BytesIO(PDF), "de-nghi.pdf"),
             "documents.giay_to_phap_ly": (io.BytesIO(PNG), "cccd.png")}
    payload = json.dumps({"procedure": HKD, "form": HKD_FORM, "channel": "counter", "declaration": True, **extra})
    resp = client.post("/api/v1/dossiers", headers=token("citizen"), content_type="multipart/form-data",
                       data={"payload": payload, **files})
    assert resp.status_code == 201, resp.json
    return resp.json  # type: ignore[no-any-return]


def work(client: Any, token: Any, code: str, user: str, overrides: dict[str, Any] | None = None) -> list[str]:
    """Complete every task `user` is offered on this dossier; return the task names."""
    done = []
    for task in client.get("/api/v1/tasks", headers=token(user)).json:
        if task["dossier"] != code:
            continue
        resp = client.post(f"/api/v1/tasks/{task['id']}/complete", **api_agreeing(client, token, task, user, overrides))
        assert resp.status_code == 200, resp.json
        done.append(task["name"])
    return done


def status(client: Any, token: Any, code: str) -> int:
    return client.get(f"/api/v1/dossiers/{code}", headers=token("citizen")).json["status_code"]  # type: ignore


def test_healthz(client: Any) -> None:
    assert client.get("/healthz").json == {"status": "ok"}


def test_catalogue_lists_the_household_business_registration(client: Any) -> None:
    procedures = client.get("/api/v1/procedures").json
    hkd = next(p for p in procedures if p["code"] == HKD)
    assert hkd["name"] == "Đăng ký thành lập hộ kinh doanh"
    assert hkd["processing_time"]["working_days"] == 3
    assert {"key", "name", "required"} <= set(hkd["documents"][0])
    assert {f["id"] for f in hkd["form"]} >= set(HKD_FORM)


def test_affirmative_walk_reaches_result_returned(client: Any, token: Any) -> None:
    created = submit(client, token)
    code = created["code"]
    assert created["status_code"] == 1
    assert code.startswith("000.00.22.H34-260302-")
    assert work(client, token, code, "reception") == ["Task_reception_check"]
    assert status(client, token, code) == 4
    assert work(client, token, code, "specialist") == ["Task_specialist_review"]
    assert work(client, token, code, "leader") == ["Task_leader_approve"]
    assert status(client, token, code) == 9
    assert work(client, token, code, "reception") == ["Task_reception_deliver"]
    dossier = client.get(f"/api/v1/dossiers/{code}", headers=token("citizen")).json
    assert dossier["status_code"] == 10
    assert dossier["accepted_at"] and dossier["due_at"] and dossier["finished_at"]
    assert dossier["open_tasks"] == []
    assert [n["form"] for n in dossier["notices"]][:1] == ["01"]


def test_supplement_round_then_acceptance(client: Any, token: Any) -> None:
    code = submit(client, token)["code"]
    work(client, token, code, "reception", {"reception_decision": "supplement",
                                            "reception_note": "Thiếu bản sao CCCD rõ nét"})
    dossier = client.get(f"/api/v1/dossiers/{code}", headers=token("citizen")).json
    assert dossier["status_code"] == 5
    assert "Thiếu bản sao CCCD rõ nét" in dossier["notices"][-1]["body"]
    resp = client.post(f"/api/v1/dossiers/{code}/supplement", headers=token("citizen"),
                       content_type="multipart/form-data",
                       data={"payload": "{}", "documents.giay_to_phap_ly": (io.BytesIO(PDF), "cccd-ro.pdf")})
    assert resp.status_code == 200, resp.json
    assert resp.json["status_code"] == 1
    work(client, token, code, "reception")
    assert status(client, token, code) == 4


def test_refusal_at_reception(client: Any, token: Any) -> None:
    code = submit(client, token)["code"]
    work(client, token, code, "reception", {"reception_decision": "refuse",
                                            "reception_note": "Ngành nghề thuộc danh mục cấm kinh doanh"})
    dossier = client.get(f"/api/v1/dossiers/{code}", headers=token("citizen")).json
    assert dossier["status_code"] == 3
    assert dossier["notices"][-1]["form"] == "03"
    assert "cấm kinh doanh" in dossier["notices"][-1]["body"]


def test_specialist_refusal_approved_by_leader(client: Any, token: Any) -> None:
    code = submit(client, token)["code"]
    work(client, token, code, "reception")
    work(client, token, code, "specialist", {"specialist_proposal": "refuse",
                                             "specialist_note": "Địa điểm không phù hợp quy hoạch"})
    work(client, token, code, "leader")
    assert status(client, token, code) == 8


def test_leader_returns_to_specialist(client: Any, token: Any) -> None:
    code = submit(client, token)["code"]
    work(client, token, code, "reception")
    work(client, token, code, "specialist")
    work(client, token, code, "leader", {"leader_decision": "return", "leader_note": "Bổ sung ý kiến"})
    assert work(client, token, code, "specialist") == ["Task_specialist_review"]


# -- bad input ------------------------------------------------------------------------------------
def test_no_token_is_401_and_bad_token_is_401(client: Any) -> None:
    assert client.get("/api/v1/tasks").status_code == 401
    resp = client.get("/api/v1/tasks", headers={"Authorization": "Bearer forged"})
    assert resp.status_code == 401 and resp.json["error"]["code"] == "unauthorized"


def test_malformed_json_is_400(client: Any, token: Any) -> None:
    resp = client.post("/api/v1/dossiers", headers={**token("citizen"), "Content-Type": "application/json"},
                       data="{not json")
    assert resp.status_code == 400
    assert "JSON" in resp.json["error"]["message"]


def test_unknown_procedure_is_404(client: Any, token: Any) -> None:
    resp = client.post("/api/v1/dossiers", headers=token("citizen"), json={"procedure": "9.999", "form": {},
                                                                                  "declaration": True})
    assert resp.status_code == 404 and "9.999" in resp.json["error"]["message"]


def test_missing_required_fields_are_named_and_nothing_is_stored(client: Any, token: Any) -> None:
    form = {k: v for k, v in HKD_FORM.items() if k != "so_dinh_danh"}
    resp = client.post("/api/v1/dossiers", headers=token("citizen"), json={"procedure": HKD, "form": form,
                                                                                  "declaration": True})
    assert resp.status_code == 422
    assert "form.so_dinh_danh" in resp.json["error"]["fields"]
    assert client.get("/api/v1/tasks", headers=token("reception")).json == []


def test_file_that_claims_to_be_pdf_but_is_not_is_refused(client: Any, token: Any) -> None:
    resp = client.post("/api/v1/dossiers", headers=token("citizen"), content_type="multipart/form-data",
                       data={"payload": json.dumps({"procedure": HKD, "form": HKD_FORM, "declaration": True}),
                             "documents.giay_de_nghi": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "x.pdf")})
    assert resp.status_code == 422
    assert "documents.giay_de_nghi" in resp.json["error"]["fields"]


def test_task_of_another_role_is_403_and_unknown_task_is_404(client: Any, token: Any) -> None:
    code = submit(client, token)["code"]
    task = next(t for t in client.get("/api/v1/tasks", headers=token("reception")).json if t["dossier"] == code)
    data = {"data": affirmative(task["form"])}
    complete = f"/api/v1/tasks/{task['id']}/complete"
    assert client.post(complete, headers=token("specialist"), json=data).status_code == 403
    assert client.post(complete, headers=token("reception2"), json=data).status_code == 403
    assert client.post("/api/v1/tasks/no-such-task/complete", headers=token("reception"), json=data).status_code == 404


def test_completed_task_completed_again_is_409(client: Any, token: Any) -> None:
    code = submit(client, token)["code"]
    task = next(t for t in client.get("/api/v1/tasks", headers=token("reception")).json if t["dossier"] == code)
    data = api_agreeing(client, token, task, "reception")["json"]
    assert client.post(f"/api/v1/tasks/{task['id']}/complete", headers=token("reception"), json=data).status_code == 200
    again = client.post(f"/api/v1/tasks/{task['id']}/complete", headers=token("reception"), json=data)
    assert again.status_code == 409


def test_form_value_outside_its_options_is_422_and_changes_nothing(client: Any, token: Any) -> None:
    code = submit(client, token)["code"]
    task = next(t for t in client.get("/api/v1/tasks", headers=token("reception")).json if t["dossier"] == code)
    resp = client.post(f"/api/v1/tasks/{task['id']}/complete", headers=token("reception"),
                       json={"data": {"reception_decision": "approve_everything"}})
    assert resp.status_code == 422 and "data.reception_decision" in resp.json["error"]["fields"]
    assert status(client, token, code) == 1
    assert any(t["id"] == task["id"] for t in client.get("/api/v1/tasks", headers=token("reception")).json)


def test_other_applicant_and_other_agency_cannot_see_a_dossier(client: Any, token: Any) -> None:
    code = submit(client, token)["code"]
    assert client.get(f"/api/v1/dossiers/{code}", headers=token("citizen2")).status_code == 404
    assert client.get(f"/api/v1/dossiers/{code}", headers=token("reception2")).status_code == 404
    assert client.get(f"/api/v1/dossiers/{code}", headers=token("reception")).status_code == 200


def test_openapi_describes_every_contract_path(client: Any) -> None:
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert {"/procedures", "/dossiers", "/dossiers/{code}", "/dossiers/{code}/supplement", "/tasks",
            "/tasks/{id}/complete"} <= set(paths)


def test_a_json_submission_carries_its_papers_inline_and_they_are_checked_by_content(client: Any, token: Any) -> None:
    def inline(filename: str, content: bytes) -> dict[str, str]:
        return {"filename": filename, "content_base64": base64.b64encode(content).decode()}

    body = {"procedure": HKD, "form": HKD_FORM, "channel": "counter", "declaration": True}
    missing = client.post("/api/v1/dossiers", headers=token("citizen"), json=body)
    assert missing.status_code == 422 and missing.json["error"]["code"] == "submission.document_required"
    garbled = client.post("/api/v1/dossiers", headers=token("citizen"), json={**body, "documents": {
        "giay_de_nghi": {"filename": "de-nghi.pdf", "content_base64": "not base64!"}}})
    assert garbled.status_code == 422
    assert garbled.json["error"]["fields"]["documents.giay_de_nghi"].startswith("Mỗi giấy tờ gửi kèm")
    created = client.post("/api/v1/dossiers", headers=token("citizen"), json={**body, "documents": {
        "giay_de_nghi": inline("de-nghi.pdf", PDF), "giay_to_phap_ly": inline("cccd.png", PNG)}})
    assert created.status_code == 201, created.json
    assert created.json["status"] == "Mới đăng ký"
    english = client.get(f"/api/v1/dossiers/{created.json['code']}?lang=en", headers=token("citizen")).json
    assert english["status"] == "Newly registered"
    executable = inline("de-nghi.pdf", b"MZ\x90\x00 an executable")
    not_a_pdf = client.post("/api/v1/dossiers", headers=token("citizen"), json={**body, "documents": {
        "giay_de_nghi": executable, "giay_to_phap_ly": inline("cccd.png", PNG)}})
    assert not_a_pdf.status_code == 422 and "documents.giay_de_nghi" in not_a_pdf.json["error"]["fields"]
