"""The Outcomes page's view: adults' police contacts and emergency admissions before and after
the work began, against families worked with before the model (a difference in differences);
children's care, re-referrals and plans against the same comparison; the trend by the quarter
work began; breakdowns by team, locality, relationship and practitioner; the cost avoided as a
range; and what all this can and cannot show."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from fsdash import charts, estimates
from fsdash.access import SUPPRESSED
from fsdash.access.cohorts import hidden_by_area, hidden_in_breakdown, hidden_with_totals
from fsdash.config import WHOLE_COUNCIL, Council
from fsdash.estimates import Estimate
from fsdash.formatting import long_date, round_half_up
from fsdash.metrics import outcomes
from fsdash.metrics.outcomes import COMPARISON, HERTFORDSHIRE, MODEL
from fsdash.views.care import ChartBlock

ADULT_MEASURES = {"police": ("Police contacts", "police contacts"),
                  "emergency_admission": ("Emergency hospital admissions",
                                          "emergency hospital admissions")}
GROUP_NAMES = {MODEL: "Worked with under Family Safeguarding",
               COMPARISON: "Worked with before the model"}
GROUP_PHRASES = {MODEL: "worked with under Family Safeguarding",
                 COMPARISON: "worked with before the model"}
CHILD_MEASURES = {"care_12": "Started to be looked after within 12 months",
                  "care_24": "Started to be looked after within 24 months",
                  "rereferred": "Referred again within 12 months of the case closing",
                  "repeat_plans": "Plans that were a second or later plan"}
RELATIONSHIPS = {"MOTHER": "Mother", "FATHER": "Father",
                 "PARTNER": "Step-parent or parent's partner",
                 "RELATIVE": "Other relative or carer", "": "Not recorded"}
PRACTITIONERS = {"domestic_abuse": "Domestic abuse practitioner",
                 "mental_health": "Adult mental health practitioner",
                 "substance_misuse": "Substance misuse practitioner"}
NO_PRACTITIONER = "None of these"


@dataclass(frozen=True)
class Window:
    """The dates a family's Family Safeguarding work began in, for the page's choice."""

    label: str
    start: dt.date
    end: dt.date

    @property
    def during(self) -> str:
        """For a sentence: 'since 4 January 2021', 'from April 2022 to March 2023'."""
        return self.label[0].lower() + self.label[1:] if self.label.startswith("Since") \
            else "from " + self.label


@dataclass(frozen=True)
class OutcomesView:
    summary: str
    adults: tuple[ChartBlock, ...]
    left_out: str
    children: ChartBlock
    trend: ChartBlock
    breakdowns: tuple[ChartBlock, ...]
    breakdown_note: str | None
    costs: ChartBlock
    caveats: tuple[str, ...]


def windows(council: Council, data_end: dt.date) -> dict[str, Window]:
    """The start windows to choose from: everything since the launch, then each financial year
    from the one the model was phased in, up to the latest with any follow-up complete."""
    months = council.outcomes.follow_up_months
    last_followed = (pd.Timestamp(data_end) - pd.DateOffset(months=months)).date()
    found = {"all": Window(f"Since {long_date(council.launch)}", council.launch, data_end)}
    year = council.phase_in.year - (council.phase_in.month < 4)
    while dt.date(year, 4, 1) <= last_followed:
        found[f"{year}-{(year + 1) % 100:02d}"] = Window(
            f"April {year} to March {year + 1}", dt.date(year, 4, 1), dt.date(year + 1, 3, 31))
        year += 1
    return found


def outcomes_view(con: duckdb.DuckDBPyConnection, council: Council, suppress: bool,
                  window_key: str, area: str) -> OutcomesView:
    """Everything the Outcomes page shows for a start window and an area."""
    _, data_end = outcomes.data_span(con)
    window = windows(council, data_end)[window_key]
    limit = council.max_suppressed if suppress else 0
    everyone = outcomes.cohort_adults(con, council, council.phase_in, data_end)
    adults = everyone[(everyone["grp"] == COMPARISON)
                      | everyone["start_date"].between(pd.Timestamp(window.start),
                                                       pd.Timestamp(window.end))]
    children = outcomes.cohort_children(con, council, window.start, window.end)
    plans = outcomes.cohort_plans(con, council, window.start, window.end)
    label = council.area_label(area)
    districts = council.areas()[area]
    here = adults[adults["district_code"].isin(districts)]
    followed = here[here["followed_up"]]
    shown = _shown_groups(council, adults, area, limit)
    results = {kind: adult_estimates(followed, kind) if shown else None
               for kind in ADULT_MEASURES}
    child_results = _child_results(council, children, plans, area, limit)
    return OutcomesView(
        summary=_summary(results, window, label),
        adults=tuple(_adult_block(kind, results[kind], followed, window, label)
                     for kind in ADULT_MEASURES),
        left_out=_left_out(council, adults, area, limit, data_end),
        children=_children_block(child_results, window, label),
        trend=_trend_block(everyone, limit),
        breakdowns=_breakdowns(council, adults[adults["followed_up"]], window, limit),
        breakdown_note=None if area == WHOLE_COUNCIL else (
            f"The breakdowns are for all of {council.short_name}: split by {label} as well, most "
            "of their numbers would be too small to show."),
        costs=_cost_block(council, results, followed, child_results, window, label),
        caveats=_caveats(council, window),
    )


# ---- which groups may be shown --------------------------------------------------------------
def _area_count_hidden(council: Council, rows: pd.DataFrame, area: str, limit: int) -> bool:
    """Whether the number of rows in ``area`` is hidden (decided across every area)."""
    by_district = rows.groupby("district_code").size()
    return bool(hidden_by_area(council, by_district, limit)[area])


def _shown_groups(council: Council, adults: pd.DataFrame, area: str, limit: int) -> bool:
    """Whether both groups' followed-up adults in the area are numbers that may be shown."""
    followed = adults[adults["followed_up"]]
    return not any(_area_count_hidden(council, followed[followed["grp"] == group], area, limit)
                   for group in (MODEL, COMPARISON))


