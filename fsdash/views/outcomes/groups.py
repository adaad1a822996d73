"""Where the fall was largest: the trend by the quarter work began (both groups) and the model
group by team, locality, relationship and adult practitioner, each with small groups hidden."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fsdash import charts
from fsdash.access.cohorts import hidden_in_breakdown, hidden_with_totals
from fsdash.config import WHOLE_COUNCIL, Council
from fsdash.metrics.outcomes import COMPARISON, HERTFORDSHIRE, MODEL
from fsdash.views.care import ChartBlock
from fsdash.views.outcomes.common import (
    ADULT_MEASURES,
    GROUP_NAMES,
    Window,
    one_decimal,
    whole,
)

RELATIONSHIPS = {"MOTHER": "Mother", "FATHER": "Father",
                 "PARTNER": "Step-parent or parent's partner",
                 "RELATIVE": "Other relative or carer", "": "Not recorded"}
PRACTITIONERS = {"domestic_abuse": "Domestic abuse practitioner",
                 "mental_health": "Adult mental health practitioner",
                 "substance_misuse": "Substance misuse practitioner"}
NO_PRACTITIONER = "None of these"


def trend_block(everyone: pd.DataFrame, limit: int, launch) -> ChartBlock:
    followed = everyone[everyone["followed_up"]].copy()
    followed["quarter"] = followed["start_date"].dt.to_period("Q").dt.start_time
    grouped = followed.groupby(["grp", "quarter"]).agg(
        adults=("adult_id", "size"), police_before=("police_before", "sum"),
        police_after=("police_after", "sum"),
        admissions_before=("emergency_admission_before", "sum"),
        admissions_after=("emergency_admission_after", "sum")).reset_index()
    for kind in ("police", "admissions"):
        grouped[kind] = (100 * (grouped[f"{kind}_after"]
                                / grouped[f"{kind}_before"].replace(0, np.nan) - 1)).round(1)
    grouped["adults"] = grouped["adults"].astype(float)
    for group in (MODEL, COMPARISON):
        part = grouped[grouped["grp"] == group]
        if part.empty:
            continue
        hidden = part.index[_quarters_hidden(part, limit, launch).to_numpy(bool)]
        grouped.loc[hidden, ["adults", "police", "admissions"]] = np.nan
    title, stem = "Over time, by the quarter the work began", "outcomes-by-quarter"
    shown = grouped.dropna(subset=["police"])
    if shown["quarter"].nunique() < 2:
        return ChartBlock(title, "There are too few quarters with enough families followed up "
                          "for a year to show a trend.", None, pd.DataFrame(), stem)
    herts = HERTFORDSHIRE["police"]
    comparison = shown[shown["grp"] == COMPARISON]["police"]
    model = shown[shown["grp"] == MODEL]["police"]
    reading = ("Each point is the change in police contacts, from the year before the work "
               "began to the year after, for families whose work began in that quarter.")
    if len(comparison) and len(model):
        reading += (f" Before the model, quarters saw falls of {abs(comparison.max()):.0f}% to "
                    f"{abs(comparison.min()):.0f}% with no Family Safeguarding at all; under it, "
                    f"{abs(model.max()):.0f}% to {abs(model.min()):.0f}%. The gap between the "
                    "two lines, not the fall itself, is what the model may have added.")
    wide = grouped.pivot(index="quarter", columns="grp", values="police").reset_index()
    figure = charts.cohort_chart(
        wide.reindex(columns=["quarter", COMPARISON, MODEL]),
        [(COMPARISON, GROUP_NAMES[COMPARISON]), (MODEL, GROUP_NAMES[MODEL])],
        (f"Hertfordshire {herts}%", herts),
        "Change in police contacts, by the quarter work began", "Change on the year before")
    table = pd.DataFrame({
        "Quarter began": [f"{q:%B %Y}" for q in grouped["quarter"]],
        "Group": grouped["grp"].map(GROUP_NAMES).to_numpy(),
        "Adults": [whole(v) for v in grouped["adults"]],
        "Police contacts, change (%)": [one_decimal(v, True) for v in grouped["police"]],
        "Emergency admissions, change (%)": [one_decimal(v, True)
                                             for v in grouped["admissions"]],
    })
    return ChartBlock(title, reading, figure, table, stem)


def _quarters_hidden(grouped: pd.DataFrame, limit: int, launch) -> pd.Series:
    """Whether each quarter is hidden, given that the totals of any financial year and of
    everything since the launch (the page's start windows; taken from the launch's quarter,
    which can only hide more) are shown elsewhere."""
    cells = grouped.set_index("quarter")["adults"]
    totals = {"since launch": [q for q in cells.index
                               if q >= pd.Timestamp(launch).to_period("Q").start_time]}
    for quarter in cells.index:
        totals.setdefault(quarter.year - (quarter.month < 4), []).append(quarter)
    return hidden_with_totals(cells, totals, limit)


def breakdowns(council: Council, followed: pd.DataFrame, window: Window, limit: int,
               by_area: pd.Series) -> tuple[ChartBlock, ...]:
    """The model group's breakdowns for the whole council; ``by_area``: whether its count in
    each area is hidden (the page's decision, ``counts_hidden``), which gives the localities'
    rows and whether the total is shown."""
    model = followed[followed["grp"] == MODEL].copy()
    teams = {t.code: t.name for t in council.teams}
    localities = {d.code: council.localities[d.locality] for d in council.districts}
    model["team"] = model["team_code"].map(teams).fillna("Not recorded")
    model["locality"] = model["district_code"].map(localities)
    model["relationship"] = model["relationship"].map(RELATIONSHIPS).fillna("Not recorded")
    total_shown = not by_area[WHOLE_COUNCIL]
    blocks = [
        _group_block(model, "team", "By team", limit, total_shown),
        _group_block(model, "locality", "By locality", limit, total_shown, hidden={
            council.localities[code]: bool(by_area[code]) for code in council.localities}),
        _group_block(model, "relationship", "By relationship to the children", limit,
                     total_shown),
        _practitioner_block(model, limit, total_shown),
    ]
    return tuple(blocks)


def _changes(rows: pd.DataFrame) -> pd.Series:
    """Adults and the before-and-after change of each measure for a group of adults."""
    out = {"adults": len(rows)}
    for kind in ADULT_MEASURES:
        before, after = rows[f"{kind}_before"].sum(), rows[f"{kind}_after"].sum()
        out[kind] = round(100 * (after / before - 1), 1) if before else np.nan
    return pd.Series(out)


def _nothing_to_break_down(title: str, stem: str) -> ChartBlock:
    return ChartBlock(title, "No adults in families worked with under Family Safeguarding in "
                      "these dates have a full year of records after the start yet.", None,
                      pd.DataFrame(), stem)


def _group_block(model: pd.DataFrame, column: str, title: str, limit: int, total_shown: bool,
                 hidden: dict | None = None) -> ChartBlock:
    if model.empty:
        return _nothing_to_break_down(title, f"outcomes-by-{column}")
    groups = {name: _changes(rows) for name, rows in model.groupby(column)}
    table = pd.DataFrame(groups).T
    if hidden is None:
        hidden = hidden_in_breakdown(table["adults"], limit, total_shown).to_dict()
    return _breakdown_block(table, pd.Series(hidden).reindex(table.index).fillna(False), title,
                            f"outcomes-by-{column}")


def _practitioner_block(model: pd.DataFrame, limit: int, total_shown: bool) -> ChartBlock:
    title, stem = "By the adult practitioners involved", "outcomes-by-practitioner"
    if model.empty:
        return _nothing_to_break_down(title, stem)
    flags = model[list(PRACTITIONERS)].fillna(False).astype(bool).to_numpy()
    combination = pd.Series(flags @ (1 << np.arange(len(PRACTITIONERS))), index=model.index)
    cells = combination.value_counts()      # each combination of practitioners, as bits
    groups = {name: [c for c in cells.index if c >> i & 1]
              for i, name in enumerate(PRACTITIONERS.values())}
    groups[NO_PRACTITIONER] = [c for c in cells.index if c == 0]
    groups = {k: v for k, v in groups.items() if v}
    hidden = hidden_in_breakdown(cells, limit, total_shown, groups)
    table = pd.DataFrame({name: _changes(model[combination.isin(members)])
                          for name, members in groups.items()}).T
    return _breakdown_block(table, hidden.reindex(table.index).fillna(False), title, stem)


def _breakdown_block(table: pd.DataFrame, hidden: pd.Series, title: str,
                     stem: str) -> ChartBlock:
    table = table.copy()
    table.loc[hidden.to_numpy(), :] = np.nan
    bars = pd.DataFrame({"category": table.index, "police": table["police"].to_numpy(),
                         "emergency_admission": table["emergency_admission"].to_numpy()})
    drawable = bars["police"].notna().sum()
    reading = (f"There is no chart {title.lower()}: most groups are too small to show without "
               "risk of identifying a family.") if drawable < 2 else _breakdown_reading(bars)
    figure = None if drawable < 2 else charts.paired_bars(
        bars, f"Change in the year after the work began, {title.lower()} (per cent)",
        ("police", "Police contacts"), ("emergency_admission", "Emergency admissions"),
        decimals=1)
    shown = pd.DataFrame({
        "Group": table.index,
        "Adults": [whole(v) for v in table["adults"]],
        "Police contacts, change (%)": [one_decimal(v, True) for v in table["police"]],
        "Emergency admissions, change (%)": [one_decimal(v, True)
                                             for v in table["emergency_admission"]],
    })
    return ChartBlock(title, reading, figure, shown, stem)


def _breakdown_reading(bars: pd.DataFrame) -> str:
    police = bars.dropna(subset=["police"]).set_index("category")["police"]
    return (f"Police contacts fell most for “{police.idxmin()}” ({police.min():+.0f}%) and least "
            f"for “{police.idxmax()}” ({police.max():+.0f}%). These are before-and-after "
            "changes with no comparison group: part of every fall would have come anyway, so "
            "compare groups with each other, not with zero.")
