"""Consent through HTTP (issue 18, Decree 13/2023/NĐ-CP): the registration and submission pages tell the
person what their data is processed for; the privacy page and `/api/v1/me/consents` give the same answer
to the same decision; Zalo notices leave only with consent; withdrawing the prefill consent erases the
identity number and address from the account."""
from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa

from adapters.bootstrap import Services
from adapters.messaging import FakeSms
from models import OutboxMessage
from tests.e2e.test_portal_pages import csrf, log_in, register, submit
from tests.english_pages import problems, shown_texts
from tests.helpers import HKD, session_of

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the use cases run on both
STATE = re.compile(r'<dd id="state-(\w+)">([^<(]*)')
OPTIONAL = ("zalo_notices", "profile_prefill")


def login(client: Any, username: str) -> None:
    with client.session_transaction() as s:
        s["sid"] = session_of(client, username)
        s["csrf"] = "t"


def page_states(client: Any) -> dict[str, str]:
    """What the privacy page says each purpose's state is, as a person reads it."""
    return {k: v.strip() for k, v in STATE.findall(client.get("/account/privacy").get_data(as_text=True))}


def api_states(client: Any, token: Any) -> dict[str, str | None]:
    return {p["purpose"]: p["state"] for p in client.get("/api/v1/me/consents", headers=token("citizen")).json[
        "purposes"]}


def decide(client: Any, token: Any, door: str, purpose: str, decision: str) -> Any:
    if door == "page":
        return client.post("/account/privacy", data={"csrf_token": "t", "purpose": purpose, "decision": decision})
    return client.post("/api/v1/me/consents", json={"purpose": purpose, "decision": decision},
                       headers=token("citizen"))


def zalo_messages(services: Services) -> list[str]:
    with services.session_factory() as s:
        return list(s.scalars(sa.select(OutboxMessage.recipient).where(OutboxMessage.channel == "zalo")))


@pytest.mark.parametrize("door", ["page", "api"])
@pytest.mark.parametrize("purpose", OPTIONAL)
def test_the_same_decision_through_the_page_or_the_api_gives_the_same_state(
        client: Any, token: Any, door: str, purpose: str) -> None:
    login(client, "citizen")
    assert page_states(client)[purpose] == "Chưa đồng ý" and api_states(client, token)[purpose] is None
    for decision, shown in (("granted", "Đồng ý"), ("withdrawn", "Đã rút lại sự đồng ý")):
        answer = decide(client, token, door, purpose, decision)
        assert answer.status_code == (303 if door == "page" else 200)
        assert page_states(client)[purpose] == shown and api_states(client, token)[purpose] == decision
    history = client.get("/api/v1/me/consents", headers=token("citizen")).json["history"]
    assert [(h["purpose"], h["decision"], h["door"]) for h in history] == [
        (purpose, "granted", "privacy" if door == "page" else "api"),
        (purpose, "withdrawn", "privacy" if door == "page" else "api")]
    page = client.get("/account/privacy").get_data(as_text=True)
    assert page.count("Trang quyền riêng tư" if door == "page" else "Qua API") == 2  # the history's rows


@pytest.mark.parametrize("door", ["page", "api"])
@pytest.mark.parametrize(("purpose", "decision", "code", "words"), [
    ("processing", "withdrawn", "consent.not_withdrawable",
     "Không thể rút lại mục đích “Giải quyết hồ sơ thủ tục hành chính”"),
    ("processing", "granted", "consent.not_needed", "không cần sự đồng ý"),
    ("marketing", "granted", "consent.purpose_unknown", "Mục đích “marketing” không có"),
])
def test_what_cannot_be_decided_is_refused_alike_on_both_doors(
        client: Any, token: Any, door: str, purpose: str, decision: str, code: str, words: str) -> None:
    login(client, "citizen")
    answer = decide(client, token, door, purpose, decision)
    assert answer.status_code == 422
    if door == "api":
        error = answer.json["error"]
        assert (error["code"], error["field"]) == (code, "purpose") and words in error["message"]
    else:
        assert words in answer.get_data(as_text=True)
    assert client.get("/api/v1/me/consents", headers=token("citizen")).json["history"] == []


def test_a_refusal_names_the_purpose_by_its_title_in_the_readers_language(client: Any, token: Any) -> None:
    english = client.post("/api/v1/me/consents?lang=en", json={"purpose": "processing", "decision": "withdrawn"},
                          headers=token("citizen"))
    error = english.json["error"]
    assert error["message"].startswith("The purpose “Settling your administrative dossiers” cannot be withdrawn")
    assert error["params"]["purpose"] == "processing"  # the key stays for programs


def test_the_api_names_a_missing_field(client: Any, token: Any) -> None:
    answer = client.post("/api/v1/me/consents", json={"purpose": "zalo_notices"}, headers=token("citizen"))
    assert answer.status_code == 422 and answer.json["error"]["field"] == "decision"
    english = client.post("/api/v1/me/consents?lang=en", json={"purpose": "zalo_notices", "decision": "maybe"},
                          headers=token("citizen"))
    assert english.json["error"]["message"] == "The decision must be granted or withdrawn."


