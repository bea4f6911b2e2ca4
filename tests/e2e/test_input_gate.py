"""The input gate at the doors (web/gate.py): odd text, JSON, dates and integers are refused with a
400 or 422 naming the field, never a 500, on SQLite and PostgreSQL alike (a NUL byte breaks
PostgreSQL text columns, so the unauthenticated pages are probed too)."""
from __future__ import annotations

import base64
import json
import unicodedata
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from adapters.bootstrap import Services
from engine.clock import ManualClock
from models import Dossier
from processes.dossier.dossiers import get_dossier
from processes.timekeeping.timers import fire_due_timers
from tests.helpers import HKD, HKD_FORM, PDF, PNG, session_of, submit, work

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


def _post_json(client: Any, url: str, body: str, headers: dict[str, str]) -> Any:
    return client.post(url, data=body, headers=headers | {"Content-Type": "application/json"})


def _error(resp: Any) -> dict[str, Any]:
    return dict(resp.get_json()["error"])


def test_a_lone_surrogate_in_json_is_a_400_naming_the_field(client: Any, token: Any) -> None:
    resp = _post_json(client, "/api/v1/dossiers", '{"procedure": "1.001612", "form": {"ho_ten_chu_ho": "\\ud800"}}',
                      token("citizen"))
    assert resp.status_code == 400
    assert _error(resp)["code"] == "input.not_unicode" and _error(resp)["field"] == "form.ho_ten_chu_ho"


def test_json_nested_100000_deep_is_a_400(client: Any, token: Any) -> None:
    resp = _post_json(client, "/api/v1/dossiers", "[" * 100_000 + "]" * 100_000, token("citizen"))
    assert resp.status_code == 400 and _error(resp)["code"] == "input.json_too_deep"
    moderate = {"procedure": HKD, "form": json.loads("[" * 40 + "]" * 40)}  # parses, but deeper than allowed
    resp = _post_json(client, "/api/v1/dossiers", json.dumps(moderate), token("citizen"))
    assert resp.status_code == 400 and _error(resp)["code"] == "input.json_too_deep"


def test_a_json_body_of_too_many_values_is_a_400(client: Any, token: Any) -> None:
    resp = _post_json(client, "/api/v1/dossiers", json.dumps({"form": [0] * 50_000}), token("citizen"))
    assert resp.status_code == 400 and _error(resp)["code"] == "input.json_too_large"


def test_a_nul_byte_in_json_is_refused_and_nothing_is_stored(client: Any, services: Services, token: Any) -> None:
    body = {"procedure": HKD, "form": HKD_FORM | {"ho_ten_chu_ho": "An\x00"}, "declaration": True}
    resp = _post_json(client, "/api/v1/dossiers", json.dumps(body), token("citizen"))
    assert resp.status_code == 400
    assert _error(resp)["code"] == "input.control_character" and _error(resp)["field"] == "form.ho_ten_chu_ho"
    assert client.get("/api/v1/dossiers/x", headers=token("citizen")).status_code == 404


def test_a_text_longer_than_any_field_is_a_422(client: Any, token: Any) -> None:
    body = {"procedure": HKD, "form": HKD_FORM | {"nganh_nghe": "x" * 30_000}, "declaration": True}
    resp = _post_json(client, "/api/v1/dossiers", json.dumps(body), token("citizen"))
    assert resp.status_code == 422
    assert _error(resp)["code"] == "input.too_long" and _error(resp)["field"] == "form.nganh_nghe"


@pytest.mark.parametrize("query", ["from=9999-12-31&to=9999-12-31", "from=0001-01-01&to=0001-01-02"])
def test_dates_out_of_range_in_a_query_string_are_a_422_naming_the_field(client: Any, token: Any,
                                                                         query: str) -> None:
    resp = client.get(f"/api/v1/forms/06.pdf?{query}", headers=token("reception"))
    assert resp.status_code == 422
    assert _error(resp)["code"] == "input.date_out_of_range" and _error(resp)["field"] == "from"
    with client.session_transaction() as s:
        s["sid"] = session_of(client, "reception")
    page = client.get(f"/officer/forms/06.pdf?{query}")
    assert page.status_code == 422 and "năm phải từ 1900 đến 2200" in page.get_data(as_text=True)


