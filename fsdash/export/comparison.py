"""The pack's page of how the council compares with similar councils: each headline published
measure in its latest year for a date on or before the pack's (as the pages choose it,
``comparators.latest``), the council beside its statistical neighbours (their median and
range), England and its region, as ``neighbours.compare`` gives them."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from fsdash import metrics
from fsdash.config import Council
from fsdash.formatting import figure, long_date
from fsdash.published_statistics import comparators
from fsdash.published_statistics.neighbours import CHOSEN, Comparison, neighbours

TITLE = "How we compare with similar councils"
# The headline measures the page compares, in this order (names in ``MEASURES``).
HEADLINE = ("cla_rate", "referrals", "rereferral_pct", "children_in_need", "cp_plans",
            "repeat_cp_plan_pct", "caseload", "social_worker_turnover_pct", "agency_worker_pct",
            "vacancy_pct")
NOT_PUBLISHED = "Not published"
# The published files' units as the pack's ``figure`` knows them (counts need no entry).
UNITS = {"per 10,000 children": "per 10,000", "cases per FTE": "per FTE"}
HIGHER_IS = {"down": "Worse", "up": "Better"}


def comparisons(con: duckdb.DuckDBPyConnection, council: Council,
                as_at: dt.date) -> list[Comparison]:
    """Each headline measure with a published figure for a date on or before ``as_at``, in
    the latest such year."""
    found = [comparators.latest(con, council, name, as_at) for name in HEADLINE]
    return [f for f in found if f is not None]


def shown(value, unit: str) -> str:
    """A published figure as the pack writes figures of its unit, or that it is not published."""
    if value is None or pd.isna(value):
        return NOT_PUBLISHED
    return figure(float(value), UNITS.get(unit, unit))


def higher_is(measure: str) -> str:
    """'Better' or 'Worse' where the council's measure of the same name says which direction it
    aims for; blank where it aims for neither or the measure is published only."""
    found = metrics.MEASURES.get(measure)
    return HIGHER_IS.get(found.better, "") if found else ""


def position(found: Comparison) -> str:
    """'Higher than 7 of 10 neighbours' (of those with a published figure), or higher or lower
    than all of them; blank where either side has none."""
    published = found.neighbours["value"].dropna()
    if found.council is None or published.empty:
        return ""
    if found.higher_than == len(published):
        return f"Higher than all {len(published)} neighbours"
    if (published > found.council).all():
        return f"Lower than all {len(published)} neighbours"
    return f"Higher than {found.higher_than} of {len(published)} neighbours"


def _counts(found: list[Comparison]) -> list[str]:
    """The titles of the measures compared as counts (not rates or shares), which follow a
    council's size."""
    return [f.measure.title.lower() for f in found if not comparators.is_rate(f.unit)]


def table(found: list[Comparison], council: Council) -> pd.DataFrame:
    """A row for each comparison, figures as the pack writes them."""
    region = next((f.region_name for f in found if f.region_name), "Region")
    return pd.DataFrame({
        "Measure": [f.measure.title for f in found],
        "When": [comparators.dated(f.measure, f.year) for f in found],
        council.short_name: [shown(f.council, f.unit) for f in found],
        "Neighbours' median": [shown(f.median, f.unit) for f in found],
        "Neighbours' range": [_range(f) for f in found],
        "England": [shown(f.england, f.unit) for f in found],
        region: [shown(f.region, f.unit) for f in found],
        "Position": [position(f) for f in found],
        "Higher is": [higher_is(f.measure.name) for f in found],
    })


def _range(found: Comparison) -> str:
    if found.lowest is None:
        return NOT_PUBLISHED
    return f"{shown(found.lowest, found.unit)} to {shown(found.highest, found.unit)}"


def neighbours_sentence(con: duckdb.DuckDBPyConnection, council: Council) -> str:
    """Which councils are the neighbours and what chose them: the DfE's model (with its year)
    or the council file."""
    near = neighbours(con, council)
    if near.empty:
        return ("No statistical neighbour model is loaded and the council file names no "
                "neighbours, so the neighbours' columns are empty.")
    names = "; ".join(near["name"].fillna(near["code"]))
    if (near["closeness"] == CHOSEN).all():
        chosen = f"The neighbours are those the council file names ({len(near)}): {names}."
    else:
        chosen = (f"The neighbours are the {len(near)} councils the DfE's "
                  f"{int(near['model'].iloc[0])} statistical neighbour model finds most like "
                  f"{council.short_name}: {names}.")
    return f"{chosen} Their median and range are of those with a published figure."


def page_parts(con: duckdb.DuckDBPyConnection, council: Council, area_label: str,
               as_at: dt.date) -> list:
    """The page's paragraphs and table; a sentence alone where no published figure is loaded
    for a date on or before ``as_at``."""
    found = comparisons(con, council, as_at)
    if not found:
        why = (f"loaded are all for dates after {long_date(as_at)}"
               if any(comparators.years(con, name) for name in HEADLINE) else "are not loaded yet")
        return [f"The DfE's published figures {why}, so {council.short_name} cannot be "
                "compared here with similar councils, England or its region."]
    counts = _counts(found)
    whole = ("" if area_label == council.short_name else
             f" They are for {council.short_name} as a whole, not {area_label} alone.")
    counted = (f" {_listed(counts).capitalize()} are counts: they follow the size of each "
               "council as much as its practice." if counts else "")
    return [
        f"The Department for Education's published figures for {council.short_name} beside its "
        "statistical neighbours, England and its region: each measure's latest figure for a date "
        f"on or before {long_date(as_at)}.",
        table(found, council),
        "These are the DfE's own figures (Explore Education Statistics, Open Government Licence "
        f"v3.0), not the dashboard's counts.{whole} {neighbours_sentence(con, council)}",
        "“Higher is” says whether the council counts a higher figure as better or worse: blank "
        f"where it aims for neither direction or has set none.{counted}",
    ]


def _listed(words: list[str]) -> str:
    """'a, b and c'."""
    return " and ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)
