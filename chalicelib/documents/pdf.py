"""The project's one PDF renderer: a `Document` made of simple blocks becomes a printable A4 PDF
with a Vietnamese font (DejaVu Sans, embedded as a subset) — forms, receipts and result documents.

The same blocks are rendered to HTML by `chalicelib/web/templates/documents/document.html`, so a
form has one definition for the screen and for paper. fpdf2 is imported lazily (with fontTools
and Pillow it costs ~0.3 s): only the requests that produce a PDF pay for it.

Signing (PAdES) happens after rendering, on the bytes returned here.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

__all__ = [
    "FONT_DIR",
    "Document",
    "Image",
    "Letterhead",
    "Paragraph",
    "Signatures",
    "Table",
    "Title",
    "render_pdf",
]

FONT_DIR = Path(__file__).resolve().parents[1] / "data" / "fonts"
FONT = "DejaVuSans"
PAGE_FORMAT = "A4"
MARGIN_MM = 20
BODY_SIZE = 11
LINE_MM = 6


@dataclass(frozen=True)
class Letterhead:
    """Agency on the left, the national motto on the right (Decree 30/2020 layout)."""

    left: Sequence[str]
    right: Sequence[str] = (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    )


@dataclass(frozen=True)
class Title:
    text: str
    subtitle: str = ""


@dataclass(frozen=True)
class Paragraph:
    """A paragraph; `**bold**` runs are bold. `align`: "L", "C", "R" or "J"."""

    text: str
    align: str = "L"
    italic_note: bool = False


@dataclass(frozen=True)
class Table:
    headers: Sequence[str]
    rows: Sequence[Sequence[str]]
    widths: Sequence[int] = ()  # relative column widths; equal when empty


@dataclass(frozen=True)
class Signatures:
    """Signature columns: (title, hint, name) each."""

    columns: Sequence[tuple[str, str, str]]


@dataclass(frozen=True)
class Image:
    """A PNG or JPEG (e.g. a verification QR code), `width_mm` wide, aligned "L", "C" or "R"."""

    data: bytes
    width_mm: float = 30
    align: str = "R"
    alt_text: str = ""


Block = Letterhead | Title | Paragraph | Table | Signatures | Image


@dataclass(frozen=True)
class Document:
    title: str
    blocks: Sequence[Block]
    author: str = ""
    subject: str = ""
    keywords: Sequence[str] = field(default_factory=tuple)
    created_at: datetime | None = None
    landscape: bool = False  # A4 across: registers with many columns


def render_pdf(document: Document) -> bytes:
    """The document as A4 PDF bytes (fonts embedded, metadata set, deterministic for a given
    `created_at`)."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    for noisy in ("fontTools", "fpdf"):  # font subsetting logs every glyph at INFO and DEBUG
        logging.getLogger(noisy).setLevel(logging.WARNING)

    pdf = FPDF(orientation="L" if document.landscape else "P", unit="mm", format=PAGE_FORMAT)
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.set_auto_page_break(True, MARGIN_MM)
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_title(document.title)
    pdf.set_lang("vi-VN")
    if document.author:
        pdf.set_author(document.author)
        pdf.set_creator(document.author)
    if document.subject:
        pdf.set_subject(document.subject)
    if document.keywords:
        pdf.set_keywords(" ".join(document.keywords))
    if document.created_at:
        pdf.set_creation_date(document.created_at)
    pdf.add_page()
    pdf.set_font(FONT, size=BODY_SIZE)
    writer = _Writer(pdf, XPos, YPos)
    for block in document.blocks:
        writer.write(block)
    return bytes(pdf.output())


