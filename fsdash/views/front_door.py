"""The front door's view: referrals month by month (and whether a change is unusual), with how
the council's published count compares with its statistical neighbours'; their rate, where they
come from and which route they take; re-referrals and second plans against England, the region
and the neighbours' median (published once a year); and assessments finished within 45 working
days."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

import duckdb
import numpy as np
import pandas as pd

from fsdash import charts, metrics
from fsdash.access import Figures
from fsdash.access.shares import share_series
from fsdash.config import Council
from fsdash.events import Event
from fsdash.extracts import EXTRACTS
from fsdash.formatting import long_date, month, round_half_up
from fsdash.metrics import sources
from fsdash.metrics.front_door import JOURNEY, ROUTE_NOT_RECORDED, STEPS
from fsdash.published_statistics import comparators
from fsdash.published_statistics.measures import MEASURES as PUBLISHED
from fsdash.views import blocks, care_compare, event_marks
from fsdash.views.care import ChartBlock, breakdown_block, comparison, district_block, shown

TREND_MONTHS = 60
NEEDS = ("referral",)     # the store tables the page's figures come from


@dataclass(frozen=True)
class FrontDoorView:
    referrals: ChartBlock
    unusual: ChartBlock | None          # None where monthly referrals are not shown
    unusual_badge: tuple[str, str] | None
    rate: ChartBlock
    sources: ChartBlock
    routes: ChartBlock
    districts: ChartBlock | None        # None for a single district
    journey: ChartBlock
    outcomes: ChartBlock
    rereferrals: ChartBlock
    repeat_plans: ChartBlock
    timeliness: ChartBlock
    conferences: ChartBlock


def front_door_view(con: duckdb.DuckDBPyConnection, figures: Figures, council: Council,
                    as_at: dt.date, area: str) -> FrontDoorView:
    """Everything the Front door page shows for a date and an area."""
    first = metrics.first_reliable_date(con)
    dates = [d for d in metrics.month_ends(as_at, TREND_MONTHS) if d >= first]
    label = council.area_label(area)
    districts = council.areas()[area] if area != "all" else ()
    yearly = figures.series("referrals", dates, area)
    monthly = figures.monthly("referrals", dates, area)
    events = event_marks.area_events(con, council, area)
    referrals, unusual, badge = _referral_blocks(yearly, monthly, as_at, label,
                                                 event_marks.about(events, "referrals"))
    referrals = dataclasses.replace(referrals, reading=f"{referrals.reading} "
                                    f"{referrals_compared(con, council, as_at)}")
    hidden = yearly.isna()
    gone = sources.empty(con)

    def unless(tables, title: str, stem: str, build) -> ChartBlock:
        """A block, or where the store lacks a table it rests on, what it waits for."""
        unloaded = tuple(dict.fromkeys(sources.SOURCE_OF_TABLE[t] for t in tables if t in gone))
        return waiting_block(title, stem, unloaded) if unloaded else build()

    def share(name: str) -> ChartBlock:
        """A percentage over month ends as the role sees it (``fsdash.access.shares``)."""
        block = SHARE_BLOCKS[name]
        values = share_series(con, figures, council, name, dates, area)["value"]
        return _compared(values, name, con, council, label, block.title, block.heading,
                         block.stem, block.phrase)

    journey = ("assessment", "s47_enquiry", "cp_plan")
    return event_marks.mark_view(FrontDoorView(
        referrals=referrals, unusual=unusual, unusual_badge=badge,
        rate=unless(("population",), "Referrals per 10,000 children", "referral-rate",
                    lambda: _trend_block(con, council, "referral_rate", dates, districts, hidden, label,
                                         "Referrals per 10,000 children", "Per 10,000 children",
                                         "referral-rate", " referrals for every 10,000 children")),
        sources=_referrals_by(figures, "source", as_at, area, label),
        routes=(_referrals_by(figures, "route", as_at, area, label) if routes_recorded(con)
                else waiting_block("By route", "referrals-by-route", (ROUTE_SOURCE,))),
        districts=(district_block(figures, council, "referrals", as_at, area,
                                  "referrals-by-district", "12 months to ", "Referrals",
                                  "referrals")
                   if len(council.areas()[area]) > 1 and sources.districts_known(con) else None),
        journey=unless(journey, "From referral to child protection plan", "referral-journey",
                       lambda: _journey_block(figures, as_at, area, label)),
        outcomes=unless(journey, "Where each referral ended", "referrals-by-outcome",
                        lambda: _referrals_by(figures, "outcome", as_at, area, label,
                                              "Where each referral ended",
                                              "the furthest step reached", STILL_OPEN)),
        rereferrals=share("rereferral_pct"),
        repeat_plans=unless(("cp_plan",), *SHARE_BLOCKS["repeat_cp_plan_pct"][:2],
                            lambda: share("repeat_cp_plan_pct")),
        timeliness=unless(("assessment",), *SHARE_BLOCKS["assessments_in_45_days_pct"][:2],
                          lambda: share("assessments_in_45_days_pct")),
        conferences=unless(("s47_enquiry",), *SHARE_BLOCKS["conferences_in_15_days_pct"][:2],
                           lambda: share("conferences_in_15_days_pct")),
    ), events, MARKS)


# Each time chart's measures, for the events drawn on it.
MARKS = {"referrals": ("referrals",), "unusual": ("referrals",), "rate": ("referral_rate",),
         "rereferrals": ("rereferral_pct",), "repeat_plans": ("repeat_cp_plan_pct",),
         "timeliness": ("assessments_in_45_days_pct",),
         "conferences": ("conferences_in_15_days_pct",)}


class ShareBlock(NamedTuple):
    """A percentage the page shows: its title, file stem, the phrase its reading uses and its
    axis title and column heading."""

    title: str
    stem: str
    phrase: str
    heading: str


SHARE_BLOCKS = {
    "rereferral_pct": ShareBlock("Referrals within 12 months of a previous referral",
                                 "re-referrals",
                                 "% of referrals were re-referrals within 12 months",
                                 "Re-referrals (%)"),
    "repeat_cp_plan_pct": ShareBlock("Second or later child protection plans", "repeat-plans",
                                     "% of child protection plans that started were a child's "
                                     "second or later plan", "Second or later plans (%)"),
    "assessments_in_45_days_pct": ShareBlock("Assessments within 45 working days",
                                             "assessments-in-45-days", "% of assessments were "
                                             "finished within 45 working days of the referral",
                                             "Within 45 working days (%)"),
    "conferences_in_15_days_pct": ShareBlock("Initial conferences within 15 working days",
                                             "conferences-in-15-days", "% of initial child "
                                             "protection conferences were held within 15 "
                                             "working days of the strategy discussion",
                                             "Within 15 working days (%)"),
}

# Where a referral still in progress ends: its count a year earlier had a year longer to move on.
STILL_OPEN = ("Not yet assessed",)

# The extract that records each referral's route into the front door (the census does not).
ROUTE_SOURCE = next(e.file for e in EXTRACTS if e.table == "referral"
                    and any(f.target == "route" for f in e.fields))


def routes_recorded(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether any referral in the store has its route recorded."""
    return con.execute("SELECT EXISTS (SELECT 1 FROM referral WHERE route IS NOT NULL)"
                       ).fetchone()[0]


