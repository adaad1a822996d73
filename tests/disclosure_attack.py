"""An attacker's audit of what a role with small numbers hidden can see (issue 24).

Written as a determined councillor would attack the app, and independently of the app's own
suppression rule (``fsdash.access.suppression`` is never asked what is safe): collect the figures
the role is shown on a sample of dates through the functions the pages, the board pack and
``fsdash summary`` call; write each as a linear equation over unknown non-negative whole-number
cells (district by age group, by category, by month or by start window), add the identities
that link measures across dates and pages; then bound every hidden figure by linear programming
(HiGHS) over all of that, one connected group of equations at a time.

Each unknown carries its true value, read from the store, only to check that every equation the
attacker writes holds in the true data (those that do not, such as stock and flow for a
district where a child changed district, are left out and listed) and to judge the findings.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linprog
from scipy.sparse.csgraph import connected_components

from fsdash import metrics
from fsdash.access import AGE_CHOICES, SUPPRESSED, Figures
from fsdash.access.published import CATEGORY_TOTALS, districts_of
from fsdash.config import NOT_KNOWN, WHOLE_COUNCIL, Council
from fsdash.metrics import outcomes as outcome_metrics
from fsdash.metrics.grids import AGE_GROUPS, grid
from fsdash.metrics.outcomes import COMPARISON, MODEL
from fsdash.projection import backtest, flows
from fsdash.projection.scenario import Scenario
from fsdash.views import overview, scenarios
from fsdash.views.outcomes.children import (
    CHILD_MEASURES,
    child_hidden,
    child_results,
    children_block,
)
from fsdash.views.outcomes.common import GROUP_NAMES

EPSILON = 1e-6
DUAL = 1e-9            # a row with a dual value above this binds a bound
CAP = 1e5              # no count in the demo comes near it; keeps every maximum finite
PROTECTION = 3         # a hidden count from 1 to 5 must keep at least this many possible values
AGED = ("cla", "starts", "ceases")
COUNT_FAMILIES = ("cla", "starts", "ceases", "referrals", "cp_plans")
TWELVE_MONTH = ("starts", "ceases", "referrals")
RATE_COLUMN = "Starts a year per 10,000 children"   # Scenarios' table of the model's rates
RATE_PERIOD = "12"     # Scenarios' reference period the audit reads (the last year)
RATE_AREAS = 2         # localities whose Scenarios rates are read on each sample date
HALF_A_DECIMAL = 0.05  # a figure shown to one decimal place
SHOWN_SOURCES = 12     # rows quoted for a finding (a degenerate programme can name hundreds)
SAMPLING_ROUNDS = 10   # at most, rounds of random objectives before targets get their own
# The routes issue 24 names: what marks their rows, and the kinds of figure that are theirs.
ROUTES = {"Scenarios' rates times population": ("Scenarios", ()),
          "a percentage beside its denominator": ("% of", ("Outcomes", "re-referrals")),
          "stock and flow": ("stock and flow", ())}
# Each age group's ages in whole years (the last open-ended, but no child in care is 18).
GROUP_AGES = tuple(zip((0, 1, 5, 10, 12, 16), (0, 4, 9, 11, 15, 17)))
# The ages of each band Scenarios may show its rates by.
AGES_OF_BAND = {name: (low, high) for bands in (flows.BANDS, flows.COARSE_BANDS)
                for name, low, high in bands}


def months_back(day: dt.date, count: int) -> list[dt.date]:
    """The ``count`` month ends up to ``day``."""
    return metrics.month_ends(day, count)


def month_before(day: dt.date) -> dt.date:
    return months_back(day, 2)[0]


def sample_dates(con) -> dict[str, dt.date]:
    """The dates the audit attacks: the latest month end, the latest 31 March and a month end
    in the middle of the data (each with a year and 13 months of records behind it)."""
    months = metrics.reliable_month_ends(con)
    usable = [d for d in months if months_back(d, 13)[0] >= months[0]]
    return {"the latest month end": usable[-1],
            "the latest 31 March": max(d for d in usable if d.month == 3),
            "a month end in the middle": usable[len(usable) // 2]}


@dataclass(frozen=True)
class Target:
    """A figure the role cannot see, as a sum of unknowns: ``hidden`` True for a figure shown
    as "c", False for a count never shown as one (a percentage's numerator)."""

    route: str
    day: str
    area: str
    detail: str
    truth: float
    terms: tuple[tuple[int, float], ...]
    hidden: bool = True

    def describe(self) -> str:
        kind = "hidden figure" if self.hidden else "count behind a percentage"
        return f"{self.route}, {self.day}, {self.area}, {self.detail} ({kind}, true {self.truth:g})"


@dataclass
class Finding:
    """A target the attacker pins down, with the bounds and the shown figures that did it."""

    target: Target
    low: float
    high: float
    pinned_by: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)   # routes without which it stays hidden

    @property
    def values(self) -> int:
        return possible_values(self.low, self.high)

    @property
    def routes(self) -> list[str]:
        """The routes that give it away: those it needs, and the route of its kind of figure."""
        return [route for route, (_, kinds) in ROUTES.items()
                if route in self.needs or self.target.route.startswith(kinds)]

    def __str__(self) -> str:
        needs = ", ".join(self.needs) or "none of the named routes alone"
        more = len(self.pinned_by) - SHOWN_SOURCES
        return (f"{self.target.describe()}: bounded to {self.low:g} to {self.high:g} "
                f"({self.values} possible values), needing {needs}, by "
                + "; ".join(self.pinned_by[:SHOWN_SOURCES])
                + (f" and {more} more" if more > 0 else ""))


