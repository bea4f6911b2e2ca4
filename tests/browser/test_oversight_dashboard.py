"""The leader's and the province's dashboards in a real browser (issue 17): every chart is drawn (an
SVG with a size on the page), its bars hold the same numbers as the table beside it, and the page
breaks no rule of the Content-Security-Policy."""
from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from adapters.bootstrap import Services
from engine.clock import ManualClock
from tests.reports_history import EXPECTED, seed

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# chart id -> (table id, the column of the table holding the chart's numbers, 1-based among th+td cells)
PAIRS = {"chart-groups": ("table-groups", 2), "chart-months": ("table-months", 4),
         "chart-ratings": ("table-ratings", 2), "chart-satisfaction": ("table-satisfaction", 2)}


def _as_number(value: str | None) -> float | None:
    return None if value in (None, "") else float(value)  # type: ignore[arg-type]


def _check_charts(page: Any, pairs: dict[str, tuple[str, int]]) -> None:
    for chart, (table, column) in pairs.items():
        svg = page.locator(f"svg#{chart}")
        box = svg.bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 50, chart
        bars = [_as_number(v) for v in svg.locator("g.bar").evaluate_all(
            "els => els.map(e => e.getAttribute('data-value'))")]
        cells = [_as_number(v) for v in page.locator(f"#{table} tbody tr > :nth-child({column})").evaluate_all(
            "els => els.map(e => e.getAttribute('data-value'))")]
        assert bars and bars == cells, (chart, bars, cells)


def _log_in(page: Any, live_server: str, username: str) -> None:
    page.goto(live_server + "/login?next=/admin/reports/dashboard")
    page.locator("#f-username").fill(username)
    page.locator("#f-password").fill("demo")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/admin/reports/dashboard")


def test_the_leaders_and_the_provinces_dashboards_draw_their_charts(live_server: str, page: Any,
                                                                     services: Services, clock: ManualClock) -> None:
    seed(services)
    clock.set(datetime(2026, 4, 2, 9, tzinfo=TZ))
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)

    _log_in(page, live_server, "leader")
    page.goto(live_server + "/admin/reports/dashboard?year=2026")
    assert page.locator("h1").inner_text() == "Bảng điều hành: Ủy ban nhân dân thành phố Kon Tum"
    _check_charts(page, PAIRS)
    groups = page.locator("#table-groups tbody td[data-value]").evaluate_all(
        "els => els.map(e => Number(e.getAttribute('data-value')))")
    # The year to 2 April is the seeded first quarter: the same scores as the hand computation.
    assert groups == list(EXPECTED["groups"].values())
    assert page.locator("#total").inner_text() == "62,57"
    assert page.locator("#table-months tbody tr").nth(0).inner_text().split() == ["1", "2", "2", "100"]
    assert page.locator("svg#chart-ranking").count() == 0

    # The agency is picked by name from the list: a ward below the city has no dossier.
    page.locator("select[name=agency]").select_option(label="— — Ủy ban nhân dân phường Quyết Thắng")
    page.get_by_role("button", name="Xem").click()
    page.wait_for_url("**agency=000.25.22.H34**")
    assert page.locator("h1").inner_text().endswith("Ủy ban nhân dân phường Quyết Thắng")
    assert page.locator("#total").inner_text() == "—"

    page.context.clear_cookies()
    _log_in(page, live_server, "admin")
    page.goto(live_server + "/admin/reports/dashboard?year=2026")
    assert page.locator("h1").inner_text() == "Bảng điều hành: Toàn tỉnh"
    _check_charts(page, {**PAIRS, "chart-ranking": ("table-ranking", 4)})
    ranked = page.locator("#table-ranking tbody th").all_inner_texts()
    assert "Ủy ban nhân dân thành phố Kon Tum" in ranked
    assert violations == []
