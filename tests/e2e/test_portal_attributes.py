"""What a phone and a reader of the public pages get: attributes written as attributes (a phone that sees
autocapitalize="none" does not capitalise a username), and only what the agency publishes."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from tests.helpers import session_of

AUTHORING_MARKS = ("Giả định", "Cần đối chiếu", "TODO")
DIAGRAMS = Path(__file__).resolve().parents[2] / "bpmn_diagrams"


def _input(page: str, name: str) -> str:
    found = re.search(r'<input[^>]*name="' + re.escape(name) + r'"[^>]*>', page)
    assert found, name
    return found.group(0)


def test_username_boxes_tell_a_phone_not_to_capitalise(client: Any) -> None:
    for url in ("/login", "/register"):
        box = _input(client.get(url).get_data(as_text=True), "username")
        assert 'autocapitalize="none"' in box and 'spellcheck="false"' in box, box
        assert "&#34;" not in box and "&quot;" not in box, box


def test_the_tracking_code_box_asks_for_capitals(client: Any) -> None:
    box = _input(client.get("/track").get_data(as_text=True), "code")
    assert 'autocapitalize="characters"' in box and "&#34;" not in box, box


def test_whole_number_fields_open_the_numeric_keypad(client: Any) -> None:
    with client.session_transaction() as s:
        s["sid"] = session_of(client, "citizen")
    page = client.get("/procedures/1.009994/submit").get_data(as_text=True)
    numbers = re.findall(r'<input[^>]*type="number"[^>]*>', page)
    assert numbers, "the building permit form has whole-number fields"
    assert all('inputmode="numeric"' in box and "&#34;" not in box for box in numbers), numbers


def _published_texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _published_texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in _published_texts(v)]
    return []


def test_no_shipped_catalogue_publishes_an_authoring_note() -> None:
    for sidecar in sorted(DIAGRAMS.glob("*.toml")):
        texts = _published_texts(tomllib.loads(sidecar.read_text(encoding="utf-8")))
        leaked = [t for t in texts if any(mark in t for mark in AUTHORING_MARKS)]
        assert not leaked, (sidecar.name, leaked)


def test_the_procedure_page_shows_the_fee_as_published(client: Any) -> None:
    page = client.get("/procedures/1.009994").get_data(as_text=True)
    assert "Mức thu theo Nghị quyết của Hội đồng nhân dân tỉnh" in page
    assert not any(mark in page for mark in AUTHORING_MARKS)


def test_a_negative_capital_is_refused_on_the_page_and_through_the_api(client: Any, token: Any) -> None:
    from tests.helpers import HKD, HKD_FORM
    resp = client.post("/api/v1/dossiers", headers=token("citizen"),
                       json={"procedure": HKD, "form": {**HKD_FORM, "von_kinh_doanh": -5}, "declaration": True})
    assert resp.status_code == 422
    assert resp.json["error"]["fields"]["form.von_kinh_doanh"] == "Giá trị nhỏ nhất được chấp nhận là 0."
    assert client.get("/api/v1/tasks", headers=token("reception")).json == []
    with client.session_transaction() as s:
        s["sid"] = session_of(client, "citizen")
    page = client.get(f"/procedures/{HKD}/submit").get_data(as_text=True)
    box = _input(page, "form.von_kinh_doanh")
    assert 'min="0"' in box and 'max="1000000000000000"' in box, box
