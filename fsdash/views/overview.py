"""The Overview's view: a one-line summary and the headline cards. (Its under-12s target section
is the Children in care page's, ``fsdash.views.care.target_section``.)"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from fsdash import metrics
from fsdash.access import SUPPRESSED, Figures
from fsdash.access.series import protected_series
from fsdash.config import Council
from fsdash.formatting import YEAR_EARLIER, change, figure, long_date, month, round_half_up
from fsdash.metrics import sources

TREND_MONTHS = 25   # two years of month ends, so the date a year earlier is among them
DELTA_COLOURS = {"down": "inverse", "up": "normal", "neither": "off"}
NO_FIGURE = "No figure"     # nothing to count (not hidden: hidden figures are "c")
NOT_LOADED = "Not loaded"   # a source the measure rests on is not in the store yet


@dataclass(frozen=True)
class Card:
    """One headline card: the figure, its change since a year earlier and its recent trend."""

    name: str
    title: str
    value: str
    delta: str | None
    delta_color: str
    definition: str
    trend: tuple
    delta_description: str | None = None    # what the change is measured from
    now: float | None = None        # the figure shown, None where hidden
    before: float | None = None     # the same a year earlier, None where hidden or not comparable
    waits: tuple[str, ...] = ()     # the sources it waits for, where the store lacks them


def headline_cards(con: duckdb.DuckDBPyConnection, figures: Figures, council: Council,
                   as_at: dt.date, area: str) -> list[Card]:
    """The Overview's cards, with hidden figures as ``c`` in the figure, change and trend."""
    first = metrics.first_reliable_date(con)
    dates = [d for d in metrics.month_ends(as_at, TREND_MONTHS) if d >= first]
    districts = council.areas()[area] if area != "all" else ()
    year_ago = pd.Timestamp(metrics.year_before(as_at))
    waits = sources.waiting(con, metrics.HEADLINE)
    cards = []
    for name in metrics.HEADLINE:
        measure = metrics.MEASURES[name]
        if name in waits:
            cards.append(Card(name, measure.title, NOT_LOADED, sources.waits_for(waits[name]),
                              "off", measure.definition, (), waits=waits[name]))
            continue
        values, hidden = protected_series(figures, con, name, dates, area, districts, council)
        trend = values.where(~hidden)
        now = trend.get(pd.Timestamp(as_at))
        before = trend.get(year_ago) if year_ago >= pd.Timestamp(first) else None
        value, delta, colour = _card_figures(measure, now, before, len(trend), as_at, council)
        if hidden.get(pd.Timestamp(as_at), False):
            value, delta, colour = SUPPRESSED, None, "off"
        # "+0.3 percentage points" has no room for "since a year earlier" on a card: the
        # caption under the cards says every change is on a year earlier.
        compared = (measure.reference is None and measure.unit != "%" and delta is not None
                    and not delta.startswith("First"))
        cards.append(Card(name, measure.title, value, delta, colour, measure.definition,
                          tuple(float(v) for v in trend.to_numpy()),
                          f"{'from' if delta == 'No change' else 'since'} {YEAR_EARLIER}"
                          if compared else None,
                          None if now is None or pd.isna(now) else float(now),
                          None if before is None or pd.isna(before) else float(before)))
    return cards


def _card_figures(measure, now, before, points: int, as_at: dt.date, council: Council):
    """The card's value, its change line and the change's colour."""
    if measure.reference is not None:
        return _outcome_figures(measure, now, as_at, council)
    if now is None or pd.isna(now):
        return NO_FIGURE, None, "off"
    value = figure(now, measure.unit)
    if points == 1:
        return value, "First month of data: no change to show yet", "off"
    if before is None or pd.isna(before):
        return value, None, "off"
    delta = change(now, before, measure.unit)
    colour = "off" if delta == "No change" else DELTA_COLOURS[measure.better]
    return value, delta, colour


def _outcome_figures(measure, now, as_at: dt.date, council: Council):
    """Adults' outcomes: "50% fewer", beside the published result they are compared with."""
    who, reference = measure.reference
    if now is None or pd.isna(now):
        if as_at < council.launch:
            return "Not yet", "Before Family Safeguarding began", "off"
        return NO_FIGURE, None, "off"
    size = round_half_up(abs(now))
    value = f"{size}% {'fewer' if now < 0 else 'more'}" if size else "No change"
    return value, f"{who} saw {abs(reference):.0f}% fewer", "off"


