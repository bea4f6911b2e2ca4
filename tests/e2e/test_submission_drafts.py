"""The submission page forgives mistakes (issue 19): after each refusal every answer, the declaration and
every chosen file are still there; a draft survives logging out and in; the dossier finally carries the
files chosen once."""
from __future__ import annotations

import html
import io
import re
from typing import Any

import pytest
import sqlalchemy as sa

from adapters.bootstrap import Services
from models import Attachment, Dossier
from tests.helpers import HKD, HKD_FORM, PDF, PNG

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the use cases run on both in
# tests/integration/test_drafts.py

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
NONCE = re.compile(r'name="nonce" value="([^"]+)"')
URL = f"/procedures/{HKD}/submit"


def log_in(client: Any, username: str = "citizen") -> None:
    token = TOKEN.search(client.get("/login").get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    assert client.post("/login", data={"csrf_token": token, "username": username, "password": "demo"}
                       ).status_code == 303


def post(client: Any, page: str, files: bool = False, **fields: Any) -> Any:
    data: dict[str, Any] = {"csrf_token": TOKEN.search(page).group(1),  # type: ignore[union-attr]
                            "nonce": NONCE.search(page).group(1),  # type: ignore[union-attr]
                            "channel": "counter", "intent": "submit"}
    data.update({f"form.{k}": str(v) for k, v in HKD_FORM.items()})
    if files:
        data["documents.giay_de_nghi"] = (io.BytesIO(PDF), "de-nghi.pdf")
        data["documents.giay_to_phap_ly"] = (io.BytesIO(PNG), "cccd.png")
    data.update(fields)
    return client.post(URL, data={k: v for k, v in data.items() if v is not None},
                       content_type="multipart/form-data")


def _declaration_ticked(page: str) -> bool:
    box = re.search(r'<input id="f-declaration"[^>]*>', page)
    assert box
    return "checked" in box.group(0)


def test_every_mistake_in_turn_and_the_files_are_chosen_once(client: Any, services: Services) -> None:
    log_in(client)
    page = client.get(URL).get_data(as_text=True)
    assert 'value="Nguyễn Văn An"' in page  # prefilled from the account

    refused = post(client, page, files=True, declaration="yes", **{"form.von_kinh_doanh": "-5"})
    assert refused.status_code == 422
    page = html.unescape(refused.get_data(as_text=True))
    assert "Giá trị nhỏ nhất được chấp nhận là 0." in page
    assert "de-nghi.pdf" in page and "cccd.png" in page and _declaration_ticked(page)

    refused = post(client, refused.get_data(as_text=True), declaration=None)  # no file chosen again
    assert refused.status_code == 422
    page = html.unescape(refused.get_data(as_text=True))
    assert "lời cam đoan" in page.lower() and "de-nghi.pdf" in page and "cccd.png" in page

    done = post(client, refused.get_data(as_text=True), declaration="yes")
    assert done.status_code == 303 and "/receipt" in done.headers["Location"]
    code = done.headers["Location"].split("/")[-2]
    with services.session_factory() as s:
        dossier_id = s.scalar(sa.select(Dossier.id).where(Dossier.code == code))
        files = sorted(s.scalars(sa.select(Attachment.filename).where(Attachment.dossier_id == dossier_id)))
    assert files == ["cccd.png", "de-nghi.pdf"]
    assert "Bản nháp đang soạn" not in client.get("/my/dossiers").get_data(as_text=True)


def test_a_wrong_file_is_refused_by_name_and_the_others_are_kept(client: Any) -> None:
    log_in(client)
    page = client.get(URL).get_data(as_text=True)
    refused = post(client, page, files=True, declaration="yes",
                   **{"documents.bien_ban_hop_thanh_vien": (io.BytesIO(b"MZ\x90\x00 an executable"), "bien-ban.pdf")})
    assert refused.status_code == 422
    text = html.unescape(refused.get_data(as_text=True))
    assert "bien-ban.pdf" in text and 'id="f-documents-bien-ban-hop-thanh-vien-error"' in text
    assert "de-nghi.pdf" in text and "cccd.png" in text


def test_a_saved_draft_is_resumed_after_logging_out_and_in(client: Any) -> None:
    log_in(client)
    page = client.get(URL).get_data(as_text=True)
    saved = post(client, page, files=True, intent="save", **{"form.ten_ho_kinh_doanh": "Phở Bình Minh"})
    assert saved.status_code == 303
    client.post("/logout", data={"csrf_token": TOKEN.search(client.get("/").get_data(as_text=True)).group(1)})
    assert client.get(URL).status_code == 302  # logged out
    log_in(client)
    mine = client.get("/my/dossiers").get_data(as_text=True)
    assert "Bản nháp đang soạn" in mine and f'href="{URL}"' in mine
    page = html.unescape(client.get(URL).get_data(as_text=True))
    assert 'value="Phở Bình Minh"' in page and "de-nghi.pdf" in page and "cccd.png" in page


def test_a_result_by_post_asks_for_the_address_and_the_dossier_keeps_it(client: Any, services: Services) -> None:
    log_in(client)
    refused = post(client, client.get(URL).get_data(as_text=True), files=True, declaration="yes", channel="post")
    assert refused.status_code == 422
    text = html.unescape(refused.get_data(as_text=True))
    assert "hãy ghi địa chỉ nhận kết quả" in text and 'id="f-postal-address-error"' in text
    done = post(client, refused.get_data(as_text=True), declaration="yes", channel="post",
                postal_address="12 Lê Lợi, phường Quyết Thắng, Kon Tum")
    assert done.status_code == 303
    with services.session_factory() as s:
        assert s.scalar(sa.select(Dossier.postal_address).where(
            Dossier.code == done.headers["Location"].split("/")[-2])) == "12 Lê Lợi, phường Quyết Thắng, Kon Tum"
