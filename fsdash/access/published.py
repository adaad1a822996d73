"""Every count the app shows, hidden or not by one rule across areas, age groups, months and
categories, so that a figure agrees wherever it appears and no hidden figure can be worked out
from figures shown anywhere in the app (``fsdash.access.suppression``).

Figures come in families, each the sums of one grid of cells (``fsdash.metrics.grids``):

- ``cla``: children looked after on a date, by area and age choice;
- ``starts`` and ``ceases``: the 12 months to a date, by area and age choice;
- ``referrals`` (12 months) and ``cp_plans`` (on a date), by area;
- monthly starts and ceases: an area and age choice's monthly series is shown whole or not at
  all (hidden where any month is small, and where it would give a hidden one away); its 12-month
  totals cannot then hide a month either, since no month of it is shown;
- breakdowns by category (legal status, placement, reason for leaving care): by area, for all
  ages, with each area's total as its count family decides.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from fsdash import metrics
from fsdash.access import linked
from fsdash.access.suppression import protect
from fsdash.config import NOT_KNOWN, WHOLE_COUNCIL, Council
from fsdash.metrics import kept as kept_results
from fsdash.metrics.grids import AGE_GROUPS, grid

ALL_GROUPS = tuple(range(len(AGE_GROUPS)))
# Each age choice the app offers, as the age groups it adds up, and how aggregated it is.
AGE_CHOICES = {"all": (ALL_GROUPS, 2), "under12": ((0, 1, 2, 3), 1), "under1": ((0,), 0),
               "1-4": ((1,), 0), "5-9": ((2,), 0), "10-15": ((3, 4), 1), "16plus": ((5,), 0)}
AGE_FAMILIES = ("cla", "starts", "ceases")
# Breakdowns by category, and the count family that gives each one's totals.
TOTAL = "Total"
CATEGORY_TOTALS = {"cla_by_legal_status": "cla", "cla_by_placement": "cla",
                   "ceases_by_reason": "ceases", "referrals_by_source": "referrals",
                   "referrals_by_route": "referrals", "referrals_by_outcome": "referrals"}
MONTHLY_FAMILIES = ("starts", "ceases", "referrals")   # shown month by month as well
KEPT_DECISIONS = "published_linked"     # children looked after, starts and ceases, decided at load


@dataclass(frozen=True)
class Layout:
    """The figures of a family as rows over its cells."""

    figures: pd.MultiIndex      # the figures' keys
    cells: pd.MultiIndex        # (district, age_group) or (district, category)
    matrix: np.ndarray          # figures by cells, 0 or 1
    level: np.ndarray           # how aggregated each figure is


def cell_districts(council: Council) -> list[str]:
    """The districts cells are counted by: the council's, and ``NOT_KNOWN`` (children known
    only from the returns, with no home postcode in the council)."""
    return [d.code for d in council.districts] + [NOT_KNOWN]


def districts_of(council: Council, area: str) -> tuple[str, ...]:
    """An area's districts among the cells: the whole council's include ``NOT_KNOWN``."""
    if area == WHOLE_COUNCIL:
        return tuple(cell_districts(council))
    return (NOT_KNOWN,) if area == NOT_KNOWN else council.areas()[area]


def _area_rows(council: Council) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Each area's figure, and the figure for children whose district is not known (shown
    beside the districts, so the rule protects it), over the districts."""
    districts = cell_districts(council)
    areas = [*council.areas(), NOT_KNOWN]
    rows = np.array([[d in districts_of(council, a) for d in districts] for a in areas], int)
    level = np.array([2 if a == WHOLE_COUNCIL else 1 if a in council.localities else 0
                      for a in areas])
    return areas, rows, level


def count_layout(council: Council, with_ages: bool) -> Layout:
    """Areas by age choices (or areas alone) over districts by age groups."""
    areas, area_rows, area_level = _area_rows(council)
    choices = AGE_CHOICES if with_ages else {"all": ((0,), 0)}
    groups = ALL_GROUPS if with_ages else (0,)
    age_rows = np.array([[g in members for g in groups] for members, _ in choices.values()], int)
    age_level = np.array([level for _, level in choices.values()])
    return Layout(
        figures=pd.MultiIndex.from_product([areas, list(choices)], names=["area", "age"]),
        cells=pd.MultiIndex.from_product([cell_districts(council), groups],
                                         names=["district", "age_group"]),
        matrix=np.kron(area_rows, age_rows),
        level=np.add.outer(area_level, age_level).ravel())