def waiting_block(title: str, stem: str, unloaded: tuple[str, ...]) -> ChartBlock:
    """In place of a chart, the sentence saying which sources it waits for."""
    return ChartBlock(title, sources.needs("This chart", unloaded), None, pd.DataFrame(), stem)


def _referrals_by(figures: Figures, what: str, as_at: dt.date, area: str, label: str,
                  title: str | None = None, wording: str | None = None,
                  still_open: tuple[str, ...] = ()) -> ChartBlock:
    """Referrals in the 12 months by source, route or outcome, against a year earlier."""
    name = f"referrals_by_{what}"
    table = comparison(figures.breakdown(name, as_at, area)["shown"],
                       figures.breakdown(name, metrics.year_before(as_at), area)["shown"],
                       figures.count("referrals", as_at, area))
    unused = (table["category"] == ROUTE_NOT_RECORDED) & (table[["now", "year_ago"]] == 0).all(1)
    total, table = table.attrs["total"], table[~unused].reset_index(drop=True)  # a zero hides
    table.attrs["total"] = total                                                 # nothing
    return breakdown_block(table, title or f"By {what}", wording or what, as_at, label,
                           name.replace("_", "-"), "12 months to ", subject="Referrals",
                           counted="referrals", still_open=still_open)


def _referral_blocks(yearly: pd.Series, monthly: pd.Series | None, as_at: dt.date, label: str,
                     events: list[Event]):
    now, before = yearly.get(pd.Timestamp(as_at)), yearly.get(
        pd.Timestamp(metrics.year_before(as_at)))
    if now is None or pd.isna(now):
        reading = f"The number of referrals in {label} is too small to show."
    else:
        reading = f"In the 12 months to {month(as_at)} there were {round_half_up(now):,} referrals"
        if before is not None and pd.notna(before) and before:
            change = 100 * (now - before) / before
            reading += (f" in {label}, {abs(change):.0f}% {'more' if change > 0 else 'fewer'} "
                        "than in the 12 months before." if round(change) else
                        f" in {label}, about the same as in the 12 months before.")
        else:
            reading += f" in {label}."
    if monthly is None:
        frame = pd.DataFrame({"as_at": yearly.index, "value": yearly.to_numpy()})
        block = ChartBlock("Referrals", reading + " Monthly numbers here are too small to show, "
                           "so the chart shows the totals for the 12 months to each month end.",
                           charts.monthly_lines(frame, [("value", "Referrals in 12 months",
                                                         "blue", "solid")],
                                                "Referrals in the 12 months to each month end",
                                                "Referrals"),
                           pd.DataFrame({"12 months to": [long_date(d.date()) for d in yearly.index],
                                         "Referrals": shown(yearly)}), "referrals")
        return block, None, None
    frame = pd.DataFrame({"as_at": monthly.index, "value": monthly.to_numpy()})
    block = ChartBlock("Referrals", reading,
                       charts.monthly_lines(frame, [("value", "Referrals", "blue", "solid")],
                                            "Referrals each month", "Referrals"),
                       pd.DataFrame({"Month end": [long_date(d.date()) for d in monthly.index],
                                     "Referrals": shown(monthly)}), "referrals")
    if len(monthly) < 12:
        return block, None, None
    unusual, badge = blocks.spc_block(
        monthly, events, "neither", "Referrals",
        ("Monthly referrals against their usual range",
         "Referrals each month, with the usual range", "Referrals", "Referrals"),
        "referrals-xmr")
    return block, unusual, badge


