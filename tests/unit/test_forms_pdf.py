"""The forms' paper as Circular 01/2018/TT-VPCP designs it, drawn without a database: 01-05 on A5
portrait, the register of dossiers (06) on A4 landscape, each with its number in the title and footer,
and a server without a Vietnamese font refused with a code, not a stack trace."""
from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pypdf
import pytest

from adapters import forms_pdf
from adapters.forms_pdf import A4, Block, FormDocument, Letterhead, find_font_dir, render
from processes.desk import paper
from processes.errors import Unprocessable

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
HEAD = Letterhead("Ủy ban nhân dân phường Quyết Thắng", "Ủy ban nhân dân thành phố Kon Tum", when=NOW,
                  number="000.25.22.H34-260302-0001")


def pages(doc: FormDocument) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(render(doc, find_font_dir(), created_at=NOW)))


def size(page: Any) -> tuple[float, float]:
    return round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2)


def test_the_dossier_forms_are_numbered_01_to_05_and_the_register_06() -> None:
    assert list(paper.DOSSIER_FORMS) == ["01", "02", "03", "04", "05"]
    assert paper.DOSSIER_FORMS[paper.CONTROL_SHEET] == "Phiếu kiểm soát quá trình giải quyết hồ sơ"
    assert (paper.REGISTER, paper.REGISTER_TITLE) == ("06", "Sổ theo dõi hồ sơ")


def test_a_dossier_form_prints_on_a5_portrait_with_its_number() -> None:
    reader = pages(FormDocument("05", paper.DOSSIER_FORMS["05"], HEAD,
                                [Block(lines=[("Người nộp hồ sơ", "Trần Thị Bình")])]))
    assert [size(p) for p in reader.pages] == [(419.53, 595.28)]
    assert reader.metadata is not None
    assert reader.metadata.title == "Mẫu số 05: Phiếu kiểm soát quá trình giải quyết hồ sơ"
    text = reader.pages[0].extract_text()
    assert "Mẫu số 05 · 000.25.22.H34-260302-0001" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text


def test_the_register_prints_on_a4_landscape() -> None:
    rows = [[str(n), f"000.25.22.H34-260302-{n:04}", "Đăng ký thành lập hộ kinh doanh", "Nguyễn Văn An",
             "", "", "", "", "Đã tiếp nhận"] for n in range(1, 80)]
    reader = pages(FormDocument("06", "Sổ theo dõi hồ sơ", HEAD,
                                [Block(table=(["STT", "Mã hồ sơ", "Thủ tục", "Người nộp", "Ngày nhận",
                                               "Hẹn trả", "Có kết quả", "Đã trả", "Trạng thái"], rows,
                                              [10, 50, 55, 35, 22, 22, 22, 22, 23]))],
                                landscape=True, paper=A4))
    assert len(reader.pages) >= 2 and {size(p) for p in reader.pages} == {(841.89, 595.28)}
    assert "000.25.22.H34-260302-0079" in reader.pages[-1].extract_text()


def test_without_a_vietnamese_font_printing_is_refused_with_a_code(monkeypatch: pytest.MonkeyPatch,
                                                                   tmp_path: Path) -> None:
    monkeypatch.setattr(forms_pdf, "FONT_DIRS", ())
    services: Any = SimpleNamespace(config={"forms": {"font_dir": str(tmp_path)}})
    with pytest.raises(Unprocessable) as caught:
        paper._font_dir(services)
    assert caught.value.code == "forms.font_missing"
