"""Percentages beside the counts they rest on: which of them a role with small numbers hidden
may see.

The rule: a percentage is shown only where its numerator is a count the one small-number rule
(``fsdash.access.suppression.protect``) would publish, decided across every area (and, on the
Outcomes page, every start window) at once, together with its complement (the denominator less
the numerator) and its denominator, since a percentage beside its denominator gives both.
Otherwise the percentage is hidden ("c"), with its denominator where that is needed to protect
a hidden numerator, and any interval or difference resting on it is hidden too. A denominator
that is a count published elsewhere (referrals in 12 months, ``fsdash.access.published``)
keeps that decision. Rates per 10,000 children rest on a published count and the public
population, and are hidden with their count.

``share_series`` gives the percentages the Front door page, the Overview, At a glance, the board
pack and ``fsdash summary`` show; ``hidden_parts`` is the rule itself, and ``hidden_measures``
the rule for percentages over the same people decided together, which the Outcomes page calls
for its counts and children's measures.
"""

from __future__ import annotations

from functools import lru_cache

import duckdb
import numpy as np
import pandas as pd

from fsdash import metrics
from fsdash.access.published import Figures, cell_districts, districts_of
from fsdash.access.suppression import protect
from fsdash.config import NOT_KNOWN, WHOLE_COUNCIL, Council
from fsdash.metrics.front_door import (
    ON_TIME,
    assessments_on_time,
    conferences_on_time,
    on_time_cells,
)
from fsdash.metrics.shares import share_cells

PARTS = ("counted", "yes", "no")          # the denominator, the numerator, its complement
ONE_PERCENTAGE = {"yes": ("yes",), "no": ("no",)}   # its numerator's kind of person, and not
ONE_WINDOW = "12 months"
# The count family that publishes a percentage's denominator, where one does.
DENOMINATOR_FAMILY = {"rereferral_pct": "referrals"}
# Each percentage the Front door shows, and how its values are counted for an area.
VALUES = {"rereferral_pct": lambda con, dates, districts:
          metrics.series(con, "rereferral_pct", dates, districts),
          "repeat_cp_plan_pct": lambda con, dates, districts:
          metrics.series(con, "repeat_cp_plan_pct", dates, districts),
          "assessments_in_45_days_pct": assessments_on_time,
          "conferences_in_15_days_pct": conferences_on_time}


def hidden_parts(council: Council, cells: pd.DataFrame, limit: int,
                 windows: dict[str, list] | None = None,
                 counted_hidden: pd.Series | None = None) -> pd.DataFrame:
    """Which parts of a percentage are hidden in each area and window.

    ``cells``: one row per district (and ``segment``: a piece of the start dates that windows
    are unions of), with ``yes`` (in the numerator) and ``counted`` (the denominator).
    ``windows``: each window's segments (by default one window of every segment).
    ``counted_hidden``: by area, the denominator's decision where a count family has made it.
    Returns, indexed by (area, window), whether ``counted``, ``yes`` and ``no`` are hidden, and
    ``share``: whether the percentage is."""
    cells = cells.assign(no=cells["counted"] - cells["yes"])
    return hidden_measures(council, cells, {"": ONE_PERCENTAGE}, limit, windows,
                           counted_hidden).xs("", level="measure")


def hidden_measures(council: Council, cells: pd.DataFrame,
                    measures: dict[str, dict[str, tuple]], limit: int,
                    windows: dict[str, list] | None = None,
                    counted_hidden: pd.Series | None = None,
                    unshown: tuple[str, ...] = ()) -> pd.DataFrame:
    """Which parts of several percentages counted over the same people are hidden in each area
    and window, decided together, so that none follows from the others (the children counted
    for 24 months are some of those counted for 12: the difference of the two counts is a
    figure too).

    ``cells``: one row per district and ``segment``, with a count of each kind of person (the
    kinds the measures' parts are made of). ``measures``: for each, the kinds in its numerator
    (``yes``) and in its complement (``no``); its denominator is both. ``windows`` and
    ``counted_hidden`` as ``hidden_parts``'. ``unshown``: measures never shown (a difference of
    two that are, say), protected only where small. Returns, indexed by (measure, area, window),
    whether ``counted``, ``yes`` and ``no`` are hidden, and ``share``."""
    cells = cells if "segment" in cells else cells.assign(segment=0)
    windows = windows or {ONE_WINDOW: sorted(cells["segment"].unique())}
    decided = () if counted_hidden is None else tuple(counted_hidden.items())
    kinds = tuple(sorted({k for parts in measures.values() for ks in parts.values() for k in ks}))
    cells = cells.reindex(columns=["district", "segment", *kinds], fill_value=0)
    found = _decide(
        tuple(council.areas().items()), tuple(cell_districts(council)),
        tuple((w, tuple(segments)) for w, segments in windows.items()),
        tuple(sorted(cells.itertuples(index=False, name=None), key=str)), kinds,
        tuple((m, tuple(parts["yes"]), tuple(parts["no"])) for m, parts in measures.items()),
        limit, decided, tuple(districts_of(council, WHOLE_COUNCIL)), unshown)
    return found.copy()