def category_layout(council: Council, categories: tuple[str, ...]) -> Layout:
    """Areas by categories and the total over districts by categories."""
    areas, area_rows, area_level = _area_rows(council)
    category_rows = np.vstack([np.eye(len(categories), dtype=int), np.ones(len(categories), int)])
    return Layout(
        figures=pd.MultiIndex.from_product([areas, [*categories, TOTAL]],
                                           names=["area", "category"]),
        cells=pd.MultiIndex.from_product([cell_districts(council), categories],
                                         names=["district", "category"]),
        matrix=np.kron(area_rows, category_rows),
        level=np.add.outer(area_level, np.r_[np.zeros(len(categories), int), 1]).ravel())


def _daily_figures(layout: Layout, cells: pd.DataFrame) -> Callable[[dt.date], np.ndarray]:
    """Each date's figures from a grid's cells (as_at, the layout's cell columns, value;
    missing cells are zero), by date."""
    zero, by_day = np.zeros(len(layout.figures)), {}
    if not cells.empty:
        wide = (cells.set_index(["as_at", *layout.cells.names])["value"]
                .unstack(list(layout.cells.names)).reindex(columns=layout.cells).fillna(0))
        by_day = dict(zip(wide.index, wide.to_numpy(float) @ layout.matrix.T))
    return lambda day: by_day.get(pd.Timestamp(day), zero)


def _is_month_end(day: dt.date) -> bool:
    return (day + dt.timedelta(days=1)).day == 1


def _figures(layout: Layout, cells: pd.Series) -> np.ndarray:
    """Each figure's value from the cells' values (missing cells are zero)."""
    return layout.matrix @ cells.reindex(layout.cells, fill_value=0).to_numpy(float)