def adult_group(as_at: dt.date) -> str:
    """Which families the adults' cards count on a date: those whose work began 12 to 24 months
    before it, so each has a full year after the start (the Outcomes page counts every family
    whose work began in the dates chosen there, so its figure differs)."""
    last = metrics.year_before(as_at)
    first = metrics.year_before(last) + dt.timedelta(days=1)
    return (f"families whose work began from {long_date(first)} to {long_date(last)}, each with "
            "a full year after the start")


def summary_line(cards: list[Card], as_at: dt.date, label: str) -> str:
    """One sentence for a councillor: children in care now, the change, and whether it is good."""
    by_name = {c.name: c for c in cards}
    cla, under12 = by_name["cla"], by_name["cla_under12"]
    if cla.waits:
        return sources.needs("Children in care", cla.waits, plural=True)
    if cla.value == SUPPRESSED:
        return f"The number of children in care in {label} is too small to show."
    if cla.now is None:
        return f"There is no figure for children in care in {label} at the end of {month(as_at)}."
    sentence = f"At the end of {month(as_at)}, {cla.value} children were in care in {label}"
    if cla.before is not None:
        now, before = round_half_up(cla.now), round_half_up(cla.before)
        percent = f"{abs(100 * (now - before) / before):.0f}% " if before else ""
        if now == before:
            sentence += f", the same as {YEAR_EARLIER}"
        elif now < before:
            sentence += (f", {percent}fewer than {YEAR_EARLIER}: the direction the council "
                         "aims for")
        else:
            sentence += f", {percent}more than {YEAR_EARLIER}: the council aims for fewer"
    if under12.now is not None:
        sentence += f". {under12.value} of them were under 12"
    return sentence + "."


def waiting_notes(cards: list[Card]) -> list[str]:
    """What the cards that are not loaded wait for, a sentence for each missing source."""
    return sources.waiting_sentences({c.name: c.waits for c in cards if c.waits},
                                     {c.name: c.title for c in cards})


def trend_table(cards: list[Card], as_at: dt.date) -> pd.DataFrame:
    """The cards' trends, month by month: the text alternative to their small charts."""
    points = max(len(c.trend) for c in cards)
    months = [long_date(d) for d in metrics.month_ends(as_at, points)]
    table = pd.DataFrame({"Month end": months})
    for card in cards:
        values = [None] * (points - len(card.trend)) + list(card.trend)
        table[card.title] = [SUPPRESSED if v is None or pd.isna(v) else f"{v:,.1f}".removesuffix(".0")
                             for v in values]
    return table


def headline_figures(con: duckdb.DuckDBPyConnection, figures: Figures, council: Council,
                     as_at: dt.date, area: str) -> dict[str, dict]:
    """Each headline measure on a date, a month earlier and a year earlier, as a scope sees
    them (None where hidden or not yet counted), with its title, unit, direction of good and
    definition: what `fsdash summary` prints and the board pack shows."""
    first = metrics.first_reliable_date(con)
    month_ago = (pd.Timestamp(as_at) - pd.offsets.MonthEnd(1)).date()
    dates = [d for d in (metrics.year_before(as_at), month_ago, as_at) if d >= first]
    districts = council.areas()[area] if area != "all" else ()
    waits = sources.waiting(con, metrics.HEADLINE)
    found = {}
    for name in metrics.HEADLINE:
        measure = metrics.MEASURES[name]
        if name in waits:
            found[name] = {"title": measure.title, "unit": measure.unit,
                           "better": measure.better, "definition": measure.definition,
                           "value": None, "suppressed": False, "month_ago": None,
                           "year_ago": None, "waits_for": list(waits[name])}
            continue
        values, hidden = protected_series(figures, con, name, dates, area, districts, council)
        shown = values.where(~hidden)
        found[name] = {"title": measure.title, "unit": measure.unit, "better": measure.better,
                       "definition": measure.definition, "value": _on(shown, as_at),
                       "suppressed": bool(hidden.get(pd.Timestamp(as_at), False)),
                       "month_ago": _on(shown, month_ago),
                       "year_ago": _on(shown, metrics.year_before(as_at)), "waits_for": None}
    return found


def _on(series: pd.Series, day: dt.date) -> float | None:
    """A series' value on a date, None where it is hidden or absent."""
    value = series.get(pd.Timestamp(day))
    return None if value is None or pd.isna(value) else float(value)
