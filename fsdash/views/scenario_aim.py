"""What the Scenarios page measures under-12s against: the council's target in force on the
chosen month, or, where none is, an aim set on the page for planning."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from fsdash import metrics
from fsdash.config import WHOLE_COUNCIL, Council
from fsdash.formatting import long_date, round_half_up
from fsdash.projection import flows


@dataclass(frozen=True)
class Aim:
    """What the under-12s are measured against: the council's target in force, or (``agreed``
    False) an aim set on the page for planning."""

    label: str
    baseline_date: dt.date
    baseline: float
    annual_change: float
    end: dt.date
    value: int
    agreed: bool
    source: str

    def path(self) -> pd.DataFrame:
        """The aim at each month end from its start to its end."""
        days = pd.date_range(pd.Timestamp(self.baseline_date) + pd.offsets.MonthEnd(0),
                             pd.Timestamp(self.end) + pd.offsets.MonthEnd(0), freq="ME")
        years = [(d - pd.Timestamp(self.baseline_date)).days / 365.25 for d in days]
        values = [self.baseline * (1 + self.annual_change) ** min(y, self.years) for y in years]
        values[-1] = self.value
        return pd.DataFrame({"as_at": days, "value": values})

    @property
    def years(self) -> float:
        return (self.end - self.baseline_date).days / 365.25


def target_in_force(con: duckdb.DuckDBPyConnection, as_at: dt.date):
    """The council's under-12s target in force on ``as_at``, or None."""
    target = metrics.target_at(con, "cla_under12", as_at)
    return target if target is not None and target.baseline_date <= as_at < target.end else None


def aim_for(con, council: Council, history: flows.History, as_at: dt.date, area: str,
            percent: int, years: int) -> Aim:
    """The council's under-12s target in force on ``as_at``; failing that, an aim of ``percent``
    fewer a year for ``years`` years from ``as_at``, set on the page."""
    target = target_in_force(con, as_at)
    districts = council.areas()[area] if area != WHOLE_COUNCIL else ()
    if target is not None:
        attrs = metrics.target_path(con, target, [as_at], districts).attrs
        return Aim(target.label, target.baseline_date, attrs["baseline"], target.annual_change,
                   target.end, attrs["at_end"], True, target.source)
    now = float(history.stock[history.index(as_at), :12].sum())
    end = metrics.years_after(as_at, years)
    return Aim(f"Under-12s in care down {percent}% a year for {years} years from "
               f"{long_date(as_at)}", as_at, now, -percent / 100, end,
               round_half_up(now * (1 - percent / 100) ** years), False,
               "set on this page for planning; it is not a target the council has agreed")
