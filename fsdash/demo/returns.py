"""The demo council's SSDA903 returns as a council holds them: one folder for each collection
year (``ssda903/2023-24/``), each with the header and episodes the return for that year carries:
every episode open at some time in the year, with its end and reason left blank where it was
still open on 31 March, and the children those episodes are for. The year in progress is the
last folder, as an in-year extract."""

from __future__ import annotations

import pandas as pd

from fsdash import yearly

FOLDER = "ssda903"


def yearly_returns(header: pd.DataFrame, episodes: pd.DataFrame, first_day: pd.Timestamp,
                   last_day: pd.Timestamp) -> dict[str, dict[str, pd.DataFrame]]:
    """The header and episodes of each collection year's return, by folder (``ssda903/<year>``),
    from the year of ``first_day`` to the year of ``last_day``."""
    returns = {}
    for year in range(yearly.year_of(first_day.date()), yearly.year_of(last_day.date()) + 1):
        begins, ends = pd.Timestamp(year - 1, 4, 1), pd.Timestamp(year, 4, 1)
        held = episodes[(episodes["DECOM"] < ends)
                        & (episodes["DEC"].isna() | (episodes["DEC"] >= begins))].copy()
        open_at_end = held["DEC"] >= ends
        held.loc[open_at_end, "DEC"] = pd.NaT
        held.loc[open_at_end, "REC"] = None
        children = header[header["CHILD"].isin(held["CHILD"])]
        returns[f"{FOLDER}/{yearly.label(year)}"] = {"header.csv": children, "episodes.csv": held}
    return returns
