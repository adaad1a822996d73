"""The pack as PowerPoint slides (python-pptx): 16:9, a title slide, then each page of the pack;
a page too long for one slide continues on the next ("continued"). Every slide carries the
pack's footer and its number."""

from __future__ import annotations

import io

import pandas as pd
from PIL import Image
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu, Inches, Pt

from fsdash.charts import RATING_FILLS
from fsdash.export.content import Pack, Page, RatingGrid
from fsdash.views.care import ChartBlock

WIDE, HIGH = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
BODY_TOP = Inches(1.2)
BODY_BOTTOM = HIGH - Inches(0.6)
CHARS_PER_SLIDE = 1100     # text beyond this continues on another slide
ROWS_PER_SLIDE = 14
GRID_ROWS_PER_SLIDE = 9    # a rating grid's areas on one slide (its headings take three lines)
LINE = Inches(0.28)        # roughly one line of 14-point text across the slide
CHARS_PER_LINE = 150


def write_pptx(pack: Pack, images: dict[int, bytes]) -> bytes:
    """The deck's bytes."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDE, HIGH
    first = deck.slides.add_slide(deck.slide_layouts[0])
    first.shapes.title.text = pack.title
    first.placeholders[1].text = pack.subtitle
    slides = [slide for page in pack.pages for slide in _split(page)]
    for number, (title, parts) in enumerate(slides, start=2):
        slide = deck.slides.add_slide(deck.slide_layouts[6])
        _text(slide, title, MARGIN, Inches(0.3), Inches(0.8), size=26, bold=True)
        top = BODY_TOP
        for part in parts:
            if isinstance(part, str):
                height = LINE * (1 + len(part) // CHARS_PER_LINE) + Inches(0.1)
                _text(slide, part, MARGIN, top, height, size=14)
                top += height
            elif isinstance(part, ChartBlock):
                top += _picture(slide, images[id(part)], top)
            elif isinstance(part, RatingGrid):
                top += _grid(slide, part, top)
            else:
                top += _table(slide, part, top)
        _text(slide, f"{pack.footer} · {number} of {len(slides) + 1}", MARGIN,
              HIGH - Inches(0.45), Inches(0.35), size=9)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def _split(page: Page) -> list[tuple[str, list]]:
    """The page's parts as slides: text up to a slide's worth, a chart or a table chunk each."""
    slides, current, chars = [], [], 0
    for part in page.parts:
        if isinstance(part, pd.DataFrame):
            if not len(part.columns):
                continue
            for start in range(0, max(len(part), 1), ROWS_PER_SLIDE):
                slides.append(current + [part.iloc[start:start + ROWS_PER_SLIDE]])
                current, chars = [], 0
        elif isinstance(part, RatingGrid):
            for start in range(0, len(part.rows), GRID_ROWS_PER_SLIDE):
                end = start + GRID_ROWS_PER_SLIDE
                slides.append(current + [RatingGrid(part.columns, part.rows[start:end],
                                                    part.ratings[start:end])])
                current, chars = [], 0
        elif isinstance(part, ChartBlock):
            slides.append(current + [part])
            current, chars = [], 0
        else:
            if chars + len(part) > CHARS_PER_SLIDE and current:
                slides.append(current)
                current, chars = [], 0
            current.append(part)
            chars += len(part)
    if current:
        slides.append(current)
    return [(page.title if i == 0 else f"{page.title} (continued)", parts)
            for i, parts in enumerate(slides)]


def _text(slide, text: str, left, top, height, size: int, bold: bool = False) -> None:
    box = slide.shapes.add_textbox(left, top, WIDE - 2 * MARGIN, height)
    box.text_frame.word_wrap = True
    paragraph = box.text_frame.paragraphs[0]
    paragraph.text = text
    paragraph.font.size, paragraph.font.bold = Pt(size), bold


def _picture(slide, png: bytes, top) -> Emu:
    """A chart scaled to the room left on the slide; returns the height used."""
    with Image.open(io.BytesIO(png)) as picture:
        ratio = picture.height / picture.width
    width = WIDE - 2 * MARGIN
    height = int(width * ratio)
    room = BODY_BOTTOM - top
    if height > room:
        height, width = room, int(room / ratio)
    slide.shapes.add_picture(io.BytesIO(png), int((WIDE - width) / 2), top, width, height)
    return Emu(height)


def _table(slide, frame: pd.DataFrame, top) -> Emu:
    rows, columns = len(frame) + 1, len(frame.columns)
    height = Inches(0.32) * rows
    shape = slide.shapes.add_table(rows, columns, MARGIN, top, WIDE - 2 * MARGIN, height)
    table = shape.table
    size, widths = table_layout(frame)
    for j, width in enumerate(widths):
        table.columns[j].width = width
    for j, name in enumerate(frame.columns):
        table.cell(0, j).text = str(name)
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        for j, value in enumerate(row):
            table.cell(i, j).text = "" if pd.isna(value) else str(value)
    for cell in (table.cell(i, j) for i in range(rows) for j in range(columns)):
        for paragraph in cell.text_frame.paragraphs:
            paragraph.font.size = Pt(size)
    return Emu(height)


TABLE_SIZES = (11, 10)   # points: a table's text, smaller where its rows would wrap at the first
CHAR_EM = 0.5            # a character's width in ems of its font: about Calibri's widest average
CELL_EDGE = Inches(0.2)  # a cell's margins, left and right together
LONGEST = 40             # characters: a longer text wraps, and claims no more of the width


def table_layout(frame: pd.DataFrame) -> tuple[int, list[int]]:
    """A table's font size and each column's width: as wide as its longest cell (up to
    ``LONGEST``) or heading word, at the first size at which every row fits on one line (else
    the last); the room left shared in proportion."""
    texts = [["" if pd.isna(v) else str(v) for v in frame.iloc[:, j]]
             for j in range(len(frame.columns))]
    longest = [max([*(min(len(t), LONGEST) for t in column),
                    *(len(word) for word in str(name).split())], default=1)
               for name, column in zip(frame.columns, texts)]
    room = WIDE - 2 * MARGIN
    for size in TABLE_SIZES:
        wanted = [CELL_EDGE + Pt(size) * CHAR_EM * n for n in longest]
        if sum(wanted) <= room:
            break
    return size, [int(room * w / sum(wanted)) for w in wanted]


FILLS = {rating: RGBColor.from_string(colour.lstrip("#"))
         for rating, colour in zip(("", "Green", "Amber", "Red"), RATING_FILLS)}


def _grid(slide, grid: RatingGrid, top) -> Emu:
    """The rating grid: the area's name, then each cell filled by its rating."""
    rows, columns = len(grid.rows) + 1, len(grid.columns)
    heading, row_height = Inches(0.62), Inches(0.4)
    height = heading + row_height * len(grid.rows)
    table = slide.shapes.add_table(rows, columns, MARGIN, top, WIDE - 2 * MARGIN, height).table
    table.rows[0].height = heading
    table.columns[0].width = Inches(1.5)
    for j in range(1, columns):
        table.columns[j].width = int((WIDE - 2 * MARGIN - Inches(1.5)) / (columns - 1))
    for j, name in enumerate(grid.columns):
        table.cell(0, j).text = name
    for i, (cells, ratings) in enumerate(zip(grid.rows, grid.ratings), start=1):
        table.rows[i].height = row_height
        table.cell(i, 0).text = cells[0]
        for j, (text, rating) in enumerate(zip(cells[1:], ratings), start=1):
            cell = table.cell(i, j)
            cell.text = text
            cell.fill.solid()
            cell.fill.fore_color.rgb = FILLS[rating]
    for cell in (table.cell(i, j) for i in range(rows) for j in range(columns)):
        for paragraph in cell.text_frame.paragraphs:
            paragraph.font.size = Pt(10)
    return Emu(height)