class _Writer:
    def __init__(self, pdf, xpos, ypos) -> None:
        self.pdf, self.XPos, self.YPos = pdf, xpos, ypos

    @property
    def width(self) -> float:
        return self.pdf.epw

    def write(self, block: Block) -> None:
        getattr(self, f"_{type(block).__name__.lower()}")(block)

    def _newline(self) -> dict:
        return {"new_x": self.XPos.LMARGIN, "new_y": self.YPos.NEXT}

    def _letterhead(self, block: Letterhead) -> None:
        pdf, half = self.pdf, self.width / 2
        top = pdf.get_y()
        pdf.set_font(FONT, "B", BODY_SIZE - 1)
        for side, lines in ((0, block.left), (1, block.right)):
            pdf.set_xy(pdf.l_margin + side * half, top)
            for line in lines:
                pdf.set_x(pdf.l_margin + side * half)
                pdf.multi_cell(half, LINE_MM - 1, line, align="C", **self._newline())
        pdf.set_y(max(top + LINE_MM * 3, pdf.get_y()) + 2)
        pdf.set_font(FONT, "", BODY_SIZE)

    def _title(self, block: Title) -> None:
        pdf = self.pdf
        pdf.ln(3)
        pdf.set_font(FONT, "B", BODY_SIZE + 2)
        pdf.multi_cell(self.width, LINE_MM + 1, block.text.upper(), align="C", **self._newline())
        pdf.set_font(FONT, "", BODY_SIZE)
        if block.subtitle:
            pdf.multi_cell(self.width, LINE_MM, block.subtitle, align="C", **self._newline())
        pdf.ln(3)

    def _paragraph(self, block: Paragraph) -> None:
        pdf = self.pdf
        pdf.set_font(FONT, "", BODY_SIZE - (1 if block.italic_note else 0))
        pdf.multi_cell(
            self.width, LINE_MM, block.text, align=block.align, markdown=True, **self._newline()
        )
        pdf.set_font(FONT, "", BODY_SIZE)
        pdf.ln(1)

    def _table(self, block: Table) -> None:
        pdf = self.pdf
        widths = tuple(block.widths) or (1,) * len(block.headers)
        pdf.set_font(FONT, "", BODY_SIZE - 1)
        with pdf.table(
            col_widths=widths,
            width=self.width,
            line_height=LINE_MM - 1,
            text_align="LEFT",
            headings_style=_bold_headings(),
        ) as table:
            for row in (block.headers, *block.rows):
                cells = table.row()
                for value in row:
                    cells.cell(str(value))
        pdf.set_font(FONT, "", BODY_SIZE)
        pdf.ln(2)

    def _signatures(self, block: Signatures) -> None:
        pdf = self.pdf
        pdf.ln(4)
        count = max(len(block.columns), 1)
        width = self.width / count
        top = pdf.get_y()
        bottom = top
        for index, (title, hint, name) in enumerate(block.columns):
            pdf.set_xy(pdf.l_margin + index * width, top)
            pdf.set_font(FONT, "B", BODY_SIZE)
            pdf.multi_cell(
                width, LINE_MM, title, align="C", new_x=self.XPos.LEFT, new_y=self.YPos.NEXT
            )
            pdf.set_font(FONT, "", BODY_SIZE - 1)
            pdf.multi_cell(
                width, LINE_MM, hint, align="C", new_x=self.XPos.LEFT, new_y=self.YPos.NEXT
            )
            pdf.ln(LINE_MM * 3)
            pdf.set_x(pdf.l_margin + index * width)
            pdf.multi_cell(
                width, LINE_MM, name, align="C", new_x=self.XPos.LEFT, new_y=self.YPos.NEXT
            )
            bottom = max(bottom, pdf.get_y())
        pdf.set_xy(pdf.l_margin, bottom)
        pdf.set_font(FONT, "", BODY_SIZE)

    def _image(self, block: Image) -> None:
        from io import BytesIO

        x = {"L": "LEFT", "C": "CENTER", "R": "RIGHT"}[block.align]
        self.pdf.image(BytesIO(block.data), x=x, w=block.width_mm, alt_text=block.alt_text)


def _bold_headings():
    from fpdf.fonts import FontFace

    return FontFace(emphasis="BOLD")