def _left_out(council: Council, adults: pd.DataFrame, area: str, limit: int,
              data_end: dt.date) -> str:
    missing = adults[~adults["followed_up"] & adults["district_code"].isin(council.areas()[area])]
    months = council.outcomes.follow_up_months
    if not len(missing):
        return (f"Every adult in these families has {months} months of records before and after "
                "the work began, so none is left out.")
    parts = []
    for group in (MODEL, COMPARISON):
        rows = adults[~adults["followed_up"] & (adults["grp"] == group)]
        count = int((rows["district_code"].isin(council.areas()[area])).sum())
        if not count:
            continue
        hidden = _area_count_hidden(council, rows, area, limit)
        parts.append(f"{'a few' if hidden else f'{count:,}'} in families "
                     f"{GROUP_PHRASES[group]}")
    return (f"Adults are counted only with {months} months of records either side of the start. "
            f"Left out, because the {months} months after their family's start run past the "
            f"latest records ({long_date(data_end)}) or the year before runs back past the first: "
            + " and ".join(parts) + ".")


# ---- adults -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class AdultEstimates:
    """One measure's estimates: the before-and-after change for each group, and the change
    beyond the comparison (``effect``: the difference in differences). Ratios of rates."""

    model: Estimate | None
    comparison: Estimate | None
    effect: Estimate | None
    per_100: pd.DataFrame      # by group: adults, before, after (per 100 adults a year)
    events_after: int          # the model group's contacts in the year after


def adult_estimates(followed: pd.DataFrame, kind: str) -> AdultEstimates:
    model = (followed["grp"] == MODEL).to_numpy()
    after = followed[f"{kind}_after"].to_numpy()
    per_100 = followed.groupby("grp").agg(adults=("adult_id", "size"),
                                          before=(f"{kind}_before", "sum"),
                                          after=(f"{kind}_after", "sum"))
    per_100[["before", "after"]] = 100 * per_100[["before", "after"]].div(per_100["adults"],
                                                                          axis=0)
    found = estimates.before_and_after(followed[f"{kind}_before"].to_numpy(), after, model,
                                       followed["family_id"].to_numpy())
    return AdultEstimates(
        model=found and found.treated, comparison=found and found.comparison,
        effect=found and found.effect, per_100=per_100, events_after=int(after[model].sum()))


