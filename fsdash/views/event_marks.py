"""Events on a time chart (issue 28): each event in the chart's span drawn as a numbered dashed
line (a span of days also shaded; its title on hover), listed by number in the reading above
the chart (one legend entry says so, so a phone's legend grows by one line, not one an event)
and named in an "Event" column on the table's row it falls in (so the CSV download has it
too). Never colour alone: the number, the dash and the words carry it."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd
import plotly.graph_objects as go

from fsdash import charts
from fsdash.config import WHOLE_COUNCIL, Council
from fsdash.events import Event, concerns_area, live_events
from fsdash.formatting import long_date
from fsdash.views.blocks import ChartBlock

GREY = "#505a5f"
CROWDED = 0.06      # labels nearer than this share of the span are stacked, not overlapped
LEVELS = 3          # heights a crowded label steps through
COLUMN = "Event"
KEY = "Events, numbered as in the list above the chart"   # the legend's one entry for them all


def area_events(con: duckdb.DuckDBPyConnection, council: Council, area: str) -> list[Event]:
    """Every live event in the store that concerns an area (``for_area``)."""
    return for_area(live_events(con, council), council, area)


def for_area(events: list[Event], council: Council, area: str) -> list[Event]:
    """Of live events, those that concern an area, whatever their date (each chart keeps those
    in its span). A change intended for part of the area only (a hub in one district, on the
    whole council's chart) is kept as an event but not as an intended one: the area's usual
    range is not recalculated from it."""
    return [e if not e.intended or covers(e, area, council)
            else dataclasses.replace(e, intended=False)
            for e in events if concerns_area(e, area, council)]


def covers(event: Event, area: str, council: Council) -> bool:
    """Whether an event is about the whole of an area: it names no area, the council, the area,
    every district in it, or the locality it lies in."""
    named = set(event.areas)
    if not named or named & {WHOLE_COUNCIL, council.code}:
        return True
    if area == WHOLE_COUNCIL:
        return False
    districts = set(council.areas()[area])
    localities = {d.locality for d in council.districts if d.code in districts}
    return area in named or districts <= named or (len(localities) == 1 and localities <= named)


def team_events(events: list[Event], council: Council,
                districts: tuple[str, ...]) -> list[Event]:
    """Of live events, those that concern a team: one naming no area, or an area of a district
    the team serves."""
    return [e for e in for_area(events, council, WHOLE_COUNCIL)
            if not e.areas or any(concerns_area(e, d, council) for d in districts)]


def about(events: list[Event], measure: str) -> list[Event]:
    """The events that concern a measure."""
    return [e for e in events if e.concerns_measure(measure)]


def mark_view(view, events: list[Event], measures: dict[str, tuple[str, ...]]):
    """A view (a frozen dataclass of blocks) with each named time chart marked with the events
    that concern its measures (``measures``: field name to measure names)."""
    return dataclasses.replace(view, **{name: marked(getattr(view, name), events, of)
                                        for name, of in measures.items()
                                        if getattr(view, name) is not None})


# A table's dates: a day ("31 March 2024", a month's or year's end), or a month that starts
# a period ("January 2021", a quarter by its first month).
FORMATS = {"%d %B %Y": "end", "%B %Y": "start"}


@dataclass(frozen=True)
class Dates:
    """A table's column of dates, parsed (NaT where a row has none), and what they mark."""

    column: str
    days: pd.Series
    marks: str          # "end" or "start" of each row's period

    @property
    def step(self) -> pd.Timedelta:
        """The shortest gap between the table's dates: a period's length."""
        steps = self.days.dropna().drop_duplicates().sort_values().diff().dropna()
        return steps.min() if len(steps) else pd.Timedelta(days=31)

    def span(self) -> tuple[dt.date, dt.date]:
        """From the first day of the first row's month (or period) to the last day shown."""
        days = self.days.dropna()
        if self.marks == "end":
            return days.min().date().replace(day=1), days.max().date()
        return days.min().date(), (days.max() + self.step - pd.Timedelta(days=1)).date()

    def row(self, day: dt.date) -> int | None:
        """The row an event on ``day`` is named on: the period it falls in, or where it falls
        between rows (periods not shown), the next."""
        at = pd.Timestamp(day)
        if self.marks == "start":
            holding = self.days[(self.days <= at) & (at < self.days + self.step)]
            if len(holding):
                return self.days.index.get_loc(holding.index[0])
        later = self.days[self.days >= at]
        if later.empty:
            return None
        return self.days.index.get_loc(later[later == later.min()].index[0])


def dates(table: pd.DataFrame) -> Dates | None:
    """The table's column of dates written out, or None."""
    for column in table.columns:
        values = table[column].astype("string")
        for form, marks in FORMATS.items():
            days = pd.to_datetime(values, format=form, errors="coerce")
            if days.notna().any() and days.notna().sum() == values.notna().sum():
                return Dates(column, pd.Series(days.to_numpy(), index=range(len(table))), marks)
    return None


def marked(block: ChartBlock, events: list[Event], measures: tuple[str, ...] = (),
           until: dt.date | None = None) -> ChartBlock:
    """The block with the events in its span (to ``until``, where its later rows are a
    projection) that concern any of ``measures`` (none: any) drawn, tabled and read; unchanged
    where none falls in its span."""
    found = dates(block.table)
    if found is None:
        return block
    first, last = found.span()
    last = min(last, until or last)
    chosen = [e for e in events if e.within(first, last)
              and (not measures or any(e.concerns_measure(m) for m in measures))]
    if not chosen:
        return block
    figure = None if block.figure is None else _drawn(go.Figure(block.figure), chosen, first, last)
    return dataclasses.replace(block, figure=figure, table=_tabled(block.table, found, chosen,
                                                                   first),
                               reading=f"{block.reading} {sentence(chosen, figure is not None)}")


def when(event: Event) -> str:
    """'11 February 2021', or 'from 23 March 2020 to 4 July 2020'."""
    if event.end is None or event.end == event.start:
        return long_date(event.start)
    return f"from {long_date(event.start)} to {long_date(event.end)}"


def sentence(events: list[Event], drawn: bool = True) -> str:
    """'Events in this period, numbered on the chart: (1) Family Safeguarding began, 11 February
    2021.' (without a chart, 'Events in this period: ...')."""
    return (f"Events in this period{', numbered on the chart' if drawn else ''}: "
            + "; ".join(f"({n}) {e.title}, {when(e)}" for n, e in enumerate(events, 1)) + ".")


def _tabled(table: pd.DataFrame, found: Dates, events: list[Event],
            first: dt.date) -> pd.DataFrame:
    """The table with an Event column naming each event on its row (the first row, for one
    that began before the span)."""
    names = [""] * len(table)
    for n, event in enumerate(events, 1):
        row = found.row(max(event.start, first))
        if row is not None:
            names[row] = "; ".join(filter(None, [names[row], f"({n}) {event.title}"]))
    return table.assign(**{COLUMN: names})


def _drawn(fig: go.Figure, events: list[Event], first: dt.date, last: dt.date) -> go.Figure:
    """Each event a dashed line (and a shaded span) with its number at the top, the number
    stepped down where it would overlap the one before, and kept inside the chart's edges."""
    width = max((last - first).days, 1)
    placed: list[tuple[float, int]] = []
    for n, event in enumerate(events, 1):
        start = max(event.start, first)
        if event.end and event.end > event.start:
            fig.add_shape(type="rect", xref="x", yref="paper", x0=start, x1=min(event.end, last),
                          y0=0, y1=1, fillcolor=GREY, opacity=0.12, line={"width": 0},
                          layer="below")
        fig.add_shape(type="line", xref="x", yref="paper", x0=start, x1=start, y0=0, y1=1,
                      line={"color": GREY, "dash": "dash", "width": 1.5})
        at = (start - first).days / width
        level = next((lvl + 1 for x, lvl in reversed(placed) if at - x < CROWDED), 0) % LEVELS
        placed.append((at, level))
        right = at > 0.9
        fig.add_annotation(x=start, xref="x", yref="paper", y=1 - 0.09 * level, yanchor="top",
                           xanchor="right" if right else "left", xshift=-3 if right else 3,
                           text=f"<b>{n}</b>", showarrow=False, bgcolor="white",
                           hovertext=f"{event.title}, {when(event)}", font={"size": 13, "color": "#0b0c0c"})
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", hoverinfo="skip",
                             name=charts.wrapped(KEY), line={"color": GREY, "dash": "dash",
                                                             "width": 1.5}))
    return fig

