"""The officer's dossier (task) page shows the dossier's personal-data access log and whether its audit
trail is intact; an administrator's break-glass read through the API needs `?reason=` and shows there
with the reason (issue 18)."""
from __future__ import annotations

from html import unescape
from typing import Any

from adapters.bootstrap import Services
from tests.e2e.test_officer_pages import login, task_id
from tests.integration.test_lifecycle import submit


def test_the_task_page_shows_who_read_the_dossier_and_why(services: Services, client: Any, token: Any) -> None:
    code = submit(services)
    refused = client.get(f"/api/v1/dossiers/{code}", headers=token("admin"))
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "dossier.break_glass_reason"
    read = client.get(f"/api/v1/dossiers/{code}?reason=Thanh+tra+12", headers=token("admin"))
    assert read.status_code == 200 and read.get_json()["code"] == code

    login(client, "reception")
    page = unescape(client.get(f"/officer/tasks/{task_id(client, code)}").get_data(as_text=True))
    log = page[page.index("Nhật ký truy cập dữ liệu cá nhân"):]
    assert "Nhật ký của hồ sơ: nguyên vẹn." in log
    assert "admin" in log and "Xem hồ sơ" in log and "truy cập ngoài cơ quan" in log and "Thanh tra 12" in log
    assert "Mở hồ sơ để xử lý" in log  # this very opening, by reception
