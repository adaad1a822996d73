"""The council's own figures reconciled with what the DfE published for it: for each year the
published files and the store both cover, the store's count on 31 March (or over the year to
it) by the measure of ``fsdash.metrics`` with the same name, beside the DfE's figure for the
council, with the difference: in the measure's own unit for a count (and as a percentage of
the published figure), in percentage points for a percentage. The store's figures are those the
caller's scope sees (``fsdash.access``: small numbers hidden for roles that hide them). A
measure whose figure differs from the published one by more than ``CLOSE`` in a year gets a
note on its definition (``definition_notes``), saying by how much and, where the store can tell,
why.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from fsdash import metrics
from fsdash.access import Figures
from fsdash.access.series import protected_series
from fsdash.config import WHOLE_COUNCIL, Council
from fsdash.metrics import needs  # noqa: F401  (registers children in need)
from fsdash.metrics.sources import waiting
from fsdash.published_statistics.measures import MEASURES

# What is reconciled, in this order (issue 26): each a published measure; the store counts
# those with a measure of the same name in ``fsdash.metrics``.
RECONCILED = ("cla", "cla_starts", "cla_ceases", "referrals", "rereferral_pct",
              "children_in_need", "cp_plans")
# A difference beyond this is worth a note on the measure: per cent of the published figure
# for a count, percentage points for a percentage.
CLOSE = 1.0
POINTS = "percentage points"
COLUMNS = ("year", "measure", "title", "when", "ours", "published", "difference",
           "difference_unit", "difference_pct", "apart", "note")


def reconcile(con: duckdb.DuckDBPyConnection, figures: Figures, council: Council,
              names: tuple[str, ...] = RECONCILED) -> pd.DataFrame:
    """One row for each reconciled measure (of ``names``, all by default) and year: ``COLUMNS``
    (``ours`` None where the scope does not see it or the store cannot count it, with the
    ``note`` saying which)."""
    rows = []
    try:
        first, last = metrics.first_reliable_date(con), metrics.latest_month_end(con)
    except ValueError:        # a store holding published statistics alone
        first = last = None
    waits = waiting(con, tuple(name for name in names if counted(name)))
    for name in names:
        published = _published(con, council, name)
        days = [dt.date(year, 3, 31) for year in published.index]
        ours = pd.Series(dtype=float)
        covered = [d for d in days if first and first <= d <= last]
        if counted(name) and covered and name not in waits:
            ours = _ours(con, figures, council, name, covered)
        for year, day in zip(published.index, days):
            theirs = published.loc[year, "value"]
            own = ours.get(pd.Timestamp(day))
            own = None if own is None or pd.isna(own) else float(own)
            rows.append(_row(name, year, own, theirs, _note(counted(name), day in covered,
                                                           name in waits, own, theirs,
                                                           published.loc[year,
                                                                         "not_published"])))
    return pd.DataFrame(rows, columns=list(COLUMNS))


def counted(name: str) -> bool:
    """Whether the store counts a reconciled measure: a measure of ``fsdash.metrics`` has its
    name."""
    return name in metrics.MEASURES


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
    percentage = metrics.MEASURES[name].unit == "%" if counted(name) else False
    share = (None if difference is None or not theirs or percentage
             else round(100 * difference / theirs, 1))
    return {"year": year, "measure": name, "title": spec.title, "when": spec.when,
            "ours": ours, "published": theirs, "difference": difference,
            "difference_unit": POINTS if percentage else _unit(name),
            "difference_pct": share, "apart": _apart(difference, share, percentage),
            "note": note or (f"Differs by more than {_close(percentage)}"
                             if _apart(difference, share, percentage) else "")}


def _unit(name: str) -> str:
    """What a count's difference counts: the store measure's unit."""
    return metrics.MEASURES[name].unit if counted(name) else ""


def _close(percentage: bool) -> str:
    return f"{CLOSE:g} percentage point" if percentage else f"{CLOSE:g}%"


def _apart(difference, share, percentage: bool) -> bool:
    """Whether a difference is beyond ``CLOSE``: in points for a percentage, else in per cent."""
    gap = difference if percentage else share
    return gap is not None and abs(gap) > CLOSE


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
    """The reconciliation as a reader sees it: years newest first, figures as written, the
    difference with what it is in (a count's unit, or percentage points for a percentage)."""
    shown = reconciled.sort_values(["year", "measure"], ascending=[False, True],
                                   key=lambda c: c.map(RECONCILED.index)
                                   if c.name == "measure" else c)
    return pd.DataFrame({
        "Year to 31 March": [year_label(y) for y in shown["year"]],
        "Measure": [f"{t} {w}" for t, w in zip(shown["title"], shown["when"])],
        "Our figure": shown["ours"].to_numpy(),
        "Published by the DfE": shown["published"].to_numpy(),
        "Difference": shown["difference"].to_numpy(),
        "Difference is in": [u if d is not None and pd.notna(d) else ""
                             for u, d in zip(shown["difference_unit"], shown["difference"])],
        "Difference (% of published)": shown["difference_pct"].to_numpy(),
        "Note": shown["note"].to_numpy(),
    })


def year_label(year: int) -> str:
    """2025 as '2024-25': the year to 31 March."""
    return f"{year - 1}-{year % 100:02d}"


def definition_notes(reconciled: pd.DataFrame) -> dict[str, str]:
    """For each measure whose figure differs from the DfE's published one by more than
    ``CLOSE`` in a year: a note for its definition saying in which years, by how much, and why
    where the store can tell."""
    notes = {}
    apart = reconciled[reconciled["apart"].astype(bool)]    # (an empty column is no mask)
    for name, rows in apart.groupby("measure", sort=False):
        gaps = "; ".join(f"{year_label(r.year)} {_gap(r)}"
                         for r in rows.sort_values("year", ascending=False).itertuples())
        percentage = rows["difference_unit"].iloc[0] == POINTS
        notes[name] = (f"Our figure differs from the DfE's published one by more than "
                       f"{_close(percentage)} in {_counted_years(len(rows))} "
                       f"({gaps}). {_why(name)}")
    return notes


def definitions(reconciled: pd.DataFrame, names) -> list[tuple[str, str, str]]:
    """Each of ``names`` the store counts, as its page shows it: (title, definition, note), the
    note saying how it differs from the DfE's published figure where it does by more than
    ``CLOSE`` ('' otherwise)."""
    notes = definition_notes(reconciled)
    return [(metrics.MEASURES[name].title, metrics.MEASURES[name].definition,
             notes.get(name, "")) for name in names if counted(name)]


def _gap(row) -> str:
    if row.difference_unit == POINTS:
        return f"{row.difference:+.1f} points"
    return f"{row.difference:+,.0f}, {row.difference_pct:+.1f}%"


def _counted_years(count: int) -> str:
    return "1 year" if count == 1 else f"{count} years"


WHY_UNKNOWN = ("the DfE counts from the returns as submitted in each year, and the store from "
               "the records as loaded since, so a return corrected after submission or a record "
               "loaded later makes them differ, and the store does not keep which load each "
               "record came from.")
# Where a measure's definition differs from the DfE's (docs/published-statistics.md).
DEFINITION = {
    "cla_starts": ("Part of it may be the definition: fsdash counts each period of care begun, "
                   "the DfE each child once in the year, so a child who started twice in a year "
                   "makes ours higher."),
    "cla_ceases": ("Part of it may be the definition: fsdash counts each period of care ended, "
                   "the DfE each child once in the year, so a child who left care twice in a "
                   "year makes ours higher."),
}


def _why(name: str) -> str:
    if name in DEFINITION:
        return f"{DEFINITION[name]} Beyond that, the store cannot tell why: {WHY_UNKNOWN}"
    return f"The store cannot tell why: {WHY_UNKNOWN}"