def percent_change(estimate: Estimate) -> Estimate:
    """A rate ratio as a percentage change (0.7 becomes -30)."""
    return Estimate(*(100 * (v - 1) for v in (estimate.value, estimate.low, estimate.high)))


def change_words(estimate: Estimate) -> str:
    """'fell by 31% (95% interval: 29% to 33%)', or where the interval includes no change,
    says so."""
    change = percent_change(estimate)
    interval = f"95% interval: {change.low:+.0f}% to {change.high:+.0f}%"
    if estimate.covers(1.0):
        return f"showed no clear change ({change.value:+.0f}%, {interval})"
    verb = "fell" if change.value < 0 else "rose"
    return (f"{verb} by {abs(change.value):.0f}% (95% interval: {abs(change.high):.0f}% to "
            f"{abs(change.low):.0f}%)" if verb == "fell" else
            f"{verb} by {change.value:.0f}% (95% interval: {change.low:.0f}% to "
            f"{change.high:.0f}%)")


def _adult_block(kind: str, result: AdultEstimates | None, followed: pd.DataFrame,
                 window: Window, label: str) -> ChartBlock:
    title, words = ADULT_MEASURES[kind]
    stem = f"adults-{kind.replace('_', '-')}"
    if result is None:
        return ChartBlock(title, f"Too few adults in {label} had their family's work begin in "
                          "these dates to show this without risk of identifying a family.",
                          None, pd.DataFrame(), stem)
    if result.effect is None or result.model is None or result.comparison is None:
        return ChartBlock(title, f"There are too few families (fewer than "
                          f"{estimates.MIN_FAMILIES}), or no {words}, in one of the groups or "
                          "years to estimate a change.", None, pd.DataFrame(), stem)
    herts = HERTFORDSHIRE[kind]
    effect = percent_change(result.effect)
    reading = (f"For adults in {label} families whose Family Safeguarding work began "
               f"{window.during}, "
               f"{words} {change_words(result.model)} in the year after the work began. "
               f"In families worked with before the model they "
               f"{change_words(result.comparison)}: families are usually referred at a crisis, "
               "so contacts fall afterwards anyway. Allowing for that fall, the model's own "
               f"effect is that {words} {change_words(result.effect)}.")
    if result.effect.excludes(1.0):
        reading += (" That is the direction the council aims for." if effect.value < 0 else
                    " The council aims for the opposite direction.")
    reading += (f" Hertfordshire reported a fall of {abs(herts)}% from a before-and-after "
                "comparison with no comparison group.")
    rows = pd.DataFrame([
        {"label": "Before and after: under Family Safeguarding", **vars(percent_change(result.model))},
        {"label": "Before and after: before the model", **vars(percent_change(result.comparison))},
        {"label": "The model's effect (difference in differences)", **vars(effect)},
    ])
    figure = charts.estimates_chart(rows, [(f"Hertfordshire {herts}%", herts)],
                                    f"{title}: change in the year after the work began",
                                    "Change on the year before (with 95% interval)")
    per_100 = result.per_100
    table = pd.DataFrame({
        "Group": [GROUP_NAMES[MODEL], GROUP_NAMES[COMPARISON], "Difference in differences"],
        "Adults": [f"{int(per_100.loc[g, 'adults']):,}" for g in (MODEL, COMPARISON)] + [""],
        "Per 100 adults, year before": [f"{per_100.loc[g, 'before']:.1f}"
                                        for g in (MODEL, COMPARISON)] + [""],
        "Per 100 adults, year after": [f"{per_100.loc[g, 'after']:.1f}"
                                       for g in (MODEL, COMPARISON)] + [""],
        "Change (%)": [f"{v.value:+.1f}" for v in (percent_change(result.model),
                                                   percent_change(result.comparison), effect)],
        "95% interval (%)": [f"{v.low:+.1f} to {v.high:+.1f}" for v in (
            percent_change(result.model), percent_change(result.comparison), effect)],
    })
    return ChartBlock(title, reading, figure, table, stem)


