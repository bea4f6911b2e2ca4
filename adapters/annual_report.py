"""The annual report on the one-stop mechanism (R17.1; Decree 61/2018/NĐ-CP art. 17) as an Excel
workbook (openpyxl) and a PDF (fpdf2, through adapters/forms_pdf), with Vietnamese headers.

Pure: it lays out the content `processes.reports.oversight.annual_report` assembled (no database, no
clock, no Flask)."""
from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from adapters.forms_pdf import A4, Block, FormDocument, Letterhead, render

TITLE = "Báo cáo tình hình thực hiện cơ chế một cửa, một cửa liên thông năm {year}"
PROVINCE = "Toàn tỉnh"
INDICATOR_HEADERS = ["Mã", "Chỉ số", "Căn cứ", "Tử số", "Mẫu số", "Tỷ lệ (%)", "Điểm", "Điểm tối đa", "Ghi chú"]
GROUP_HEADERS = ["Nhóm", "Điểm", "Điểm tối đa"]
COUNT_KEYS = ("received", "on_time", "early", "late", "unfinished", "rated", "dissatisfied")
COUNT_HEADERS = ["Tiếp nhận", "Đúng hạn", "Trước hạn", "Trễ hạn", "Chưa xong cuối kỳ", "Được đánh giá",
                 "Không hài lòng"]
NOT_APPLICABLE = {"not_held": "Không áp dụng: MotCua chưa có dữ liệu này",
                  "no_dossiers": "Không áp dụng: không có hồ sơ"}


def _num(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")
    return str(value)


def _pct(value: Any) -> str:
    return "—" if value is None else f"{value * 100:.2f}".replace(".", ",")


def indicator_rows(report: dict[str, Any]) -> list[list[str]]:
    return [[i["key"], i["name"], i["source"], _num(i["numerator"]), _num(i["denominator"]), _pct(i["value"]),
             _num(i["score"]), _num(float(i["max"])), NOT_APPLICABLE.get(i["reason"] or "", "")]
            for i in report["indicators"]]


def _who(report: dict[str, Any]) -> str:
    return report["agency"]["name"] or PROVINCE


def to_xlsx(report: dict[str, Any]) -> bytes:
    """Sheets: Tổng hợp (the figures and groups), Chỉ số (each indicator), Theo thủ tục, Theo cơ quan."""
    wb = Workbook()
    summary = wb.active
    assert summary is not None
    summary.title = "Tổng hợp"
    bold = Font(bold=True)
    summary.append([TITLE.format(year=report["year"])])
    summary["A1"].font = bold
    summary.append(["Cơ quan", _who(report)])
    summary.append(["Kỳ báo cáo", f"{report['from']} – {report['to']}"])
    summary.append(["Tổng điểm (trên 100)", report["total"]])
    summary.append([])
    summary.append(COUNT_HEADERS)
    summary.append([report["counts"][k] for k in COUNT_KEYS])
    summary.append([])
    summary.append(GROUP_HEADERS)
    for g in report["groups"]:
        summary.append([g["name"], g["score"], g["max"]])
    sheets: list[tuple[str, Sequence[str], list[list[Any]]]] = [
        ("Chỉ số", INDICATOR_HEADERS,
         [[i["key"], i["name"], i["source"], i["numerator"], i["denominator"],
           None if i["value"] is None else round(i["value"] * 100, 2), i["score"], i["max"],
           NOT_APPLICABLE.get(i["reason"] or "", "")] for i in report["indicators"]]),
        ("Theo thủ tục", ["Mã thủ tục", "Tên thủ tục", *COUNT_HEADERS, "Tổng điểm"],
         [[p["code"], p["name"], *[p[k] for k in COUNT_KEYS], p["total"]] for p in report["per_procedure"]]),
        ("Theo cơ quan", ["Mã cơ quan", "Tên cơ quan", *COUNT_HEADERS, "Tổng điểm"],
         [[a["code"], a["name"], *[a[k] for k in COUNT_KEYS], a["total"]] for a in report["per_agency"]]),
    ]
    for title, headers, rows in sheets:
        ws = wb.create_sheet(title)
        ws.append(list(headers))
        for cell in ws[1]:
            cell.font = bold
        for row in rows:
            ws.append(row)
    for ws in wb.worksheets:
        ws.column_dimensions["A"].width = 22
        ws.column_dimensions["B"].width = 48
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def to_pdf(report: dict[str, Any], font_dir: Path, created_at: datetime | None = None,
           parent_agency: str = "") -> bytes:
    """The same content on A4 landscape, with the national letterhead."""
    counts = report["counts"]
    doc = FormDocument(
        form_no="BC", title=TITLE.format(year=report["year"]),
        letterhead=Letterhead(agency=_who(report), parent_agency=parent_agency, when=created_at,
                              number=f"BC-{report['year']}"),
        subtitle=f"Kỳ báo cáo: {report['from']} – {report['to']}",
        blocks=[
            Block(heading="I. Kết quả tiếp nhận, giải quyết hồ sơ",
                  lines=[(h, str(counts[k])) for h, k in zip(COUNT_HEADERS, COUNT_KEYS, strict=True)]),
            Block(heading="II. Bộ chỉ số chỉ đạo, điều hành (Quyết định 766/QĐ-TTg)",
                  lines=[("Tổng điểm (trên 100)", _num(report["total"]))]
                  + [(g["name"], f"{_num(g['score'])} / {g['max']}") for g in report["groups"]]),
            Block(heading="III. Chi tiết các chỉ số", table=(INDICATOR_HEADERS, indicator_rows(report),
                                                               [30, 62, 18, 14, 14, 16, 14, 16, 56])),
            Block(heading="IV. Theo thủ tục hành chính", table=(
                ["Mã", "Thủ tục", *COUNT_HEADERS, "Tổng điểm"],
                [[p["code"], p["name"], *[str(p[k]) for k in COUNT_KEYS], _num(p["total"])]
                 for p in report["per_procedure"]] or [["—", "Không có hồ sơ", *[""] * 8]],
                [22, 70, 16, 16, 16, 16, 20, 18, 18, 18])),
            Block(heading="V. Theo cơ quan", table=(
                ["Mã", "Cơ quan", *COUNT_HEADERS, "Tổng điểm"],
                [[a["code"], a["name"], *[str(a[k]) for k in COUNT_KEYS], _num(a["total"])]
                 for a in report["per_agency"]] or [["—", "Không có hồ sơ", *[""] * 8]],
                [22, 70, 16, 16, 16, 16, 20, 18, 18, 18])),
        ],
        signatures=[("Thủ trưởng cơ quan", "")], landscape=True, paper=A4)
    return render(doc, font_dir, created_at=created_at)


def table_csv(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """A table as CSV in UTF-8 with a byte-order mark (so that Excel reads the Vietnamese headers)."""
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def table_xlsx(sheet: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """A table as a one-sheet workbook, headers in bold."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet[:31]
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