class Published:
    """The figures the app may show for one store, computed date by date on demand and kept.
    ``cursor`` gives a connection to query (one per call, so threads can share this)."""

    def __init__(self, cursor: Callable, council: Council):
        self.cursor, self.council, self.limit = cursor, council, council.max_suppressed
        self.layouts = {True: count_layout(council, True), False: count_layout(council, False)}
        self.kept: dict[tuple, pd.DataFrame] = {}
        self.read_kept = False
        self._first_reliable: dt.date | None = None
        self.lock = threading.Lock()
        self.computations: dict[str, threading.Lock] = {}

    def _computing(self, name: str) -> threading.Lock:
        """The lock one computation of ``name`` holds, so sessions arriving together wait for
        it rather than each deciding the same figures again."""
        with self.lock:
            return self.computations.setdefault(name, threading.Lock())

    def first_reliable(self) -> dt.date:
        """The store's first reliable date (``metrics.first_reliable_date``), asked once."""
        if self._first_reliable is None:
            self._first_reliable = metrics.first_reliable_date(self.cursor())
        return self._first_reliable

    # ---- counts ---------------------------------------------------------------------------
    def counts(self, family: str, dates) -> pd.DataFrame:
        """The family's figures on each date: index (as_at, area, age), columns value and shown
        (the value, or NaN where hidden)."""
        dates = [pd.Timestamp(d).date() for d in dates]
        if any((family, d) not in self.kept for d in dates):
            with self._computing("linked" if family in linked.DECIDED_HERE else family):
                missing = [d for d in dates if (family, d) not in self.kept]
                if missing:
                    self._compute(family, missing)
        return pd.concat({pd.Timestamp(d): self.kept[family, d] for d in dates},
                         names=["as_at"])

    def _compute(self, family: str, dates: list[dt.date]) -> None:
        if family in linked.DECIDED_HERE:
            self._compute_linked(dates)
            return
        layout = self.layouts[family in AGE_FAMILIES]
        figures = _daily_figures(layout, grid(self.cursor(), family, dates))
        for day in dates:
            values = figures(day)
            hidden = protect(layout.matrix, values, self.limit, layout.level,
                             forced_shown=self._sum_of_shown_months(family, day))
            self._keep(family, day, layout, values, hidden)

    def _sum_of_shown_months(self, family: str, day: dt.date) -> np.ndarray | None:
        """For a family also shown month by month, the 12-month figures on ``day`` that are the
        sum of shown monthly figures (so hiding them would hide nothing): those whose series is
        shown, where ``day`` is a month end and its 12 months are all among the months shown."""
        if family not in MONTHLY_FAMILIES:
            return None
        shown = self.monthly_shown(family).to_numpy()
        window_start = (pd.Timestamp(day) - pd.offsets.MonthEnd(11)).date()
        covered = _is_month_end(day) and window_start >= self.first_reliable()
        return shown & covered

    def _keep(self, family: str, day: dt.date, layout: Layout, values, hidden) -> None:
        with self.lock:
            self.kept[family, day] = pd.DataFrame(
                {"value": values, "shown": np.where(hidden, np.nan, values)},
                index=layout.figures)

    # ---- children looked after, starts and ceases, tied by stock and flow -----------------
    @staticmethod
    def _links(day: dt.date, first: dt.date) -> dict[str, dt.date]:
        """The dates whose figures ``day``'s are tied to: a year before, and the month end
        before where ``day`` is a month end (none before the first reliable date)."""
        before = {"cla_year_before": metrics.year_before(day)}
        if _is_month_end(day):
            before["cla_month_before"] = (pd.Timestamp(day) - pd.offsets.MonthEnd(1)).date()
        return {name: d for name, d in before.items() if d >= first}

    def _chain(self, dates: list[dt.date]) -> list[dt.date]:
        """``dates`` and every date they are tied to, back to the first reliable date, that is
        not yet decided: earliest first."""
        first = self.first_reliable()
        chain, waiting = set(), list(dates)
        while waiting:
            day = waiting.pop()
            if day in chain or ("cla", day) in self.kept:
                continue
            chain.add(day)
            waiting.extend(self._links(day, first).values())
        return sorted(chain)

    def _compute_linked(self, dates: list[dt.date]) -> None:
        """Children looked after, starts and ceases on each date, decided with the dates
        before them (``fsdash.access.linked``), earliest first."""
        self._read_kept_decisions()
        chain = self._chain(dates)
        if not chain:
            return
        first = self.first_reliable()
        layout = self.layouts[True]
        figures = {family: _daily_figures(layout, grid(self.cursor(), family, chain))
                   for family in linked.DECIDED_HERE}
        month_ends = [d for d in chain if _is_month_end(d)]
        in_month = {family: _daily_figures(layout, grid(self.cursor(), f"{family}_in_month",
                                                        month_ends))
                    for family in ("starts", "ceases")}
        shown_monthly = {family: self.monthly_shown(family).to_numpy()
                         for family in ("starts", "ceases")}
        all_ages = layout.figures.get_level_values("age") == "all"
        for day in chain:
            blocks = {}
            for family in linked.DECIDED_HERE:
                values = figures[family](day)
                keep = self._sum_of_shown_months(family, day)
                hidden = protect(layout.matrix, values, self.limit, layout.level,
                                 forced_shown=keep)
                blocks[family] = linked.Block(
                    layout.matrix, values, layout.level, hidden, settled=False, kept_shown=keep,
                    first_to_hide=None if family == "cla" else all_ages)
            for name, before in self._links(day, first).items():
                blocks[name] = self._settled("cla", before, layout)
            if "cla_month_before" in blocks:
                for family in ("starts", "ceases"):
                    values = in_month[family](day)
                    blocks[f"{family}_in_month"] = linked.Block(
                        layout.matrix, values, layout.level, ~shown_monthly[family],
                        settled=True, unguarded=(values == 0) | (values > self.limit))
            decided = linked.decide_together(blocks, self.limit, len(cell_districts(
                self.council)), len(ALL_GROUPS))
            for family in linked.DECIDED_HERE:
                self._keep(family, day, layout, blocks[family].values, decided[family])

    def decisions_key(self) -> str:
        """What kept decisions depend on: the limit, the areas, and the counts decided (every
        reliable month end's cells of children looked after, starts and ceases, and the
        months' starts and ceases), so a load whose counts did not change can reuse them."""
        digest = hashlib.sha256(repr((self.limit, sorted(self.council.areas().items())))
                                .encode())
        months = metrics.reliable_month_ends(self.cursor())
        for family in (*linked.DECIDED_HERE, "starts_in_month", "ceases_in_month"):
            cells = grid(self.cursor(), family, months)     # in no set order: sorted here
            cells = cells.sort_values(list(cells.columns), ignore_index=True)
            digest.update(pd.util.hash_pandas_object(cells, index=False).to_numpy().tobytes())
        return digest.hexdigest()[:16]

    def _read_kept_decisions(self) -> None:
        """Take the decisions a load kept (``keep_decisions``), once, where the store holds
        them for this configuration."""
        if self.read_kept:
            return
        rows = kept_results.read(self.cursor(), KEPT_DECISIONS, self.decisions_key(), None)
        figures = self.layouts[True].figures
        for (family, day), frame in ({} if rows is None else rows.groupby(["family", "as_at"])):
            frame = frame.set_index(["area", "age"]).reindex(figures)
            self._keep(family, pd.Timestamp(day).date(), self.layouts[True],
                       frame["value"].to_numpy(), frame["hidden"].to_numpy(bool))
        self.read_kept = True

    def decisions(self) -> pd.DataFrame:
        """Every decision on children looked after, starts and ceases made so far: family,
        as_at, area, age, value, hidden (for a load to keep)."""
        return pd.concat([frame.assign(hidden=frame["shown"].isna()).drop(columns="shown")
                          .reset_index().assign(family=family, as_at=day)
                          for (family, day), frame in list(self.kept.items())
                          if family in linked.DECIDED_HERE], ignore_index=True)

    def _settled(self, family: str, day: dt.date, layout: Layout) -> linked.Block:
        kept = self.kept[family, day]
        return linked.Block(layout.matrix, kept["value"].to_numpy(), layout.level,
                            kept["shown"].isna().to_numpy(), settled=True)

    # ---- monthly starts and ceases --------------------------------------------------------
    def monthly_shown(self, family: str) -> pd.Series:
        """For starts, ceases or referrals, whether each area and age choice's monthly series is
        shown."""
        if ("monthly", family) not in self.kept:
            with self._computing("monthly"):
                if ("monthly", family) not in self.kept:
                    self._decide_monthly(
                        linked.PAIRED if family in linked.PAIRED else (family,))
        return self.kept["monthly", family]

    def _decide_monthly(self, families: tuple[str, ...]) -> None:
        """Decide the monthly series of ``families`` together: a series is hidden where any
        month is small, and as the rule needs (judged on its typical month); for starts and
        ceases, an area's all-ages series are shown together or not at all, since the change in
        children looked after gives their difference every month."""
        months = metrics.reliable_month_ends(self.cursor())
        layout = self.layouts[families[0] in AGE_FAMILIES]
        together = np.zeros(len(layout.figures), bool)
        all_ages = layout.figures.get_level_values(-1) == "all"
        by_month = {}
        for family in families:
            figures = _daily_figures(layout, grid(self.cursor(), f"{family}_in_month", months))
            by_month[family] = np.array([figures(m) for m in months])
        while True:
            hidden = {family: protect(layout.matrix, counts.mean(axis=0), self.limit,
                                      layout.level, forced_hidden=(
                                          together & (counts > 0).any(axis=0)) | (
                                          (counts >= 1) & (counts <= self.limit)).any(axis=0))
                      for family, counts in by_month.items()}
            paired = np.logical_or.reduce(list(hidden.values())) & all_ages
            if len(families) == 1 or not (paired & ~together).any():
                break
            together |= paired
        with self.lock:
            for family in families:
                self.kept["monthly", family] = pd.Series(~hidden[family], index=layout.figures)

    def monthly(self, family: str, dates, area: str, age: str = "all",
                suppress: bool = True) -> pd.Series | None:
        """Monthly starts or ceases (``family``) for an area and age choice, or None where
        the series is hidden."""
        if suppress and not self.monthly_shown(family)[(area, age)]:
            return None
        districts = districts_of(self.council, area)
        members = AGE_CHOICES[age][0]
        cells = grid(self.cursor(), f"{family}_in_month", dates)
        chosen = cells[cells["district"].isin(districts) & cells["age_group"].isin(members)]
        totals = chosen.groupby("as_at")["value"].sum()
        return totals.reindex([pd.Timestamp(d) for d in dates], fill_value=0).astype(float)

    # ---- breakdowns by category -----------------------------------------------------------
    def breakdown(self, name: str, day: dt.date, area: str) -> pd.DataFrame:
        """A breakdown by category for an area on a date, all ages: index category (in the
        breakdown's order), columns value and shown (NaN where hidden)."""
        day = pd.Timestamp(day).date()
        key = (name, day)
        if key not in self.kept:
            with self._computing(name):
                if key not in self.kept:
                    self._compute_breakdown(name, day)
        return self.kept[key].xs(area, level="area").drop(index=TOTAL)

    def _compute_breakdown(self, name: str, day: dt.date) -> None:
        spec = metrics.BREAKDOWNS[name]
        cells = metrics.breakdown_by_district(self.cursor(), name, [day])
        categories = spec.order or tuple(sorted(cells["category"].unique()))
        layout = category_layout(self.council, categories)
        values = _figures(layout, cells.set_index(["district", "category"])["value"])
        totals = self.counts(CATEGORY_TOTALS[name], [day]).xs(
            (pd.Timestamp(day), "all"), level=("as_at", "age"))["shown"]
        is_total = layout.figures.get_level_values("category") == TOTAL
        total_hidden = np.zeros(len(values), bool)
        total_hidden[is_total] = totals.reindex(
            layout.figures[is_total].get_level_values("area")).isna().to_numpy()
        hidden = protect(layout.matrix, values, self.limit, layout.level,
                         forced_hidden=total_hidden, forced_shown=is_total & ~total_hidden)
        self._keep(name, day, layout, values, hidden)


