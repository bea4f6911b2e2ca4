"""The studio's doors through HTTP (issue 16): the modeler's page with its diagram, sidecar form and
vocabulary; check.json and propose.json with the catalogue form; who may open it."""
from __future__ import annotations

import json
import re
import tomllib
from typing import Any

import sqlalchemy as sa

from adapters.bootstrap import Services
from models.publications import DefinitionProposal
from processes.definitions.studio import STARTER_BPMN
from tests.helpers import session_of

CODE = "1.000656"


def login(client: Any, username: str) -> Any:
    with client.session_transaction() as s:
        s["sid"] = session_of(client, username)
        s["csrf"] = "t"
    return client


def studio_data(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="studio-data">(.*?)</script>', html, re.S)
    assert found, "the studio page carries its data"
    return json.loads(found.group(1))


def opened(client: Any) -> dict[str, Any]:
    """The studio's source of procedure CODE, as the analyst's page carries it."""
    html = login(client, "analyst").get(f"/admin/definitions/{CODE}/edit").get_data(as_text=True)
    source: dict[str, Any] = studio_data(html)["source"]
    return source


def post_json(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json=body, headers={"X-CSRF-Token": "t"})


def test_the_studio_opens_the_published_diagram_with_its_sidecar_form_and_vocabulary(client: Any) -> None:
    page = login(client, "analyst").get(f"/admin/definitions/{CODE}/edit")
    assert page.status_code == 200
    assert "style-src 'self' 'unsafe-inline'" in page.headers["Content-Security-Policy"]
    assert "script-src 'self';" in page.headers["Content-Security-Policy"]  # still no inline script
    html = page.get_data(as_text=True)
    assert "/static/studio/studio.js" in html and "cdn" not in html.lower()
    data = studio_data(html)
    source = data["source"]
    assert source["version"] == 1 and 'id="Task_reception_check"' in source["bpmn"]
    assert source["sheet"]["name"] == "Đăng ký khai tử"
    assert [d["key"] for d in source["sheet"]["documents"]] == ["to_khai", "giay_bao_tu", "van_ban_uy_quyen"]
    vocabulary = source["vocabulary"]
    assert vocabulary["roles"] == ["reception", "specialist", "leader"]
    assert [s["code"] for s in vocabulary["statuses"]] == list(range(1, 11))
    assert "check_completeness" in vocabulary["topics"] and vocabulary["consulted"] == ["police"]
    assert data["words"]["panel"]["role"] == "Vai trò thực hiện"


def test_the_static_bundle_the_page_names_is_served(client: Any) -> None:
    script = login(client, "analyst").get("/static/studio/studio.js")
    assert script.status_code == 200 and b"bpmn" in script.data
    assert client.get("/static/studio/studio.css").status_code == 200


def test_citizens_and_officers_may_not_open_the_studio(client: Any) -> None:
    for username in ("citizen", "reception"):
        assert login(client, username).get(f"/admin/definitions/{CODE}/edit").status_code == 403
        assert post_json(client, "/admin/definitions/propose.json", {"bpmn": STARTER_BPMN}).status_code == 403


def test_a_new_procedure_from_the_starter_diagram_checks_and_is_proposed(client: Any, services: Services) -> None:
    data = studio_data(login(client, "analyst").get("/admin/definitions/new").get_data(as_text=True))
    source = data["source"]
    sheet = {**source["sheet"], "code": "9.000001", "name": "Thủ tục thử", "sector": "Tư pháp",
             "field": "Hộ tịch", "processing_time_days": "3"}
    body = {"filename": source["filename"], "bpmn": source["bpmn"], "catalogue": source["catalogue"],
            "catalogue_filename": source["catalogue_filename"], "sheet": sheet}
    checked = post_json(client, "/admin/definitions/check.json", body)
    assert checked.status_code == 200, checked.get_data(as_text=True)
    assert checked.json["ok"], checked.json["problems"]
    proposed = post_json(client, "/admin/definitions/propose.json", {**body, "note": "thử"})
    assert proposed.json["ok"] and proposed.json["url"].startswith("/admin/definitions/proposals/")
    with services.session_factory() as s:
        stored = s.scalars(sa.select(DefinitionProposal).where(DefinitionProposal.procedure_code == "9.000001")).one()
        assert tomllib.loads(stored.catalogue_text)["processing_time_days"] == 3
        assert stored.proposed_by == "analyst"


def test_a_diagram_with_a_dead_end_is_not_proposed_and_every_problem_names_its_element(
        client: Any, services: Services) -> None:
    data = studio_data(login(client, "analyst").get(f"/admin/definitions/{CODE}/edit").get_data(as_text=True))
    source = data["source"]
    broken = source["bpmn"].replace('<bpmn:outgoing>Flow_to_reception_decision</bpmn:outgoing>', "", 1)
    broken = re.sub(r'<bpmn:sequenceFlow id="Flow_to_reception_decision"[^>]*/>', "", broken)
    answer = post_json(client, "/admin/definitions/propose.json", {
        "filename": source["filename"], "bpmn": broken, "catalogue": source["catalogue"],
        "catalogue_filename": source["catalogue_filename"], "sheet": source["sheet"]})
    assert answer.status_code == 200 and answer.json["ok"] is False and answer.json["url"] is None
    elements = {p["element"] for p in answer.json["problems"]}
    assert {"Task_reception_check", "Gateway_reception_decision"} <= elements
    assert all(p["line"] for p in answer.json["problems"] if p["element"])
    with services.session_factory() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(DefinitionProposal)) == 0


