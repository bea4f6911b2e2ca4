"""Formatting shared by notices: Vietnamese dates and money."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
CHANNEL_NAMES = {"counter": "nhận trực tiếp tại bộ phận một cửa", "post": "dịch vụ bưu chính công ích",
                 "online": "trực tuyến trên Cổng dịch vụ công"}


def fmt_instant(value: datetime | None) -> str:
    return value.astimezone(LOCAL).strftime("%H:%M ngày %d/%m/%Y") if value else "—"


def fmt_vnd(amount: int | float) -> str:
    return f"{int(amount):,}".replace(",", ".") + " đồng"