@pytest.mark.parametrize("due", ["9999-12-31T23:00:00+07:00", "0001-01-01T00:00:00+00:00"])
def test_dates_out_of_range_in_a_body_are_a_422_naming_the_field(client: Any, services: Services, token: Any,
                                                                 due: str) -> None:
    code = submit(services)
    resp = _post_json(client, f"/api/v1/dossiers/{code}/apology", json.dumps({"new_due": due, "reason": "x"}),
                      token("leader"))
    assert resp.status_code == 422 and _error(resp)["field"] == "new_due"


def test_integers_above_2_63_are_not_found_in_urls_and_refused_in_parameters(client: Any, services: Services,
                                                                            token: Any) -> None:
    code = submit(services)
    for huge in (str(2**31), str(2**63 - 1), str(2**63), "9" * 30):  # beyond what an INTEGER id column holds
        resp = client.get(f"/api/v1/dossiers/{code}/documents/{huge}", headers=token("citizen"))
        assert resp.status_code == 404
        with client.session_transaction() as s:
            s["sid"] = session_of(client, "citizen")
        assert client.get(f"/my/dossiers/{code}/files/{huge}").status_code == 404
    huge = str(2**63)
    resp = client.get(f"/api/v1/calendar/overrides?year={huge}", headers=token("admin"))
    assert resp.status_code == 422 and _error(resp)["field"] == "year"
    body = {"procedure": HKD, "form": HKD_FORM | {"so_lao_dong": 2**64}, "declaration": True}
    resp = _post_json(client, "/api/v1/dossiers", json.dumps(body), token("citizen"))
    assert resp.status_code == 422
    assert _error(resp)["code"] == "input.number_out_of_range" and _error(resp)["field"] == "form.so_lao_dong"


def _csrf(client: Any) -> str:
    with client.session_transaction() as s:
        s["csrf"] = "t"
    return "t"


@pytest.mark.parametrize("url, form", [
    ("/login", {"username": "citizen\x00", "password": "x"}),
    ("/register", {"username": "an\x00", "full_name": "An", "email": "an@example.vn", "password": "password12",
                   "password_confirm": "password12"}),
    ("/feedback", {"comment": "Tốt\x00", "rating": "5"}),
    ("/track", {"code": "000.00.22.H34\x00", "phone": "0912345678"}),
])
def test_a_nul_byte_on_an_unauthenticated_page_is_a_400_naming_the_field(client: Any, url: str,
                                                                          form: dict[str, str]) -> None:
    resp = client.post(url, data=form | {"csrf_token": _csrf(client)})
    assert resp.status_code == 400
    assert "chứa ký tự điều khiển" in resp.get_data(as_text=True)
    name = next(k for k, v in form.items() if "\x00" in v)
    assert f"Ô {name}" in resp.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/track?code=a%00b&phone=1", "/login?next=/my%00", "/feedback?x=%00",
                                 "/register?u=%00", "/procedures/1.001612%00", "/login?next=/%0D%0AX:1",
                                 "/dossiers/%0D%0AX%3A1/forms/06.pdf", "/api/v1/dossiers/a%0Ab/forms/07.pdf"])
def test_a_nul_byte_in_a_query_string_or_url_part_is_a_400(client: Any, url: str) -> None:
    assert client.get(url).status_code == 400


def test_decomposed_vietnamese_is_stored_composed(client: Any, services: Services, token: Any) -> None:
    name = unicodedata.normalize("NFD", "Nguyễn Văn Ẩn")
    documents = {key: {"filename": filename, "content_base64": base64.b64encode(content).decode()}
                 for key, filename, content in [("giay_de_nghi", "de-nghi.pdf", PDF),
                                                ("giay_to_phap_ly", "a.png", PNG)]}
    body = {"procedure": HKD, "form": HKD_FORM | {"ho_ten_chu_ho": name}, "declaration": True, "documents": documents}
    resp = _post_json(client, "/api/v1/dossiers", json.dumps(body), token("citizen"))
    assert resp.status_code == 201, resp.get_json()
    with services.session_factory() as s:
        stored = s.scalar(sa.select(Dossier.form).where(Dossier.code == resp.get_json()["code"]))["ho_ten_chu_ho"]
    assert stored == "Nguyễn Văn Ẩn" == unicodedata.normalize("NFC", name)


