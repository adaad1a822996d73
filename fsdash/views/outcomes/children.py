"""Children in the families: care, re-referral, repeat plans and days on plans in each group,
and the difference between them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fsdash import charts, estimates
from fsdash.config import Council
from fsdash.estimates import Estimate
from fsdash.metrics.outcomes import COMPARISON, MODEL
from fsdash.views.care import ChartBlock
from fsdash.views.outcomes.common import (
    GROUP_NAMES,
    Window,
    hidden_by_window,
    one_decimal,
    whole,
)

CHILD_MEASURES = {"care_12": "Started to be looked after within 12 months",
                  "care_24": "Started to be looked after within 24 months",
                  "rereferred": "Referred again within 12 months of the case closing",
                  "repeat_plans": "Plans that were a second or later plan"}


def child_hidden(council: Council, children: pd.DataFrame, plans: pd.DataFrame,
                 windows: dict[str, Window], limit: int) -> pd.DataFrame:
    """Whether each children's measure's count (``counted``) and percentage or average
    (``share``) are hidden, for each group, area and start window: decided for every area and
    window at once (``fsdash.access.shares.hidden_measures``), so that no hidden number of
    children or plans follows from the percentages and counts of the others, nor from the
    difference between two windows. ``children`` and ``plans``: every window's cohort."""
    found = {}
    for measure, column, rows in _measure_rows(children, _plans_with_districts(children, plans)):
        known = rows[rows[column].notna()]
        for group in (MODEL, COMPARISON):
            mine = known[known["grp"] == group]
            kinds = (pd.Series("yes", index=mine.index) if measure == "plan_days"
                     else mine[column].astype(bool).map({True: "yes", False: "no"}))
            found[measure, group] = hidden_by_window(council, mine, kinds, windows, group,
                                                     limit).xs("", level="measure")[
                                                         ["counted", "share"]]
    if children["plan_days"].notna().equals(children["care_12"].notna()):
        for group in (MODEL, COMPARISON):   # the same children: hidden where either hides them
            care = found["care_12", group]["counted"]
            found["plan_days", group] = found["plan_days", group].apply(care.__or__)
    return pd.concat(found, names=["measure", "group"])


def _plans_with_districts(children: pd.DataFrame, plans: pd.DataFrame) -> pd.DataFrame:
    return plans.merge(children[["child_id", "district_code"]].drop_duplicates("child_id"),
                       on="child_id")


def _measure_rows(children: pd.DataFrame, plans: pd.DataFrame):
    """Each measure, its column and the rows it counts (children, or plans)."""
    for measure in (*CHILD_MEASURES, "plan_days"):
        yield ((measure, "repeat_plan", plans) if measure == "repeat_plans"
               else (measure, measure, children))


def child_results(council: Council, children: pd.DataFrame, plans: pd.DataFrame,
                  hidden: pd.DataFrame, window_key: str, window: Window,
                  area: str) -> pd.DataFrame:
    """Each children's measure for both groups in the area, for families whose work began in
    the window (NaN where ``child_hidden`` hides it), with the difference and its interval
    (None where either group's figure is hidden)."""
    districts = council.areas()[area]
    plans = _plans_with_districts(children, plans)
    rows = []
    for measure, column, source in _measure_rows(children, plans):
        in_window = (source["grp"] == COMPARISON) | source["start_date"].between(
            pd.Timestamp(window.start), pd.Timestamp(window.end))
        known = source[in_window & source[column].notna()
                       & source["district_code"].isin(districts)]
        row = {"measure": measure}
        for group in (MODEL, COMPARISON):
            part = known[known["grp"] == group]
            decided = hidden.loc[(measure, group, area, window_key)]
            row[f"{group}_n"] = np.nan if decided["counted"] else len(part)
            row[group] = (np.nan if decided["share"] or not len(part)
                          else part[column].astype(float).mean() * (
                              1 if measure == "plan_days" else 100))
        scale = 1 if measure == "plan_days" else 100
        estimate = (None if np.isnan(row[MODEL]) or np.isnan(row[COMPARISON]) else
                    estimates.difference(known[column].astype(float).to_numpy(),
                                         (known["grp"] == MODEL).to_numpy(),
                                         known["family_id"].to_numpy()))
        row["difference"] = None if estimate is None else Estimate(
            *(scale * v for v in (estimate.value, estimate.low, estimate.high)))
        rows.append(row)
    return pd.DataFrame(rows).set_index("measure")