def possible_values(low: float, high: float) -> int:
    return max(0, math.floor(high + EPSILON) - math.ceil(low - EPSILON) + 1)


def exposed(target: Target, low: float, high: float, limit: int) -> bool:
    """Whether bounds give a target away: pinned exactly (a hidden figure), or a count from 1
    to the limit left fewer than ``PROTECTION`` possible whole numbers."""
    small = 1 <= round(target.truth) <= limit
    return ((target.hidden and high - low < EPSILON)
            or (small and possible_values(low, high) < PROTECTION))


class Knowledge:
    """The attacker's unknowns (non-negative whole numbers) and what shown figures and
    identities say about them, each row checked against the true data."""

    def __init__(self):
        self.index: dict[tuple, int] = {}
        self.truth: list[float] = []
        self.rows: list[tuple[tuple[tuple[int, float], ...], float, float, str]] = []
        self.left_out: list[str] = []      # rows that do not hold in the true data
        self.targets: list[Target] = []

    def unknown(self, key: tuple, truth: float) -> int:
        if key not in self.index:
            self.index[key] = len(self.truth)
            self.truth.append(float(truth))
        return self.index[key]

    def true_value(self, terms) -> float:
        return sum(self.truth[i] * c for i, c in terms)

    def bound(self, terms, low: float, high: float, source: str) -> bool:
        """``low <= sum <= high``, tightened to whole numbers (the unknowns are whole, and so
        is any sum of them with whole coefficients); left out, and listed, where the true data
        breaks it."""
        terms = _merged(terms)
        if all(float(c).is_integer() for _, c in terms):
            low, high = math.ceil(low - EPSILON), math.floor(high + EPSILON)
        true = self.true_value(terms)
        if not low - EPSILON <= true <= high + EPSILON:
            self.left_out.append(f"{source}: true {true:g}, not {low:g} to {high:g}")
            return False
        if terms:          # a sum of nothing tells nothing
            self.rows.append((terms, low, high, source))
        return True

    def equal(self, terms, value: float, source: str) -> bool:
        return self.bound(terms, value, value, source)

    def hide(self, route: str, day, area: str, detail: str, terms, hidden: bool = True) -> None:
        terms = _merged(terms)
        if terms:
            self.targets.append(Target(route, str(day), area, detail, self.true_value(terms),
                                       terms, hidden))


def _merged(terms) -> tuple[tuple[int, float], ...]:
    total: dict[int, float] = defaultdict(float)
    for i, c in terms:
        total[i] += c
    return tuple((i, c) for i, c in sorted(total.items()) if c)


