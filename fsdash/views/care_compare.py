"""Children in care against other councils: the area's monthly rate per 10,000 with England's,
the region's and the statistical neighbours' median as annual published points, and how the
council compares with each of its neighbours in the latest published year. The comparisons are
the DfE's published figures alone (``fsdash.published_statistics.comparators``): none is worked
out with a local count, so none can give a hidden one away."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from fsdash import charts
from fsdash.config import Council
from fsdash.formatting import long_date, month
from fsdash.metrics import sources
from fsdash.published_statistics import comparators
from fsdash.published_statistics.comparators import (
    NEIGHBOURS_MEDIAN,
    figure,
    ordinal,
)
from fsdash.views.blocks import ChartBlock, dates_column

MEASURE = "cla_rate"        # the published measure compared
PER_10000 = "Per 10,000 children"
NEIGHBOURS_IN_WORDS = "statistical neighbours' median"


def rate_block(con, rates: pd.Series, council: Council, area: str, all_ages: bool) -> ChartBlock:
    """The area's monthly rate (``rates``, hidden where its count is) with the published
    comparators for the years it covers, as annual points."""
    marks = comparators.comparators(con, council, MEASURE)
    marks = marks[(marks["as_at"] >= rates.index.min()) & (marks["as_at"] <= rates.index.max())
                  & all_ages]
    rate, as_at, label = rates.iloc[-1], rates.index[-1].date(), council.area_label(area)
    unloaded = sources.lacking(con, ("population",))
    reading = (sources.needs("The rate per 10,000 children", unloaded) if unloaded else
               f"At the end of {month(as_at)} there were {rate:.1f} children looked after for "
               f"every 10,000 children in {label}." if pd.notna(rate) else
               "The rate is not shown because the number of children is too small to show.")
    if not all_ages:
        reading += " Published rates are for all under-18s, so none is shown for one age group."
    elif marks.empty:
        reading += " " + comparators.none_before(con, MEASURE, as_at)
    else:
        reading += " " + latest_words(marks)
    table = with_comparators(pd.DataFrame({"Month end": dates_column(rates.index),
                                           PER_10000: rates.round(1).to_numpy()}),
                             rates.index, marks)
    figure_ = None if rates.notna().sum() < 2 else charts.rate_chart(
        pd.DataFrame({"as_at": rates.index, "value": rates.to_numpy()}), marks, label,
        "Children looked after per 10,000 children")
    return ChartBlock("Compared with England, the region and similar councils", reading, figure_,
                      table, "rate-per-10000")


def latest_words(marks: pd.DataFrame) -> str:
    """The latest year's comparators in words: 'Published figures at 31 March 2025, shown as
    points once a year: England 67, North West 90, statistical neighbours' median 85.5.'"""
    latest = marks[marks["year"] == marks["year"].max()]
    return (f"Published figures {latest['period'].iloc[0]}, shown as points once a year: "
            + ", ".join(f"{NEIGHBOURS_IN_WORDS if row.label == NEIGHBOURS_MEDIAN else row.label} "
                        f"{figure(row.value, row.unit)}" for row in latest.itertuples()) + ".")


def with_comparators(table: pd.DataFrame, dates: pd.Index, marks: pd.DataFrame) -> pd.DataFrame:
    """A monthly table with a column for each comparator, its published figure on the month
    end it is for and blank on the others."""
    for name, points in marks.groupby("label", sort=False):
        table[f"{name}, published"] = points.set_index("as_at")["value"].reindex(dates).to_numpy()
    return table


def neighbours_block(con, council: Council, as_at: dt.date) -> ChartBlock:
    """The council beside each statistical neighbour, England and its region, in the latest
    published year on or before ``as_at``: bars, the reading, and every neighbour with its
    closeness in the table."""
    title, stem = "How we compare with similar councils", "similar-councils"
    found = comparators.latest(con, council, MEASURE, as_at)
    if found is None:
        return ChartBlock(title, comparators.none_before(con, MEASURE, as_at), None,
                          pd.DataFrame(), stem)
    name, when = council.short_name, long_date(found.measure.as_at(found.year))
    near = found.neighbours
    table = pd.DataFrame({
        "Council": [name, *near["name"], comparators.ENGLAND, found.region_name],
        "Neighbour (1 is nearest)": ["This council", *near["rank"].astype(str), "", ""],
        "Closeness": ["", *near["closeness"], "", ""],
        PER_10000: [found.council, *near["value"], found.england, found.region],
        "Not published (DfE code)": [found.council_not_published or "",
                                     *near["not_published"].fillna(""), "", ""],
        "At": when})
    reading = comparators.sentence(found, name, "children looked after per 10,000 children")
    reading += (f" These are the DfE's published figures for the whole of {name} (all children "
                "under 18), whatever area or age group is chosen above.")
    if near.empty:
        return ChartBlock(title, reading + " No statistical neighbour model is loaded, so no "
                          "neighbour is shown.", None, table, stem)
    model = near["model"].dropna()
    reading += (f" Its neighbours are the {len(near)} councils the DfE's {int(model.iloc[0])} statistical "
                f"neighbour model finds most like {name}" if len(model) else
                " Its neighbours are those the council chose") + (
                f"; among all {found.councils} councils with a published figure, {name} is "
                f"{ordinal(found.rank_among_councils)} highest." if found.rank_among_councils
                else ".")
    bars = pd.DataFrame({"name": [f"{name} (this council)", *near["name"]],
                         "value": [found.council, *near["value"]],
                         "own": [True, *[False] * len(near)]}).dropna(subset=["value"])
    references = [(label, value) for label, value in (
        (comparators.ENGLAND, found.england), (found.region_name, found.region))
        if label and value is not None]
    figure_ = charts.neighbour_bars(
        bars, references, f"Children looked after per 10,000 children at {when}: {name} and "
        "its statistical neighbours", PER_10000)
    return ChartBlock(title, reading, figure_, table, stem)