def _trend_block(con, council: Council, name: str, dates, districts, hidden: pd.Series,
                 label: str, title: str, y_title: str, stem: str, phrase: str) -> ChartBlock:
    """A rate or percentage over month ends, hidden with the referrals it rests on, against
    the published figures where there are any."""
    values = metrics.series(con, name, dates, districts).set_index("as_at")["value"]
    values = values.where(~hidden.reindex(values.index, fill_value=False))
    return _compared(values, name, con, council, label, title, y_title, stem, phrase)


# Why a measure shown here has no published comparison (the definition under its chart).
NOT_COMPARED = {
    "referral_rate": "The DfE's referrals file gives counts, not rates per 10,000, so no "
                     "published rate is compared here; how the council's published count of "
                     "referrals compares with its statistical neighbours is under Referrals.",
    "assessments_in_45_days_pct": "No comparison with England, the region or statistical "
                                  "neighbours is shown: the DfE publishes assessments within 45 "
                                  "working days in a file not loaded here.",
    "conferences_in_15_days_pct": "No comparison with England, the region or statistical "
                                  "neighbours is shown: the DfE publishes initial conferences "
                                  "within 15 working days in a file not loaded here.",
}


def _compared(values: pd.Series, name: str, con, council: Council, label: str, title: str,
              y_title: str, stem: str, phrase: str) -> ChartBlock:
    """A measure over month ends with England's, the region's and the statistical neighbours'
    median published figures as annual points, where the measure has a published equivalent
    (``fsdash.published_statistics.comparators``); else the reason there is none."""
    reading = (f"In the 12 months to {month(values.index[-1].date())}, {values.iloc[-1]:.1f}"
               f"{phrase} in {label}." if pd.notna(values.iloc[-1]) else "The figure is not "
               "shown: the numbers behind it are too small.")
    marks = pd.DataFrame(columns=comparators.COLUMNS)
    if name in PUBLISHED:
        marks = comparators.comparators(con, council, name)
        marks = marks[(marks["as_at"] >= values.index.min())
                      & (marks["as_at"] <= values.index.max())]
        reading += " " + (care_compare.latest_words(marks) if len(marks)
                          else comparators.none_before(con, name, values.index[-1].date()))
    else:
        reading += " " + NOT_COMPARED[name]
    table = care_compare.with_comparators(
        pd.DataFrame({"12 months to": [long_date(d.date()) for d in values.index],
                      y_title: values.round(1).to_numpy()}), values.index, marks)
    return ChartBlock(title, reading,
                      charts.rate_chart(pd.DataFrame({"as_at": values.index,
                                                      "value": values.to_numpy()}),
                                        marks, label, title, y_title), table, stem)


