"""What changed this month: every monitored measure, for the council, each locality and district
(and each team's caseload), tested with an XmR chart (``fsdash.spc``). Counts of people on a
date (children in care, on plans; caseloads) change slowly from month to month, so their level
would break the rules all the time; for them the chart tests the monthly change instead. Counts
in a month (starts, referrals) are tested as they are. A series shows a signal
when its latest month breaks a Making Data Count rule; signals are ranked by the rule (a point
outside the usual range first, then a shift or trend, then two of three near a limit) and then
by how far the latest month is from the average, in standard deviations. Series are read as the
caller's scope may see them (``fsdash.access``): a series with any hidden month is not tested.
The limits are recalculated from a change the council intended (``spc.rebasing``), as on the
pages' charts, and a signal within ``NEAR_MONTHS`` of an event that concerns it names the event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from fsdash import spc
from fsdash.events import Event
from fsdash.formatting import month

SCAN_MONTHS = 24      # month ends tested: two years, enough for a settled average
MIN_MONTHS = 12       # fewer, and a series is not tested
SEVERITY = {"outside": 3, "shift": 2, "trend": 2, "two_of_three": 1}
D2 = 1.128            # the moving range's bias constant: sigma is the mean moving range / d2
NEAR_MONTHS = 3       # a signal this many months or fewer after an event names it


@dataclass(frozen=True)
class Monitored:
    """A measure the scan tests: how it reads in a sentence and which way is better."""

    key: str
    title: str        # "Referrals each month"
    subject: str      # "Referrals"
    better: str       # "down", "up" or "neither"
    page: str         # the page that shows it (its address)
    decimals: int = 0
    stock: bool = False   # a level on a date: its monthly change is tested


MONITORED = {m.key: m for m in (
    Monitored("cla", "Children looked after", "Children looked after", "down",
              "children-in-care", stock=True),
    Monitored("cla_under12", "Under-12s looked after", "Under-12s looked after", "down",
              "children-in-care", stock=True),
    Monitored("starts", "Children starting care each month", "Children starting care", "down",
              "children-in-care"),
    Monitored("ceases", "Children leaving care each month", "Children leaving care", "neither",
              "children-in-care"),
    Monitored("referrals", "Referrals each month", "Referrals", "neither", "front-door"),
    Monitored("cp_plans", "Children on child protection plans", "Children on plans", "down",
              "front-door", stock=True),
    Monitored("caseload", "Caseload per social worker", "Caseload per social worker", "down",
              "team", decimals=1, stock=True),
)}


@dataclass(frozen=True)
class Signal:
    """A series whose latest month is unusual."""

    measure: str       # a key of MONITORED
    area: str          # area code, or team code
    area_label: str
    as_at: dt.date
    rule: str          # the strongest rule broken: outside, shift, trend or two_of_three
    side: str          # high or low
    variation: str     # improvement, concern or neither
    latest: float      # the latest month's value (for a stock, its change on the month before)
    mean: float
    lower: float
    upper: float
    run: int           # months in the run (shift or trend), else 1
    score: float       # how far the latest month is from the average, in standard deviations
    after: str = ""    # the event just before it: ", a month after Family Safeguarding began"

    @property
    def rank_key(self) -> tuple:
        return (-SEVERITY[self.rule], -self.score)

    def sentence(self) -> str:
        """'Referrals in Burnley rose above their usual range in October 2026 (64; usual range
        30 to 55). That is a concern.'"""
        m = MONITORED[self.measure]
        what = f"{m.subject} in {self.area_label}"
        high = self.side == "high"
        places = m.decimals
        if m.stock:
            happened = {
                "outside": (f"{'rose' if self.latest > 0 else 'fell'} by "
                            f"{abs(self.latest):,.{places}f}, more than the usual monthly change "
                            f"({self.lower:+,.{places}f} to {self.upper:+,.{places}f})"),
                "shift": (f"changed {'upward' if high else 'downward'} more than usual for "
                          f"{self.run} months running"),
                "trend": (f"changed {'more upward' if high else 'more downward'} each month for "
                          f"{self.run} months running"),
                "two_of_three": (f"{'rose' if high else 'fell'} by more than usual in two of "
                                 "the three months"),
            }[self.rule]
            figures = ""
        else:
            happened = {
                "outside": f"{'rose above' if high else 'fell below'} the usual range",
                "shift": (f"{'stayed above' if high else 'stayed below'} the average for "
                          f"{self.run} months running"),
                "trend": f"{'rose' if high else 'fell'} for {self.run} months running",
                "two_of_three": (f"came near the {'top' if high else 'bottom'} of the usual "
                                 "range in two of the three months"),
            }[self.rule]
            figures = (f" ({self.latest:,.{places}f}; usual range "
                       f"{max(self.lower, 0):,.{places}f} to {self.upper:,.{places}f})")
        verdict = {"improvement": " That is better.", "concern": " That is a concern.",
                   "neither": ""}[self.variation]
        ending = "in" if self.rule == "outside" else "to"     # a run or two of three months
        return f"{what} {happened} {ending} {month(self.as_at)}{figures}{self.after}.{verdict}"


