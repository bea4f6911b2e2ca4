"""Printable one-stop forms as PDF (fpdf2), with Vietnamese text in an embedded TrueType font.

Pure: it draws what it is given (no database, no clock, no Flask). The numbers and paper sizes are
those of Circular 01/2018/TT-VPCP (guiding Decree 61/2018/NĐ-CP): 01 receipt and appointment,
02 supplement request, 03 refusal, 04 apology and new date, 05 process-control sheet, all on A5;
06 the register of dossiers of an agency for a period, on A4.
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


@dataclass(frozen=True)
class Paper:
    """A paper size with the margins and type sizes that fit it (millimetres, points)."""

    name: str
    size: tuple[float, float]  # portrait width, height (mm)
    margin: float
    top: float
    head: float  # the letterhead
    title: float
    body: float
    line: float  # the height of a body line
    table: float
    table_line: float
    qr: float  # the side of the QR code


A5 = Paper("A5", (148, 210), margin=12, top=10, head=7.5, title=11, body=8.5, line=4.2, table=6.5,
           table_line=3.3, qr=22)
A4 = Paper("A4", (210, 297), margin=18, top=15, head=9, title=13, body=10, line=5.5, table=8,
           table_line=4.5, qr=32)


class FontMissing(Exception):
    """No font with Vietnamese glyphs was found; the message says how to install one."""


def find_font_dir(configured: str | None = None) -> Path:
    """The folder holding DejaVuSans.ttf and DejaVuSans-Bold.ttf (Debian: fonts-dejavu-core)."""
    candidates = ([Path(configured)] if configured else []) + list(FONT_DIRS)
    for folder in candidates:
        if all((folder / name).is_file() for name in FONT_FILES.values()):
            return folder
    raise FontMissing("no font with Vietnamese glyphs (DejaVuSans.ttf): install the package "
                      "fonts-dejavu-core or set MOTCUA_FORMS__FONT_DIR")


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
    paper: Paper = A5  # 01-05 are designed for A5; the register (06) passes A4


class _Pdf(FPDF):
    def __init__(self, font_dir: Path, paper: Paper, landscape: bool):
        super().__init__(orientation="L" if landscape else "P", unit="mm", format=paper.size)
        for style, name in FONT_FILES.items():
            self.add_font("DejaVu", style, str(font_dir / name))
        self.paper = paper
        self.set_margins(paper.margin, paper.top, paper.margin)
        self.set_auto_page_break(True, margin=paper.top + 2)
        self.footer_text = ""

    def footer(self) -> None:
        self.set_y(-(self.paper.top - 1))
        self.set_font("DejaVu", size=6.5)
        self.cell(0, 5, f"{self.footer_text} · trang {self.page_no()}/{{nb}}", align="R")


def render(doc: FormDocument, font_dir: Path, created_at: datetime | None = None) -> bytes:
    """The form as PDF bytes."""
    pdf = _Pdf(font_dir, doc.paper, doc.landscape)
    pdf.footer_text = f"Mẫu số {doc.form_no} · {doc.letterhead.number}".strip(" ·")
    pdf.set_title(f"Mẫu số {doc.form_no}: {doc.title}")
    pdf.set_lang("vi")
    pdf.set_author(doc.letterhead.agency)
    if created_at is not None:
        pdf.set_creation_date(created_at)
    pdf.add_page()
    _letterhead(pdf, doc.letterhead)
    paper = doc.paper
    pdf.ln(paper.line * 0.7)
    pdf.set_font("DejaVu", "B", paper.title)
    pdf.multi_cell(0, paper.title * 0.53, doc.title.upper(), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if doc.subtitle:
        pdf.set_font("DejaVu", size=paper.body)
        pdf.multi_cell(0, paper.line, doc.subtitle, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(paper.line * 0.5)
    for block in doc.blocks:
        _block(pdf, block)
    if doc.qr_url:
        _qr(pdf, doc.qr_url, doc.qr_caption)
    if doc.signatures:
        _signatures(pdf, doc.signatures)
    return bytes(pdf.output())


def _letterhead(pdf: _Pdf, head: Letterhead) -> None:
    size, width = pdf.paper.head, pdf.epw
    line = size * 0.53
    left, right = width * 0.42, width * 0.58
    top = pdf.get_y()
    pdf.set_font("DejaVu", size=size)
    pdf.multi_cell(left, line, head.parent_agency.upper() or " ", align="C", new_x=XPos.LMARGIN,
                   new_y=YPos.NEXT)
    pdf.set_font("DejaVu", "B", size)
    pdf.multi_cell(left, line, head.agency.upper(), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if head.number:
        pdf.set_font("DejaVu", size=size)
        pdf.multi_cell(left, line, f"Số: {head.number}", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    bottom = pdf.get_y()
    pdf.set_xy(pdf.l_margin + left, top)
    pdf.set_font("DejaVu", "B", size)
    pdf.cell(right, line, NATION, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.cell(right, line, MOTTO, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    if head.when is not None:
        pdf.set_font("DejaVu", size=size)
        when = f"{head.place}, ngày {head.when:%d} tháng {head.when:%m} năm {head.when:%Y}"
        pdf.cell(right, line * 1.2, when, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_xy(pdf.l_margin, max(bottom, pdf.get_y()))


def _block(pdf: _Pdf, block: Block) -> None:
    paper = pdf.paper
    if block.heading:
        pdf.set_font("DejaVu", "B", paper.body)
        pdf.multi_cell(0, paper.line * 1.1, block.heading, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for label, value in block.lines:
        pdf.set_font("DejaVu", size=paper.body)
        pdf.multi_cell(0, paper.line, f"{label}: {value}" if label else value, new_x=XPos.LMARGIN,
                       new_y=YPos.NEXT)
    for text in block.paragraphs:
        pdf.set_font("DejaVu", size=paper.body)
        pdf.multi_cell(0, paper.line, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if block.table is not None:
        headers, rows, widths = block.table
        pdf.set_font("DejaVu", size=paper.table)
        with pdf.table(col_widths=tuple(widths), line_height=paper.table_line, text_align="LEFT",
                       headings_style=_heading_style()) as table:
            head = table.row()
            for h in headers:
                head.cell(h)
            for r in rows:
                row = table.row()
                for value in r:
                    row.cell(value)
    pdf.ln(paper.line * 0.4)


def _heading_style() -> object:
    from fpdf.fonts import FontFace

    return FontFace(family="DejaVu", emphasis="BOLD", fill_color=(235, 235, 235))


def _qr(pdf: _Pdf, url: str, caption: str) -> None:
    side, paper = pdf.paper.qr, pdf.paper
    png = io.BytesIO()
    segno.make(url, error="m").save(png, kind="png", scale=4, border=2)
    png.seek(0)
    if pdf.get_y() + side + 4 > pdf.h - pdf.b_margin:
        pdf.add_page()
    y = pdf.get_y()
    pdf.image(png, x=pdf.l_margin, y=y, w=side, h=side)
    pdf.set_xy(pdf.l_margin + side + 3, y + side / 5)
    pdf.set_font("DejaVu", size=paper.body - 1)
    pdf.multi_cell(pdf.epw - side - 3, paper.line, f"{caption}\n{url}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(max(y + side + 2, pdf.get_y()))


def _signatures(pdf: _Pdf, signatures: list[tuple[str, str]]) -> None:
    paper = pdf.paper
    gap = paper.line * 4.5  # room to sign
    if pdf.get_y() + gap + paper.line * 3 > pdf.h - pdf.b_margin:
        pdf.add_page()
    width = pdf.epw / len(signatures)
    y = pdf.get_y() + 2
    for n, (role, name) in enumerate(signatures):
        x = pdf.l_margin + n * width
        pdf.set_xy(x, y)
        pdf.set_font("DejaVu", "B", paper.body)
        pdf.multi_cell(width, paper.line, role, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_font("DejaVu", size=paper.table)
        pdf.multi_cell(width, paper.line, "(Ký, ghi rõ họ tên)", align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_xy(x, y + gap)
        pdf.set_font("DejaVu", size=paper.body)
        pdf.multi_cell(width, paper.line, name, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_y(y + gap + paper.line * 1.6)