def _summary(results: dict, window: Window, label: str) -> str:
    found = {k: r for k, r in results.items() if r is not None and r.effect is not None}
    if not found:
        return (f"There are too few families in {label} whose work began in these dates to "
                "estimate the model's effect on adults.")
    parts = [f"{ADULT_MEASURES[k][1]} {change_words(r.effect)}" for k, r in found.items()]
    naive = [f"{abs(percent_change(r.model).value):.0f}%" for r in found.values()
             if r.model is not None]
    return (f"For adults in {label} families whose work began {window.during}, and allowing "
            "for the fall in contacts that follows any referral, " + " and ".join(parts) + ". "
            "A simple before-and-after comparison, as Hertfordshire's was, would have said "
            + " and ".join(naive) + ": it counts the fall that comes anyway as the model's.")


# ---- children ---------------------------------------------------------------------------------
def _child_results(council: Council, children: pd.DataFrame, plans: pd.DataFrame, area: str,
                   limit: int) -> pd.DataFrame:
    """Each children's measure for both groups in the area (NaN where the number of children or
    plans it rests on is hidden), with the difference and its interval."""
    districts = council.areas()[area]
    here = children[children["district_code"].isin(districts)]
    plans = plans.merge(children[["child_id", "district_code"]].drop_duplicates("child_id"),
                        on="child_id")
    plans_here = plans[plans["district_code"].isin(districts)]
    rows = []
    for measure in (*CHILD_MEASURES, "plan_days"):
        source, frame = ((plans, plans_here) if measure == "repeat_plans"
                         else (children, here))
        column = "repeat_plan" if measure == "repeat_plans" else measure
        known = frame[frame[column].notna()]
        row = {"measure": measure}
        for group in (MODEL, COMPARISON):
            counted = source[source[column].notna() & (source["grp"] == group)]
            part = known[known["grp"] == group]
            hidden = _area_count_hidden(council, counted, area, limit)
            row[f"{group}_n"] = np.nan if hidden else len(part)
            row[group] = (np.nan if hidden or not len(part)
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


def _children_block(results: pd.DataFrame, window: Window, label: str) -> ChartBlock:
    care = results.loc["care_12"]
    if np.isnan(care[MODEL]) or np.isnan(care[COMPARISON]):
        reading = (f"Too few children in {label} families whose work began in these dates have "
                   "12 months of records after it to show how many came into care.")
    else:
        reading = (f"Of {_whole(care[f'{MODEL}_n'])} children in families worked with under "
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
    shares = results.loc[list(CHILD_MEASURES)]
    bars = pd.DataFrame({"category": [CHILD_MEASURES[m] for m in shares.index],
                         COMPARISON: shares[COMPARISON].to_numpy(),
                         MODEL: shares[MODEL].to_numpy()})
    figure = (charts.paired_bars(bars, f"Children in the families, {label} (per cent)",
                                 (COMPARISON, GROUP_NAMES[COMPARISON]),
                                 (MODEL, GROUP_NAMES[MODEL]), decimals=1)
              if bars[[MODEL, COMPARISON]].notna().all(axis=1).sum() >= 2 else None)
    table = pd.DataFrame({
        "Measure": [*(CHILD_MEASURES[m] + " (%)" for m in CHILD_MEASURES),
                    "Days on a child protection plan in the year after (average)"],
        GROUP_NAMES[MODEL]: [_one_decimal(v) for v in results[MODEL]],
        GROUP_NAMES[COMPARISON]: [_one_decimal(v) for v in results[COMPARISON]],
        "Difference": ["" if d is None else f"{d.value:+.1f}" for d in results["difference"]],
        "95% interval": ["" if d is None else f"{d.low:+.1f} to {d.high:+.1f}"
                         for d in results["difference"]],
        "Counted (under the model)": [_whole(n) for n in results[f"{MODEL}_n"]],
        "Counted (before the model)": [_whole(n) for n in results[f"{COMPARISON}_n"]],
    })
    return ChartBlock("Children in the families", reading, figure, table, "children-outcomes")



def _whole(value: float) -> str:
    return SUPPRESSED if pd.isna(value) else f"{int(value):,}"


def _one_decimal(value: float, signed: bool = False) -> str:
    if pd.isna(value):
        return SUPPRESSED
    return f"{value:+.1f}" if signed else f"{value:.1f}"


# ---- by the quarter work began -------------------------------------------------------------
def _trend_block(everyone: pd.DataFrame, limit: int) -> ChartBlock:
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
        hidden = part.index[_quarters_hidden(part, limit).to_numpy(bool)]
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
        "Adults": [_whole(v) for v in grouped["adults"]],
        "Police contacts, change (%)": [_one_decimal(v, True) for v in grouped["police"]],
        "Emergency admissions, change (%)": [_one_decimal(v, True)
                                             for v in grouped["admissions"]],
    })
    return ChartBlock(title, reading, figure, table, stem)