class Collector:
    """What a role with small numbers hidden is shown around the sample dates, through the
    functions the pages and exports call, written into a ``Knowledge``.

    Counts are read on each sample date, the month end before it and the date a year before
    (what stock and flow over a month and a year need); monthly series over the 13 months to
    each sample date (the months of its 12-month totals and the month before's); breakdowns on
    the sample dates."""

    def __init__(self, con, council: Council, figures: Figures, dates: dict[str, dt.date]):
        self.con, self.council, self.figures = con, council, figures
        self.limit = council.max_suppressed
        self.samples = sorted(set(dates.values()))
        self.dates = sorted({d for s in self.samples
                             for d in (s, month_before(s), metrics.year_before(s))})
        self.months = sorted({m for s in self.samples for m in months_back(s, 13)})
        self.cell_districts = [d.code for d in council.districts] + [NOT_KNOWN]
        self.areas = [*council.areas(), NOT_KNOWN]
        self.knowledge = Knowledge()
        self._true: dict[tuple, pd.Series] = {}

    # ---- unknowns -----------------------------------------------------------------------
    def _true_cells(self, family: str, day: dt.date) -> pd.Series:
        key = (family, day)
        if key not in self._true:
            days = self.months if family.endswith("_in_month") else self.dates
            frame = grid(self.con, family, days)
            frame["district"] = frame["district"].fillna(NOT_KNOWN)
            for d, part in frame.groupby("as_at"):
                self._true[(family, d.date())] = part.groupby(["district", "age_group"])[
                    "value"].sum()
            self._true.setdefault(key, pd.Series(dtype=float))
        return self._true[key]

    def cell(self, family: str, day: dt.date, district: str, group: int) -> int:
        truth = self._true_cells(family, day).get((district, group), 0)
        return self.knowledge.unknown((family, day, district, group), truth)

    def groups(self, family: str) -> tuple[int, ...]:
        return tuple(range(len(AGE_GROUPS))) if family.split("_")[0] in AGED else (0,)

    def area_terms(self, family: str, day: dt.date, area: str, groups=None):
        groups = self.groups(family) if groups is None else groups
        return [(self.cell(family, day, d, g), 1.0) for d in districts_of(self.council, area)
                for g in groups]

    # ---- what is shown ------------------------------------------------------------------
    def counts(self) -> None:
        """Each count family's figures for every area and age choice on every date read."""
        for family in COUNT_FAMILIES:
            table = self.figures.counts(family, self.dates)
            for (day, area, age), row in table.iterrows():
                day = day.date()
                groups = AGE_CHOICES[age][0] if family in AGED else (0,)
                terms = self.area_terms(family, day, area, groups)
                if pd.notna(row["shown"]):
                    self.knowledge.equal(terms, row["shown"],
                                         f"{family} {day} {area} {age} shown {row['shown']:g}")
                else:
                    self.knowledge.hide(family, day, area, f"age {age}", terms)

    def monthly(self) -> None:
        """Monthly starts, ceases and referrals: each area and age choice's series, shown whole
        or hidden whole (a hidden month is a target only where it is itself from 1 to the
        limit)."""
        for family in TWELVE_MONTH:
            for area in self.areas:
                for age in (AGE_CHOICES if family in AGED else ("all",)):
                    series = self.figures.monthly(family, self.months, area, age)
                    groups = AGE_CHOICES[age][0] if family in AGED else (0,)
                    for day in self.months:
                        terms = self.area_terms(f"{family}_in_month", day, area, groups)
                        if series is not None:
                            shown = series[pd.Timestamp(day)]
                            self.knowledge.equal(terms, shown, f"{family} in the month to {day} "
                                                 f"{area} {age} shown {shown:g}")
                        elif 1 <= self.knowledge.true_value(terms) <= self.limit:
                            self.knowledge.hide(f"{family} in the month", day, area,
                                                f"age {age}", terms)

    def breakdowns(self) -> None:
        """Breakdowns by category on the sample dates, for every area."""
        for name in CATEGORY_TOTALS:
            for day in self.samples:
                true = metrics.breakdown_by_district(self.con, name, [day])
                true = true.assign(district=true["district"].fillna(NOT_KNOWN)).groupby(
                    ["district", "category"])["value"].sum()
                for area in self.areas:
                    shown = self.figures.breakdown(name, day, area)["shown"]
                    for category, value in shown.items():
                        terms = [(self.knowledge.unknown((name, day, d, category),
                                                         true.get((d, category), 0)), 1.0)
                                 for d in districts_of(self.council, area)]
                        source = f"{name} {day} {area} “{category}”"
                        if pd.notna(value):
                            self.knowledge.equal(terms, value, f"{source} shown {value:g}")
                        else:
                            self.knowledge.hide(name, day, area, f"“{category}”", terms)
                    self._breakdown_totals(name, day, list(shown.index))

    def _breakdown_totals(self, name: str, day: dt.date, categories: list) -> None:
        """A district's categories add up to its count (identity)."""
        family = CATEGORY_TOTALS[name]
        for district in self.cell_districts:
            terms = [(self.knowledge.index[(name, day, district, c)], 1.0) for c in categories]
            terms += [(self.cell(family, day, district, g), -1.0) for g in self.groups(family)]
            self.knowledge.equal(terms, 0, f"identity: {name} categories add up to {family}, "
                                 f"{district} {day}")

    # ---- identities ---------------------------------------------------------------------
    def identities(self) -> None:
        """12-month totals are the sum of their months; children looked after now less a year
        (or a month) earlier is starts less ceases in between, district by district."""
        for day in self.dates:
            window = months_back(day, 12)
            if set(window) <= set(self.months):
                for family in TWELVE_MONTH:
                    for district in self.cell_districts:
                        for g in self.groups(family):
                            terms = [(self.cell(family, day, district, g), 1.0)]
                            terms += [(self.cell(f"{family}_in_month", m, district, g), -1.0)
                                      for m in window]
                            self.knowledge.equal(terms, 0, f"identity: {family} in 12 months "
                                                 f"to {day} = its months, {district} group {g}")
            for before, flow, what in ((metrics.year_before(day), "", "a year"),
                                       (month_before(day), "_in_month", "a month")):
                if before not in self.dates or (flow and day not in self.months):
                    continue
                for district in self.cell_districts:
                    terms = [(self.cell("cla", day, district, g), 1.0) for g in range(6)]
                    terms += [(self.cell("cla", before, district, g), -1.0) for g in range(6)]
                    terms += [(self.cell(f"starts{flow}", day, district, g), -1.0)
                              for g in range(6)]
                    terms += [(self.cell(f"ceases{flow}", day, district, g), 1.0)
                              for g in range(6)]
                    self.knowledge.equal(terms, 0, f"identity: stock and flow over {what} "
                                         f"to {day}, {district}")

    # ---- rates and percentages ----------------------------------------------------------
    def scenario_rates(self) -> None:
        """Scenarios' table of starts a year per 10,000 children, by age band, with the
        population the projection divides by (published ONS estimates), over the last year to
        each sample date, for the localities with the most hidden starts that day (the ones an
        attacker would pick); and its back-test's actual counts."""
        plans = {}
        label, months = scenarios.REFERENCE_PERIODS[RATE_PERIOD]
        for day in self.samples:
            read = 0
            for area in self._most_hidden_starts(day):
                if read == RATE_AREAS:
                    break
                if area not in plans:
                    plans[area] = scenarios.planning(self.con, self.council, area)
                history = plans[area].history
                try:
                    view = scenarios.scenarios_view(self.con, self.figures, self.council,
                                                    plans[area], day, area, Scenario(day),
                                                    RATE_PERIOD, 10, 3)
                except ValueError:       # the page shows why there is no projection
                    continue
                read += 1
                end = history.index(day)
                window = list(history.months[end - months + 1:end + 1])
                for band, rate in view.rates.table.set_index("Age")[RATE_COLUMN].items():
                    low, high = AGES_OF_BAND[band]
                    people = history.population[end - months + 1:end + 1, low:high + 1].sum()
                    groups = [g for g, (top, bottom) in enumerate(GROUP_AGES)
                              if low <= bottom and top <= high]
                    terms = [t for m in window
                             for t in self.area_terms("starts_in_month", m, area, groups)]
                    scale = people / (12 * 10000)
                    self.knowledge.bound(
                        terms, (rate - HALF_A_DECIMAL) * scale, (rate + HALF_A_DECIMAL) * scale,
                        f"Scenarios rate {rate:g} per 10,000 ({band}, {label.lower()} to "
                        f"{day}, {area}) × population {people:g}")
                self._back_test(view.accuracy.table, area)

    def _most_hidden_starts(self, day: dt.date) -> list[str]:
        """The areas Scenarios offers, those with the most hidden starts on ``day`` first."""
        shown = self.figures.counts("starts", [day])["shown"]
        hidden = shown.isna().groupby(level="area").sum()
        return sorted(scenarios.area_options(self.council), key=lambda a: -hidden.get(a, 0))

    def _back_test(self, table: pd.DataFrame, area: str) -> None:
        """The back-test's actual counts, a year after each forecast's month."""
        if not len(table):
            return
        ages = {label: ages for label, ages in backtest.MEASURES.values()}
        for row in table.drop_duplicates(["Forecast made at", "Measure"]).itertuples():
            made = pd.to_datetime(row[table.columns.get_loc("Forecast made at") + 1],
                                  format="%d %B %Y")
            day = (made + pd.offsets.MonthEnd(12)).date()
            if day not in self.dates:
                continue
            low, high = ages[row.Measure]
            groups = [g for g, (top, bottom) in enumerate(GROUP_AGES)
                      if low <= bottom and top <= high]
            self.knowledge.equal(self.area_terms("cla", day, area, groups), row.Actual,
                                 f"Scenarios back-test actual {row.Actual:g} ({row.Measure}, "
                                 f"{day}, {area})")

    def rereferrals(self) -> None:
        """The percentage of referrals that were re-referrals, beside the referrals shown
        (Front door, the Overview's card, the heat map, the board pack and ``summary``)."""
        true = self._true_rereferrals()
        for area, districts in self.council.areas().items():
            values, hidden = overview.protected_series(
                self.figures, self.con, "rereferral_pct", self.dates, area,
                districts if area != WHOLE_COUNCIL else (), self.council)
            for stamp, percent in values.where(~hidden).items():
                day = stamp.date()
                referrals = self.figures.count("referrals", day, area)
                terms = [(self.knowledge.unknown(("rereferred", day, d),
                                                 true.get((day, d), 0)), 1.0)
                         for d in districts_of(self.council, area)]
                if pd.notna(percent) and referrals is not None:
                    self.knowledge.bound(
                        terms, (percent - HALF_A_DECIMAL) * referrals / 100,
                        (percent + HALF_A_DECIMAL) * referrals / 100,
                        f"re-referrals {percent:g}% of {referrals:g} referrals ({day}, {area})")
                if day in self.samples:
                    self.knowledge.hide("re-referrals (numerator)", day, area, "all ages",
                                        terms, hidden=False)

    def _true_rereferrals(self) -> dict:
        """Referrals within 12 months of the child's previous one, by date and district (the
        measure's definition), to check the attacker's equations."""
        frame = self.con.execute("""
            WITH flagged AS (
                SELECT r.referral_date, coalesce(c.district_code, $unknown) AS district,
                       lag(r.referral_date) OVER (PARTITION BY r.child_id
                                                  ORDER BY r.referral_date, r.referral_id) AS prev
                FROM referral r JOIN child c USING (child_id))
            SELECT d.as_at, f.district, count(*) AS value
            FROM unnest($dates::DATE[]) AS d(as_at) JOIN flagged f
              ON f.referral_date > d.as_at - INTERVAL 1 YEAR AND f.referral_date <= d.as_at
             AND f.prev >= f.referral_date - INTERVAL 1 YEAR
            GROUP BY ALL""", {"dates": self.dates, "unknown": NOT_KNOWN}).df()
        return {(r.as_at.date(), r.district): r.value for r in frame.itertuples()}

    def outcome_shares(self) -> None:
        """Outcomes' children's measures as the page's table shows them (the functions
        ``outcomes_view`` calls): each group's percentage beside how many it counts, for the
        window since launch (the board pack's) and the financial years that make it up, in
        every area. Unknowns are counts by district and stretch of start dates between the
        windows' edges, so that each window is the sum of its stretches; the comparison group
        is the same children in every window."""
        _, latest = outcome_metrics.data_span(self.con)
        offered = outcome_metrics.windows(self.council, latest)
        since = offered["all"]
        read = {key: w for key, w in offered.items()
                if key == "all" or (w.start <= since.end and w.end >= since.start)}
        first = min(w.start for w in offered.values())
        children = outcome_metrics.cohort_children(self.con, self.council, first, latest)
        plans = outcome_metrics.cohort_plans(self.con, self.council, first, latest)
        hidden = child_hidden(self.council, children, plans, offered, self.limit)
        edges = sorted({w.start for w in read.values()}
                       | {w.end + dt.timedelta(days=1) for w in read.values()})
        true = _true_shares(children, plans, edges)
        for key, window in read.items():
            stretches = [i for i, start in enumerate(edges[:-1])
                         if window.start <= start and edges[i + 1] <= window.end
                         + dt.timedelta(days=1)]
            for area in self.council.areas():
                table = children_block(child_results(self.council, children, plans, hidden, key,
                                                     window, area), window, area).table
                for measure, title in CHILD_MEASURES.items():
                    row = table.set_index("Measure").loc[title + " (%)"]
                    for group, counted_column in ((MODEL, "Counted (under the model)"),
                                                  (COMPARISON, "Counted (before the model)")):
                        self._share(key, stretches, area, measure, group, true,
                                    _number(row[counted_column]),
                                    _number(row[GROUP_NAMES[group]]))

    def _share_terms(self, part: str, stretches, measure: str, group: str, districts,
                     true: dict):
        stretches = stretches if group == MODEL else ("any",)
        return [(self.knowledge.unknown(key, true.get(key, 0)), 1.0)
                for s in stretches for d in districts
                for key in [(part, s, measure, group, d)]]

    def _share(self, window: str, stretches: list, area: str, measure: str, group: str,
               true: dict, counted: float, percent: float) -> None:
        districts = self.council.areas()[area]
        n, k = (self._share_terms(part, stretches, measure, group, districts, true)
                for part in ("n", "k"))
        name = f"Outcomes {measure} ({group}, began {window}, {area})"
        if pd.notna(counted):
            self.knowledge.equal(n, counted, f"{name}: counted {counted:g}")
        else:
            self.knowledge.hide(f"Outcomes {measure} counted", f"began {window}", area, group, n)
        if pd.notna(percent) and pd.notna(counted):
            self.knowledge.bound(k, (percent - HALF_A_DECIMAL) * counted / 100,
                                 (percent + HALF_A_DECIMAL) * counted / 100,
                                 f"{name}: {percent:.1f}% of {counted:g}")
        self.knowledge.hide(f"Outcomes {measure} (numerator)", f"began {window}", area, group,
                            k, hidden=False)

    def collect(self) -> Knowledge:
        self.counts()
        self.monthly()
        self.breakdowns()
        self.identities()
        self.scenario_rates()
        self.rereferrals()
        self.outcome_shares()
        return self.knowledge


