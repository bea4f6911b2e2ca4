"""The oversight pages and API over HTTP (issue 17): the dashboards with their SVG charts under the
strict CSP, the annual report's downloads, the indicators as JSON, the agency chosen by name, and the
reminders queued by `motcua timers sweep --at`."""
from __future__ import annotations

import io
import re
from datetime import datetime
from html import unescape
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from openpyxl import load_workbook
from pypdf import PdfReader

from adapters.bootstrap import Services
from engine.clock import ManualClock
from models import OutboxMessage
from processes.uow import UnitOfWork
from tests.helpers import session_of
from tests.reports_history import EXPECTED, seed

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MAIN = "000.00.22.H34"


def login(client: Any, username: str) -> Any:
    with client.session_transaction() as s:
        s["sid"] = session_of(client, username)
        s["csrf"] = "t"
    return client


def text(resp: Any) -> str:
    return unescape(re.sub(r"\s+", " ", resp.get_data(as_text=True)))


def test_the_leaders_dashboard_draws_its_charts_beside_their_tables(client: Any, services: Services,
                                                                    clock: ManualClock) -> None:
    seed(services)
    clock.set(datetime(2026, 4, 2, 9, tzinfo=TZ))
    resp = login(client, "leader").get("/admin/reports/dashboard?year=2026")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert "script-src 'self'" in resp.headers["Content-Security-Policy"] and "<script>" not in page
    assert 'style="' not in page
    for chart in ("chart-groups", "chart-months", "chart-ratings", "chart-satisfaction"):
        assert f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{chart}" role="img"' in page
    assert "chart-ranking" not in page  # a leader's dashboard: no ranking of the province
    # The agency is chosen by name from the leader's tree (the city and its two wards), not typed.
    assert '<select name="agency">' in page and 'name="agency" value=' not in page
    assert "Ủy ban nhân dân phường Quyết Thắng" in text(resp)
    assert "Toàn tỉnh (mọi cơ quan)" not in text(resp)


def test_the_province_dashboard_ranks_the_agencies(client: Any, services: Services, clock: ManualClock) -> None:
    seed(services)
    clock.set(datetime(2026, 4, 2, 9, tzinfo=TZ))
    page = text(login(client, "admin").get("/admin/reports/dashboard?year=2026"))
    assert 'id="chart-ranking"' in page and "Toàn tỉnh (mọi cơ quan)" in page
    assert login(client, "leader2").get(f"/admin/reports/dashboard?agency={MAIN}").status_code == 403
    assert login(client, "citizen").get("/admin/reports/dashboard").status_code == 403
    assert login(client, "admin").get("/admin/reports/dashboard?year=20x6").status_code == 422


def test_the_indicators_as_json(client: Any, services: Services, clock: ManualClock, token: Any) -> None:
    seed(services)
    clock.set(datetime(2026, 4, 2, 9, tzinfo=TZ))
    resp = client.get(f"/api/v1/reports/indicators?agency={MAIN}&from=2026-01-01&to=2026-03-31",
                      headers=token("leader"))
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["total"] == EXPECTED["total"]
    assert {g["key"]: (g["score"], g["max"]) for g in body["groups"]} == {
        k: (v, m) for (k, v), m in zip(EXPECTED["groups"].items(), (18, 20, 22, 22, 18), strict=True)}
    on_time = next(i for i in body["indicators"] if i["key"] == "on_time_rate")
    assert (on_time["value"], on_time["numerator"], on_time["denominator"], on_time["score"], on_time["max"]) \
        == (0.5714, 4, 7, 8.0, 14)
    assert client.get("/api/v1/reports/indicators?agency=000.25.22.H34", headers=token("leader2")).status_code == 200
    assert client.get(f"/api/v1/reports/indicators?agency={MAIN}", headers=token("leader2")).status_code == 403
    assert client.get("/api/v1/reports/indicators").status_code == 401


def test_the_annual_report_downloads_and_opens(client: Any, services: Services, clock: ManualClock,
                                               token: Any) -> None:
    seed(services)
    clock.set(datetime(2026, 4, 2, 9, tzinfo=TZ))
    xlsx = login(client, "leader").get("/admin/reports/annual.xlsx?year=2026")
    assert xlsx.status_code == 200 and "bao-cao-nam-2026-" in xlsx.headers["Content-Disposition"]
    wb = load_workbook(io.BytesIO(xlsx.data))
    summary = list(wb["Tổng hợp"].iter_rows(values_only=True))
    assert summary[0][0] == "Báo cáo tình hình thực hiện cơ chế một cửa, một cửa liên thông năm 2026"
    assert ("Tổng điểm (trên 100)", 62.57) in [r[:2] for r in summary]
    pdf = client.get(f"/api/v1/reports/annual.pdf?agency={MAIN}&year=2026", headers=token("leader"))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.data))
    words = " ".join(p.extract_text() for p in reader.pages)
    assert "ỦY BAN NHÂN DÂN THÀNH PHỐ KON TUM" in words and "Quyết định 766" in words
    assert client.get("/api/v1/reports/annual.doc?year=2026", headers=token("leader")).status_code == 404


