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