def _true_shares(children: pd.DataFrame, plans: pd.DataFrame, edges: list[dt.date]) -> dict:
    """Each measure's counted rows (n) and numerator (k) by stretch of start dates (the
    position of the stretch between ``edges``), group and district (the comparison group's
    under stretch "any")."""
    plans = plans.merge(children[["child_id", "district_code"]].drop_duplicates("child_id"),
                        on="child_id")
    bins = pd.to_datetime(edges)
    true = {}
    for measure in CHILD_MEASURES:
        source, column = ((plans, "repeat_plan") if measure == "repeat_plans"
                          else (children, measure))
        known = source[source[column].notna()]
        stretch = pd.Series(pd.cut(pd.to_datetime(known["start_date"]), bins, right=False,
                                   labels=False), index=known.index)
        stretch = stretch.where(known["grp"] == MODEL, "any")
        keyed = known.assign(stretch=stretch, yes=known[column].astype(float)).dropna(
            subset=["stretch"])
        for (s, group, district), part in keyed.groupby(["stretch", "grp", "district_code"]):
            s = s if s == "any" else int(s)
            true[("n", s, measure, group, district)] = len(part)
            true[("k", s, measure, group, district)] = float(part["yes"].sum())
    return true


def _number(text: str) -> float:
    """A number as a table shows it ("1,234", "12.5"), NaN for the suppression symbol."""
    return float("nan") if text == SUPPRESSED else float(str(text).replace(",", ""))


