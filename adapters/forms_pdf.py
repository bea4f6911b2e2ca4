"""Printable one-stop forms as PDF (fpdf2), with Vietnamese text in an embedded TrueType font.

Pure: it draws what it is given (no database, no clock, no Flask). The numbers and paper sizes are
those of Circular 01/2018/TT-VPCP (guiding Decree 61/2018/NĐ-CP): 01 receipt and appointment,
02 supplement request, 03 refusal, 04 apology and new date, 05 process-control sheet, all on A5;
06 the register of dossiers of an agency for a period, on A4.
"""
from __future__ import annotations

import io
import unicodedata
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


# The most a slot prints before it is shortened with an ellipsis (after wrapping): a citizen's 4,000-character
# name still prints, and never makes a page too small for one row of a table.
MAX_HEAD = 200  # agency names in the letterhead, the title, the subtitle
MAX_LINE = 1_000  # the value of a "label: value" line
MAX_PARAGRAPH = 4_000
MAX_NAME = 120  # the name under a signature
MAX_CELL_LINES = 6  # a table cell: at most this many wrapped lines
STAMP_WIDTH = 64  # mm: the widest a signature stamp is drawn in its column
ELLIPSIS = "…"
# Dropped: controls, format characters (bidi overrides, zero-width), surrogates, private use, unassigned.
_DROPPED = {"Cc", "Cf", "Cs", "Co", "Cn"}


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
    note: str = ""  # fine print under the signatures (e.g. the personal-data notice on the receipt)


class _Pdf(FPDF):
    def __init__(self, font_dir: Path, paper: Paper, landscape: bool):
        super().__init__(orientation="L" if landscape else "P", unit="mm", format=paper.size)
        for style, name in FONT_FILES.items():
            self.add_font("DejaVu", style, str(font_dir / name))
        self.paper = paper
        self.set_margins(paper.margin, paper.top, paper.margin)
        self.set_auto_page_break(True, margin=paper.top + 2)
        self.footer_text = ""
        self.stamp_place: Box | None = None

    def clean(self, text: object, limit: int) -> str:
        """Printable text: controls and invisible format characters dropped (line breaks kept), every
        character the font lacks shown as "?", then shortened to `limit` characters with an ellipsis."""
        cmap = getattr(self.fonts["dejavu"], "cmap", {})
        out = []
        for ch in unicodedata.normalize("NFC", str(text)):
            if ch == "\n":
                out.append(ch)
            elif ch == "\t":
                out.append(" ")
            elif unicodedata.category(ch) in _DROPPED:
                continue
            else:
                out.append(ch if ord(ch) in cmap else "?")
        cleaned = "".join(out)
        return cleaned if len(cleaned) <= limit else cleaned[:limit - 1].rstrip() + ELLIPSIS

    def fit_cell(self, text: str, width: float) -> str:
        """A table cell's text, shortened with an ellipsis to what `MAX_CELL_LINES` wrapped lines of
        `width` millimetres hold in the current font."""
        room = width - 0.5  # multi_cell takes its own cell margins off
        most = int(MAX_CELL_LINES * room / (0.2 * self.font_size)) + 1  # no glyph is narrower than 0.2 em…
        cleaned = self.clean(text, MAX_LINE)
        text = cleaned[:most]  # …but a combining mark, shown then with fewer marks
        # A glyph wider than the column alone (a wide ligature in a narrow column) cannot be wrapped.
        fits = {ch: ch == "\n" or self.get_string_width(ch) < room - 2 * self.c_margin for ch in set(text)}
        text = "".join(ch if fits[ch] else "?" for ch in text)
        if len(text) == len(cleaned) and self._lines(text, room) <= MAX_CELL_LINES:
            return text
        low, high = 0, len(text)
        while low < high:  # the longest prefix that still fits, by bisection
            mid = (low + high + 1) // 2
            if self._lines(text[:mid].rstrip() + ELLIPSIS, room) <= MAX_CELL_LINES:
                low = mid
            else:
                high = mid - 1
        return text[:low].rstrip() + ELLIPSIS

    def _lines(self, text: str, width: float) -> int:
        lines = self.multi_cell(width, 1, text, dry_run=True, output="LINES")
        return len(lines) if isinstance(lines, list) else MAX_CELL_LINES + 1

    def footer(self) -> None:
        self.set_y(-(self.paper.top - 1))
        self.set_font("DejaVu", size=6.5)
        self.cell(0, 5, f"{self.footer_text} · trang {self.page_no()}/{{nb}}", align="R")


