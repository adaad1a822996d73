"""What the Outcomes page's parts share: the groups' names, the start window, whether a
group's counts in each area and window may be shown, and how hidden and whole figures are
written."""

from __future__ import annotations

import pandas as pd

from fsdash.access import SUPPRESSED
from fsdash.access.shares import hidden_parts
from fsdash.config import Council
from fsdash.metrics.outcomes import COMPARISON, MODEL, Window  # noqa: F401  (Window for the page)

ADULT_MEASURES = {"police": ("Police contacts", "police contacts"),
                  "emergency_admission": ("Emergency hospital admissions",
                                          "emergency hospital admissions")}
GROUP_NAMES = {MODEL: "Worked with under Family Safeguarding",
               COMPARISON: "Worked with before the model"}
GROUP_PHRASES = {MODEL: "worked with under Family Safeguarding",
                 COMPARISON: "worked with before the model"}


EVERY = "every window"


def segments(rows: pd.DataFrame, windows: dict[str, Window]) -> pd.Series:
    """The start windows each row's start lies in, as bits (window i: bit i); 0 for the
    comparison group, which is the same whichever window is chosen."""
    bits = pd.Series(0, index=rows.index)
    for i, window in enumerate(windows.values()):
        inside = rows["start_date"].between(pd.Timestamp(window.start), pd.Timestamp(window.end))
        bits += (inside & (rows["grp"] == MODEL)).astype(int) * (1 << i)
    return bits


def hidden_by_window(council: Council, rows: pd.DataFrame, yes: pd.Series,
                     windows: dict[str, Window], group: str, limit: int) -> pd.DataFrame:
    """For one group's ``rows`` (with ``yes``, the numerator's rows, where there is one):
    whether the count, numerator and complement are hidden in each area and start window,
    decided for every area and window at once (``fsdash.access.shares.hidden_parts``), so
    that no hidden count follows from the others, nor from the difference of two windows."""
    mine = rows.assign(yes=yes.astype(float), counted=1, segment=segments(rows, windows))
    cells = (mine.groupby(["district_code", "segment"], as_index=False)[["yes", "counted"]].sum()
             .rename(columns={"district_code": "district"}))
    if group != MODEL:
        hidden = hidden_parts(council, cells, limit, {EVERY: [0]}).xs(EVERY, level="window")
        return pd.concat({w: hidden for w in windows}, names=["window"]).swaplevel()
    present = cells["segment"].unique()
    return hidden_parts(council, cells, limit, {
        w: [s for s in present if s >> i & 1] for i, w in enumerate(windows)})


def counts_hidden(council: Council, rows: pd.DataFrame, windows: dict[str, Window],
                  limit: int) -> pd.DataFrame:
    """Whether each group's number of ``rows`` is hidden in each area and window: index
    (area, window), a column for each group."""
    return pd.DataFrame({
        group: hidden_by_window(council, part, pd.Series(1, index=part.index), windows, group,
                                limit)["counted"]
        for group, part in ((g, rows[rows["grp"] == g]) for g in (MODEL, COMPARISON))})


def whole(value: float) -> str:
    return SUPPRESSED if pd.isna(value) else f"{int(value):,}"


def one_decimal(value: float, signed: bool = False) -> str:
    if pd.isna(value):
        return SUPPRESSED
    return f"{value:+.1f}" if signed else f"{value:.1f}"
