"""The fillable Word template: a valid Office Open XML package, one row per field, texts escaped."""
from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree

from adapters.form_docx import BOX, Field, FormTemplate, form_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _document(data: bytes) -> ElementTree.Element:
    package = zipfile.ZipFile(io.BytesIO(data))
    assert {"[Content_Types].xml", "_rels/.rels", "word/document.xml"} <= set(package.namelist())
    return ElementTree.fromstring(package.read("word/document.xml"))


def test_one_row_per_field_with_boxes_for_choices_and_odd_characters_escaped() -> None:
    data = form_docx(FormTemplate(
        title="Giấy đề nghị <đăng ký> & cam kết", addressee="UBND phường Quyết Thắng", procedure="Thủ tục (mã 1.0)",
        fields=[Field("Họ và tên", True), Field("Giới tính", options=("Nam", "Nữ")), Field("Ghi chú", lines=3)],
        documents=["Bản sao CCCD"], declaration="Tôi xin cam đoan…"))
    root = _document(data)
    rows = root.findall(f".//{W}tr")
    assert len(rows) == 3
    texts = ["".join(t.text or "" for t in row.iter(f"{W}t")) for row in rows]
    assert texts[0] == "1. Họ và tên (*)" and texts[1] == f"2. Giới tính{BOX} Nam{BOX} Nữ"
    everything = "".join(t.text or "" for t in root.iter(f"{W}t"))
    assert "GIẤY ĐỀ NGHỊ <ĐĂNG KÝ> & CAM KẾT" in everything and "Bản sao CCCD" in everything