@lru_cache(maxsize=1024)
def _decide(areas: tuple, districts: tuple, windows: tuple, cells: tuple, kinds: tuple,
            measures: tuple, limit: int, decided: tuple, whole: tuple,
            unshown: tuple) -> pd.DataFrame:
    """``hidden_measures`` on hashable arguments, so that a decision is made once."""
    area_names = [a for a, _ in areas] + [NOT_KNOWN]
    area_districts = {**dict(areas), WHOLE_COUNCIL: whole, NOT_KNOWN: (NOT_KNOWN,)}
    segments = sorted({segment for _, segment, *_ in cells} | {s for _, ss in windows for s in ss},
                      key=str)
    position = {(d, s): i for i, (d, s) in enumerate(
        (d, s) for d in districts for s in segments)}
    values = np.zeros((len(position), len(kinds)))
    for district, segment, *counts in cells:
        if (district, segment) in position:
            values[position[district, segment]] += counts
    area_rows = np.array([[d in area_districts[a] for d in districts] for a in area_names], int)
    window_rows = np.array([[s in members for s in segments] for _, members in windows], int)
    part_rows = np.vstack([[[k in yes or k in no for k in kinds], [k in yes for k in kinds],
                            [k in no for k in kinds]] for _, yes, no in measures]).astype(int)
    matrix = np.kron(np.kron(area_rows, window_rows), part_rows)
    area_level = np.array([2 if a == WHOLE_COUNCIL else 0 if a in (NOT_KNOWN, *districts)
                           else 1 for a in area_names])
    window_level = np.array([int(len(members) > 1) for _, members in windows])
    part_level = np.tile([100, 0, 0], len(measures))   # hide a numerator before a denominator
    level = (np.add.outer(np.add.outer(10 * area_level, window_level), part_level)).ravel()
    index = pd.MultiIndex.from_product(
        [area_names, [w for w, _ in windows], [m for m, *_ in measures], PARTS],
        names=["area", "window", "measure", "part"])
    forced_hidden, forced_shown = (np.zeros(len(index), bool) for _ in range(2))
    for area, hidden in decided:
        rows = (index.get_level_values("area") == area) & (
            index.get_level_values("part") == "counted")
        (forced_hidden if hidden else forced_shown)[rows] = True
    figures = matrix @ values.ravel()
    small = ((figures >= 1) & (figures <= limit)).reshape(-1, 3)
    # A small numerator's complement goes with it where the denominator is shown (and the
    # other way round): what the rule would hide next, decided here at once.
    partners = np.zeros_like(small)
    partners[:, 1:] = small[:, :0:-1]
    forced_hidden |= (partners & (figures.reshape(-1, 3) > 0)).ravel() & ~forced_shown
    never = index.get_level_values("measure").isin(unshown)
    hidden = protect(matrix, figures, limit, level, forced_hidden | never, forced_shown,
                     unguarded=never & ~small.ravel())
    table = (pd.Series(hidden, index=index).unstack("part")[list(PARTS)].drop(index=NOT_KNOWN)
             .reorder_levels(["measure", "area", "window"]))
    return table.assign(share=table.any(axis=1))


def share_cells_on(con: duckdb.DuckDBPyConnection, name: str, dates) -> pd.DataFrame:
    """A percentage the Front door shows, split by district on each date: as_at, district, yes
    and counted."""
    return on_time_cells(con, name, dates) if name in ON_TIME else share_cells(con, name, dates)


def hidden_by_date(con: duckdb.DuckDBPyConnection, figures: Figures, council: Council,
                   name: str, dates) -> pd.DataFrame:
    """Which parts of a Front door percentage (``VALUES``) are hidden on each date in each area:
    index (as_at, area), columns as ``hidden_parts``' (nothing hidden where the role sees small
    numbers)."""
    dates = [pd.Timestamp(d) for d in dates]
    if not figures.suppress:
        index = pd.MultiIndex.from_product([dates, list(council.areas())],
                                           names=["as_at", "area"])
        return pd.DataFrame(False, index=index, columns=[*PARTS, "share"])
    cells = share_cells_on(con, name, dates)
    cells["as_at"] = pd.to_datetime(cells["as_at"])
    family = DENOMINATOR_FAMILY.get(name)
    published = (figures.counts(family, dates)["shown"].xs("all", level="age").isna()
                 if family else None)
    found = {}
    for day in dates:
        decided = None if published is None else published.xs(day, level="as_at")
        found[day] = hidden_parts(council, cells[cells["as_at"] == day],
                                  council.max_suppressed, counted_hidden=decided
                                  ).droplevel("window")
    return pd.concat(found, names=["as_at"])


def share_series(con: duckdb.DuckDBPyConnection, figures: Figures, council: Council,
                 name: str, dates, area: str) -> pd.DataFrame:
    """A Front door percentage for an area over dates as a role sees it: index as_at, columns
    ``value`` (NaN where hidden) and ``hidden``, with the measure's own columns (its
    denominator among them, hidden with the percentage)."""
    districts = council.areas()[area] if area != WHOLE_COUNCIL else ()
    frame = VALUES[name](con, dates, districts).copy()
    frame["as_at"] = pd.to_datetime(frame["as_at"])
    frame = frame.set_index("as_at")
    hidden = (hidden_by_date(con, figures, council, name, frame.index)["share"]
              .xs(area, level="area").reindex(frame.index, fill_value=False))
    frame["hidden"] = hidden.to_numpy()
    return frame.where(~frame["hidden"], np.nan, axis=0).assign(hidden=hidden.to_numpy())
