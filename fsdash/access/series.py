"""A headline measure's series as a role may see it: the figures over dates and which of them
are hidden, by the same decisions every page and export uses."""

from __future__ import annotations

import pandas as pd

from fsdash import metrics
from fsdash.access import FAMILY_OF_MEASURE, Figures, base_too_small, shares
from fsdash.config import Council


def protected_series(figures: Figures, con, name: str, dates, area: str, districts,
               council: Council) -> tuple[pd.Series, pd.Series]:
    """A headline measure over dates, and which dates' figures are hidden: a percentage with
    its numerator and denominator (``fsdash.access.shares``), a count or a rate by its count
    family's decision where it has one, else by its own base count (for roles with small
    numbers hidden)."""
    frame = metrics.series(con, name, dates, districts).set_index("as_at")
    if name in shares.VALUES:
        hidden = (shares.hidden_by_date(con, figures, council, name, frame.index)["share"]
                  .xs(area, level="area").reindex(frame.index, fill_value=False))
    elif name in FAMILY_OF_MEASURE:
        family, age = FAMILY_OF_MEASURE[name]
        hidden = figures.series(family, dates, area, age).reindex(frame.index).isna()
    elif figures.suppress:
        hidden = base_too_small(frame, council.max_suppressed)
    else:
        hidden = pd.Series(False, index=frame.index)
    return frame["value"], hidden
