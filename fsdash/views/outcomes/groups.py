"""Where the fall was largest: the trend by the quarter work began (both groups) and the model
group by team, locality, relationship and adult practitioner, each with small groups hidden."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fsdash import charts
from fsdash.access.cohorts import hidden_across_windows, hidden_with_totals
from fsdash.config import Council
from fsdash.metrics.outcomes import COMPARISON, HERTFORDSHIRE, MODEL
from fsdash.views.care import ChartBlock
from fsdash.views.outcomes.common import (
    ADULT_MEASURES,
    GROUP_NAMES,
    Window,
    one_decimal,
    segments,
    whole,
    window_segments,
)

RELATIONSHIPS = {"MOTHER": "Mother", "FATHER": "Father",
                 "PARTNER": "Step-parent or parent's partner",
                 "RELATIVE": "Other relative or carer", "": "Not recorded"}
PRACTITIONERS = {"domestic_abuse": "Domestic abuse practitioner",
                 "mental_health": "Adult mental health practitioner",
                 "substance_misuse": "Substance misuse practitioner"}
NO_PRACTITIONER = "None of these"


def trend_block(everyone: pd.DataFrame, limit: int, launch, window: Window) -> ChartBlock:
    """The change in police contacts by the quarter work began: families under the model in
    the quarters of the chosen ``window``, and the comparison group in its own quarters (before
    the model, so before any window), with the reading saying so."""
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
    grouped = grouped[(grouped["grp"] == COMPARISON) | grouped["quarter"].between(
        _quarter_of(window.start), pd.Timestamp(window.end))].reset_index(drop=True)
    title, stem = "Over time, by the quarter the work began", "outcomes-by-quarter"
    shown = grouped.dropna(subset=["police"])
    if shown["quarter"].nunique() < 2:
        return ChartBlock(title, "There are too few quarters with enough families followed up "
                          "for a year to show a trend.", None, pd.DataFrame(), stem)
    herts = HERTFORDSHIRE["police"]
    comparison = shown[shown["grp"] == COMPARISON]
    model = shown[shown["grp"] == MODEL]
    reading = ("Each point is the change in police contacts, from the year before the work "
               "began to the year after, for families whose work began in that quarter.")
    if len(comparison) and len(model):
        reading += (" Families under the model are shown for the chosen dates only, from "
                    f"{model['quarter'].min():%B %Y}. Families worked with before "
                    "the model, the comparison, began in the quarters from "
                    f"{comparison['quarter'].min():%B %Y} to {comparison['quarter'].max():%B %Y}, "
                    "so their line comes first whatever dates are chosen. Before the model, "
                    f"quarters saw falls of {abs(comparison['police'].max()):.0f}% to "
                    f"{abs(comparison['police'].min()):.0f}% with no Family Safeguarding at "
                    f"all; under it, {abs(model['police'].max()):.0f}% to "
                    f"{abs(model['police'].min()):.0f}%. The gap between the two lines, not the "
                    "fall itself, is what the model may have added.")
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


def _quarter_of(day) -> pd.Timestamp:
    """The first day of the quarter ``day`` falls in."""
    return pd.Timestamp(day).to_period("Q").start_time


def _quarters_hidden(grouped: pd.DataFrame, limit: int, launch) -> pd.Series:
    """Whether each quarter is hidden, given that the totals of any financial year and of
    everything since the launch (the page's start windows; taken from the launch's quarter,
    which can only hide more) are shown elsewhere."""
    cells = grouped.set_index("quarter")["adults"]
    totals = {"since launch": [q for q in cells.index
                               if q >= _quarter_of(launch)]}
    for quarter in cells.index:
        totals.setdefault(quarter.year - (quarter.month < 4), []).append(quarter)
    return hidden_with_totals(cells, totals, limit)


def breakdowns(council: Council, followed: pd.DataFrame, windows: dict[str, Window],
               window_key: str, limit: int, area_hidden: pd.Series) -> tuple[ChartBlock, ...]:
    """The model group's breakdowns for the whole council, for families whose work began in
    the window ``window_key``. ``followed``: every window's adults followed up;
    ``area_hidden``: whether the model group's count in each area and window is hidden (the
    page's decision, ``counts_hidden``), which gives the localities' rows and the counts each
    breakdown adds up to. Each breakdown is decided for every window at once."""
    model = followed[followed["grp"] == MODEL].copy()
    teams = {t.code: t.name for t in council.teams}
    localities = {d.code: council.localities[d.locality] for d in council.districts}
    model["team"] = model["team_code"].map(teams).fillna("Not recorded")
    model["locality"] = model["district_code"].map(localities)
    model["relationship"] = model["relationship"].map(RELATIONSHIPS).fillna("Not recorded")
    flags = model[list(PRACTITIONERS)].fillna(False).astype(bool).to_numpy()
    model["practitioners"] = flags @ (1 << np.arange(len(PRACTITIONERS)))   # as bits
    model["segment"] = segments(model, windows)
    by_window = window_segments(model["segment"].unique(), windows)

    def hidden(column: str, groups: dict[str, list]) -> pd.Series:
        return hidden_across_windows(council, model.assign(key=model[column]), groups,
                                     by_window, area_hidden, limit)[window_key]

    in_window = model[model["segment"].isin(by_window[window_key])]
    blocks = [_group_block(in_window, column, title, hidden(column, {
        name: [name] for name in model[column].unique()}))
        for column, title in (("team", "By team"),
                              ("relationship", "By relationship to the children"))]
    blocks.insert(1, _group_block(in_window, "locality", "By locality", pd.Series({
        council.localities[code]: bool(area_hidden[code, window_key])
        for code in council.localities})))
    combinations = model["practitioners"].unique()
    groups = {name: [c for c in combinations if c >> i & 1]
              for i, name in enumerate(PRACTITIONERS.values())}
    groups[NO_PRACTITIONER] = [c for c in combinations if c == 0]
    groups = {k: v for k, v in groups.items() if v}
    blocks.append(_practitioner_block(in_window, groups, hidden("practitioners", groups)))
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


def _group_block(model: pd.DataFrame, column: str, title: str,
                 hidden: pd.Series) -> ChartBlock:
    if model.empty:
        return _nothing_to_break_down(title, f"outcomes-by-{column}")
    table = pd.DataFrame({name: _changes(rows) for name, rows in model.groupby(column)}).T
    return _breakdown_block(table, hidden.reindex(table.index).fillna(False), title,
                            f"outcomes-by-{column}")


def _practitioner_block(model: pd.DataFrame, groups: dict[str, list],
                        hidden: pd.Series) -> ChartBlock:
    title, stem = "By the adult practitioners involved", "outcomes-by-practitioner"
    if model.empty:
        return _nothing_to_break_down(title, stem)
    present = set(model["practitioners"])
    table = pd.DataFrame({name: _changes(model[model["practitioners"].isin(members)])
                          for name, members in groups.items() if present & set(members)}).T
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
        bars, f"Change in the year after the work began, {title.lower()} (%)",
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
    most, least = f"{police.min():+.0f}%", f"{police.max():+.0f}%"
    spread = (f"Police contacts changed by about the same in every group ({most})"
              if most == least else
              f"Police contacts fell most for “{police.idxmin()}” ({most}) and least "
              f"for “{police.idxmax()}” ({least})")
    return (f"{spread}. These are before-and-after "
            "changes with no comparison group: part of every fall would have come anyway, so "
            "compare groups with each other, not with zero.")