# ---- the attack ---------------------------------------------------------------------------
@dataclass
class Result:
    targets: list[Target]
    findings: list[Finding]
    left_out: list[str]
    rows: int
    unknowns: int
    route_rows: dict[str, int] = field(default_factory=dict)
    groups: int = 0
    largest_group: int = 0
    lp_solved: int = 0
    seconds: dict = field(default_factory=dict)

    def given_away(self, route: str | None = None) -> list[Finding]:
        """Findings by ``route`` (one of ``ROUTES``), or all of them for None."""
        return [f for f in self.findings if route is None or route in f.routes]


def attack(knowledge: Knowledge, limit: int) -> Result:
    """Bound every target over everything the attacker knows, one connected group of
    equations (unknowns linked by a shared row or target) at a time; a finding for each one
    given away, with the routes it needs."""
    rows, unknowns = len(knowledge.rows), len(knowledge.truth)
    sources = np.array([r[3] for r in knowledge.rows], dtype=object)
    matrix = _matrix([r[0] for r in knowledge.rows], unknowns)
    low = np.array([r[1] for r in knowledge.rows])
    high = np.array([r[2] for r in knowledge.rows])
    component = _components(matrix, [t.terms for t in knowledge.targets], unknowns)
    by_component = defaultdict(list)
    for target in knowledge.targets:
        by_component[component[target.terms[0][0]]].append(target)
    row_component = component[matrix.indices[matrix.indptr[:-1]]] if rows else np.array([])
    result = Result(knowledge.targets, [], knowledge.left_out, rows, unknowns,
                    {route: sum(mark in s for s in sources)
                     for route, (mark, _) in ROUTES.items()}, groups=len(by_component))
    for part, targets in by_component.items():
        columns = np.flatnonzero(component == part)
        kept = np.flatnonzero(row_component == part)
        result.largest_group = max(result.largest_group, len(columns))

        def problem(keep=None, kept=kept, columns=columns):
            chosen = kept if keep is None else kept[keep]
            return _Problem(matrix[chosen][:, columns], low[chosen], high[chosen], columns,
                            list(sources[chosen]))

        whole = problem()
        found = [Finding(t, lo, hi, used)
                 for t, (lo, hi, used) in whole.bounds(targets, limit).items()
                 if exposed(t, lo, hi, limit)]
        result.lp_solved += whole.solved
        for route, (mark, _) in ROUTES.items():
            # a finding whose bounds' certificates use none of the route's rows does not need it
            using = [f for f in found if any(mark in s for s in f.pinned_by)]
            if not using:
                continue
            without = problem(np.array([mark not in s for s in sources[kept]], bool))
            bounds = without.bounds([f.target for f in using], limit)
            for finding in using:
                if not exposed(finding.target, *bounds[finding.target][:2], limit):
                    finding.needs.append(route)
            result.lp_solved += without.solved
        result.findings += found
    return result


