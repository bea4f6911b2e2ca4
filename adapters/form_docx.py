"""A fillable form template as a Word document (DOCX, Office Open XML), written with the standard library:
the national heading, the title, the addressee, one table row per field of the applicant's form with an
empty cell to fill (check boxes for choices), the documents attached, the declaration and the signature
block. Used for a catalogue document the agency publishes no template for (issue 19); Word, LibreOffice
and the province's document systems open it and the applicant types into the cells."""
from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

BOX = "☐"


@dataclass(frozen=True)
class Field:
    label: str
    required: bool = False
    options: tuple[str, ...] = ()  # a choice: one box per option
    lines: int = 1  # rows of writing space


@dataclass(frozen=True)
class FormTemplate:
    title: str
    addressee: str
    procedure: str
    fields: Sequence[Field]
    documents: Sequence[str] = ()
    declaration: str = ""
    note: str = ""
    signer: str = "NGƯỜI ĐỀ NGHỊ"
    heading: tuple[str, str] = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '</Types>')
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>')
MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _run(text: str, bold: bool = False, italic: bool = False, size: int = 26) -> str:
    props = ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "") + f'<w:sz w:val="{size}"/>'
    props = '<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman"/>' + props
    return f'<w:r><w:rPr>{props}</w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _para(text: str = "", *, bold: bool = False, italic: bool = False, center: bool = False, size: int = 26,
          right: bool = False) -> str:
    align = '<w:jc w:val="center"/>' if center else ('<w:jc w:val="right"/>' if right else "")
    return f'<w:p><w:pPr>{align}<w:spacing w:after="80"/></w:pPr>{_run(text, bold, italic, size) if text else ""}</w:p>'


def _cell(content: str, width: int) -> str:
    return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>{content or _para()}</w:tc>')


def _table(fields: Sequence[Field]) -> str:
    border = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="808080"/>'
                     for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    rows = []
    for n, f in enumerate(fields, 1):
        label = _para(f"{n}. {f.label}" + (" (*)" if f.required else ""))
        if f.options:
            answer = "".join(_para(f"{BOX} {option}") for option in f.options)
        else:
            answer = "".join(_para() for _ in range(max(1, f.lines)))
        rows.append(f"<w:tr>{_cell(label, 3800)}{_cell(answer, 5600)}</w:tr>")
    return (f'<w:tbl><w:tblPr><w:tblW w:w="9400" w:type="dxa"/><w:tblBorders>{border}</w:tblBorders></w:tblPr>'
            f'<w:tblGrid><w:gridCol w:w="3800"/><w:gridCol w:w="5600"/></w:tblGrid>{"".join(rows)}</w:tbl>')


def form_docx(form: FormTemplate) -> bytes:
    """The template as the bytes of a .docx file."""
    body = [_para(form.heading[0], bold=True, center=True), _para(form.heading[1], bold=True, center=True),
            _para(), _para(form.title.upper(), bold=True, center=True, size=28), _para(),
            _para(f"Kính gửi: {form.addressee}"), _para(f"Thủ tục: {form.procedure}"), _table(form.fields)]
    if form.documents:
        body.append(_para("Giấy tờ kèm theo:", bold=True))
        body += [_para(f"{n}. {name}") for n, name in enumerate(form.documents, 1)]
    if form.declaration:
        body.append(_para(form.declaration))
    body += [_para("…………, ngày …… tháng …… năm ……", italic=True, right=True),
             _para(form.signer, bold=True, right=True), _para("(Ký, ghi rõ họ tên)", italic=True, right=True),
             _para(), _para(), _para()]
    if form.note:
        body.append(_para(form.note, italic=True, size=20))
    section = ('<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
               '<w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1701" w:header="720" '
               'w:footer="720" w:gutter="0"/></w:sectPr>')
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{_W}">'
                f'<w:body>{"".join(body)}{section}</w:body></w:document>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", _CONTENT_TYPES)
        package.writestr("_rels/.rels", _RELS)
        package.writestr("word/document.xml", document)
    return out.getvalue()