def test_a_second_apology_to_the_same_instant_is_a_409_not_a_500(client: Any, services: Services,
                                                                 clock: ManualClock, token: Any) -> None:
    code = submit(services)
    work(services, code, "reception")
    late = datetime(2026, 3, 9, 10, 0, tzinfo=LOCAL)
    fire_due_timers(services, at=late)
    clock.set(late)
    body = json.dumps({"new_due": "2026-03-14T10:00:00+07:00", "reason": "Chờ ý kiến"})  # a Saturday
    first = _post_json(client, f"/api/v1/dossiers/{code}/apology", body, token("leader"))
    assert first.status_code == 200, first.get_json()
    again = json.dumps({"new_due": "2026-03-15T09:00:00+07:00", "reason": "Chờ ý kiến"})  # Sunday: the same 07:30
    resp = _post_json(client, f"/api/v1/dossiers/{code}/apology", again, token("leader"))
    assert resp.status_code == 409 and _error(resp)["code"] == "apology.same_due"
    assert [n["form"] for n in get_dossier(services, "citizen", code)["notices"]].count("04") == 1


def test_a_lone_surrogate_in_a_json_key_is_named_in_a_form_that_can_be_sent_back(client: Any, token: Any) -> None:
    resp = _post_json(client, "/api/v1/dossiers", '{"form": {"\\ud800": "x"}}', token("citizen"))
    assert resp.status_code == 400
    assert _error(resp)["code"] == "input.not_unicode" and _error(resp)["field"] == "form.\\ud800"


@pytest.mark.parametrize("url", ["/admin/definitions/1.001612/compare?old=2147483648&new=1",
                                 "/admin/definitions/1.001612/migrate?to=2147483648",
                                 "/officer/tasks?page=9223372036854775807"])
def test_a_count_beyond_an_integer_column_is_a_422_not_a_database_error(client: Any, url: str) -> None:
    with client.session_transaction() as s:
        s["sid"] = session_of(client, "admin" if url.startswith("/admin") else "reception")
    resp = client.get(url)
    assert resp.status_code == 422 and "số quá lớn" in resp.get_data(as_text=True)


@pytest.mark.parametrize("huge", [str(2**31), str(2**63 - 1)])
def test_a_token_id_beyond_an_integer_column_is_not_found_not_a_database_error(client: Any, token: Any,
                                                                               huge: str) -> None:
    """Found by schemathesis on PostgreSQL: a token's id (in the URL, or as the head of a bearer token)."""
    resp = client.delete(f"/api/v1/tokens/{huge}", headers=token("citizen"))
    assert resp.status_code == 404 and _error(resp)["code"] == "token.not_found"
    resp = client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {huge}.secret"})
    assert resp.status_code == 401
    with client.session_transaction() as s:
        s["sid"] = session_of(client, "citizen")
        s["csrf"] = "t"
    assert client.post(f"/account/tokens/{huge}/revoke", data={"csrf_token": "t"}).status_code == 404


@pytest.mark.parametrize("part", ['form-data\r\n\r\nx', 'form-data; filename="a.pdf"\r\nContent-Type: application/pdf'
                                  '\r\n\r\n%PDF-1.4'])
def test_a_form_part_without_a_name_is_a_400_not_a_500(client: Any, token: Any, part: str) -> None:
    """Found by schemathesis: a multipart part whose Content-Disposition names no field."""
    body = (f'--b\r\nContent-Disposition: form-data; name="payload"\r\n\r\n{{}}\r\n'
            f'--b\r\nContent-Disposition: {part}\r\n--b--\r\n').encode()
    headers = {"Content-Type": "multipart/form-data; boundary=b"}
    resp = client.post("/api/v1/dossiers", data=body, headers=headers | token("citizen"))
    assert resp.status_code == 400 and _error(resp)["code"] == "input.unnamed_part"
    resp = client.post("/feedback", data=body, headers=headers)
    assert resp.status_code == 400 and "không có tên trường" in resp.get_data(as_text=True)