def _matrix(rows, unknowns: int) -> sparse.csr_array:
    data, indices, pointers = [], [], [0]
    for terms in rows:
        indices += [i for i, _ in terms]
        data += [c for _, c in terms]
        pointers.append(len(indices))
    return sparse.csr_array((np.array(data, float), np.array(indices, int), pointers),
                            shape=(len(rows), unknowns))


def _components(matrix: sparse.csr_array, targets: list, unknowns: int) -> np.ndarray:
    """Which unknowns are linked by any row or target (an unknown in neither is its own
    group)."""
    links = sparse.vstack([matrix, _matrix(targets, unknowns)]).tocsr()
    pattern = sparse.csr_array((np.ones(links.nnz), links.indices, links.indptr),
                               shape=links.shape)
    graph = sparse.bmat([[None, pattern], [pattern.T, None]])
    _, labels = connected_components(graph, directed=False)
    return labels[links.shape[0]:]


class _Problem:
    """One group's linear programme: equalities and intervals, unknowns from 0 to CAP."""

    def __init__(self, matrix, low, high, columns, sources):
        self.position = {c: i for i, c in enumerate(columns)}
        self.solved = 0
        equal = np.abs(high - low) < EPSILON
        self.a_eq, self.b_eq = matrix[equal], low[equal]
        ranged = np.flatnonzero(~equal)
        self.a_ub = sparse.vstack([matrix[ranged], -matrix[ranged]]).tocsr() if len(
            ranged) else None
        self.b_ub = np.r_[high[ranged], -low[ranged]] if len(ranged) else None
        self.eq_sources = [s for s, e in zip(sources, equal) if e]
        self.ub_sources = [sources[i] for i in ranged] * 2
        self.size = len(columns)

    def objective(self, target: Target) -> np.ndarray:
        c = np.zeros(self.size)
        for i, coef in target.terms:
            c[self.position[i]] += coef
        return c

    def solve(self, c: np.ndarray):
        self.solved += 1
        result = linprog(c, A_ub=self.a_ub, b_ub=self.b_ub,
                         A_eq=self.a_eq if self.a_eq.shape[0] else None,
                         b_eq=self.b_eq if self.a_eq.shape[0] else None,
                         bounds=(0, CAP), method="highs")
        if result.status != 0:
            raise RuntimeError(f"the attacker's programme failed: {result.message}")
        return result

    def bounds(self, targets: list[Target], limit: int) -> dict:
        """Each target's least and greatest value, and the rows that bind them. Every
        solution of a programme is a possible truth, so programmes with random objectives
        (each open target pushed up or down at random) show most targets keep enough possible
        values; only those left open get programmes of their own, for their greatest value
        and then (if still open) their least, each solution noted for the others."""
        objectives = {t: self.objective(t) for t in targets}
        seen = {t: [t.truth, t.truth] for t in targets}   # the truth is a solution too

        def note(x, open_):
            for t in open_:
                value = float(objectives[t] @ x)
                seen[t] = [min(seen[t][0], value), max(seen[t][1], value)]

        open_ = list(targets)
        rng = np.random.default_rng(24)
        for _ in range(SAMPLING_ROUNDS):
            pushed = sum(s * objectives[t]
                         for s, t in zip(rng.choice((-1.0, 1.0), len(open_)), open_))
            for direction in (1.0, -1.0):
                note(self.solve(direction * pushed).x, open_)
            still = [t for t in open_ if exposed(t, *seen[t], limit)]
            progress, open_ = len(still) < len(open_), still
            if not (open_ and progress):
                break
        used = {t: [] for t in targets}
        for t in open_:
            for sign, end in ((-1.0, 1), (1.0, 0)):      # the greatest value, then the least
                if not exposed(t, *seen[t], limit):
                    break
                result = self.solve(sign * objectives[t])
                note(result.x, open_)
                seen[t][end] = sign * result.fun
                used[t] += self._binding(result)
        return {t: (*seen[t], sorted(set(used[t]))) for t in targets}

    def _binding(self, result) -> list[str]:
        """The rows with a dual value in a solved programme: its bound follows from them
        alone."""
        used = []
        if self.a_eq.shape[0]:
            used += [s for s, m in zip(self.eq_sources, result.eqlin.marginals)
                     if abs(m) > DUAL]
        if self.a_ub is not None:
            used += [s for s, m in zip(self.ub_sources, result.ineqlin.marginals)
                     if abs(m) > DUAL]
        return used


def route_of(target: Target) -> str:
    """The kind of figure a target is, for the report."""
    return target.route.split(" (")[0]


def summary(result: Result) -> str:
    """What the attack tried and found: its size, its time, and hidden figures given away by
    route and by kind of figure."""
    tried = Counter(route_of(t) for t in result.targets)
    given = Counter(route_of(f.target) for f in result.findings)
    seconds = ", ".join(f"{what} {s:.0f} s" for what, s in result.seconds.items())
    routes = "; ".join(f"{route}: {len(result.given_away(route))} pinned "
                       f"({result.route_rows.get(route, 0)} rows)" for route in ROUTES)
    lines = [f"  {given[kind]} of {tried[kind]} given away: {kind}" for kind in sorted(tried)]
    return (f"Disclosure audit: {len(result.findings)} of {len(result.targets)} hidden figures "
            f"given away; {result.rows} equations over {result.unknowns} unknowns in "
            f"{result.groups} groups (the largest {result.largest_group} unknowns), "
            f"{result.lp_solved} linear programmes, {len(result.left_out)} rows left out "
            f"(false in the data); {seconds}\nBy route: {routes}\n" + "\n".join(lines))
