"""The Outcomes page's view: adults' police contacts and emergency admissions before and after
the work began, against families worked with before the model (a difference in differences);
children's care, re-referrals and plans against the same comparison; the trend by the quarter
work began; breakdowns by team, locality, relationship and practitioner; the cost avoided as a
range; and what all this can and cannot show."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from fsdash.config import WHOLE_COUNCIL, Council
from fsdash.formatting import long_date
from fsdash.metrics import outcomes
from fsdash.metrics.outcomes import COMPARISON, MODEL, windows
from fsdash.views import event_marks
from fsdash.views.care import ChartBlock
from fsdash.views.outcomes.adults import (
    adult_block,
    adult_estimates,
    change_words,
    percent_change,
    summary,
)
from fsdash.views.outcomes.children import child_hidden, child_results, children_block
from fsdash.views.outcomes.common import ADULT_MEASURES, GROUP_PHRASES, Window, counts_hidden
from fsdash.views.outcomes.costs import cost_block, money
from fsdash.views.outcomes.groups import breakdowns, trend_block

__all__ = ["GLOSSARY", "OutcomesView", "Window", "adult_estimates", "change_words", "money",
           "outcomes_view", "percent_change", "windows"]


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


def outcomes_view(con: duckdb.DuckDBPyConnection, council: Council, suppress: bool,
                  window_key: str, area: str) -> OutcomesView:
    """Everything the Outcomes page shows for a start window and an area."""
    _, data_end = outcomes.data_span(con)
    offered = windows(council, data_end)
    window = offered[window_key]
    limit = council.max_suppressed if suppress else 0
    spans = outcomes.cohort_spans(council, data_end)
    everyone = outcomes.cohort_adults(con, council, *spans["cohort_adults"])
    adults = everyone[(everyone["grp"] == COMPARISON)
                      | everyone["start_date"].between(pd.Timestamp(window.start),
                                                       pd.Timestamp(window.end))]
    children = outcomes.cohort_children(con, council, *spans["cohort_children"])  # every window's
    plans = outcomes.cohort_plans(con, council, *spans["cohort_plans"])
    label = council.area_label(area)
    districts = council.areas()[area]
    here = adults[adults["district_code"].isin(districts)]
    followed = here[here["followed_up"]]
    followed_hidden = counts_hidden(council, everyone[everyone["followed_up"]], offered, limit)
    shown = not followed_hidden.loc[(area, window_key)].any()
    results = {kind: adult_estimates(followed, kind) if shown else None
               for kind in ADULT_MEASURES}
    child_figures = child_results(council, children, plans,
                                  child_hidden(council, children, plans, offered, limit),
                                  window_key, window, area)
    return OutcomesView(
        summary=summary(results, window, label),
        adults=tuple(adult_block(kind, results[kind], followed, window, label)
                     for kind in ADULT_MEASURES),
        left_out=left_out(council, adults, area, data_end, counts_hidden(
            council, everyone[~everyone["followed_up"]], offered, limit).loc[(area, window_key)]),
        children=children_block(child_figures, window, label),
        trend=event_marks.marked(trend_block(everyone, limit, council.launch, window),
                                 event_marks.area_events(con, council, WHOLE_COUNCIL),
                                 ("police_change", "emergency_admission_change")),  # the council's
        breakdowns=breakdowns(council, everyone[everyone["followed_up"]], offered, window_key,
                              limit, followed_hidden[MODEL]),
        breakdown_note=None if area == WHOLE_COUNCIL else (
            f"The breakdowns are for all of {council.short_name}: split by {label} as well, most "
            "of their numbers would be too small to show."),
        costs=cost_block(council, results, followed, child_figures, window, label),
        caveats=caveats(council, window),
    )


def left_out(council: Council, adults: pd.DataFrame, area: str, data_end: dt.date,
             hidden: pd.Series) -> str:
    """Who is left out for want of a year's records either side; ``hidden``: whether each
    group's number left out in the area and window is hidden (``counts_hidden``)."""
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
        parts.append(f"{'a few' if hidden[group] else f'{count:,}'} in families "
                     f"{GROUP_PHRASES[group]}")
    return (f"Adults are counted only with {months} months of records either side of the start. "
            f"Left out, because the {months} months after their family's start run past the "
            f"latest records ({long_date(data_end)}) or the year before runs back past the first: "
            + " and ".join(parts) + ".")


def caveats(council: Council, window: Window) -> tuple[str, ...]:
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


NEEDS = ("fs_involvement", "adult", "adult_event")   # the store tables the figures come from

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
