"""District briefs as a PDF (fpdf2): one A4 portrait page per area, in the board pack's DejaVu
fonts, black on white with no meaning in colour or pictures (it prints in greyscale as it
reads), and text as real text written in reading order: title, the line under it, then each
heading before its paragraphs.

For screen readers: the document's title (shown by the viewer in place of the file name) and
language (en-GB) are set, each area's page is a bookmark in the document outline, and the PDF is
tagged: its structure tree holds each title and heading (H1, H2), each paragraph (P) and the
small chart (a Figure whose alternative text gives its lowest and highest months), in reading
order, and the footer is marked as an artifact that screen readers pass over. fpdf2 2.8.9 tags
only images, links and section titles itself, so ``_tagged`` marks the rest through its
structure tree builder (``struct_builder``, ``_add_marked_content`` and ``_out``: internal to
fpdf2, which is pinned; check them before upgrading it).
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

import duckdb
from fpdf import FPDF
from fpdf.prefs import ViewerPreferences

from fsdash.access import Published
from fsdash.config import Council
from fsdash.export.brief import Brief, brief_areas, build_brief, cabinet_figures
from fsdash.export.fonts import font_path
from fsdash.formatting import long_date, month, round_half_up
from fsdash.views.glance import scan

FONT = "DejaVu"
MARGIN = 18             # mm each side of A4 portrait
SIZES = (11, 10.5, 10, 9.5, 9, 8.5, 8)   # body text sizes tried, largest first, to fit a page
LANGUAGE = "en-GB"


class _BriefPDF(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self._out("/Artifact BMC")      # repeated on every page: not part of the reading
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.cell(0, 6, self.footer_text, align="C")
        self._out("EMC")


@contextmanager
def _tagged(pdf: FPDF, kind: str, alt: str | None = None):
    """Mark what is drawn inside as one element of the structure tree: ``kind`` a standard
    structure type (/H1, /H2, /P, /Figure), ``alt`` a figure's alternative text."""
    mcid = pdf.struct_builder.next_mcid_for_page(pdf.page)
    pdf._add_marked_content(struct_type=kind, mcid=mcid, alt_text=alt)
    pdf._out(f"{kind} <</MCID {mcid}>> BDC")
    yield
    pdf._out("EMC")


