"""Printable one-stop forms as PDF (fpdf2), with Vietnamese text in an embedded TrueType font.

Pure: it draws what it is given (no database, no clock, no Flask). The numbers follow the project's
contract (../shared/CONTRACT.md): 01 receipt and appointment, 02 supplement request, 03 refusal,
04 apology and new date, 06 process-control sheet, 07 dossier register of an agency for a period.
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


class FontMissing(Exception):
    """No font with Vietnamese glyphs was found; the message says how to install one."""


def find_font_dir(configured: str | None = None) -> Path:
    """The folder holding DejaVuSans.ttf and DejaVuSans-Bold.ttf (Debian: fonts-dejavu-core)."""
    candidates = ([Path(configured)] if configured else []) + list(FONT_DIRS)
    for folder in candidates:
        if all((folder / name).is_file() for name in FONT_FILES.values()):
            return folder
    raise FontMissing("Không tìm thấy phông chữ tiếng Việt DejaVuSans.ttf: cài gói `fonts-dejavu-core` "
                      "(apt-get install fonts-dejavu-core) hoặc đặt MOTCUA_FORMS__FONT_DIR "
                      "(no Vietnamese font: install fonts-dejavu-core)")


@dataclass
class Letterhead:
    """Who issues the form, where and when (the national header of administrative documents)."""

    agency: str
    parent_agency: str = ""
    place: str = "Kon Tum"
    when: datetime | None = None  # local time
    number: str = ""  # e.g. the dossier code


@dataclass
class Block:
    """A part of a form: a heading, lines of `label: value`, paragraphs, or a table."""

    heading: str = ""
    lines: list[tuple[str, str]] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    table: tuple[Sequence[str], Sequence[Sequence[str]], Sequence[int]] | None = None


@dataclass
class FormDocument:
    """A whole form: title, blocks, signature boxes, an optional QR code."""

    form_no: str
    title: str
    letterhead: Letterhead
    blocks: list[Block]
    signatures: list[tuple[str, str]] = field(default_factory=list)  # (role, name)
    qr_url: str | None = None
    qr_caption: str = ""
    landscape: bool = False
    subtitle: str = ""


class _Pdf(FPDF):
    def __init__(self, font_dir: Path, landscape: bool):
        super().__init__(orientation="L" if landscape else "P", unit="mm", format="A4")
        for style, name in FONT_FILES.items():
            self.add_font("DejaVu", style, str(font_dir / name))
        self.set_margins(18, 15, 18)
        self.set_auto_page_break(True, margin=15)
        self.footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", size=7)
        self.cell(0, 5, f"{self.footer_text} · trang {self.page_no()}/{{nb}}", align="R")


def render(doc: FormDocument, font_dir: Path, created_at: datetime | None = None) -> bytes:
    """The form as PDF bytes."""
    pdf = _Pdf(font_dir, doc.landscape)
    pdf.footer_text = f"Mẫu số {doc.form_no} · {doc.letterhead.number}".strip(" ·")
    pdf.set_title(f"Mẫu số {doc.form_no}: {doc.title}")
    pdf.set_lang("vi")
    pdf.set_author(doc.letterhead.agency)
    if created_at is not None:
        pdf.set_creation_date(created_at)
    pdf.add_page()
    _letterhead(pdf, doc.letterhead)
    pdf.ln(4)
    pdf.set_font("DejaVu", "B", 13)
    pdf.multi_cell(0, 7, doc.title.upper(), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if doc.subtitle:
        pdf.set_font("DejaVu", size=10)
        pdf.multi_cell(0, 6, doc.subtitle, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    for block in doc.blocks:
        _block(pdf, block)
    if doc.qr_url:
        _qr(pdf, doc.qr_url, doc.qr_caption)
    if doc.signatures:
        _signatures(pdf, doc.signatures)
    return bytes(pdf.output())


def _letterhead(pdf: FPDF, head: Letterhead) -> None:
    width = pdf.epw
    left, right = width * 0.42, width * 0.58
    top = pdf.get_y()
    pdf.set_font("DejaVu", size=9)
    pdf.multi_cell(left, 5, head.parent_agency.upper() or " ", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", "B", 9)
    pdf.multi_cell(left, 5, head.agency.upper(), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if head.number:
        pdf.set_font("DejaVu", size=9)
        pdf.multi_cell(left, 5, f"Số: {head.number}", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    bottom = pdf.get_y()
    pdf.set_xy(pdf.l_margin + left, top)
    pdf.set_font("DejaVu", "B", 9)
    pdf.cell(right, 5, NATION, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.cell(right, 5, MOTTO, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    if head.when is not None:
        pdf.set_font("DejaVu", size=9)
        pdf.cell(right, 6, f"{head.place}, ngày {head.when:%d} tháng {head.when:%m} năm {head.when:%Y}",
                 align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_xy(pdf.l_margin, max(bottom, pdf.get_y()))


def _block(pdf: FPDF, block: Block) -> None:
    if block.heading:
        pdf.set_font("DejaVu", "B", 10)
        pdf.multi_cell(0, 6, block.heading, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for label, value in block.lines:
        pdf.set_font("DejaVu", size=10)
        pdf.multi_cell(0, 5.5, f"{label}: {value}" if label else value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for text in block.paragraphs:
        pdf.set_font("DejaVu", size=10)
        pdf.multi_cell(0, 5.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if block.table is not None:
        headers, rows, widths = block.table
        pdf.set_font("DejaVu", size=8)
        with pdf.table(col_widths=tuple(widths), line_height=4.5, text_align="LEFT",
                       headings_style=_heading_style()) as table:
            head = table.row()
            for h in headers:
                head.cell(h)
            for r in rows:
                row = table.row()
                for value in r:
                    row.cell(value)
    pdf.ln(2)


def _heading_style() -> object:
    from fpdf.fonts import FontFace

    return FontFace(family="DejaVu", emphasis="BOLD", fill_color=(235, 235, 235))


def _qr(pdf: FPDF, url: str, caption: str) -> None:
    png = io.BytesIO()
    segno.make(url, error="m").save(png, kind="png", scale=4, border=2)
    png.seek(0)
    if pdf.get_y() + 40 > pdf.h - pdf.b_margin:
        pdf.add_page()
    y = pdf.get_y()
    pdf.image(png, x=pdf.l_margin, y=y, w=32, h=32)
    pdf.set_xy(pdf.l_margin + 36, y + 6)
    pdf.set_font("DejaVu", size=9)
    pdf.multi_cell(pdf.epw - 36, 5, f"{caption}\n{url}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(y + 34)


def _signatures(pdf: FPDF, signatures: list[tuple[str, str]]) -> None:
    if pdf.get_y() + 35 > pdf.h - pdf.b_margin:
        pdf.add_page()
    width = pdf.epw / len(signatures)
    y = pdf.get_y() + 2
    for n, (role, name) in enumerate(signatures):
        x = pdf.l_margin + n * width
        pdf.set_xy(x, y)
        pdf.set_font("DejaVu", "B", 10)
        pdf.multi_cell(width, 5, role, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_font("DejaVu", size=8)
        pdf.multi_cell(width, 5, "(Ký, ghi rõ họ tên)", align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_xy(x, y + 28)
        pdf.set_font("DejaVu", size=10)
        pdf.multi_cell(width, 5, name, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_y(y + 36)
