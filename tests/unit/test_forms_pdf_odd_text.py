"""Printed forms never fail on long or odd text (adapters/forms_pdf.py wraps, then shortens with an
ellipsis): every form — 01 to 05 on A5 and the register 06 on A4 — shaped as processes/desk/paper.py
shapes it, with every slot at the longest a field accepts (4,000 characters) and odd characters
(combining marks, right-to-left scripts, emoji, control and format characters, lone surrogates)."""
from __future__ import annotations

import io
from datetime import UTC, datetime

import pypdf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.forms_pdf import A4, Block, FormDocument, Letterhead, find_font_dir, render
from engine.forms import MAX_TEXT
from processes.desk import paper

ODD = ["\u0301\u0323\u0300" * 30, "مرحبا بالعالم ", "שלום ", "😀👍🏽👨‍👩‍👧 ", "\x00\x01\x07\x1b\x7f",
       "\u202e\u200b\ufeff", "\ud800", "\n\n\t", "Nguyễn Thị Ánh Tuyết ", "W" * 300, "\U0010ffff\ue000", "ﷺ", "ǅ"]
TEXT = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(ODD), min_size=1, max_size=40).map("".join),
    st.sampled_from(ODD).map(lambda s: (s * (MAX_TEXT // max(len(s), 1) + 1))[:MAX_TEXT]),
)
NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def _forms(t: st.DrawFn) -> list[FormDocument]:
    """One of each form, every text slot drawn from TEXT (the shapes of processes/desk/paper.py)."""
    def text() -> str:
        return t(TEXT)

    head = Letterhead(text(), text(), when=NOW, number=text())
    applicant = Block(lines=[("Mã hồ sơ", text()), ("Người nộp hồ sơ", text()), ("Số điện thoại", text()),
                             ("Nội dung yêu cầu giải quyết", text()), ("Thời gian nhận hồ sơ", text())])
    sign = [("Người nộp hồ sơ", text()), ("Người tiếp nhận hồ sơ", text())]
    steps = [[text() for _ in range(7)] for _ in range(3)]
    register = [[text() for _ in range(9)] for _ in range(3)]
    return [
        FormDocument("01", paper.DOSSIER_FORMS["01"], head,
                     [applicant, Block("Thành phần hồ sơ đã nhận", paragraphs=[text(), text()]),
                      Block(lines=[("Phí, lệ phí", text()), ("Cách nộp phí, lệ phí", text())])],
                     signatures=sign, qr_url="http://127.0.0.1:5000/track?code=000.00.22.H34-260302-0001",
                     qr_caption=text()),
        FormDocument("02", paper.DOSSIER_FORMS["02"], head, [applicant, Block(text(), paragraphs=[text()])],
                     signatures=sign),
        FormDocument("03", paper.DOSSIER_FORMS["03"], head, [applicant, Block("Lý do từ chối", paragraphs=[text()])],
                     signatures=sign),
        FormDocument("04", paper.DOSSIER_FORMS["04"], head, [applicant, Block(text(), paragraphs=[text()])],
                     signatures=[("Thủ trưởng cơ quan", text())]),
        FormDocument("05", paper.DOSSIER_FORMS["05"], head,
                     [applicant, Block(lines=[("Kết quả giải quyết", text())]),
                      Block(table=(["TT", "Bước xử lý", "Người xử lý", "Nhận lúc", "Chuyển lúc", "Hạn", "Kết quả"],
                                   steps, [6, 27, 24, 17, 17, 17, 16]))]),
        FormDocument("06", paper.REGISTER_TITLE, head,
                     [Block(lines=[("Kỳ", text())]),
                      Block(table=(["STT", "Mã hồ sơ", "Thủ tục", "Người nộp", "Ngày nhận", "Hẹn trả", "Có kết quả",
                                    "Đã trả", "Trạng thái"], register, [10, 50, 55, 35, 22, 22, 22, 22, 23]))],
                     signatures=[("Người lập sổ", text())], landscape=True, paper=A4, subtitle=text()),
    ]


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_every_form_prints_whatever_its_text(data: st.DataObject) -> None:
    font_dir = find_font_dir()
    for doc in data.draw(st.composite(lambda draw: _forms(draw))()):
        pdf = render(doc, font_dir, created_at=NOW)
        reader = pypdf.PdfReader(io.BytesIO(pdf))
        assert pdf.startswith(b"%PDF-") and len(reader.pages) >= 1, doc.form_no
        assert f"Mẫu số {doc.form_no}" in reader.pages[0].extract_text()


def test_a_cell_too_long_for_its_column_ends_with_an_ellipsis() -> None:
    head = Letterhead("Ủy ban nhân dân phường Quyết Thắng", when=NOW)
    name = "Nguyễn Văn An " * 80  # 1,120 characters: once made the register answer 500
    pdf = render(FormDocument("06", paper.REGISTER_TITLE, head,
                              [Block(table=(["STT", "Người nộp"], [["1", name]], [10, 35]))], landscape=True, paper=A4),
                 find_font_dir(), created_at=NOW)
    text = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Nguyễn Văn An" in text and "…" in text and len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1
