"""What the Outcomes page's parts share: the groups' names, the start window, whether a
group's counts in each area and window may be shown, and how hidden and whole figures are
written."""

from __future__ import annotations

import pandas as pd

from fsdash.access import SUPPRESSED
from fsdash.access.shares import ONE_PERCENTAGE, hidden_measures
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


def window_segments(present, windows: dict[str, Window]) -> dict[str, list]:
    """Each window's segments among those ``present`` (``segments``' bits)."""
    return {w: [s for s in present if s >> i & 1] for i, w in enumerate(windows)}


def hidden_by_window(council: Council, rows: pd.DataFrame, kinds: pd.Series,
                     windows: dict[str, Window], group: str, limit: int,
                     measures: dict[str, dict[str, tuple]] | None = None,
                     unshown: tuple[str, ...] = ()) -> pd.DataFrame:
    """For one group's ``rows``, each of a kind (``kinds``; by default ``yes``, in the
    numerator, or ``no``): whether the count, numerator and complement of each measure
    (``fsdash.access.shares.hidden_measures``; by default one percentage, "") are hidden in
    each area and start window, indexed (measure, area, window); ``unshown`` measures are
    never shown, only protected where small. Decided for every measure,
    area and window at once, so that no hidden count follows from the others, nor from the
    difference of two windows or two measures."""
    measures = measures or {"": ONE_PERCENTAGE}
    mine = rows.assign(kind=kinds, segment=segments(rows, windows))
    cells = (mine.groupby(["district_code", "segment", "kind"]).size()
             .unstack("kind", fill_value=0).reset_index()
             .rename(columns={"district_code": "district"}))
    if group != MODEL:
        hidden = hidden_measures(council, cells, measures, limit, {EVERY: [0]},
                                 unshown=unshown)
        return (pd.concat({w: hidden.xs(EVERY, level="window") for w in windows},
                          names=["window"]).reorder_levels(["measure", "area", "window"]))
    return hidden_measures(council, cells, measures, limit,
                           window_segments(cells["segment"].unique(), windows), unshown=unshown)


def counts_hidden(council: Council, rows: pd.DataFrame, windows: dict[str, Window],
                  limit: int) -> pd.DataFrame:
    """Whether each group's number of ``rows`` is hidden in each area and window: index
    (area, window), a column for each group."""
    return pd.DataFrame({
        group: hidden_by_window(council, part, pd.Series("yes", index=part.index), windows,
                                group, limit).xs("", level="measure")["counted"]
        for group, part in ((g, rows[rows["grp"] == g]) for g in (MODEL, COMPARISON))})


def whole(value: float) -> str:
    return SUPPRESSED if pd.isna(value) else f"{int(value):,}"


def one_decimal(value: float, signed: bool = False) -> str:
    if pd.isna(value):
        return SUPPRESSED
    return f"{value:+.1f}" if signed else f"{value:.1f}"
