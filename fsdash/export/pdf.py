"""The pack as a PDF (fpdf2): A4 landscape, a title page, then each page of the pack with its
paragraphs, tables and charts, and the pack's footer with page numbers on every page."""

from __future__ import annotations

import io

import pandas as pd
from fpdf import FPDF
from fpdf.fonts import FontFace

from fsdash.charts import RATING_FILLS
from fsdash.export.content import Pack, RatingGrid
from fsdash.export.fonts import font_path
from fsdash.views.care import ChartBlock

FONT = "DejaVu"
TEXT_WIDTH = 267     # mm across A4 landscape inside 15 mm margins


class _PackPDF(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(80)
        self.cell(0, 6, f"{self.footer_text} · Page {self.page_no()} of {{nb}}", align="C")


def write_pdf(pack: Pack, images: dict[int, bytes]) -> bytes:
    """The PDF's bytes."""
    pdf = _PackPDF(orientation="L", format="A4")
    pdf.footer_text = pack.footer
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_font(FONT, "", font_path("DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", font_path("DejaVuSans-Bold.ttf"))
    pdf.set_title(pack.title)
    pdf.add_page()
    pdf.set_font(FONT, "B", 26)
    pdf.set_y(70)
    pdf.multi_cell(0, 12, pack.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=14)
    pdf.multi_cell(0, 8, pack.subtitle, new_x="LMARGIN", new_y="NEXT")
    for page in pack.pages:
        pdf.add_page()
        pdf.set_font(FONT, "B", 18)
        pdf.multi_cell(0, 10, page.title, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        for part in page.parts:
            if isinstance(part, str):
                pdf.set_font(FONT, size=11)
                pdf.multi_cell(0, 6, part, new_x="LMARGIN", new_y="NEXT")
                pdf.ln(2)
            elif isinstance(part, ChartBlock):
                _image(pdf, images[id(part)])
            elif isinstance(part, pd.DataFrame) and len(part.columns):
                _table(pdf, part)
            elif isinstance(part, RatingGrid):
                _grid(pdf, part)
    return bytes(pdf.output())


MIN_CHART_HEIGHT = 90    # mm: a chart with less room than this goes on a new page


def _image(pdf: FPDF, png: bytes) -> None:
    """A chart as large as fits below what is on the page (on a new page if too little room)."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as picture:
        ratio = picture.height / picture.width
    room = pdf.h - pdf.b_margin - pdf.get_y() - 2
    if room < MIN_CHART_HEIGHT:
        pdf.add_page()
        room = pdf.h - pdf.b_margin - pdf.get_y() - 2
    height = min(TEXT_WIDTH * ratio, room)
    width = height / ratio
    pdf.image(io.BytesIO(png), x=15 + (TEXT_WIDTH - width) / 2, w=width, h=height)
    pdf.ln(3)


TABLE_FONT_SIZE = 9
CELL_PADDING = 1.0   # mm of room each side of a table cell's text
CELL_AIR = 1.5       # mm a column leaves beyond its longest text and padding, so none touches


def _cell_text(value) -> str:
    return "" if pd.isna(value) else str(value)


def column_widths(pdf: FPDF, frame: pd.DataFrame) -> list[float]:
    """Each column's width in mm, the table filling the page's width: every column as wide as
    its longest word (a heading's in bold), so no word is broken; then, where the page has
    room, as wide as its longest cell, so each row stays on one line; then room for the
    headings on one line, as far as it goes; what is left shared in proportion."""
    pdf.set_font(FONT, "B", TABLE_FONT_SIZE)
    headings = [str(c) for c in frame.columns]
    whole_headings = [pdf.get_string_width(h) for h in headings]
    least = [max(map(pdf.get_string_width, h.split() or [""])) for h in headings]
    pdf.set_font(FONT, size=TABLE_FONT_SIZE)
    wanted = []
    for i in range(len(headings)):
        texts = [_cell_text(v) for v in frame.iloc[:, i]]
        least[i] = max([least[i], *map(pdf.get_string_width, " ".join(texts).split())])
        wanted.append(max([least[i], *map(pdf.get_string_width, texts)]))
    edge = 2 * CELL_PADDING + CELL_AIR
    room = TEXT_WIDTH - edge * len(headings)
    widths = least
    for goal in (wanted, [max(w, h) for w, h in zip(wanted, whole_headings)]):
        more = [max(g - w, 0) for g, w in zip(goal, widths)]
        share = min(1, max(room - sum(widths), 0) / (sum(more) or 1))
        widths = [w + m * share for w, m in zip(widths, more)]
    spare = (room - sum(widths)) / sum(widths)
    return [w * (1 + spare) + edge for w in widths]


def _table(pdf: FPDF, frame: pd.DataFrame) -> None:
    widths = column_widths(pdf, frame)
    pdf.set_font(FONT, size=TABLE_FONT_SIZE)
    with pdf.table(col_widths=widths, width=TEXT_WIDTH, headings_style=FontFace(emphasis="BOLD"),
                   line_height=5, text_align="LEFT", repeat_headings=1,
                   padding=(0, CELL_PADDING)) as table:
        table.row([str(c) for c in frame.columns])
        for row in frame.itertuples(index=False):
            table.row([_cell_text(v) for v in row])
    pdf.ln(3)


FILLS = dict(zip(("", "Green", "Amber", "Red"), RATING_FILLS))


def _grid(pdf: FPDF, grid: RatingGrid) -> None:
    """The rating grid: a row for each area (as tall as its text), cells filled by rating; the
    heading row repeated on each page it runs onto."""
    pdf.set_font(FONT, size=8)
    first = 30
    widths = [first] + [(TEXT_WIDTH - first) / (len(grid.columns) - 1)] * (len(grid.columns) - 1)
    with pdf.table(col_widths=widths, headings_style=FontFace(emphasis="BOLD"), line_height=4.5,
                   text_align="LEFT", repeat_headings=1, width=TEXT_WIDTH) as table:
        table.row(grid.columns)
        for cells, ratings in zip(grid.rows, grid.ratings):
            row = table.row()
            row.cell(cells[0], style=FontFace(emphasis="BOLD"))
            for text, rating in zip(cells[1:], ratings):
                row.cell(text, style=FontFace(fill_color=FILLS[rating]))
    pdf.ln(3)
