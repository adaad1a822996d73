"""A stock-and-flow model of children looked after, by single year of age (0 to 17) and
placement group, month by month.

Each month, children start to be looked after at a rate per child in the population of their
age; they move between placement groups and leave care (by reason) with monthly chances that
depend on their age band and placement group; and a twelfth of each age turns a year older (the
17-year-olds who do so turn 18 and leave care). The rates are estimated from the store's flows
over a reference period (``estimate``); their uncertainty comes from resampling the reference
period's months with replacement (``bootstrap``), and chance from drawing each month's flows at
random (``simulate``). ``expected`` is the projection without chance: the central line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import duckdb
import numpy as np
import pandas as pd

from fsdash.metrics.care import CEASE_REASONS, PLACEMENTS
from fsdash.metrics.flows import TURNED_18, care_flows, population_by_age

AGES = 18
GROUPS = PLACEMENTS
REASONS = CEASE_REASONS
# Age bands whose rates are estimated together (single years have too few children each):
# (label, first age, last age). COARSE_BANDS serve where the narrower bands' figures are hidden
# from a role (``fsdash.projection.disclosure``).
BANDS = (("Under 1", 0, 0), ("1 to 4", 1, 4), ("5 to 9", 5, 9), ("10 and 11", 10, 11),
         ("12 to 15", 12, 15), ("16 and 17", 16, 17))
COARSE_BANDS = (("Under 12", 0, 11), ("12 to 17", 12, 17))
MIN_EXPOSURE = 12   # child-months in a band and group below which the group's all-ages rates serve
BOOTSTRAP_DRAWS = 200
SEED = 20260101     # fixed, so the same store and settings always give the same bands


@dataclass(frozen=True)
class History:
    """Monthly flows of care for an area: arrays indexed by month (``months``, month ends), age
    and placement group (and destination group or reason)."""

    months: tuple[dt.date, ...]
    stock: np.ndarray        # (M, A, G) looked after at the month end
    entries: np.ndarray      # (M, A, G) started in the month, by age and first placement group
    moves: np.ndarray        # (M, A, G, G) moved from one group to another in the month
    exits: np.ndarray        # (M, A, G, R) left care in the month aged under 18, by reason
    population: np.ndarray   # (M, A) the population estimate in force in the month
    latest_population: np.ndarray   # (A,) the latest estimate, held for the months ahead

    def index(self, month_end: dt.date) -> int:
        return self.months.index(month_end)

    def counts(self, ages=(0, 17)) -> pd.Series:
        """Children looked after at each month end, for an age range."""
        return pd.Series(self.stock[:, ages[0]:ages[1] + 1].sum(axis=(1, 2)),
                         index=pd.to_datetime(list(self.months)))


def load_history(con: duckdb.DuckDBPyConnection, month_ends: list[dt.date],
                 districts=()) -> History:
    """The flows of care for each of ``month_ends`` (consecutive) in an area."""
    flows = care_flows(con, month_ends, districts)
    position = {d: i for i, d in enumerate(month_ends)}
    group, reason = {g: i for i, g in enumerate(GROUPS)}, {r: i for i, r in enumerate(REASONS)}
    shape = (len(month_ends), AGES, len(GROUPS))
    arrays = {"stock": np.zeros(shape), "entry": np.zeros(shape),
              "move": np.zeros(shape + (len(GROUPS),)), "exit": np.zeros(shape + (len(REASONS),))}
    for row in flows.itertuples(index=False):
        if row.kind == "exit" and row.to_group == TURNED_18:
            continue
        month, age = position[row.as_at.date()], int(row.age)
        if row.kind == "stock":
            arrays["stock"][month, age, group[row.from_group]] += row.n
        elif row.kind == "entry":
            arrays["entry"][month, age, group[row.to_group]] += row.n
        elif row.kind == "move":
            arrays["move"][month, age, group[row.from_group], group[row.to_group]] += row.n
        else:
            arrays["exit"][month, age, group[row.from_group], reason[row.to_group]] += row.n
    population = population_by_age(con, districts)
    by_year = population.pivot_table(index="year", columns="age", values="population",
                                     aggfunc="sum").reindex(columns=range(AGES), fill_value=0)
    estimate_year = [min(max(d.year - (1 if d.month < 7 else 0), by_year.index.min()),
                         by_year.index.max()) for d in month_ends]
    return History(tuple(month_ends), arrays["stock"], arrays["entry"], arrays["move"],
                   arrays["exit"], by_year.loc[estimate_year].to_numpy(float),
                   by_year.iloc[-1].to_numpy(float))


@dataclass(frozen=True)
class Rates:
    """Monthly rates by single year of age (each age carries its band's rate)."""

    entry: np.ndarray   # (A,) starts per child in the population
    mix: np.ndarray     # (A, G) share of starts by first placement group
    move: np.ndarray    # (A, G, G) chance of moving from one group to another (0 on the diagonal)
    exit: np.ndarray    # (A, G, R) chance of leaving care by reason
    bands: tuple = BANDS   # the age bands the rates were estimated by

    def per_10000(self) -> np.ndarray:
        """Monthly starts per 10,000 children in the population, by age."""
        return 10000 * self.entry


def band_of_age(bands=BANDS) -> np.ndarray:
    """Each single year of age's band (its position in ``bands``)."""
    return np.array([next(i for i, (_, low, high) in enumerate(bands) if low <= age <= high)
                     for age in range(AGES)])


def _by_band(values: np.ndarray, bands) -> np.ndarray:
    """Sum an array over the ages (axis 0) of each band: (A, ...) to (bands, ...)."""
    return np.stack([values[low:high + 1].sum(axis=0) for _, low, high in bands])


def _rate(events: np.ndarray, exposure: np.ndarray, bands) -> np.ndarray:
    """Events (A, G, X) per child-month of exposure (A, G) by band and group, with the group's
    all-ages rate where a band has too little exposure; broadcast back to single ages."""
    banded, exposed = _by_band(events, bands), _by_band(exposure, bands)[:, :, None]
    overall = events.sum(axis=0) / np.maximum(exposure.sum(axis=0), 1)[:, None]
    rate = np.where(exposed >= MIN_EXPOSURE, banded / np.maximum(exposed, 1), overall[None])
    return rate[band_of_age(bands)]


def estimate(history: History, last: int, months: int, weights: np.ndarray | None = None,
             bands=BANDS) -> Rates:
    """Rates by ``bands`` from the ``months`` months up to and including index ``last`` (each
    month's flows set against the children looked after at the end of the month before),
    optionally weighted by how often a resampling drew each month."""
    window = slice(last - months + 1, last + 1)
    weight = np.ones(months) if weights is None else weights
    exposure = np.einsum("m,mag->ag", weight, history.stock[last - months:last])
    entries = np.einsum("m,mag->ag", weight, history.entries[window])
    moves = np.einsum("m,magh->agh", weight, history.moves[window])
    exits = np.einsum("m,magr->agr", weight, history.exits[window])
    population = np.einsum("m,ma->a", weight, history.population[window])
    started = entries.sum(axis=1)
    banded_starts, of_age = _by_band(started, bands), band_of_age(bands)
    entry = (banded_starts / np.maximum(_by_band(population, bands), 1))[of_age]
    all_mix = entries.sum(axis=0) / max(entries.sum(), 1)
    band_mix = _by_band(entries, bands) / np.maximum(banded_starts, 1)[:, None]
    mix = np.where((banded_starts > 0)[:, None], band_mix, all_mix)[of_age]
    return Rates(entry, mix, _rate(moves, exposure, bands), _rate(exits, exposure, bands), bands)


def bootstrap(history: History, last: int, months: int, draws: int = BOOTSTRAP_DRAWS,
              seed: int = SEED, bands=BANDS, span: int = 1) -> list[Rates]:
    """Rates from ``draws`` resamplings (with replacement) of the reference period's spans of
    ``span`` months (single months, or with 12 whole years ending at ``last``: then each draw
    rests on 12-month totals alone)."""
    rng = np.random.default_rng(seed)
    spans = months // span
    counts = rng.multinomial(spans, np.full(spans, 1 / spans), size=draws)
    return [estimate(history, last, months, np.repeat(weights, span), bands)
            for weights in counts]


def _leaving(rates: Rates) -> np.ndarray:
    """Each age and group's chances of each way out in a month, (A, G, G + R): moving to each
    group, or leaving care by each reason; staying put is what is left."""
    return np.concatenate([rates.move, rates.exit], axis=2)


def capped(rates: Rates, most: float = 0.95) -> Rates:
    """Rates whose chances of moving or leaving add up to no more than ``most`` a month (a
    scenario can push them up), scaled down together where they would."""
    total = _leaving(rates).sum(axis=2)
    scale = np.where(total > most, most / np.maximum(total, 1e-12), 1.0)[:, :, None]
    return replace(rates, move=rates.move * scale, exit=rates.exit * scale)


def step(stock: np.ndarray, rates: Rates, population: np.ndarray) -> np.ndarray:
    """The expected children looked after a month on, by age and group: (A, G) to (A, G)."""
    moving = stock[:, :, None] * rates.move
    leaving = stock * rates.exit.sum(axis=2)
    after = (stock - moving.sum(axis=2) - leaving + moving.sum(axis=1)
             + (population * rates.entry)[:, None] * rates.mix)
    return _age(after, after / 12)


def _age(stock: np.ndarray, ageing: np.ndarray) -> np.ndarray:
    """Move those turning a year older up one age (the second last axis); those turning 18
    leave care."""
    aged = stock - ageing
    aged[..., 1:, :] += ageing[..., :-1, :]
    return aged


def expected(start: np.ndarray, schedule: list[Rates], population: np.ndarray) -> np.ndarray:
    """The expected path: (months + 1, A, G), the start then one month for each rates in
    ``schedule`` (the rates in force in that month)."""
    path = [start]
    for rates in schedule:
        path.append(step(path[-1], rates, population))
    return np.stack(path)


def simulate(start: np.ndarray, schedules: list[list[Rates]], population: np.ndarray,
             seed: int = SEED) -> np.ndarray:
    """Paths drawn at random, one for each schedule (its own resampled rates): (draws, months +
    1, A, G). Each month's starts are Poisson, moves and leaving multinomial, ageing binomial."""
    rng = np.random.default_rng(seed)
    stock = np.repeat(np.rint(start)[None].astype(np.int64), len(schedules), axis=0)
    paths = [stock]
    groups = len(GROUPS)
    for month in range(len(schedules[0])):
        rates = [schedule[month] for schedule in schedules]
        leaving = np.stack([_leaving(r) for r in rates])                 # (D, A, G, G + R)
        stay = 1 - leaving.sum(axis=3)
        chances = leaving.copy()
        chances[..., :groups] += stay[..., None] * np.eye(groups)          # staying on the diagonal
        outcome = rng.multinomial(stock, chances)                          # (D, A, G, G + R)
        mean_starts = np.stack([(population * r.entry)[:, None] * r.mix for r in rates])
        after = outcome[..., :groups].sum(axis=2) + rng.poisson(mean_starts)
        stock = _age(after, rng.binomial(after, 1 / 12))
        paths.append(stock)
    return np.stack(paths, axis=1)