def keep_decisions(con, council: Council) -> None:
    """At load: decide children looked after, starts and ceases on every month end (the
    slowest decisions, each date tied to those before it) and keep them in the store; or,
    where the store being replaced (attached as ``previous``) kept them for the same counts,
    limit and areas, keep those."""
    try:
        months = metrics.reliable_month_ends(con)
    except ValueError:
        return
    published = Published(lambda: con, council)
    published.read_kept = True      # the store being built keeps none yet: nothing to read
    key = published.decisions_key()
    earlier = kept_results.read(con, KEPT_DECISIONS, key, None, database="previous") \
        if _attached(con, "previous") else None
    if earlier is None:
        published.counts("cla", months)
        earlier = published.decisions()
    kept_results.save(con, KEPT_DECISIONS, {key: earlier})


def _attached(con, database: str) -> bool:
    """Whether ``database`` is attached and holds kept results (a store from this fsdash)."""
    return bool(con.execute("""
        SELECT count(*) FROM duckdb_tables()
        WHERE database_name = ? AND table_name = 'kept_result'""", [database]).fetchone()[0])


class Figures:
    """The published figures as one user's scope sees them: with small numbers hidden, or (for
    roles the access configuration lets see them) as counted. Same methods, same shapes."""

    def __init__(self, published: Published, suppress: bool):
        self.published, self.suppress = published, suppress

    def _as_seen(self, frame: pd.DataFrame) -> pd.DataFrame:
        return frame if self.suppress else frame.assign(shown=frame["value"])

    def counts(self, family: str, dates) -> pd.DataFrame:
        return self._as_seen(self.published.counts(family, dates))

    def count(self, family: str, day: dt.date, area: str, age: str = "all") -> float | None:
        shown = self.counts(family, [day]).loc[(pd.Timestamp(day), area, age), "shown"]
        return None if pd.isna(shown) else float(shown)

    def series(self, family: str, dates, area: str, age: str = "all") -> pd.Series:
        return self.counts(family, dates).xs((area, age), level=("area", "age"))["shown"]

    def monthly(self, family: str, dates, area: str, age: str = "all") -> pd.Series | None:
        return self.published.monthly(family, dates, area, age, self.suppress)

    def breakdown(self, name: str, day: dt.date, area: str) -> pd.DataFrame:
        return self._as_seen(self.published.breakdown(name, day, area))
