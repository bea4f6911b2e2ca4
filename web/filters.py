"""Template filters of the portal (local times, working days, money, sizes, agency levels) and the
names the error summary gives to common fields."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask

from web.i18n import current_language, gettext

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
AGENCY_LEVELS = {"province": "cấp tỉnh", "department": "cấp sở, ngành", "district": "cấp huyện",
                 "commune": "cấp xã"}


def when(value: datetime | None) -> str:
    """An instant in the province's time: "09:00 ngày 02/03/2026" (English: "09:00, 02/03/2026")."""
    if value is None:
        return "—"
    local = value.astimezone(LOCAL)
    return local.strftime("%H:%M ngày %d/%m/%Y" if current_language() == "vi" else "%H:%M, %d/%m/%Y")


def days(value: float) -> str:
    """Working days without a needless ".0"; a decimal comma in Vietnamese."""
    text = f"{value:g}"
    return text.replace(".", ",") if current_language() == "vi" else text


def vnd(amount: float | None) -> str:
    if not amount:
        return "0 đồng" if current_language() == "vi" else "VND 0"
    grouped = f"{int(amount):,}"
    return grouped.replace(",", ".") + " đồng" if current_language() == "vi" else "VND " + grouped


def size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{max(1, n // 1024)} KB"


def agency_level(level: str) -> str:
    return AGENCY_LEVELS.get(level, level)


# What the error summary calls the fields of the account, look-up and feedback forms.
FIELD_LABELS = {"username": "Tên đăng nhập", "full_name": "Họ và tên", "email": "Thư điện tử",
                "phone": "Số điện thoại", "password": "Mật khẩu", "password_repeat": "Nhập lại mật khẩu",
                "current_password": "Mật khẩu hiện tại", "code": "Mã hồ sơ", "comment": "Nội dung góp ý",
                "rating": "Mức độ hài lòng", "token": "Liên kết"}


def field_labels() -> dict[str, str]:
    return {name: gettext(label) for name, label in FIELD_LABELS.items()}


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(when=when, days=days, vnd=vnd, size=size, agency_level=agency_level)
    app.context_processor(lambda: {"field_labels": field_labels()})
