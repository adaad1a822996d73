"""The council's own figures reconciled with what the DfE published for it: for each year the
published files and the store both cover, the store's count on 31 March (or over the year to
it) by the measure of ``fsdash.metrics`` with the same name, beside the DfE's figure for the
council, with the difference. The store's figures are those the caller's scope sees
(``fsdash.access``: small numbers hidden for roles that hide them).
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from fsdash import metrics
from fsdash.access import Figures
from fsdash.access.series import protected_series
from fsdash.config import WHOLE_COUNCIL, Council
from fsdash.metrics.sources import waiting
from fsdash.published_statistics.measures import MEASURES

# What is reconciled, in this order (issue 26): each a published measure; the store counts
# those ``MEASURES`` marks ``local``.
RECONCILED = ("cla", "cla_starts", "cla_ceases", "referrals", "rereferral_pct",
              "children_in_need", "cp_plans")
CLOSE = 1.0      # per cent: a difference beyond this is worth a note on the measure
COLUMNS = ("year", "measure", "title", "when", "ours", "published", "difference",
           "difference_pct", "note")


def reconcile(con: duckdb.DuckDBPyConnection, figures: Figures,
              council: Council) -> pd.DataFrame:
    """One row for each reconciled measure and year: ``COLUMNS`` (``ours`` None where the
    scope does not see it or the store cannot count it, with the ``note`` saying which)."""
    rows = []
    try:
        first, last = metrics.first_reliable_date(con), metrics.latest_month_end(con)
    except ValueError:        # a store holding published statistics alone
        first = last = None
    waits = waiting(con, tuple(name for name in RECONCILED if MEASURES[name].local))
    for name in RECONCILED:
        spec = MEASURES[name]
        published = _published(con, council, name)
        days = [dt.date(year, 3, 31) for year in published.index]
        ours = pd.Series(dtype=float)
        covered = [d for d in days if first and first <= d <= last]
        if spec.local and covered and name not in waits:
            ours = _ours(con, figures, council, name, covered)
        for year, day in zip(published.index, days):
            theirs = published.loc[year, "value"]
            own = ours.get(pd.Timestamp(day))
            own = None if own is None or pd.isna(own) else float(own)
            rows.append(_row(name, year, own, theirs, _note(spec.local, day in covered,
                                                           name in waits, own, theirs,
                                                           published.loc[year,
                                                                         "not_published"])))
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _ours(con, figures: Figures, council: Council, name: str, days: list[dt.date]) -> pd.Series:
    """The store's figure for the whole council on each day, by date, as the scope sees it:
    where it hides small numbers, by the rule every page uses (``protected_series``)."""
    if not figures.suppress:
        return metrics.series(con, name, days).set_index("as_at")["value"]
    values, hidden = protected_series(figures, con, name, days, WHOLE_COUNCIL, (), council)
    return values.where(~hidden)


def _published(con, council: Council, name: str) -> pd.DataFrame:
    """The DfE's figure for the council for each year it publishes the measure: value and
    not_published (the DfE's code where it is not published), by year."""
    spec = MEASURES[name]
    return con.execute("""
        SELECT time_period AS year, value, not_published FROM published_value
        WHERE dataset = ? AND measure = ? AND breakdown = ? AND old_la_code = ?
          AND geographic_level = 'Local authority'
        ORDER BY time_period""", [spec.dataset, spec.column, spec.breakdown,
                                   council.dfe_code]).df().set_index("year")


def _row(name: str, year: int, ours: float | None, theirs, note: str) -> dict:
    spec = MEASURES[name]
    theirs = None if pd.isna(theirs) else float(theirs)
    difference = None if ours is None or theirs is None else round(ours - theirs, 1)
    share = (None if difference is None or not theirs
             else round(100 * difference / theirs, 1))
    return {"year": year, "measure": name, "title": spec.title, "when": spec.when,
            "ours": ours, "published": theirs, "difference": difference,
            "difference_pct": share,
            "note": note or (f"Differs by more than {CLOSE:g}%" if share is not None
                             and abs(share) > CLOSE else "")}


def _note(local: bool, covered: bool, waits: bool, ours, theirs, not_published) -> str:
    """Why there is no difference to show, if there is none."""
    if not local:
        return "The store does not count this measure yet"
    if waits:
        return "The store does not hold the records this is counted from"
    if not covered:
        return "Before or after the records the store holds"
    if pd.isna(theirs):
        return f"Not published by the DfE (its code: {not_published})"
    if ours is None:
        return "Hidden: a small number"
    return ""


def table(reconciled: pd.DataFrame) -> pd.DataFrame:
    """The reconciliation as a reader sees it: years newest first, figures as written."""
    shown = reconciled.sort_values(["year", "measure"], ascending=[False, True],
                                   key=lambda c: c.map(RECONCILED.index)
                                   if c.name == "measure" else c)
    return pd.DataFrame({
        "Year to 31 March": [f"{y - 1}-{y % 100:02d}" for y in shown["year"]],
        "Measure": [f"{t} {w}" for t, w in zip(shown["title"], shown["when"])],
        "Our figure": shown["ours"].to_numpy(),
        "Published by the DfE": shown["published"].to_numpy(),
        "Difference": shown["difference"].to_numpy(),
        "Difference (%)": shown["difference_pct"].to_numpy(),
        "Note": shown["note"].to_numpy(),
    })
