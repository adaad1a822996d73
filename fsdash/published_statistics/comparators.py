"""The annual comparators of a published measure, as the pages draw them: year by year,
England's figure, the council's region's (named: "North West") and its statistical neighbours'
median, each dated at the date the published figure is for (31 March, or the year to it; 30
September for the workforce). Every figure is the DfE's own, as loaded (``published_value``):
none is worked out from the council's local counts, so no comparison can give a hidden local
count away.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from fsdash.config import Council
from fsdash.formatting import long_date
from fsdash.published_statistics.files import FILE_BY_NAME
from fsdash.published_statistics.measures import MEASURES, PublishedMeasure
from fsdash.published_statistics.neighbours import Comparison, compare, neighbours

ENGLAND = "England"
NEIGHBOURS_MEDIAN = "Statistical neighbours (median)"
COLUMNS = ["label", "year", "as_at", "when", "period", "value", "unit"]


def years(con: duckdb.DuckDBPyConnection, measure: str) -> list[int]:
    """The years the store holds a published measure for, earliest first."""
    spec = MEASURES[measure]
    return [row[0] for row in con.execute(
        "SELECT DISTINCT time_period FROM published_value WHERE dataset = ? AND measure = ? "
        "AND breakdown = ? ORDER BY 1", [spec.dataset, spec.column, spec.breakdown]).fetchall()]


def comparators(con: duckdb.DuckDBPyConnection, council: Council, measure: str) -> pd.DataFrame:
    """A published measure's comparators for every year loaded: label (England, the region's
    name, ``NEIGHBOURS_MEDIAN``), year, as_at (the date the figure is for), when ('in the year
    to 31 March'), period (with its year), value and unit; a figure not published is left out.
    The figures are ``compare``'s, read in one query for every year. Empty where the store
    holds none."""
    spec = MEASURES[measure]
    figures = con.execute("""
        SELECT time_period AS year, geographic_level, region_code, region_name, old_la_code,
               value, unit
        FROM published_value WHERE dataset = ? AND measure = ? AND breakdown = ?""",
                          [spec.dataset, spec.column, spec.breakdown]).df()
    near = set(neighbours(con, council)["code"])
    level = figures["geographic_level"]
    councils = figures[level == "Local authority"]
    own = councils[councils["old_la_code"] == council.dfe_code][["year", "region_code"]]
    region = figures[level == "Regional"].merge(own.dropna(), on=["year", "region_code"])
    median = (councils[councils["old_la_code"].isin(near)].dropna(subset=["value"])
              .groupby(["year", "unit"], as_index=False)["value"].median())
    frame = pd.concat([figures[level == "National"].assign(label=ENGLAND),
                       region.assign(label=region["region_name"]),
                       median.assign(label=NEIGHBOURS_MEDIAN)]).dropna(subset=["value"])
    frame["as_at"] = pd.to_datetime([spec.as_at(int(y)) for y in frame["year"]])
    frame["when"] = spec.when
    frame["period"] = [dated(spec, int(y)) for y in frame["year"]]
    frame["year"] = frame["year"].astype(int)
    order = {label: i for i, label in enumerate(dict.fromkeys(frame["label"]))}
    return frame[COLUMNS].sort_values(["label", "year"], key=lambda c: c.map(order)
                                      if c.name == "label" else c,
                                      kind="stable").reset_index(drop=True)


def latest(con: duckdb.DuckDBPyConnection, council: Council, measure: str,
           on_or_before: dt.date | None = None) -> Comparison | None:
    """The comparison for the latest year loaded whose figure is for a date on or before
    ``on_or_before`` (any year where None); None where there is none."""
    spec = MEASURES[measure]
    loaded = [y for y in years(con, measure)
              if on_or_before is None or spec.as_at(y) <= on_or_before]
    return compare(con, council, measure, loaded[-1]) if loaded else None


def none_loaded(measure: str) -> str:
    """Why a page shows no published comparison for a measure with a published equivalent."""
    spec = MEASURES[measure]
    return (f"No comparison with England, the region or statistical neighbours is shown: the "
            f"store holds no published figures for {spec.title.lower()} (the DfE's file of "
            f"{FILE_BY_NAME[spec.dataset].title[0].lower()}{FILE_BY_NAME[spec.dataset].title[1:]})."
            " They are compared once the file is loaded.")


def none_before(con: duckdb.DuckDBPyConnection, measure: str, as_at: dt.date) -> str:
    """Why no published comparison is shown on a date: none loaded, or none yet by then."""
    loaded = years(con, measure)
    if not loaded:
        return none_loaded(measure)
    first = MEASURES[measure].as_at(loaded[0])
    return (f"No comparison with England, the region or statistical neighbours is shown for "
            f"{long_date(as_at)}: the published figures loaded begin at {long_date(first)}.")


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def is_rate(unit: str) -> bool:
    """Whether a published unit is a rate or a percentage (so areas of any size compare)."""
    return unit == "%" or " per " in f" {unit} "


def dated(spec: PublishedMeasure, year: int) -> str:
    """'at 31 March 2025' or 'in the year to 31 March 2025'."""
    return f"{spec.when} {year}"


def figure(value: float | None, unit: str) -> str:
    """A published figure as the DfE gives it (a median to the half it may fall on)."""
    if value is None:
        return "not published"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text + ("%" if unit == "%" else "")


def _relation(value: float, other: float, rate: bool) -> str:
    if value == other:
        return "the same as"
    return ("higher" if rate else "more") + " than" if value > other else (
        ("lower" if rate else "fewer") + " than")


def sentence(found: Comparison, name: str, subject: str) -> str:
    """'Lancashire had 65 children looked after per 10,000 at 31 March 2025, higher than 2 of
    its 10 statistical neighbours (median 85.5), lower than England (67) and lower than North
    West (90).' ``subject`` is what the figure counts ("children looked after per 10,000");
    England and the region are named only for a rate or percentage (a council's count is
    always below theirs)."""
    when = dated(found.measure, found.year)
    if found.council is None:
        return (f"The DfE published no figure for {name} {when} "
                f"(its code: {found.council_not_published or 'none given'}).")
    rate = is_rate(found.unit)
    parts = []
    near = int(found.neighbours["value"].notna().sum())
    if near:
        parts.append(f"{'higher' if rate else 'more'} than {found.higher_than} of its {near} "
                     f"statistical neighbours (median {figure(found.median, found.unit)})")
    if rate:
        parts += [f"{_relation(found.council, value, rate)} {label} "
                  f"({figure(value, found.unit)})" for label, value in (
                      (ENGLAND, found.england), (found.region_name, found.region))
                  if label and value is not None]
    listed = ", ".join(parts[:-1]) + f" and {parts[-1]}" if len(parts) > 1 else "".join(parts)
    return (f"{name} had {figure(found.council, found.unit)} {subject} {when}"
            + (f", {listed}" if listed else "") + ".")
