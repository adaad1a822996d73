"""An attacker's audit of what a role with small numbers hidden can see (issue 24).

Written as a determined councillor would attack the app, and independently of the app's own
suppression rule (``fsdash.access.suppression`` is never asked what is safe): collect every figure
the role is shown through the functions the pages, the board pack and ``fsdash summary`` call;
write each as a linear equation over unknown non-negative whole-number cells (district by age
group, by category or by month), add the identities that link measures across dates and pages;
then bound every hidden figure by linear programming (HiGHS) over all of that.

Each unknown carries its true value, read from the store, only to check that every equation the
attacker writes holds in the true data (those that do not, such as stock and flow for a
district where a child changed district, are left out and listed) and to judge the findings.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
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
from fsdash.views import outcomes, overview, scenarios
from fsdash.views.outcomes.children import CHILD_MEASURES
from fsdash.views.outcomes.common import GROUP_NAMES

EPSILON = 1e-6
CAP = 1e5              # no count in the demo comes near it; keeps every maximum finite
PROTECTION = 3         # a hidden count from 1 to 5 must keep at least this many possible values
AGED = ("cla", "starts", "ceases")
ON_A_DATE = ("cla", "cp_plans")
TWELVE_MONTH = ("starts", "ceases", "referrals")
RATE_COLUMN = "Starts a year per 10,000 children"   # Scenarios' table of the model's rates
HALF_A_DECIMAL = 0.05                                # a figure shown to one decimal place
# Each age group's ages in whole years (the last open-ended, but no child in care is 18).
GROUP_AGES = tuple(zip((0, 1, 5, 10, 12, 16), (0, 4, 9, 11, 15, 17)))
# The ages of each band Scenarios may show its rates by.
AGES_OF_BAND = {name: (low, high) for bands in (flows.BANDS, getattr(flows, "COARSE_BANDS", ()))
                for name, low, high in bands}


def outcome_views(council: Council, offered: dict) -> list[tuple[str, str]]:
    """The Outcomes start windows and areas the audit reads: since launch (the board pack's)
    for every area, and the latest year for the whole council and each locality."""
    latest = [k for k in offered if k != "all"][-1:]
    return ([("all", area) for area in council.areas()]
            + [(key, area) for key in latest for area in (WHOLE_COUNCIL, *council.localities)])


def months_back(day: dt.date, count: int) -> list[dt.date]:
    """The ``count`` month ends up to ``day``."""
    return metrics.month_ends(day, count)


def sample_dates(con) -> dict[str, dt.date]:
    """The dates the audit looks at: the latest month end, the latest 31 March, a date in the
    middle of the data, and a year before each."""
    months = metrics.reliable_month_ends(con)
    latest = months[-1]
    march = max(d for d in months if d.month == 3)
    middle = [d for d in months if d.month == 9][len([d for d in months if d.month == 9]) // 2]
    chosen = {"latest month end": latest, "latest 31 March": march, "middle date": middle}
    return {f"the {name}": day for name, day in chosen.items()} | {
        f"a year before the {name}": metrics.year_before(day) for name, day in chosen.items()}


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

    @property
    def values(self) -> int:
        return max(0, math.floor(self.high + EPSILON) - math.ceil(self.low - EPSILON) + 1)

    def __str__(self) -> str:
        sources = "; ".join(self.pinned_by[:6]) + (" ..." if len(self.pinned_by) > 6 else "")
        return (f"{self.target.describe()}: bounded to {self.low:g} to {self.high:g} "
                f"({self.values} possible values) by {sources}")


def exposed(target: Target, low: float, high: float, limit: int) -> bool:
    """Whether bounds give a target away: pinned exactly (a hidden figure), or a count from 1
    to the limit left fewer than ``PROTECTION`` possible whole numbers."""
    values = math.floor(high + EPSILON) - math.ceil(low - EPSILON) + 1
    small = 1 <= round(target.truth) <= limit
    return (target.hidden and high - low < EPSILON) or (small and values < PROTECTION)


class Knowledge:
    """The attacker's unknowns (non-negative whole numbers) and what shown figures and
    identities say about them, each row checked against the true data."""

    def __init__(self):
        self.index: dict[tuple, int] = {}
        self.truth: list[float] = []
        self.rows: list[tuple[tuple[tuple[int, float], ...], float, float, str]] = []
        self.left_out: list[str] = []      # identities that do not hold in the true data
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
        if not terms:
            return
        self.targets.append(Target(route, str(day), area, detail, self.true_value(terms),
                                   terms, hidden))


def _merged(terms) -> tuple[tuple[int, float], ...]:
    total: dict[int, float] = defaultdict(float)
    for i, c in terms:
        total[i] += c
    return tuple((i, c) for i, c in sorted(total.items()) if c)


class Collector:
    """Everything a role with small numbers hidden is shown on the sample dates, through the
    functions the pages and exports call, written into a ``Knowledge``."""

    def __init__(self, con, council: Council, figures: Figures, dates: dict[str, dt.date]):
        self.con, self.council, self.figures = con, council, figures
        self.limit = council.max_suppressed
        self.samples = sorted(set(dates.values()))
        # Counts on every month end from a year before the earliest sample: the Children in care
        # page shows them month by month, and they tie the months' flows together.
        first = metrics.first_reliable_date(con)
        self.dates = sorted({d for s in self.samples for d in months_back(s, 2) if d >= first})
        # The months of each date's 12-month flows, and of Scenarios' longest reference period.
        self.months = sorted({m for d in [*self.dates, max(self.samples)] for m in
                              months_back(d, 36 if d == max(self.samples) else 12) if m >= first})
        self.cell_districts = [d.code for d in council.districts] + [NOT_KNOWN]
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
        """Each count family's figures for every area and age choice on every date."""
        for family in ("cla", "starts", "ceases", "referrals", "cp_plans"):
            table = self.figures.counts(family, self.dates)
            for (day, area, age), row in table.iterrows():
                day = day.date()
                groups = AGE_CHOICES[age][0] if family in AGED else (0,)
                terms = self.area_terms(family, day, area, groups)
                name = f"{family} {day} {area} {age}"
                if pd.notna(row["shown"]):
                    self.knowledge.equal(terms, row["shown"], f"{name} shown {row['shown']:g}")
                elif day in self.samples:
                    self.knowledge.hide(family, day, area, f"age {age}", terms)

    def monthly(self) -> None:
        """Monthly starts, ceases and referrals: each area and age choice's series, where
        shown."""
        for family in TWELVE_MONTH:
            for area in self.figures.counts(family, self.samples[:1]).index.unique("area"):
                for age in (AGE_CHOICES if family in AGED else ("all",)):
                    series = self.figures.monthly(family, self.months, area, age)
                    groups = AGE_CHOICES[age][0] if family in AGED else (0,)
                    for day in self.months:
                        terms = self.area_terms(f"{family}_in_month", day, area, groups)
                        if series is not None:
                            self.knowledge.equal(terms, series[pd.Timestamp(day)],
                                                 f"{family} in month to {day} {area} {age} "
                                                 f"shown {series[pd.Timestamp(day)]:g}")
                        elif day in self.samples:
                            self.knowledge.hide(f"{family} in the month", day, area,
                                                f"age {age}", terms)

    def breakdowns(self) -> None:
        """Breakdowns by category on the sample dates, for every area."""
        for name in CATEGORY_TOTALS:
            for day in self.samples:
                true = metrics.breakdown_by_district(self.con, name, [day])
                true = true.assign(district=true["district"].fillna(NOT_KNOWN)).groupby(
                    ["district", "category"])["value"].sum()
                for area in self.figures.counts("cla", [day]).index.unique("area"):
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
                                       (months_back(day, 2)[0], "_in_month", "a month")):
                if before not in self.dates:
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
        population the projection divides by (published ONS estimates), for each area and
        reference period; and its back-test's actual counts."""
        for area in scenarios.area_options(self.council):
            plan = scenarios.planning(self.con, self.council, area)
            history = plan.history
            for day in (d for d in self.samples if d in history.months):
                for key, (label, months) in scenarios.REFERENCE_PERIODS.items():
                    end = history.index(day)
                    window = list(history.months[end - months + 1:end + 1])
                    if end < months or not set(window) <= set(self.months):
                        continue
                    try:
                        view = scenarios.scenarios_view(self.con, self.figures, self.council,
                                                        plan, day, area, Scenario(day), key, 10, 3)
                    except ValueError:       # the page shows why there is no projection
                        continue
                    for band, rate in view.rates.table.set_index("Age")[RATE_COLUMN].items():
                        low, high = AGES_OF_BAND[band]
                        people = history.population[end - months + 1:end + 1,
                                                    low:high + 1].sum()
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
        """Outcomes' children's measures as the page's table shows them: each group's
        percentage beside how many it counts, for the start windows the page offers and every
        area (the board pack shows the window since launch). The comparison group is the same
        children in every window, and the window since launch is the sum of the years."""
        latest = metrics.latest_month_end(self.con)
        offered = outcome_metrics.windows(self.council, latest)
        first = min(w.start for w in offered.values())
        children = outcome_metrics.cohort_children(self.con, self.council, first, latest)
        plans = outcome_metrics.cohort_plans(self.con, self.council, first, latest)
        true = _true_shares(children, plans, offered)
        self._windows_add_up(offered, true)
        for key, area in outcome_views(self.council, offered):
            table = outcomes.outcomes_view(self.con, self.council, self.figures.suppress,
                                           key, area).children.table
            for measure, title in CHILD_MEASURES.items():
                row = table.set_index("Measure").loc[title + " (%)"]
                for group, counted_column in ((MODEL, "Counted (under the model)"),
                                              (COMPARISON, "Counted (before the model)")):
                    self._share(key, area, measure, group, true, _number(row[counted_column]),
                                _number(row[GROUP_NAMES[group]]))

    def _share_terms(self, part: str, window: str, measure: str, group: str, districts,
                     true: dict):
        window = window if group == MODEL else "any"
        return [(self.knowledge.unknown((part, window, measure, group, d),
                                        true.get((part, window, measure, group, d), 0)), 1.0)
                for d in districts]

    def _windows_add_up(self, offered: dict, true: dict) -> None:
        years = [k for k in offered if k != "all"]
        for measure in CHILD_MEASURES:
            for part in ("n", "k"):
                for district in (d.code for d in self.council.districts):
                    terms = self._share_terms(part, "all", measure, MODEL, [district], true)
                    for year in years:
                        terms += [(i, -c) for i, c in self._share_terms(
                            part, year, measure, MODEL, [district], true)]
                    self.knowledge.equal(terms, 0, f"identity: Outcomes {measure} since launch "
                                         f"= the years' sum, {district}")

    def _share(self, window: str, area: str, measure: str, group: str, true: dict,
               counted: float, percent: float) -> None:
        districts = self.council.areas()[area]
        n, k = (self._share_terms(part, window, measure, group, districts, true)
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


def _true_shares(children: pd.DataFrame, plans: pd.DataFrame, offered: dict) -> dict:
    """Each measure's counted rows (n) and numerator (k) by window, group and district (the
    comparison group's under window "any")."""
    plans = plans.merge(children[["child_id", "district_code"]].drop_duplicates("child_id"),
                        on="child_id")
    true = {}
    for measure in CHILD_MEASURES:
        source, column = ((plans, "repeat_plan") if measure == "repeat_plans"
                          else (children, measure))
        known = source[source[column].notna()]
        for key, window in [*offered.items(), ("any", None)]:
            group = COMPARISON if window is None else MODEL
            rows = known[known["grp"] == group]
            if window is not None:
                rows = rows[rows["start_date"].between(pd.Timestamp(window.start),
                                                       pd.Timestamp(window.end))]
            for district, part in rows.groupby("district_code"):
                true[("n", key, measure, group, district)] = len(part)
                true[("k", key, measure, group, district)] = float(
                    part[column].astype(float).sum())
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
    lp_solved: int
    seconds: dict = field(default_factory=dict)


def attack(knowledge: Knowledge, limit: int) -> Result:
    """Bound every target over everything the attacker knows; a finding for each one given
    away."""
    rows, unknowns = len(knowledge.rows), len(knowledge.truth)
    matrix = _matrix([r[0] for r in knowledge.rows], unknowns)
    low = np.array([r[1] for r in knowledge.rows])
    high = np.array([r[2] for r in knowledge.rows])
    component = _components(matrix, unknowns)
    solved = 0
    findings = []
    by_component = defaultdict(list)
    for target in knowledge.targets:
        by_component[component[target.terms[0][0]]].append(target)
    row_component = component[matrix.indices[matrix.indptr[:-1]]] if rows else np.array([])
    for part, targets in by_component.items():
        columns = np.flatnonzero(component == part)
        kept_rows = np.flatnonzero(row_component == part)
        problem = _Problem(matrix[kept_rows][:, columns], low[kept_rows], high[kept_rows],
                           columns, [knowledge.rows[i][3] for i in kept_rows])
        for target, (lo, hi, used) in problem.bounds(targets, limit).items():
            if exposed(target, lo, hi, limit):
                findings.append(Finding(target, lo, hi, used))
        solved += problem.solved
    return Result(knowledge.targets, findings, knowledge.left_out, rows, unknowns, solved)


def _matrix(rows, unknowns: int) -> sparse.csr_array:
    data, indices, pointers = [], [], [0]
    for terms in rows:
        indices += [i for i, _ in terms]
        data += [c for _, c in terms]
        pointers.append(len(indices))
    return sparse.csr_array((data, indices, pointers), shape=(len(rows), unknowns))


def _components(matrix: sparse.csr_array, unknowns: int) -> np.ndarray:
    """Which unknowns are linked by any row (an unknown in no row is its own component)."""
    pattern = sparse.csr_array((np.ones(matrix.nnz), matrix.indices, matrix.indptr),
                               shape=matrix.shape)
    rows = matrix.shape[0]
    graph = sparse.bmat([[None, pattern], [pattern.T, None]])
    _, labels = connected_components(graph, directed=False)
    return labels[rows:] if rows else np.arange(unknowns)


class _Problem:
    """One component's linear programme: equalities and intervals, unknowns from 0 to CAP."""

    def __init__(self, matrix, low, high, columns, sources):
        self.position = {c: i for i, c in enumerate(columns)}
        self.sources, self.solved = sources, 0
        equal = np.abs(high - low) < EPSILON
        self.a_eq, self.b_eq = matrix[equal], low[equal]
        ranged = np.flatnonzero(~equal)
        self.a_ub = sparse.vstack([matrix[ranged], -matrix[ranged]]).tocsr() if len(
            ranged) else None
        self.b_ub = np.r_[high[ranged], -low[ranged]] if len(ranged) else None
        self.eq_sources = [s for s, e in zip(sources, equal) if e]
        self.ub_sources = [sources[i] for i in ranged] * 2
        self.size = len(columns)

    def objective(self, target: Target, sign: float = 1.0) -> np.ndarray:
        c = np.zeros(self.size)
        for i, coef in target.terms:
            c[self.position[i]] += sign * coef
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
        """Each target's least and greatest value (LP). Batches first: maximising and
        minimising the sum of the targets not yet shown safe proves many safe at once."""
        seen = {t: [t.truth, t.truth] for t in targets}
        open_ = list(targets)
        for _ in range(3):
            for sign in (-1.0, 1.0):      # maximise, then minimise, the open targets' sum
                if not open_:
                    break
                c = sum(self.objective(t, sign) for t in open_)
                x = self.solve(c).x
                for t in open_:
                    value = float(self.objective(t) @ x)
                    seen[t] = [min(seen[t][0], value), max(seen[t][1], value)]
                open_ = [t for t in open_ if exposed(t, *seen[t], limit)]
        found = {}
        for t in open_:      # one at a time: the greatest value, then (if needed) the least
            highest, used_high = self._extreme(t, -1.0)
            if not exposed(t, seen[t][0], highest, limit):
                continue
            lowest, used_low = self._extreme(t, 1.0)
            found[t] = (lowest, highest, sorted(set(used_low + used_high)))
        return found | {t: (*seen[t], []) for t in targets if t not in found}

    def _extreme(self, target: Target, sign: float) -> tuple[float, list[str]]:
        """The target's least (sign 1) or greatest (-1) value, and the rows that bind it."""
        result = self.solve(self.objective(target, sign))
        used = []
        if self.a_eq.shape[0]:
            used += [s for s, m in zip(self.eq_sources, result.eqlin.marginals)
                     if abs(m) > EPSILON]
        if self.a_ub is not None:
            used += [s for s, m in zip(self.ub_sources, result.ineqlin.marginals)
                     if abs(m) > EPSILON]
        return sign * result.fun, used


def route_of(target: Target) -> str:
    """The route a target belongs to, for the report."""
    return target.route.split(" (")[0].split(" in the month")[0]


def summary(result: Result) -> str:
    """How many hidden figures were tried and given away, by route."""
    tried, given = defaultdict(int), defaultdict(int)
    for t in result.targets:
        tried[route_of(t)] += 1
    for f in result.findings:
        given[route_of(f.target)] += 1
    lines = [f"{route}: {given[route]} of {tried[route]} given away" for route in sorted(tried)]
    return (f"{len(result.findings)} of {len(result.targets)} targets given away; "
            f"{result.rows} equations over {result.unknowns} unknowns, {result.lp_solved} "
            f"linear programmes; {len(result.left_out)} identities left out (false in the "
            "data)\n" + "\n".join(lines))
