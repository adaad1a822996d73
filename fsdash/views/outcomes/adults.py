"""Adults' police contacts and emergency admissions: the before-and-after change in each
group and the difference in differences, as a chart block and a summary sentence."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from fsdash import charts, estimates
from fsdash.estimates import Estimate
from fsdash.metrics.outcomes import COMPARISON, HERTFORDSHIRE, MODEL
from fsdash.views.care import ChartBlock
from fsdash.views.outcomes.common import (
    ADULT_MEASURES,
    GROUP_NAMES,
    Window,
)


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


def adult_block(kind: str, result: AdultEstimates | None, followed: pd.DataFrame,
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


def summary(results: dict, window: Window, label: str) -> str:
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