def test_the_sweep_at_the_dates_queues_the_reminders(motcua: Any, services: Services) -> None:
    def keys() -> list[str]:
        with UnitOfWork(services.session_factory) as uow:
            return list(uow.session.scalars(sa.select(OutboxMessage.key)
                                            .where(OutboxMessage.key.like("annual_report:%"))))

    assert motcua("timers", "sweep", "--at", "2026-11-14T09:00:00+07:00")[0] == 0
    assert keys() == []
    assert motcua("timers", "sweep", "--at", "2026-11-15T09:00:00+07:00")[0] == 0
    leaders = keys()
    assert leaders and all(":agency:" in k for k in leaders)
    assert f"annual_report:2026:agency:{MAIN}:leader@example.vn" in leaders
    assert motcua("timers", "sweep", "--at", "2026-12-16T09:00:00+07:00")[0] == 0
    assert sorted(set(keys()) - set(leaders)) == ["annual_report:2026:province:province:admin@example.vn"]


def test_the_tables_export_as_csv_and_xlsx_with_vietnamese_headers(client: Any, services: Services,
                                                                   clock: ManualClock) -> None:
    seed(services)
    clock.set(datetime(2026, 4, 2, 9, tzinfo=TZ))
    login(client, "leader")
    csv = client.get("/admin/reports/indicators.csv?from=2026-01-01&to=2026-03-31")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    lines = csv.data.decode("utf-8-sig").splitlines()
    assert lines[0] == "Mã,Chỉ số,Căn cứ,Tử số,Mẫu số,Tỷ lệ (%),Điểm,Điểm tối đa,Ghi chú"
    assert "on_time_rate,Tỷ lệ hồ sơ giải quyết đúng hạn,766 §2.1,4,7,57.14,8.0,14," in lines
    assert "total,Tổng điểm,766,,,,62.57,100," in lines
    book = load_workbook(io.BytesIO(client.get("/admin/reports/indicators.xlsx?from=2026-01-01&to=2026-03-31").data))
    rows = list(book["Chỉ số"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Mã", "Chỉ số", "Căn cứ") and ("late", "Trễ hạn", None, 3) in [r[:4] for r in rows]
    table = load_workbook(io.BytesIO(client.get("/admin/reports/report.xlsx?from=2026-01-01&to=2026-03-31").data))
    head = next(table["Báo cáo"].iter_rows(values_only=True))
    assert head[:3] == ("Cơ quan", "Thủ tục", "Tiếp nhận")
    page = text(client.get("/admin/reports/dashboard?year=2026"))
    assert "1.001193 — " in page  # the ratings per procedure


def test_a_leader_answers_a_rating_and_the_portal_shows_the_published_answer(client: Any, services: Services,
                                                                              clock: ManualClock) -> None:
    seed(services)
    clock.set(datetime(2026, 4, 2, 9, tzinfo=TZ))
    login(client, "leader")
    page = client.get("/admin/reports/feedback")
    assert page.status_code == 200
    ids = re.findall(r'<tr data-id="(\d+)">', page.get_data(as_text=True))
    assert len(ids) == 4  # the four ratings of the city's dossiers
    first = ids[0]
    bad = client.post(f"/admin/reports/feedback/{first}/answer", data={"csrf_token": "t", "answer": ""})
    assert bad.status_code == 422 and "Hãy nhập nội dung trả lời." in text(bad)
    done = client.post(f"/admin/reports/feedback/{first}/answer", follow_redirects=True,
                       data={"csrf_token": "t", "answer": "Cảm ơn ông bà đã đánh giá.", "publish": "1"})
    assert f"Đã trả lời góp ý số {first}" in text(done)
    public = text(client.get("/feedback/answers"))
    assert "Cảm ơn ông bà đã đánh giá." in public and "Nguyễn Văn An" not in public
    closed = client.post(f"/admin/reports/feedback/{first}/close", data={"csrf_token": "t"}, follow_redirects=True)
    assert "Đã đóng góp ý số" in text(closed)
    assert client.post(f"/admin/reports/feedback/{first}/close", data={"csrf_token": "t"}).status_code == 409
    assert login(client, "leader2").post(f"/admin/reports/feedback/{first}/close",
                                         data={"csrf_token": "t"}).status_code == 403