def test_a_catalogue_form_value_of_the_wrong_kind_is_a_clear_json_refusal(client: Any) -> None:
    answer = post_json(login(client, "analyst"), "/admin/definitions/check.json", {
        "bpmn": STARTER_BPMN, "sheet": {"fees": [{"name": "Lệ phí", "amount_vnd": "tám nghìn"}]}})
    assert answer.status_code == 422
    error = answer.json["error"]
    assert error["field"] == "fees.amount_vnd" and "phải là một số" in error["message"]


def test_the_drawn_diagram_is_test_run_before_it_is_published(client: Any) -> None:
    source = opened(client)
    body = {"filename": source["filename"], "bpmn": source["bpmn"], "catalogue": source["catalogue"],
            "catalogue_filename": source["catalogue_filename"], "sheet": source["sheet"],
            "at": "2026-12-04T09:00"}  # a Friday morning in Kon Tum
    accepted = post_json(client, "/admin/definitions/simulate.json", body)
    run = accepted.json["simulation"]
    assert accepted.json["ok"] and run["ended"], run
    assert run["status_code"] == 10  # the result handed over
    assert run["steps"][0]["at"].startswith("2026-12-04T09:00")
    refused = post_json(client, "/admin/definitions/simulate.json",
                        {**body, "decide": "reception_decision=refuse"}).json["simulation"]
    assert refused["ended"] and refused["status_code"] == 3  # not accepted
    assert any("03" in n for s in refused["steps"] for n in s["notices"])  # the refusal notice (form 03)
    assert refused["end_event"] != run["end_event"]


def test_a_drawing_with_problems_does_not_run_and_bad_decisions_are_named(client: Any) -> None:
    source = opened(client)
    broken = re.sub(r'<bpmn:sequenceFlow id="Flow_to_reception_decision"[^>]*/>', "", source["bpmn"])
    answer = post_json(client, "/admin/definitions/simulate.json", {"bpmn": broken, "catalogue": source["catalogue"]})
    assert answer.json["ok"] is False and answer.json["simulation"] is None and answer.json["problems"]
    bad = post_json(client, "/admin/definitions/simulate.json",
                    {"bpmn": source["bpmn"], "catalogue": source["catalogue"], "decide": "no equals sign"})
    assert bad.status_code == 422 and bad.json["error"]["field"] == "decide"


def test_the_panel_s_words_follow_the_reader_s_language(client: Any) -> None:
    login(client, "analyst")
    data = studio_data(client.get(f"/admin/definitions/{CODE}/edit?lang=en").get_data(as_text=True))
    statuses = {s["code"]: s["name"] for s in data["source"]["vocabulary"]["statuses"]}
    assert statuses[3] != "Không được tiếp nhận" and data["words"]["panel"]["role"] != "Vai trò thực hiện"
