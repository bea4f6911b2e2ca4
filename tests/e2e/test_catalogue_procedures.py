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
