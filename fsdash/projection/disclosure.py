"""What the Scenarios page may show a role whose small numbers are hidden.

The flow model's figures (rates, projections and their ranges, the chance of meeting the aim,
what it would take, costs, the back-test) are worked out from counts of children. Shown beside
the published population, a rate gives back the count it rests on: "7.5 starts a year per
10,000" times the population is the number who started. So for a role with small numbers
hidden, every figure the page shows rests only on published counts the role can see:

- the projection, its rates and what it would take: the model's rates are estimated by age
  bands whose totals are all shown figures (``inputs``): children looked after at the origin and
  at each month end of the reference period (the rates' exposure), and starts and ceases in each
  12 months of the reference period (a 24- or 36-month period is two or three published
  12-month totals, each shown). The narrow bands (under 1, 1 to 4, 5 to 9, 10 and 11, 12 to 15,
  16 and 17) rest on the published age choices under 1, 1 to 4, 5 to 9, 10 to 15, 16 and over,
  under 12 and all ages; where any of those is hidden the model uses two bands, under 12 and 12
  to 17 (resting on under 12 and all ages); where those are hidden too, the page says why and
  shows no projection (``choose_bands``);
- the back-test: the same for each month a forecast was made from, and the actual count a year
  later (``back_test_bands``);
- the ranges and the chance of meeting the aim: the reference period's rates are resampled by
  whole years (``RESAMPLED_SPAN``), each a published 12-month total, not by single months
  (whose series are mostly hidden);
- placement costs (weekly cost times children by placement group): the area's children looked
  after by placement group at the origin, every group shown (``costs_hidden``).

Nothing here is needed for a role that sees every count: its figures are all shown, so the
narrow bands always serve. Within a band the model's detail (single years of age, placement
groups, moves between them) is never shown as a count or rate of its own."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from fsdash.access import Figures
from fsdash.formatting import month
from fsdash.projection import backtest, flows

# Each band set and the published age choices its bands' totals are sums and differences of.
BAND_SETS = (
    (flows.BANDS, ("under1", "1-4", "5-9", "10-15", "16plus", "under12", "all")),
    (flows.COARSE_BANDS, ("under12", "all")),
)
RESAMPLED_SPAN = 12   # months resampled together for a role with small numbers hidden
AGES_IN_WORDS = {"under1": "aged under 1", "1-4": "aged 1 to 4", "5-9": "aged 5 to 9",
                 "10-15": "aged 10 to 15", "16plus": "aged 16 and over",
                 "under12": "aged under 12", "all": "of all ages"}


@dataclass(frozen=True)
class Input:
    """One published figure a projection rests on: ``family`` cla, starts or ceases (the 12
    months to ``day``), for an area and age choice."""

    family: str
    day: object
    age: str

    def words(self) -> str:
        """The figure in plain English, for saying what is hidden."""
        ages = AGES_IN_WORDS[self.age]
        if self.family == "cla":
            return f"children {ages} in care at the end of {month(self.day)}"
        verb = "starting" if self.family == "starts" else "leaving"
        return f"children {ages} {verb} care in the 12 months to {month(self.day)}"


def inputs(history: flows.History, last: int, reference: int,
           ages: Iterable[str]) -> list[Input]:
    """The published figures rates from the ``reference`` months to index ``last`` rest on, for
    the age choices ``ages``: children looked after at each month end from the one before the
    period to ``last``, and starts and ceases in each of the period's 12-month spans."""
    looked_after = [history.months[i] for i in range(last - reference, last + 1)]
    spans = [history.months[last - 12 * k] for k in range(reference // 12)]
    return ([Input("cla", day, age) for day in looked_after for age in ages]
            + [Input(family, day, age) for family in ("starts", "ceases") for day in spans
               for age in ages])


def hidden(figures: Figures, area: str, needed: list[Input]) -> list[Input]:
    """Which of the ``needed`` figures the role does not see for ``area``."""
    out = []
    for family in ("cla", "starts", "ceases"):
        wanted = [n for n in needed if n.family == family]
        if not wanted:
            continue
        shown = figures.counts(family, sorted({n.day for n in wanted})).xs(
            area, level="area")["shown"]
        keys = pd.MultiIndex.from_tuples([(pd.Timestamp(n.day), n.age) for n in wanted])
        out += [n for n, missing in zip(wanted, shown.reindex(keys).isna()) if missing]
    return out


@dataclass(frozen=True)
class Bands:
    """The age bands a role's projection uses, or (``bands`` None) why there is none:
    ``narrowest_hidden`` is a figure that stopped the narrow bands, ``hidden`` one that stopped
    every band set."""

    bands: tuple | None
    narrowest_hidden: Input | None = None
    hidden: Input | None = None

    @property
    def coarse(self) -> bool:
        return self.bands == flows.COARSE_BANDS


def choose_bands(figures: Figures, area: str, history: flows.History, lasts: Iterable[int],
                 reference: int, also: Iterable[Input] = ()) -> Bands:
    """The narrowest band set whose inputs for rates to each index in ``lasts`` (and the figures
    ``also``) the role sees for ``area``."""
    lasts, also, first_hidden = list(lasts), list(also), None
    for bands, ages in BAND_SETS:
        needed = [n for last in lasts for n in inputs(history, last, reference, ages)] + also
        missing = hidden(figures, area, needed)
        if not missing:
            return Bands(bands, first_hidden)
        first_hidden = first_hidden or missing[0]
    return Bands(None, first_hidden, missing[0])


def projection_bands(figures: Figures, area: str, history: flows.History, last: int,
                     reference: int) -> Bands:
    """The bands a projection from index ``last`` with rates from ``reference`` months uses."""
    return choose_bands(figures, area, history, [last], reference)


def back_test_bands(figures: Figures, area: str, history: flows.History) -> Bands:
    """The bands the back-test uses: every forecast's inputs, and the actual counts of under-12s
    and of all children a year after each, shown."""
    origins = backtest.origin_indices(history)
    actual = [Input("cla", history.months[o + backtest.HORIZON], age)
              for o in origins for age in ("under12", "all")]
    return choose_bands(figures, area, history, origins, backtest.REFERENCE, actual)


def costs_hidden(figures: Figures, area: str, day) -> bool:
    """Whether any placement group's count of children looked after in ``area`` on ``day`` is
    hidden from the role (costs by group would give it back)."""
    shown = figures.breakdown("cla_by_placement", day, area)
    return bool(shown["shown"].isna().any())
