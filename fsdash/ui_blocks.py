"""How a page draws its parts: a chart block (heading, reading, chart, table and CSV download),
downloads (each audited), the line under a page's title and the page's stylesheet and script."""

from __future__ import annotations

import re
from pathlib import Path

import plotly.graph_objects as go
import streamlit as st

from fsdash import audit
from fsdash.config import WHOLE_COUNCIL, Council
from fsdash.escaping import csv_text, plain
from fsdash.formatting import long_date
from fsdash.ui_filters import Filters
from fsdash.ui_grid import is_rating_grid, rating_table
from fsdash.ui_store import scope, store_key
from fsdash.ui_views import brief_file

# Plotly's own toolbar is off: its buttons were most of a page's tab stops and covered chart
# titles on phones; every chart has its table and a CSV download instead.
CHART_CONFIG = {"displayModeBar": False, "displaylogo": False, "responsive": True}
TITLE_ROOM = 40     # pixels above a plot that its title took, given back when the title moves out


def unusual_section(block, badge: tuple[str, str] | None, page: str, missing: str) -> None:
    """An XmR chart under its latest month's badge, or (``block`` None) why there is none."""
    if block is None:
        st.write(missing)
        return
    wording, colour = badge
    st.markdown(f"**Latest month:** :{colour}-badge[{wording}]")
    chart_block(block, page)


def download_button(table, file_stem: str, page: str) -> None:
    """A CSV download of a table (formulas neutralised: ``fsdash.escaping.csv_text``); each
    download is audited."""
    download_file("Download this data (CSV)", lambda: csv_text(table),
                  f"{file_stem}.csv", "text/csv", page)


def download_file(label: str, data, file_name: str, mime: str, page: str) -> None:
    """A download of a file made by ``data`` (a callable) when asked for; each is audited.
    Pressing it runs the page no more (``on_click="ignore"``): the file is made on its own,
    so a download neither waits for nor starts the page's figures being drawn again."""
    who = scope()

    def made():
        audit.record(who, page, "download", {"file": file_name})
        return data()

    st.download_button(label, made, file_name=file_name, mime=mime, key=f"download-{file_name}",
                       on_click="ignore")


def brief_download(council: Council, filters: Filters, page: str) -> None:
    """"Print a brief for this district": the one-page district brief (PDF, a cabinet member's
    figures), made only when pressed; for the whole council, a note to choose an area."""
    if filters.area == WHOLE_COUNCIL:
        st.caption("To print a one-page brief for a councillor, choose a district or locality.")
        return
    key, kind = store_key(), "locality" if filters.area in council.localities else "district"
    download_file(f"Print a brief for this {kind}",
                  lambda: brief_file(key, filters.as_at, filters.area),
                  f"brief-{filters.as_at:%Y-%m}-{filters.area}.pdf", "application/pdf", page)
    st.caption(f"One A4 page on {filters.area_label} in plain English, with the figures a "
               "cabinet member sees (small numbers hidden), for printing in black and white.")


def chart_block(block, page: str, heading_level: int = 3) -> None:
    """Draw a chart with its reading, its table and a CSV download; where there is no chart,
    the reading alone says why. The heading, reading and chart are one container, which a
    printed page keeps together."""
    with st.container(key=f"block-{block.file_stem}"):
        st.markdown(f"{'#' * heading_level} {block.title}")
        st.write(block.reading)
        if block.figure is None:
            return
        if is_rating_grid(block.figure):
            st.html(rating_table(block.figure))
        else:
            title, figure = title_apart(block.figure)
            if title:
                st.markdown(f"**{plain(title)}**")
            st.plotly_chart(figure, config=CHART_CONFIG, key=f"chart-{block.file_stem}")
    with st.expander(f"Table: {block.title}"):
        st.dataframe(block.table, hide_index=True)
    download_button(block.table, block.file_stem, page)


def title_apart(figure: go.Figure) -> tuple[str, go.Figure]:
    """A chart's title as plain text and a copy of the chart without it: drawn as text above
    the chart, a long title wraps on a phone, where Plotly would cut it off."""
    title = figure.layout.title.text
    if not title:
        return "", figure
    untitled = go.Figure(figure)
    top = untitled.layout.margin.t
    untitled.update_layout(title_text=None,
                           margin_t=None if top is None else max(top - TITLE_ROOM, 10))
    return " ".join(re.sub(r"<[^>]*>", " ", title).split()), untitled


def as_at_caption(council: Council, filters: Filters) -> str:
    """The line under a page's title: council, area and the count date."""
    return (f"{council.name} · {filters.area_label} · figures at "
            f"{long_date(filters.as_at)}")


def page_style() -> None:
    """The print, keyboard and small-screen stylesheet, and the script that labels Streamlit's
    controls and hides the cards' decorative trend charts from screen readers
    (``fsdash/static``: fixed files, no user input)."""
    st.html(STYLESHEET + SCRIPT, unsafe_allow_javascript=True)


STATIC = Path(__file__).parent / "static"
STYLESHEET = "<style>" + (STATIC / "page.css").read_text(encoding="utf-8") + "</style>"
SCRIPT = "<script>" + (STATIC / "page.js").read_text(encoding="utf-8") + "</script>"
