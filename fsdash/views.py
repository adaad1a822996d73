"""Display-ready views built from the measures: what a page draws, worked out once per view
(and cached by ``fsdash.ui``) so that a page rerun only draws."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from fsdash import metrics
from fsdash.access import SUPPRESSED, should_suppress, visible
from fsdash.config import Council
from fsdash.formatting import change, figure, long_date

TREND_MONTHS = 25
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
    headline = metrics.summary(con, as_at, districts)
    first = metrics.first_reliable_date(con)
    trend_dates = [d for d in metrics.month_ends(as_at, TREND_MONTHS) if d >= first]
    cards = []
    for name in metrics.HEADLINE:
        measure, now = metrics.MEASURES[name], headline[name]
        before = now["year_ago"]
        small = [should_suppress(f, measure.is_count, council.max_suppressed)
                 for f in (now, before or {})]
        trend = metrics.series(con, name, trend_dates, districts)
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


@dataclass(frozen=True)
class TargetView:
    """Under-12s against the target: the monthly path, a sentence reading it, and a table."""

    path: pd.DataFrame
    reading: str
    table: pd.DataFrame


def under12_target(con: duckdb.DuckDBPyConnection, council: Council, as_at: dt.date,
                   area_label: str, districts=()) -> TargetView | None:
    """The target view up to ``as_at``; None before the target's baseline date."""
    dates = [d for d in metrics.month_ends(as_at, 240)
             if d >= council.target_baseline_date.replace(day=1)]
    if not dates:
        return None
    path = metrics.under12_target(con, dates, districts)
    now = path.iloc[-1]
    gap = now["actual"] - now["target"]
    side = "above" if gap > 0 else "below"
    reading = (
        f"On {long_date(as_at)} there were {now['actual']:,.0f} children aged under 12 in care "
        f"in {area_label}: {abs(gap):,.0f} ({abs(100 * gap / now['target']):.0f}%) {side} the "
        f"target of {now['target']:,.0f}. The target starts from {path.attrs['baseline']:,.0f} "
        f"on {long_date(path.attrs['baseline_date'])} and falls by "
        f"{100 * path.attrs['reduction']:.0f}% a year for {path.attrs['years']} years.")
    table = pd.DataFrame({"Month end": path["as_at"].dt.date, "Actual": path["actual"],
                          "Target": path["target"].round(0)})
    return TargetView(path=path, reading=reading, table=table)
