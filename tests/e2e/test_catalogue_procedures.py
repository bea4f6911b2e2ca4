"""The public catalogue through the JSON API, as an outside client sees it: at least ten real procedures
with Vietnamese names, at two or more levels of government, at least one consulting another agency."""
from __future__ import annotations

from typing import Any

VIETNAMESE = set("ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")


def catalogue(client: Any) -> list[dict[str, Any]]:
    resp = client.get("/api/v1/procedures")
    assert resp.status_code == 200
    return resp.json  # type: ignore[no-any-return]


def test_at_least_ten_procedures_with_vietnamese_names_at_two_levels_of_government(client: Any) -> None:
    procedures = catalogue(client)
    assert len(procedures) >= 10
    assert all(VIETNAMESE & set(p["name"].lower()) for p in procedures), [p["name"] for p in procedures]
    assert len({p["code"] for p in procedures}) == len(procedures)
    levels = {p["agency_level"] for p in procedures}
    assert {"commune", "district"} <= levels and levels & {"department", "province"}
    assert all(p["agency"] and p["agency_name"] for p in procedures)


def test_the_named_procedures_are_listed_with_their_statutory_times(client: Any) -> None:
    by_name = {p["name"]: p for p in catalogue(client)}
    assert by_name["Đăng ký khai sinh"]["processing_time"] == {"working_days": 0, "same_day": True}
    assert by_name["Đăng ký thành lập hộ kinh doanh"]["processing_time"]["working_days"] == 3
    assert by_name["Đăng ký thành lập doanh nghiệp tư nhân"]["processing_time"]["working_days"] == 3
    assert by_name["Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ"]["processing_time"]["working_days"] == 15
    for name in ("Đăng ký kết hôn", "Đăng ký khai tử", "Cấp bản sao trích lục hộ tịch", "Đăng ký thường trú"):
        assert name in by_name


def test_at_least_one_procedure_consults_another_agency(client: Any) -> None:
    procedures = catalogue(client)
    consulting = {p["code"]: p for p in procedures if set(p["consulted_agencies"]) - {p["agency"]}}
    judicial = next(p for p in procedures if p["name"].startswith("Cấp Phiếu lý lịch tư pháp"))
    assert judicial["code"] in consulting
    assert judicial["agency"] == "000.00.05.H34" and judicial["consulted_agencies"] == ["000.00.90.H34"]
    land = next(p for p in procedures if p["name_en"] == "First land-use right certificate")
    assert len(land["consulted_agencies"]) == 3


def test_every_procedure_lists_what_the_portal_must_show(client: Any) -> None:
    for p in catalogue(client):
        assert p["level"] in (2, 3, 4)
        assert p["documents"] and any(d["required"] for d in p["documents"]), p["code"]
        assert p["form"] and p["steps"] and p["legal_basis"] and p["result"] and p["applicants"], p["code"]
        assert p["fees"] and all("amount_vnd" in f for f in p["fees"]), p["code"]


def test_each_procedure_has_a_service_page_in_vietnamese(client: Any) -> None:
    from html import unescape

    for p in catalogue(client):
        resp = client.get(f"/procedures/{p['code']}")
        assert resp.status_code == 200, p["code"]
        page = unescape(resp.get_data(as_text=True))
        assert p["name"] in page and p["documents"][0]["name"] in page, p["code"]


def test_each_procedure_accepts_an_online_dossier_and_draws_it(client: Any, token: Any) -> None:
    import io
    import json

    from tests.helpers import PDF, catalogue_form

    for p in catalogue(client):
        files = {f"documents.{d['key']}": (io.BytesIO(PDF), f"{d['key']}.pdf") for d in p["documents"] if d["required"]}
        channel = "online" if p["level"] >= 4 else "counter"  # level 3: the result at the desk only (R8.4)
        payload = json.dumps({"procedure": p["code"], "form": catalogue_form(p), "channel": channel,
                              "declaration": True})
        resp = client.post("/api/v1/dossiers", headers=token("citizen"), content_type="multipart/form-data",
                           data={"payload": payload, **files})
        assert resp.status_code == 201, (p["code"], resp.json)
        drawing = client.get(f"/api/v1/dossiers/{resp.json['code']}/diagram.svg", headers=token("citizen"))
        assert drawing.status_code == 200 and drawing.mimetype == "image/svg+xml", p["code"]
        assert b"Task_reception_check" in drawing.data, p["code"]
