"""What a load counts once so that pages need not: every measure, grid and breakdown, and the
counting functions pages read (``kept_as``), over every month end the store covers, for each
area the app offers. Each is counted by the measure's own SQL or function, the same one a page
would otherwise run, and kept as it came (``fsdash.metrics.kept``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import pandas as pd

from fsdash import metrics
from fsdash.config import WHOLE_COUNCIL, Council
from fsdash.metrics import flows, kept, outcomes, teams  # noqa: F401  (flows, teams: kept_as)
from fsdash.metrics.grids import GRIDS, counted_grid


@dataclass(frozen=True)
class Aggregate:
    """One result to keep: its name and key, and how to count it over a list of month ends
    (which a result not counted by date, ``by_date`` False, ignores)."""

    name: str
    key: str
    count: Callable[[duckdb.DuckDBPyConnection, list], pd.DataFrame]
    by_date: bool = True

    def read(self, con: duckdb.DuckDBPyConnection, months: list) -> pd.DataFrame | None:
        """The result as kept in the store, None if it is not."""
        return kept.read(con, self.name, self.key, months if self.by_date else None)


def area_districts(council: Council) -> list[tuple[str, ...]]:
    """The districts of each area the app offers: the whole council (no districts) first."""
    return [(), *(districts for area, districts in council.areas().items()
                  if area != WHOLE_COUNCIL)]


def aggregates(con: duckdb.DuckDBPyConnection, council: Council) -> list[Aggregate]:
    """Everything a load keeps. Every grid once, at its cells, which the measures that add up
    from cells read (``fsdash.metrics.cells``); the other measures for every area at all ages
    (another age range is counted when asked for). The Outcomes page's cohorts are kept over
    the start dates it reads."""
    areas = area_districts(council)
    found = []
    for name, measure in metrics.MEASURES.items():
        if measure.cells:
            continue     # added up from its grid's cells, kept below
        found += [Aggregate(f"measure_{name}", kept.key_of(districts, metrics.ALL_AGES),
                            lambda con, months, n=name, d=districts:
                            metrics.counted_series(con, n, months, d))
                  for districts in areas]
    found += [Aggregate(f"grid_{family}", kept.WHOLE_RANGE,
                        lambda con, months, f=family: counted_grid(con, f, months))
              for family in GRIDS]
    found += [Aggregate(f"breakdown_{name}", kept.key_of((), metrics.ALL_AGES),
                        lambda con, months, n=name: metrics.counted_breakdown(con, n, months))
              for name in metrics.BREAKDOWNS]
    for name, (count, by_area) in kept.KEPT_FUNCTIONS.items():
        found += [Aggregate(name, kept.key_of(districts),
                            lambda con, months, c=count, d=districts: c(con, months, d))
                  for districts in areas] if by_area else [
                  Aggregate(name, kept.WHOLE_RANGE, lambda con, months, c=count: c(con, months))]
    return found + cohorts(con, council)


def cohorts(con: duckdb.DuckDBPyConnection, council: Council) -> list[Aggregate]:
    """The Outcomes page's cohorts, each over the start dates the page reads it for."""
    _, data_end = outcomes.data_span(con)
    found = []
    for name, (start, end) in outcomes.cohort_spans(council, data_end).items():
        params = outcomes.cohort_params(con, council, name, start, end)
        found.append(Aggregate(name, outcomes.cohort_key(params),
                               lambda con, months, n=name, p=params:
                               outcomes.counted_cohort(con, n, p), by_date=False))
    return found


def month_ends(con: duckdb.DuckDBPyConnection) -> list:
    """The month ends kept results cover: every reliable one (none before a first referral)."""
    try:
        return metrics.reliable_month_ends(con)
    except ValueError:
        return []


def build(con: duckdb.DuckDBPyConnection, council: Council) -> int:
    """Count and keep every aggregate in the store being loaded; returns how many."""
    months = month_ends(con)
    if not months:
        return 0
    con.executemany("INSERT INTO kept_date VALUES (?)", [[m] for m in months])
    todo = aggregates(con, council)
    by_name: dict[str, dict[str, pd.DataFrame]] = {}
    for aggregate in todo:
        by_name.setdefault(aggregate.name, {})[aggregate.key] = aggregate.count(con, months)
    for name, frames in by_name.items():
        kept.save(con, name, frames)
    return len(todo)
