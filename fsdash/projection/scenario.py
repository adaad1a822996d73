"""Scenarios for the flow model: changes to starts, to children leaving care to live with a
family, and to step-down from residential care to foster care, by age band, from a chosen month;
each kept as page-address parameters and said in plain English. ``outlook`` projects the count
and placement costs with and without a scenario, on the same random draws."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from fsdash.formatting import month
from fsdash.projection import flows

# Age bands a scenario changes rates for: (label in a sentence, first age, last age).
SCENARIO_BANDS = {"under5": ("under-5s", 0, 4), "5to11": ("5 to 11-year-olds", 5, 11),
                  "12plus": ("12 to 17-year-olds", 12, 17)}
# The levers, each a percentage change by band: (label, lowest, highest, step).
LEVERS = {
    "starts": ("Children starting care", -50, 50, 5),
    "leaving": ("Children leaving care to live with a family", -50, 100, 5),
    "stepdown": ("Moves from residential care to foster care", -50, 200, 10),
}
FAMILY_EXITS = ("Returned home", "Special guardianship order", "Adopted",
                "Child arrangements order")
RESIDENTIAL = ("Children's homes and supported living", "Other residential settings")
FOSTER = ("Foster care with relatives or friends", "Other foster care")
UNDER_12 = 12
WEEKS_A_MONTH = 365.25 / 12 / 7   # an average month, so that costs do not dip in February


def _band_mask(band: str) -> np.ndarray:
    _, low, high = SCENARIO_BANDS[band]
    return (np.arange(flows.AGES) >= low) & (np.arange(flows.AGES) <= high)


def _indices(names, among) -> list[int]:
    return [among.index(name) for name in names]


@dataclass(frozen=True)
class Scenario:
    """Percentage changes to each lever by band, from the month ending ``start``."""

    start: dt.date
    changes: tuple[tuple[str, str, float], ...] = ()     # (lever, band, percent), none zero

    @classmethod
    def build(cls, start: dt.date, changes: dict[str, dict[str, float]]) -> Scenario:
        """A scenario from percentages by lever and band (zeros left out)."""
        return cls(start, tuple((lever, band, percent) for lever, bands in changes.items()
                                for band, percent in bands.items() if percent))

    def change(self, lever: str, band: str) -> float:
        return next((p for *key, p in self.changes if tuple(key) == (lever, band)), 0)

    @property
    def is_baseline(self) -> bool:
        return not self.changes

    def apply(self, rates: flows.Rates) -> flows.Rates:
        """The rates with this scenario's changes, capped so that no more than 95% of any group
        moves or leaves in a month."""
        entry, leaving, moves = rates.entry.copy(), rates.exit.copy(), rates.move.copy()
        family = _indices(FAMILY_EXITS, flows.REASONS)
        residential, foster = _indices(RESIDENTIAL, flows.GROUPS), _indices(FOSTER, flows.GROUPS)
        for band in SCENARIO_BANDS:
            ages = _band_mask(band)
            entry[ages] *= 1 + self.change("starts", band) / 100
            leaving[np.ix_(ages, range(len(flows.GROUPS)), family)] *= (
                1 + self.change("leaving", band) / 100)
            moves[np.ix_(ages, residential, foster)] *= 1 + self.change("stepdown", band) / 100
        return flows.capped(replace(rates, entry=entry, exit=leaving, move=moves))

    def sentence(self) -> str:
        """The scenario in plain English."""
        if self.is_baseline:
            return "No change: the rates of the reference period carry on."
        parts = []
        for lever, verbs in (("starts", ("fewer", "more", "start care")),
                             ("leaving", ("fewer", "more", "leave care to live with a family")),
                             ("stepdown", ("fewer", "more", "move from residential care to "
                                                        "foster care"))):
            for band, (label, _, _) in SCENARIO_BANDS.items():
                percent = self.change(lever, band)
                if percent:
                    parts.append(f"{abs(percent):g}% {verbs[percent > 0]} {label} {verbs[2]}")
        listed = "; ".join(parts)
        return f"From {month(self.start)}: {listed}."

    def params(self) -> dict[str, str]:
        """The scenario as page-address parameters (only the changes that are set)."""
        out = {"from": f"{self.start:%Y-%m}"}
        for lever in LEVERS:
            for band in SCENARIO_BANDS:
                if self.change(lever, band):
                    out[f"{lever}_{band}"] = f"{self.change(lever, band):g}"
        return out


@dataclass(frozen=True)
class Outlook:
    """Projections from a month with and without a scenario: month ends, the expected children
    looked after (``expected``, (months + 1, A, G)), random paths' totals for under-12s and all
    (``draws``), the same for the scenario, and the weekly cost of each group."""

    months: tuple[dt.date, ...]
    baseline: np.ndarray
    scenario: np.ndarray
    baseline_draws: dict[str, np.ndarray]
    scenario_draws: dict[str, np.ndarray]
    weekly_costs: np.ndarray | None       # (G,) pounds, None where the council has not set them

    def path(self, which: str, ages: str) -> pd.DataFrame:
        """Expected count (``central``) with 8-in-10 and 19-in-20 ranges, for "baseline" or
        "scenario" and "under12" or "all"."""
        expected = self.baseline if which == "baseline" else self.scenario
        draws = (self.baseline_draws if which == "baseline" else self.scenario_draws)[ages]
        limit = UNDER_12 if ages == "under12" else flows.AGES
        frame = pd.DataFrame({"as_at": pd.to_datetime(list(self.months)),
                              "central": expected[:, :limit].sum(axis=(1, 2))})
        for name, q in (("low95", 2.5), ("low80", 10), ("high80", 90), ("high95", 97.5)):
            frame[name] = np.percentile(draws, q, axis=0)
        return frame

    def chance_at_or_below(self, which: str, ages: str, target: float) -> float:
        """The share of random paths at or below ``target`` at the end."""
        draws = (self.baseline_draws if which == "baseline" else self.scenario_draws)[ages]
        return float((np.rint(draws[:, -1]) <= target).mean())

    def monthly_costs(self, which: str) -> pd.Series:
        """Expected placement costs in each month ahead (pounds, an average month's weeks)."""
        expected = self.baseline if which == "baseline" else self.scenario
        by_group = expected[1:].sum(axis=1) * self.weekly_costs[None, :] * WEEKS_A_MONTH
        return pd.Series(by_group.sum(axis=1), index=pd.to_datetime(self.months[1:]))

    def costs_by_group(self, which: str) -> pd.Series:
        """Expected placement costs over the whole projection by placement group (pounds)."""
        expected = self.baseline if which == "baseline" else self.scenario
        weeks = expected[1:].sum(axis=(0, 1)) * WEEKS_A_MONTH
        return pd.Series(weeks * self.weekly_costs, index=list(flows.GROUPS))


def month_ends_after(start: dt.date, end: dt.date) -> list[dt.date]:
    """Month ends from ``start`` (itself a month end) to the month end on or after ``end``."""
    last = pd.Timestamp(end) + pd.offsets.MonthEnd(0)
    return [d.date() for d in pd.date_range(pd.Timestamp(start), last, freq="ME")]


def schedule(rates: flows.Rates, scenario: Scenario, months: tuple[dt.date, ...]):
    """The rates in force in each month ahead under the scenario (from its start month)."""
    after = scenario.apply(rates)
    return [after if day >= scenario.start else rates for day in months[1:]]


def _totals(paths: np.ndarray) -> dict[str, np.ndarray]:
    return {"under12": paths[:, :, :UNDER_12].sum(axis=(2, 3)), "all": paths.sum(axis=(2, 3))}


@dataclass(frozen=True)
class Baseline:
    """The projection if the reference period's rates carry on, which no scenario changes (so
    it is worked out once for all of a page's scenarios): month ends, the central and resampled
    rates, the expected children looked after (months + 1, A, G) and random paths' totals."""

    months: tuple[dt.date, ...]
    start: np.ndarray
    population: np.ndarray
    central: flows.Rates
    resampled: list[flows.Rates]
    expected: np.ndarray
    draws: dict[str, np.ndarray]


def baseline(history: flows.History, origin: dt.date, end: dt.date, reference_months: int,
             bands=flows.BANDS, span: int = 1) -> Baseline:
    """Project from the month end ``origin`` to ``end`` with rates by ``bands`` from the
    ``reference_months`` months to ``origin`` (their ranges from resampling its spans of
    ``span`` months)."""
    last = history.index(origin)
    months = tuple(month_ends_after(origin, end))
    start, population = history.stock[last], history.latest_population
    central = flows.estimate(history, last, reference_months, bands=bands)
    resampled = flows.bootstrap(history, last, reference_months, bands=bands, span=span)
    ahead = len(months) - 1
    return Baseline(months, start, population, central, resampled,
                    flows.expected(start, [central] * ahead, population),
                    _totals(flows.simulate(start, [[r] * ahead for r in resampled], population)))


def outlook(history: flows.History, origin: dt.date, end: dt.date, scenario: Scenario,
            reference_months: int, weekly_costs: np.ndarray | None,
            bands=flows.BANDS, span: int = 1, base: Baseline | None = None) -> Outlook:
    """Project from the month end ``origin`` to ``end`` with and without ``scenario`` (on the
    same random draws), from ``base`` where given, else from its ``baseline``."""
    base = base or baseline(history, origin, end, reference_months, bands, span)
    expected, draws = base.expected, base.draws
    if not scenario.is_baseline:
        expected = flows.expected(base.start, schedule(base.central, scenario, base.months),
                                  base.population)
        draws = _totals(flows.simulate(base.start, [schedule(r, scenario, base.months)
                                                    for r in base.resampled], base.population))
    return Outlook(months=base.months, baseline=base.expected, scenario=expected,
                   baseline_draws=base.draws, scenario_draws=draws, weekly_costs=weekly_costs)


def starts_fall_needed(history: flows.History, origin: dt.date, end: dt.date, start: dt.date,
                       reference_months: int, target: float,
                       bands=flows.BANDS) -> float | None:
    """The smallest fall in under-12s' starts (a fraction, from ``start``) at which the
    expected number of under-12s at ``end`` is at or below ``target``: 0 if none is needed,
    None if even no starts at all would not be enough."""
    last = history.index(origin)
    months = tuple(month_ends_after(origin, end))
    rates = flows.estimate(history, last, reference_months, bands=bands)
    population = history.latest_population

    def under12_at_end(fall: float) -> float:
        change = {band: -round(100 * fall, 6) for band in ("under5", "5to11")}
        changed = schedule(rates, Scenario.build(start, {"starts": change}), months)
        return float(flows.expected(history.stock[last], changed, population)[-1, :UNDER_12].sum())

    if round(under12_at_end(0)) <= target:
        return 0.0
    if round(under12_at_end(1)) > target:
        return None
    low, high = 0.0, 1.0
    while high - low > 0.0025:
        middle = (low + high) / 2
        low, high = (low, middle) if round(under12_at_end(middle)) <= target else (middle, high)
    return high