Box = tuple[float, float, float, float]  # x1, y1, x2, y2 in PDF points from the page's lower left corner


def render(doc: FormDocument, font_dir: Path, created_at: datetime | None = None) -> bytes:
    """The form as PDF bytes."""
    return render_form(doc, font_dir, created_at)[0]


def render_form(doc: FormDocument, font_dir: Path, created_at: datetime | None = None) -> tuple[bytes, Box | None]:
    """The form as PDF bytes, and where on its last page the issuing agency's signature goes: the room to
    sign of the last signature column (the agency's side), for the visible stamp of a digital signature;
    None for a form without signature columns."""
    pdf = _Pdf(font_dir, doc.paper, doc.landscape)
    numbered = f"Mẫu số {doc.form_no}" if doc.form_no else ""  # a draft result has no national number
    pdf.footer_text = pdf.clean(f"{numbered} · {doc.letterhead.number}".strip(" ·"), MAX_HEAD)
    pdf.set_title(pdf.clean(f"{numbered}: {doc.title}" if numbered else doc.title, MAX_HEAD))
    pdf.set_lang("vi")
    pdf.set_author(pdf.clean(doc.letterhead.agency, MAX_HEAD))
    if created_at is not None:
        pdf.set_creation_date(created_at)
    pdf.add_page()
    _letterhead(pdf, doc.letterhead)
    paper = doc.paper
    pdf.ln(paper.line * 0.7)
    pdf.set_font("DejaVu", "B", paper.title)
    pdf.multi_cell(0, paper.title * 0.53, pdf.clean(doc.title.upper(), MAX_HEAD), align="C", new_x=XPos.LMARGIN,
                   new_y=YPos.NEXT)
    if doc.subtitle:
        pdf.set_font("DejaVu", size=paper.body)
        pdf.multi_cell(0, paper.line, pdf.clean(doc.subtitle, MAX_HEAD), align="C", new_x=XPos.LMARGIN,
                       new_y=YPos.NEXT)
    pdf.ln(paper.line * 0.5)
    for block in doc.blocks:
        _block(pdf, block)
    if doc.qr_url:
        _qr(pdf, doc.qr_url, doc.qr_caption, doc.note)
    if doc.signatures:
        _signatures(pdf, doc.signatures)
    if doc.note and not doc.qr_url:
        _note(pdf, doc.note, pdf.epw)
    return bytes(pdf.output()), pdf.stamp_place


