"""Disclosure control: small numbers that could identify a family are not shown.

Counts from 1 to the configured maximum (DfE practice: 1 to 5) are shown as ``c``; so are
rates and percentages whose base count (children, adults or referrals) is that small. A true
zero stays 0. The same rule covers a figure, its change on a year ago (which would otherwise
give the earlier figure away) and every point of its trend line.
"""

from __future__ import annotations

import pandas as pd

SUPPRESSED = "c"
BASE_COLUMNS = ("children", "adults", "referrals")


def suppressed(frame: pd.DataFrame, is_count: bool, max_suppressed: int) -> pd.Series:
    """For each row of a measure's result, whether it must be hidden."""
    columns = (["value"] if is_count else []) + [c for c in BASE_COLUMNS if c in frame]
    hidden = pd.Series(False, index=frame.index)
    for column in columns:
        hidden |= frame[column].between(1, max_suppressed)
    return hidden


def should_suppress(figure: dict, is_count: bool, max_suppressed: int) -> bool:
    """Whether one figure (a row of a measure's result, as a dict) must be hidden."""
    if not figure:
        return False
    return bool(suppressed(pd.DataFrame([figure]), is_count, max_suppressed).iloc[0])


def visible(frame: pd.DataFrame, is_count: bool, max_suppressed: int) -> pd.Series:
    """The measure's values with hidden ones blanked (for trend lines and tables)."""
    return frame["value"].mask(suppressed(frame, is_count, max_suppressed))


def suppressed_cells(counts: pd.Series, max_suppressed: int) -> pd.Series:
    """Cells of a breakdown to hide: small counts and, where only one is small, the next smallest
    too, so that it cannot be worked out from the total (DfE secondary suppression)."""
    hidden = counts.between(1, max_suppressed)
    if hidden.sum() == 1:
        others = counts[~hidden & (counts > 0)]
        if len(others):
            hidden[others.idxmin()] = True
    return hidden