def _new_pdf(title: str) -> _BriefPDF:
    pdf = _BriefPDF(orientation="P", format="A4")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_font(FONT, "", font_path("DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", font_path("DejaVuSans-Bold.ttf"))
    pdf.set_title(title)
    pdf.set_lang(LANGUAGE)
    pdf.set_creator("fsdash")
    pdf.viewer_preferences = ViewerPreferences(display_doc_title=True)
    pdf.set_text_color(0)
    return pdf


def brief_file(con: duckdb.DuckDBPyConnection, council: Council, as_at: dt.date,
               areas: list[str] | None = None,
               published: Published | None = None) -> tuple[bytes, int]:
    """The briefs for areas (None: every locality and district) as one PDF's bytes, and its
    number of pages; ``published``: the store's published figures where the caller holds them."""
    figures = cabinet_figures(con, council, published)
    signals = scan(con, figures, council, as_at)
    briefs = [build_brief(con, council, figures, as_at, area, signals)
              for area in areas or brief_areas(council)]
    title = None if areas else (f"{council.short_name}: a brief for each district and locality, "
                                f"figures at {long_date(as_at)}")
    return write_briefs(briefs, title), len(briefs)


def write_briefs(briefs: list[Brief], title: str | None = None) -> bytes:
    """The briefs as one PDF, a page each (``title``: the document's, else the first brief's)."""
    pdf = _new_pdf(title or briefs[0].title)
    for brief in briefs:
        size, charts = next((c for c in LAYOUTS if _fits(brief, *c)), LAYOUTS[-1])
        pdf.footer_text = f"{brief.title} · {brief.subtitle}"
        pdf.add_page()
        pdf.start_section(brief.label)
        _draw(pdf, brief, size, charts)
    return bytes(pdf.output())


# Text sizes with the chart, then the smallest without it (its words are in the text).
LAYOUTS = (*((size, True) for size in SIZES), (SIZES[-1], False))


def _fits(brief: Brief, size: float, charts: bool) -> bool:
    """Whether the brief fits one page with its body text at ``size`` points."""
    trial = _new_pdf(brief.title)
    trial.add_page()
    _draw(trial, brief, size, charts)
    return trial.page == 1


def _draw(pdf: FPDF, brief: Brief, size: float, charts: bool = True) -> None:
    """The page: title, the line under it, then each heading, its paragraphs and its chart."""
    line = size * 0.5       # mm per line, about 1.4 times the text's height
    pdf.set_font(FONT, "B", size + 9)
    _lines(pdf, (size + 9) * 0.5, brief.title, "/H1")
    pdf.set_font(FONT, size=size)
    _lines(pdf, line, brief.subtitle)
    for section in brief.sections:
        pdf.ln(line * 0.6)
        pdf.set_font(FONT, "B", size + 2.5)
        _lines(pdf, (size + 2.5) * 0.5, section.heading, "/H2")
        pdf.ln(line * 0.2)
        pdf.set_font(FONT, size=size)
        for paragraph in section.paragraphs:
            pdf.set_x(MARGIN + (3 if paragraph.startswith("• ") else 0))   # a list's items
            _lines(pdf, line, paragraph)
            pdf.ln(line * 0.3)
        if section.chart and charts:
            with _tagged(pdf, "/Figure", _chart_words(section.heading, section.chart)):
                _chart(pdf, section.chart, size)


def _lines(pdf: FPDF, height: float, text: str, kind: str = "/P") -> None:
    """Text from the current position, ranged left (never justified: even word spacing reads
    and copies better), tagged as ``kind``, then the left margin of the next line."""
    with _tagged(pdf, kind):
        pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT", align="L")


def _chart_words(heading: str, points) -> str:
    """The small chart's alternative text: what it shows, from when to when, its range."""
    shown = [(day, v) for day, v in points if v is not None]
    (low_day, low), (high_day, high) = (min(shown, key=lambda p: p[1]),
                                        max(shown, key=lambda p: p[1]))
    return (f"Line chart of {heading.lower()} from {month(points[0][0])} to {month(points[-1][0])}: "
            f"lowest {round_half_up(low):,} in {month(low_day)}, highest "
            f"{round_half_up(high):,} in {month(high_day)}.")


CHART_HEIGHT = 22       # mm of plot
AXIS_ROOM = 16          # mm at the left for the values' labels


def _chart(pdf: FPDF, points, size: float) -> None:
    """A small line chart in black (no meaning in colour): a thick line through the months
    shown (broken where one is hidden), a thin base line, the lowest and highest values at the
    left and the first and last months under it. Its words are in the paragraph before it."""
    values = [v for _, v in points if v is not None]
    low, high = min(values), max(values)
    left, width, top = MARGIN + AXIS_ROOM, pdf.epw - AXIS_ROOM, pdf.get_y() + 1
    step, span = width / max(len(points) - 1, 1), (high - low) or 1
    spots = [None if v is None else (left + i * step, top + CHART_HEIGHT * (high - v) / span)
             for i, (_, v) in enumerate(points)]
    pdf.set_draw_color(0)
    pdf.set_line_width(0.2)
    pdf.line(left, top + CHART_HEIGHT, left + width, top + CHART_HEIGHT)
    pdf.set_line_width(0.6)
    for start, end in zip(spots, spots[1:]):
        if start and end:
            pdf.line(*start, *end)
    pdf.set_font(FONT, size=size - 2)
    for value, y in ((high, top), (low, top + CHART_HEIGHT)):
        pdf.set_xy(MARGIN, y - 2)
        pdf.cell(AXIS_ROOM - 2, 4, f"{round_half_up(value):,}", align="R")
    pdf.set_xy(left, top + CHART_HEIGHT + 0.5)
    pdf.cell(width / 2, 4, month(points[0][0]))
    pdf.cell(width / 2, 4, month(points[-1][0]), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=size)