def test_registration_shows_the_purposes_with_unticked_boxes_and_records_what_was_ticked(
        client: Any, services: Services) -> None:
    page = client.get("/register").get_data(as_text=True)
    assert "Dữ liệu cá nhân của bạn" in page and "Cổng Dịch vụ công quốc gia" in page
    boxes = re.findall(r'<input[^>]*name="consents"[^>]*>', page)
    assert len(boxes) == 2 and not any("checked" in b for b in boxes)  # silence is not consent
    assert register(client, consents="zalo_notices").status_code == 303
    assert register(client, username="lethicuc", email="cuc@example.vn").status_code == 303  # no field needed
    log_in(client, "nguyenthimai", "mật-khẩu-đủ-dài")
    assert page_states(client) == {"processing": "Đã được thông báo", "zalo_notices": "Đồng ý",
                                   "profile_prefill": "Chưa đồng ý"}
    log_in(client, "lethicuc", "mật-khẩu-đủ-dài")
    assert page_states(client)["zalo_notices"] == "Chưa đồng ý"


def test_the_submission_page_tells_who_receives_the_data_and_each_door_records_the_notice(
        client: Any, token: Any) -> None:
    assert log_in(client).status_code == 303
    page = client.get(f"/procedures/{HKD}/submit").get_data(as_text=True)
    assert "Dữ liệu cá nhân của bạn" in page and "Cơ quan giải quyết hồ sơ và cơ quan phối hợp" in page
    assert 'href="/account/privacy"' in page
    code = submit(client)
    history = client.get("/api/v1/me/consents", headers=token("citizen")).json["history"]
    assert [(h["purpose"], h["decision"], h["door"], h["dossier"]) for h in history] == [
        ("processing", "acknowledged", "submission", code)]
    data = client.get("/api/v1/me/data", headers=token("citizen")).json
    assert data["consents"] == history


def test_a_zalo_notice_leaves_only_with_consent_given_and_kept_over_http(
        client: Any, token: Any, services: Services) -> None:
    services.zalo = FakeSms()  # Zalo switched on
    assert log_in(client).status_code == 303
    submit(client)
    assert zalo_messages(services) == []  # never asked: no Zalo
    account = client.get("/account").get_data(as_text=True)
    assert 'value="zalo"' in account and 'value="zalo" checked' not in account and "bên thứ ba" in account
    form = {"csrf_token": csrf(client, "/account"), "channels": ["email", "zalo"], "language": "vi"}
    assert client.post("/account/notices", data=form).status_code == 303
    assert page_states(client)["zalo_notices"] == "Đồng ý"
    submit(client)
    assert zalo_messages(services) == ["0912345678"]
    decide(client, token, "api", "zalo_notices", "withdrawn")
    assert 'value="zalo" checked' not in client.get("/account").get_data(as_text=True)
    submit(client)
    assert zalo_messages(services) == ["0912345678"]  # nothing more went to Zalo


def test_withdrawing_the_prefill_consent_on_the_page_erases_the_fields(client: Any, token: Any) -> None:
    assert log_in(client).status_code == 303
    details = {"csrf_token": csrf(client, "/account"), "identity_number": "062095001234", "address": "12 Lê Lợi"}
    assert client.post("/account/details", data=details).status_code == 303
    assert page_states(client)["profile_prefill"] == "Đồng ý"
    assert "062095001234" in client.get(f"/procedures/{HKD}/submit").get_data(as_text=True)
    withdraw = {"csrf_token": csrf(client, "/account/privacy"), "purpose": "profile_prefill",
                "decision": "withdrawn"}
    assert client.post("/account/privacy", data=withdraw).status_code == 303
    assert "Đã ghi nhận: bạn rút lại sự đồng ý" in client.get("/account/privacy").get_data(as_text=True)
    assert "062095001234" not in client.get("/account").get_data(as_text=True)
    assert "12 Lê Lợi" not in client.get("/account").get_data(as_text=True)
    assert "062095001234" not in client.get(f"/procedures/{HKD}/submit").get_data(as_text=True)
    profile = client.get("/api/v1/me/data", headers=token("citizen")).json["account"]
    assert profile["identity_number"] is None and profile["address"] is None


def test_the_privacy_page_is_linked_from_the_account_and_reads_in_english(client: Any) -> None:
    login(client, "citizen")
    assert 'href="/account/privacy"' in client.get("/account").get_data(as_text=True)
    assert 'href="/account/privacy"' in client.get("/my/dossiers").get_data(as_text=True)
    client.post("/account/privacy?lang=en", data={"csrf_token": "t", "purpose": "zalo_notices",
                                                  "decision": "granted"})
    english = client.get("/account/privacy?lang=en").get_data(as_text=True)
    assert "Privacy and personal data" in english and "Withdraw consent" in english
    assert "Recorded: you agreed to “Notices about your dossiers through Zalo”." in english
    assert problems(shown_texts(english)) == []
    with client.session_transaction() as s:
        s.clear()
    assert "/login" in client.get("/account/privacy").headers["Location"]  # logged out: to the log-in page