def referrals_compared(con, council: Council, as_at: dt.date) -> str:
    """The council's published count of referrals in the latest year to 31 March on or before
    ``as_at`` against its statistical neighbours', in words (or why there is none)."""
    found = comparators.latest(con, council, "referrals", as_at)
    if found is None:
        return comparators.none_before(con, "referrals", as_at)
    return ("Published by the DfE for the whole council: "
            + comparators.sentence(found, council.short_name, "referrals"))


def _journey_block(figures: Figures, as_at: dt.date, area: str, label: str) -> ChartBlock:
    """Referrals in the 12 months and how many reached each step, from the partition by the
    furthest step reached: a step is shown only where every category before it is, so no
    hidden category can be worked out from two steps."""
    parts = figures.breakdown("referrals_by_outcome", as_at, area)["shown"].reindex(list(JOURNEY))
    total = figures.count("referrals", as_at, area)
    reached = {}
    for step, first in STEPS:
        before = parts.iloc[:first]
        reached[step] = (np.nan if total is None or before.isna().any()
                         else total - before.sum())
    reached = pd.Series(reached)
    of_previous = (100 * reached / reached.shift(1)).round(1)
    table = pd.DataFrame({"Step": reached.index, "Referrals reaching it": shown(reached),
                          "Of the step before (%)": of_previous.map(
                              lambda v: "" if pd.isna(v) else f"{v:.1f}").to_numpy()})
    title, stem = "From referral to child protection plan", "referral-journey"
    if reached.notna().sum() < 3:
        return ChartBlock(title, f"The numbers of referrals in {label} reaching each step are "
                          "too small to show.", None, table, stem)
    plan = reached["Child protection plan"]
    reading = (f"Of {round_half_up(total):,} referrals in the 12 months to {month(as_at)} in "
               f"{label}, ")
    reading += ", ".join(f"{round_half_up(reached[step]):,} reached “{step.lower()}”"
                         for step in ("Assessed", "Section 47 enquiry", "Initial conference")
                         if pd.notna(reached[step]))
    if pd.notna(plan):
        reading += (f", and {round_half_up(plan):,} ({100 * plan / total:.0f}%) led to a child "
                    "protection plan")
    reading += (". Steps are as recorded in the latest data, so the most recent referrals may "
                "not have finished.")
    figure = charts.funnel_chart(reached.dropna(), f"Referrals in the 12 months to "
                                 f"{long_date(as_at)} reaching each step, {label}")
    return ChartBlock(title, reading, figure, table, stem)
