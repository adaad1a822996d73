"""Small numbers among the groups of families on the Outcomes page: the one rule (``protect``)
applied to each group of a breakdown whose total is shown, and to cells with totals shown
elsewhere. (Counts and percentages by area and start window: ``fsdash.access.shares``.)"""

from __future__ import annotations

import pandas as pd

from fsdash.access.suppression import protect_named

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


def hidden_with_totals(cells: pd.Series, totals: dict, limit: int) -> pd.Series:
    """Whether each cell (a figure in itself) is hidden, given that ``totals`` (each a list of
    cells) may be shown elsewhere."""
    names = [f"cell {i}" for i in range(len(cells))]
    figures = {name: [key] for name, key in zip(names, cells.index)}
    figures |= {f"total {name}": members for name, members in totals.items()}
    hidden = protect_named(cells, figures, limit,
                           level={f"total {name}": 1 for name in totals})
    return pd.Series(hidden[names].to_numpy(), index=cells.index)
