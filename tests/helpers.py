"""Data and walks shared by integration and end-to-end tests."""
from __future__ import annotations

from typing import Any

HKD = "1.001612"  # Đăng ký thành lập hộ kinh doanh
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

HKD_FORM: dict[str, Any] = {
    "ho_ten_chu_ho": "Nguyễn Văn An", "so_dinh_danh": "062095001234", "so_dien_thoai": "0912345678",
    "ten_ho_kinh_doanh": "Hộ kinh doanh Phở An", "dia_chi_kinh_doanh": "12 Lê Lợi, phường Quyết Thắng",
    "nganh_nghe": "Dịch vụ ăn uống", "von_kinh_doanh": 150000000, "so_lao_dong": 3,
}


def affirmative(form: list[dict[str, Any]], overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """What an officer who agrees fills in: the first option of each choice, yes to each box."""
    data: dict[str, Any] = {}
    for f in form:
        if f["id"] in (overrides or {}):
            data[f["id"]] = overrides[f["id"]]  # type: ignore[index]
        elif f["type"] == "enum":
            data[f["id"]] = f["options"][0]["id"]
        elif f["type"] == "boolean":
            data[f["id"]] = True
        elif f["required"] and f["type"] == "long":
            data[f["id"]] = 1
        elif f["required"] and f["type"] == "date":
            data[f["id"]] = "2026-03-02"
        elif f["required"]:
            data[f["id"]] = "Đồng ý"
    return data


def catalogue_form(catalogue: dict[str, Any]) -> dict[str, Any]:
    """A valid applicant's form for any catalogue entry (sidecar or API): a plausible value of each type."""
    values: dict[str, Any] = {}
    for f in catalogue.get("form", []):
        kind, pattern = f.get("type", "string"), f.get("pattern")
        if kind == "enum":
            values[f["id"]] = f["options"][0]["id"]
        elif kind == "long":
            values[f["id"]] = 2
        elif kind == "date":
            values[f["id"]] = "2026-02-20"
        elif kind == "boolean":
            values[f["id"]] = True
        elif kind == "phone":
            values[f["id"]] = "0912345678"
        elif kind == "email":
            values[f["id"]] = "an.nguyen@example.vn"
        elif pattern == "^[0-9]{12}$":
            values[f["id"]] = "062095001234"
        elif pattern:
            raise ValueError(f"{catalogue['code']}: no test value for the pattern {pattern} of {f['id']}")
        else:
            values[f["id"]] = "Nguyễn Văn An, 12 Lê Lợi, phường Quyết Thắng"
    return values