def _quarters_hidden(grouped: pd.DataFrame, limit: int) -> pd.Series:
    """Whether each quarter is hidden, given that the totals of any financial year (the page's
    start windows) are shown elsewhere."""
    cells = grouped.set_index("quarter")["adults"]
    years = {}
    for quarter in cells.index:
        years.setdefault(quarter.year - (quarter.month < 4), []).append(quarter)
    return hidden_with_totals(cells, years, limit)


# ---- breakdowns -----------------------------------------------------------------------------
def _breakdowns(council: Council, followed: pd.DataFrame, window: Window,
                limit: int) -> tuple[ChartBlock, ...]:
    model = followed[followed["grp"] == MODEL].copy()
    teams = {t.code: t.name for t in council.teams}
    localities = {d.code: council.localities[d.locality] for d in council.districts}
    model["team"] = model["team_code"].map(teams).fillna("Not recorded")
    model["locality"] = model["district_code"].map(localities)
    model["relationship"] = model["relationship"].map(RELATIONSHIPS).fillna("Not recorded")
    by_area = hidden_by_area(council, model.groupby("district_code").size(), limit)
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
        "Adults": [_whole(v) for v in table["adults"]],
        "Police contacts, change (%)": [_one_decimal(v, True) for v in table["police"]],
        "Emergency admissions, change (%)": [_one_decimal(v, True)
                                             for v in table["emergency_admission"]],
    })
    return ChartBlock(title, reading, figure, shown, stem)


def _breakdown_reading(bars: pd.DataFrame) -> str:
    police = bars.dropna(subset=["police"]).set_index("category")["police"]
    return (f"Police contacts fell most for “{police.idxmin()}” ({police.min():+.0f}%) and least "
            f"for “{police.idxmax()}” ({police.max():+.0f}%). These are before-and-after "
            "changes with no comparison group: part of every fall would have come anyway, so "
            "compare groups with each other, not with zero.")


