"""Small numbers among the groups of families on the Outcomes page: the one rule (``protect``)
applied to each group of a breakdown in every start window at once, with the counts by area it
adds up to as decided for them, and to cells with totals shown elsewhere. (Counts and
percentages by area and start window: ``fsdash.access.shares``.)"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fsdash.access.published import districts_of
from fsdash.access.suppression import protect, protect_named
from fsdash.config import Council

TOTAL = "Total"


def hidden_in_breakdown(cells: pd.Series, limit: int, total_shown: bool,
                        groups: dict[str, list] | None = None) -> pd.Series:
    """Whether each group of a breakdown is hidden, given whether the total of ``cells`` is
    shown elsewhere. ``groups`` names each group's cells (by default, each cell is a group)."""
    groups = groups or {str(key): [key] for key in cells.index}
    decided = {"forced_shown": (TOTAL,)} if total_shown else {}
    figures = {**groups, TOTAL: list(cells.index)}
    if not total_shown:   # hidden elsewhere: then it cannot help work out a group here
        figures.pop(TOTAL)
    hidden = protect_named(cells, figures, limit, level={TOTAL: 1}, **decided)
    return hidden.drop(TOTAL, errors="ignore")


def hidden_across_windows(council: Council, rows: pd.DataFrame, groups: dict[str, list],
                          windows: dict[str, list], area_hidden: pd.Series,
                          limit: int) -> pd.DataFrame:
    """Whether each group of a breakdown is hidden in each start window, decided for every
    window at once, so that no hidden group follows from another window's groups (the window
    since the launch less the years making it up, say), nor from the counts by area.

    ``rows``: one per person, with ``key`` (the breakdown's cell the person is in),
    ``district_code`` and ``segment`` (a piece of the start dates that windows are unions of).
    ``groups``: each group's keys. ``windows``: each window's segments. ``area_hidden``: index
    (area, window), whether the count of all ``rows`` there is hidden, as the count's own
    decision made it (kept here). Returns index group, a column for each window."""
    cells = rows.groupby(["key", "district_code", "segment"]).size()
    keys, districts, segments = (cells.index.get_level_values(i) for i in range(3))
    figures, forced, level = [], [], []
    for window, members in windows.items():
        inside = np.asarray(segments.isin(members))
        areas = area_hidden.xs(window, level="window")
        figures += [inside & np.asarray(keys.isin(group_keys)) for group_keys in groups.values()]
        figures += [inside & np.asarray(districts.isin(districts_of(council, area)))
                    for area in areas.index]
        forced += [None] * len(groups) + [bool(hidden) for hidden in areas]
        level += [int(len(members) > 1)] * len(groups) + [2] * len(areas)
    matrix = np.array(figures, int)
    in_groups = np.array([f is None for f in forced])
    hidden = protect(matrix, matrix @ cells.to_numpy(float), limit, np.array(level),
                     forced_hidden=np.array([f is True for f in forced]),
                     forced_shown=np.array([f is False for f in forced]))
    index = pd.MultiIndex.from_product([list(windows), list(groups)], names=["window", "group"])
    return pd.Series(hidden[in_groups], index=index).unstack("window")[list(windows)]


def hidden_with_totals(cells: pd.Series, totals: dict, limit: int) -> pd.Series:
    """Whether each cell (a figure in itself) is hidden, given that ``totals`` (each a list of
    cells) may be shown elsewhere."""
    names = [f"cell {i}" for i in range(len(cells))]
    figures = {name: [key] for name, key in zip(names, cells.index)}
    figures |= {f"total {name}": members for name, members in totals.items()}
    hidden = protect_named(cells, figures, limit,
                           level={f"total {name}": 1 for name in totals})
    return pd.Series(hidden[names].to_numpy(), index=cells.index)
