"""The Overview's view: headline cards. (Its under-12s target section is the Children in care
page's, ``fsdash.views.care.target_section``.)"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from fsdash import metrics
from fsdash.access import SUPPRESSED, should_suppress, visible
from fsdash.config import Council
from fsdash.formatting import change, figure

TREND_MONTHS = 25   # two years of month ends, so the date a year earlier is among them
DELTA_COLOURS = {"down": "inverse", "up": "normal", "neither": "off"}


@dataclass(frozen=True)
class Card:
    """One headline card: the figure, its change on a year ago and its recent trend."""

    title: str
    value: str
    delta: str | None
    delta_color: str
    definition: str
    trend: tuple


def headline_cards(con: duckdb.DuckDBPyConnection, council: Council, as_at: dt.date,
                   districts=()) -> list[Card]:
    """The Overview's cards, with small numbers suppressed in the figure, change and trend."""
    first = metrics.first_reliable_date(con)
    trend_dates = [d for d in metrics.month_ends(as_at, TREND_MONTHS) if d >= first]
    trends = {name: metrics.series(con, name, trend_dates, districts) for name in metrics.HEADLINE}
    headline = metrics.summary(con, as_at, districts, computed=trends)
    cards = []
    for name, trend in trends.items():
        measure, now = metrics.MEASURES[name], headline[name]
        before = now["year_ago"]
        small = [should_suppress(f, measure.is_count, council.max_suppressed)
                 for f in (now, before or {})]
        cards.append(Card(
            title=measure.title,
            value=SUPPRESSED if small[0] else figure(now["value"], measure.unit),
            delta=None if any(small) or not before
            else change(now["value"], before["value"], measure.unit),
            delta_color=DELTA_COLOURS[measure.better],
            definition=measure.definition,
            trend=tuple(visible(trend, measure.is_count, council.max_suppressed).tolist()),
        ))
    return cards