# ---- cost avoided ---------------------------------------------------------------------------
def _cost_block(council: Council, results: dict, followed: pd.DataFrame,
                child_results: pd.DataFrame, window: Window, label: str) -> ChartBlock:
    rows = []
    for kind, result in results.items():
        cost = council.unit_costs.get(kind)
        if result is None or result.effect is None or cost is None:
            continue
        scale = result.events_after
        fewest = max(scale * (1 / result.effect.high - 1), 0.0)
        most = max(scale * (1 / result.effect.low - 1), 0.0)
        rows.append((cost, fewest, most, ADULT_MEASURES[kind][1]))
    care = child_results.loc["care_12"]
    cost = council.unit_costs.get("year_in_care")
    if cost is not None and care["difference"] is not None:
        children = care[f"{MODEL}_n"]
        fewest = max(-care["difference"].high / 100 * children, 0.0)
        most = max(-care["difference"].low / 100 * children, 0.0)
        rows.append((cost, fewest, most, "children kept out of care for a year"))
    stem = "cost-avoided"
    if not rows:
        return ChartBlock("Cost avoided", f"There is no estimate of the model's effect in "
                          f"{label} to cost.", None, pd.DataFrame(), stem)
    frame = pd.DataFrame({
        "label": [what.capitalize() for *_, what in rows],
        "low": [fewest * c.low for c, fewest, _, _ in rows],
        "high": [most * c.high for c, _, most, _ in rows]})
    frame["text"] = [f"{money(lo)} to {money(hi)}" for lo, hi in zip(frame["low"], frame["high"])]
    table = pd.DataFrame({
        "Avoided": frame["label"],
        "How many (range)": [f"{round_half_up(lo):,} to {round_half_up(hi):,}"
                             for _, lo, hi, _ in rows],
        "Unit cost (range)": [f"£{c.low:,.0f} to £{c.high:,.0f} for {c.label}" for c, *_ in rows],
        "Cost avoided (range)": frame["text"],
        "Source of the unit cost": [c.source for c, *_ in rows]})
    reading = (f"If the comparison is right, the model avoided between {money(frame['low'].sum())} "
               f"and {money(frame['high'].sum())} of these costs in the year after the work began, "
               f"for families in {label} whose work began {window.during}. Each range "
               "combines the uncertainty of the estimate with the range of unit costs; a range "
               "starting at £0 means the model may have avoided none. The care range rests on "
               "a comparison of different years (see below), so treat it with most caution. "
               "These are not savings in any budget.")
    return ChartBlock("Cost avoided", reading,
                      charts.range_bars(frame, "Cost avoided in the year after the work began "
                                        "(range)", "Pounds"), table, stem)


def money(pounds: float) -> str:
    """Pounds to two significant figures, so a range never looks more precise than it is:
    '£2.0 million', '£440,000', '£0'."""
    if pounds < 1:
        return "£0"
    rounded = float(f"{pounds:.2g}")
    if rounded >= 1e7:
        return f"£{rounded / 1e6:.0f} million"
    return f"£{rounded / 1e6:.1f} million" if rounded >= 1e6 else f"£{rounded:,.0f}"


def _caveats(council: Council, window: Window) -> tuple[str, ...]:
    settings = council.outcomes
    months = settings.follow_up_months
    return (
        f"The comparison group is families whose work began from "
        f"{long_date(settings.comparison_from)} to {long_date(settings.comparison_to)}, before "
        f"the model was phased in on {long_date(council.phase_in)}, found by the same rule: an "
        "assessment finding a parent's domestic abuse, mental health, alcohol or drug misuse.",
        "Contacts fall after any referral, because families are usually referred at a crisis "
        "(“regression to the mean”). The difference in differences takes the comparison "
        "group's fall away from the model group's.",
        "It assumes that without the model both groups' contacts would have changed in the same "
        "way. Anything else that changed between those years (the pandemic, how police or "
        "hospitals record contacts, thresholds for referral) would be mixed into the estimate.",
        "The 95% interval is the range the true effect most likely lies in, allowing for chance "
        "and for adults in one family being alike. It does not allow for the assumptions above.",
        "Children's measures compare families worked with in different years; they are not a "
        "difference in differences, because a child has no 'year before' for coming into care.",
        f"Breakdowns compare before and after with no comparison group; they show where the "
        f"fall was largest, not what caused it. Each adult needs {months} months of records "
        "either side of the start.",
        "Hertfordshire's falls (66% in police call-outs for domestic abuse, 53% in emergency "
        "admissions) come from one council's before-and-after comparison with no comparison "
        "group: they are shown for reference, not as an expected effect.",
    )


GLOSSARY = {
    "Comparison group": "Families worked with before the model, chosen by the same rule and "
                        "followed the same way, to show what happens without it.",
    "Difference in differences": "The model group's change from the year before to the year "
                                 "after, divided by the comparison group's change over the same "
                                 "kind of years: the change beyond what came anyway.",
    "Regression to the mean": "Families are referred when things are at their worst, so "
                              "contacts usually fall afterwards whatever is done.",
    "95% interval": "The range the true figure most likely lies in (19 times in 20), allowing "
                    "for chance (a Poisson model with standard errors for families, or a "
                    "difference in means).",
    **{name.replace("_", " ").capitalize(): text
       for name, text in outcomes.DEFINITIONS.items()},
}
