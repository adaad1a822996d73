"""A rating grid (``fsdash.charts.rating_grid``: areas by indicators, each cell filled by its
rating and labelled) drawn as an HTML table rather than a picture: its cells keep their text
whole at any width, on a phone the table scrolls sideways in a labelled region that the keyboard
can reach, and on paper its header row repeats on every page."""

from __future__ import annotations

from html import escape

import plotly.graph_objects as go

from fsdash.charts import RATING_FILLS


def is_rating_grid(figure: go.Figure) -> bool:
    """Whether ``figure`` is a rating grid: one heat map whose cells carry their own text."""
    return (len(figure.data) == 1 and figure.data[0].type == "heatmap"
            and figure.data[0].text is not None)


def rating_table(figure: go.Figure) -> str:
    """The grid as a table in a scrolling region, captioned with the chart's title."""
    grid = figure.data[0]
    title = escape(" ".join((figure.layout.title.text or "").replace("<br>", " ").split()))
    corner = _lines(figure.layout.yaxis.title.text or "Area")
    head = "".join(f'<th scope="col">{_lines(column)}</th>' for column in grid.x)
    rows = "".join(
        f'<tr><th scope="row">{_lines(row)}</th>'
        + "".join(_cell(text, score) for text, score in zip(texts, scores)) + "</tr>"
        for row, texts, scores in zip(grid.y, grid.text, grid.z))
    return (f'<div class="fsdash-grid" role="region" tabindex="0" aria-label="{title}, '
            f'a table that scrolls sideways on a small screen">'
            f'<table><caption>{title}</caption><thead><tr><th scope="col">{corner}</th>{head}</tr>'
            f"</thead><tbody>{rows}</tbody></table></div>")


def _lines(text) -> str:
    """Plotly's text, its line breaks kept and everything else escaped."""
    return "<br>".join(escape(line) for line in str(text).split("<br>") if line)


def _cell(text: str, score: int) -> str:
    return f'<td style="background-color: {RATING_FILLS[int(score)]}">{_lines(text)}</td>'