def _letterhead(pdf: _Pdf, head: Letterhead) -> None:
    size, width = pdf.paper.head, pdf.epw
    line = size * 0.53
    left, right = width * 0.42, width * 0.58
    top = pdf.get_y()
    pdf.set_font("DejaVu", size=size)
    pdf.multi_cell(left, line, pdf.clean(head.parent_agency.upper(), MAX_HEAD) or " ", align="C",
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", "B", size)
    pdf.multi_cell(left, line, pdf.clean(head.agency.upper(), MAX_HEAD) or " ", align="C", new_x=XPos.LMARGIN,
                   new_y=YPos.NEXT)
    if head.number:
        pdf.set_font("DejaVu", size=size)
        pdf.multi_cell(left, line, pdf.clean(f"Số: {head.number}", MAX_HEAD), align="C", new_x=XPos.LMARGIN,
                       new_y=YPos.NEXT)
    bottom = pdf.get_y()
    pdf.set_xy(pdf.l_margin + left, top)
    pdf.set_font("DejaVu", "B", size)
    pdf.cell(right, line, NATION, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.cell(right, line, MOTTO, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    if head.when is not None:
        pdf.set_font("DejaVu", size=size)
        when = pdf.clean(f"{head.place}, ngày {head.when:%d} tháng {head.when:%m} năm {head.when:%Y}", 60)
        pdf.cell(right, line * 1.2, when, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_xy(pdf.l_margin, max(bottom, pdf.get_y()))


def _block(pdf: _Pdf, block: Block) -> None:
    paper = pdf.paper
    if block.heading:
        pdf.set_font("DejaVu", "B", paper.body)
        pdf.multi_cell(0, paper.line * 1.1, pdf.clean(block.heading, MAX_HEAD) or " ", new_x=XPos.LMARGIN,
                       new_y=YPos.NEXT)
    for label, value in block.lines:
        pdf.set_font("DejaVu", size=paper.body)
        text = f"{pdf.clean(label, MAX_HEAD)}: {pdf.clean(value, MAX_LINE)}" if label else pdf.clean(value, MAX_LINE)
        pdf.multi_cell(0, paper.line, text or " ", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for paragraph in block.paragraphs:
        pdf.set_font("DejaVu", size=paper.body)
        pdf.multi_cell(0, paper.line, pdf.clean(paragraph, MAX_PARAGRAPH) or " ", new_x=XPos.LMARGIN,
                       new_y=YPos.NEXT)
    if block.table is not None:
        headers, rows, widths = block.table
        pdf.set_font("DejaVu", size=paper.table)
        scale = pdf.epw / sum(widths)  # the table fills the width between the margins
        with pdf.table(col_widths=tuple(widths), line_height=paper.table_line, text_align="LEFT",
                       headings_style=_heading_style()) as table:
            head = table.row()
            pdf.set_font("DejaVu", "B", paper.table)
            for h, w in zip(headers, widths, strict=False):
                head.cell(pdf.fit_cell(h, w * scale))
            pdf.set_font("DejaVu", size=paper.table)
            for r in rows:
                row = table.row()
                for value, w in zip(r, widths, strict=False):
                    row.cell(pdf.fit_cell(value, w * scale))
    pdf.ln(paper.line * 0.4)


def _heading_style() -> object:
    from fpdf.fonts import FontFace

    return FontFace(family="DejaVu", emphasis="BOLD", fill_color=(235, 235, 235))


def _points(pdf: _Pdf, x1: float, y1: float, x2: float, y2: float) -> Box:
    """A box given in the page's millimetres from the top left, in PDF points from the bottom left."""
    pt = 72 / 25.4
    return round(x1 * pt, 1), round((pdf.h - y1) * pt, 1), round(x2 * pt, 1), round((pdf.h - y2) * pt, 1)


def _note(pdf: _Pdf, note: str, width: float) -> None:
    pdf.set_font("DejaVu", size=pdf.paper.table)
    pdf.multi_cell(width, pdf.paper.table_line, pdf.clean(note, MAX_PARAGRAPH), new_x=XPos.LMARGIN,
                   new_y=YPos.NEXT)


def _qr(pdf: _Pdf, url: str, caption: str, note: str = "") -> None:
    """The QR code, its caption and link beside it, and the fine print `note` under them, in the room
    the code leaves on its right."""
    side, paper = pdf.paper.qr, pdf.paper
    png = io.BytesIO()
    segno.make(url, error="m").save(png, kind="png", scale=4, border=2)
    png.seek(0)
    if pdf.get_y() + side + 4 > pdf.h - pdf.b_margin:
        pdf.add_page()
    y = pdf.get_y()
    pdf.image(png, x=pdf.l_margin, y=y, w=side, h=side)
    pdf.set_xy(pdf.l_margin + side + 3, y if note else y + side / 5)  # with fine print: from the top
    pdf.set_font("DejaVu", size=paper.body - 1)
    pdf.multi_cell(pdf.epw - side - 3, paper.line, pdf.clean(f"{caption}\n{url}", MAX_LINE), new_x=XPos.LMARGIN,
                   new_y=YPos.NEXT)
    if note:
        pdf.set_x(pdf.l_margin + side + 3)
        _note(pdf, note, pdf.epw - side - 3)
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
        pdf.multi_cell(width, paper.line, pdf.clean(role, MAX_NAME) or " ", align="C", new_x=XPos.LEFT,
                       new_y=YPos.NEXT)
        pdf.set_font("DejaVu", size=paper.table)
        pdf.multi_cell(width, paper.line, "(Ký, ghi rõ họ tên)", align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        if n == len(signatures) - 1:  # the agency signs on the right: its stamp fills the room to sign
            side = (width - min(width - 2, STAMP_WIDTH)) / 2  # a lone column (form 04) spans the page
            pdf.stamp_place = _points(pdf, x + side, y + gap - 0.5, x + width - side, pdf.get_y() + 0.5)
        pdf.set_xy(x, y + gap)
        pdf.set_font("DejaVu", size=paper.body)
        pdf.multi_cell(width, paper.line, pdf.clean(name, MAX_NAME) or " ", align="C", new_x=XPos.LEFT,
                       new_y=YPos.NEXT)
    pdf.set_y(y + gap + paper.line * 1.6)