def _difference_words(difference: Estimate | None, unit: str) -> str:
    if difference is None:
        return "no difference can be estimated"
    if difference.covers(0.0):
        return (f"no clear difference ({difference.value:+.1f} {unit}, 95% interval: "
                f"{difference.low:+.1f} to {difference.high:+.1f})")
    word = "fewer" if difference.value < 0 else "more"
    near, far = sorted((abs(difference.low), abs(difference.high)))
    return (f"{abs(difference.value):.1f} {unit} {word} (95% interval: {near:.1f} to {far:.1f} "
            f"{word})")


def children_block(results: pd.DataFrame, window: Window, label: str) -> ChartBlock:
    care = results.loc["care_12"]
    if np.isnan(care[MODEL]) or np.isnan(care[COMPARISON]):
        reading = (f"Too few children in {label} families whose work began in these dates have "
                   "12 months of records after it to show how many came into care.")
    else:
        reading = (f"Of {whole(care[f'{MODEL}_n'])} children in families worked with under "
                   f"Family Safeguarding, {care[MODEL]:.1f}% started to be looked after within 12 "
                   f"months, against {care[COMPARISON]:.1f}% in families worked with before the "
                   f"model: {_difference_words(care['difference'], 'percentage points')}. "
                   "The groups began in different years, so other changes between those years "
                   "are part of this difference.")
    days = results.loc["plan_days"]
    if not np.isnan(days[MODEL]) and not np.isnan(days[COMPARISON]):
        reading += (f" Children spent {days[MODEL]:.0f} days on a child protection plan in the "
                    f"year after, on average, against {days[COMPARISON]:.0f}: "
                    f"{_difference_words(days['difference'], 'days')}.")
    if results.loc["care_24", f"{MODEL}_n"] < results.loc["care_12", f"{MODEL}_n"]:
        reading += (" The 24-month share counts only the children whose families' work began at "
                    "least two years before the latest records, so it covers fewer children "
                    "and can be lower than the 12-month share; the table gives how many each "
                    "counts.")
    shares = results.loc[list(CHILD_MEASURES)]
    bars = pd.DataFrame({"category": [CHILD_MEASURES[m] for m in shares.index],
                         COMPARISON: shares[COMPARISON].to_numpy(),
                         MODEL: shares[MODEL].to_numpy()})
    figure = (charts.paired_bars(bars, f"Children in the families, {label} (%)",
                                 (COMPARISON, GROUP_NAMES[COMPARISON]),
                                 (MODEL, GROUP_NAMES[MODEL]), decimals=1)
              if bars[[MODEL, COMPARISON]].notna().all(axis=1).sum() >= 2 else None)
    table = pd.DataFrame({
        "Measure": [*(CHILD_MEASURES[m] + " (%)" for m in CHILD_MEASURES),
                    "Days on a child protection plan in the year after (average)"],
        GROUP_NAMES[MODEL]: [one_decimal(v) for v in results[MODEL]],
        GROUP_NAMES[COMPARISON]: [one_decimal(v) for v in results[COMPARISON]],
        "Difference": ["" if d is None else f"{d.value:+.1f}" for d in results["difference"]],
        "95% interval": ["" if d is None else f"{d.low:+.1f} to {d.high:+.1f}"
                         for d in results["difference"]],
        "Counted (under the model)": [whole(n) for n in results[f"{MODEL}_n"]],
        "Counted (before the model)": [whole(n) for n in results[f"{COMPARISON}_n"]],
    })
    return ChartBlock("Children in the families", reading, figure, table, "children-outcomes")
