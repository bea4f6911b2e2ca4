"""Template filters of the pages, all through Babel in the reader's language and the province's time
zone (Asia/Ho_Chi_Minh): instants and dates as dd/MM/yyyy (HH:mm), numbers, VND amounts
("150.000.000 ₫", English "₫150,000,000"), working days and file sizes; agency levels; and the names
the error summary gives to common fields."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask
from flask_babel import (
    format_currency,
    format_date,
    format_datetime,
    format_decimal,
)

from web import labels
from web.i18n import N_, TIMEZONE, gettext

LOCAL = ZoneInfo(TIMEZONE)
AGENCY_LEVELS = {"province": N_("cấp tỉnh"), "department": N_("cấp sở, ngành"), "district": N_("cấp huyện"),
                 "commune": N_("cấp xã")}
INSTANT = "dd/MM/yyyy HH:mm"
DAY = "dd/MM/yyyy"


def _parsed(value: datetime | date | str) -> datetime | date:
    """Use cases hand some instants and days over as ISO text (the API's form); pages show them."""
    if isinstance(value, str):
        parsed = datetime.fromisoformat(value)
        return parsed if ("T" in value or " " in value) else parsed.date()
    return value


def when(value: datetime | date | str | None) -> str:
    """An instant in the province's time, "02/03/2026 09:00" (a day alone: "02/03/2026"); "—" if none."""
    if value is None or value == "":
        return "—"
    value = _parsed(value)
    if isinstance(value, datetime):
        return str(format_datetime(value, INSTANT))
    return str(format_date(value, DAY))


def day(value: datetime | date | str | None) -> str:
    """The day of an instant (in the province) or a date, "02/03/2026"; "—" if none."""
    if value is None or value == "":
        return "—"
    return str(format_date(_parsed(value), DAY))


def number(value: float | int | None) -> str:
    """A count or a quantity with the language's separators ("1.234" in Vietnamese, "1,234" in English)."""
    return "—" if value is None else str(format_decimal(value))


def days(value: float) -> str:
    """Working days without a needless ".0"; a decimal comma in Vietnamese."""
    return str(format_decimal(value))


def vnd(amount: float | int | None) -> str:
    """An amount in đồng: "150.000.000 ₫" in Vietnamese, "₫150,000,000" in English."""
    return str(format_currency(amount or 0, "VND"))


def size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{format_decimal(round(n / (1024 * 1024), 1))} MB"
    return f"{format_decimal(max(1, n // 1024))} KB"


def agency_level(level: str) -> str:
    """The Vietnamese source name of an agency level (translate it with `_()` where it is shown)."""
    return AGENCY_LEVELS.get(level, level)


# What the error summary calls the fields of the account, look-up and feedback forms.
FIELD_LABELS = {"username": N_("Tên đăng nhập"), "full_name": N_("Họ và tên"), "email": N_("Thư điện tử"),
                "phone": N_("Số điện thoại"), "password": N_("Mật khẩu"),
                "password_repeat": N_("Nhập lại mật khẩu"), "current_password": N_("Mật khẩu hiện tại"),
                "code": N_("Mã hồ sơ"), "comment": N_("Nội dung góp ý"), "rating": N_("Mức độ hài lòng"),
                "token": N_("Liên kết"), "otp": N_("Mã xác thực"),
                "identity_number": N_("Số định danh cá nhân (CCCD, 12 chữ số)"), "address": N_("Địa chỉ"),
                "consents": N_("Đồng ý xử lý dữ liệu cá nhân"), "purpose": N_("Mục đích"),
                "decision": N_("Quyết định")}


def field_labels() -> dict[str, str]:
    return {name: gettext(label) for name, label in FIELD_LABELS.items()}


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(when=when, day=day, number=number, days=days, vnd=vnd, size=size,
                                 agency_level=agency_level)
    app.context_processor(lambda: {"field_labels": field_labels()})
    labels.init_app(app)