def signal(values: pd.Series, measure: str, area: str, area_label: str,
           events: list[Event] = ()) -> Signal | None:
    """The latest month's signal in a monthly series (indexed by month end), or None: no signal,
    too few months, or a hidden month. ``events``: those that concern the series (its area and
    measure), for the limits' recalculation and the sentence."""
    if values.isna().any() or len(values) < MIN_MONTHS:
        return None
    monitored = MONITORED[measure]
    tested = values.diff().iloc[1:] if monitored.stock else values
    chart = spc.xmr(tested.to_numpy(), better=monitored.better,
                    breaks=spc.rebasing(tested.index, list(events)).breaks)
    rules = chart.signals[-1]
    if not rules:
        return None
    rule = max(rules, key=SEVERITY.get)
    x = chart.values[(chart.breaks or (0,))[-1]:]      # the latest segment
    sigma = (np.abs(np.diff(x)).mean() / D2) or 1.0
    side = chart.side(len(chart.values) - 1)
    as_at = pd.Timestamp(tested.index[-1]).date()
    return Signal(measure, area, area_label, as_at, rule, side, chart.variation, float(x[-1]),
                  chart.mean, chart.lower, chart.upper, _run(x, chart.mean, rule),
                  abs(x[-1] - chart.mean) / sigma, after(as_at, events))


def after(as_at: dt.date, events: list[Event]) -> str:
    """', a month after Family Safeguarding began': the latest event that began in the
    ``NEAR_MONTHS`` months up to ``as_at``'s month, or ""."""
    def gap(event: Event) -> int:
        return (as_at.year - event.start.year) * 12 + as_at.month - event.start.month
    near = [e for e in events if 0 <= gap(e) <= NEAR_MONTHS]
    if not near:
        return ""
    event = max(near, key=lambda e: e.start)
    months = gap(event)
    when = {0: "the month", 1: "a month after"}.get(months, f"{months} months after")
    return f", {when} {event.title}"


def _run(x: np.ndarray, mean: float, rule: str) -> int:
    """How many months the latest shift (same side of the mean) or trend (same direction) has
    lasted."""
    if rule == "shift":
        steps = np.sign(x - mean)
    elif rule == "trend":
        steps = np.sign(np.diff(x))
    else:
        return 1
    run = 1
    while run < len(steps) and steps[-run - 1] == steps[-1]:
        run += 1
    return run + (1 if rule == "trend" else 0)


def ranked(signals: list[Signal | None]) -> list[Signal]:
    """The signals found, most unusual first."""
    return sorted((s for s in signals if s is not None), key=lambda s: s.rank_key)
