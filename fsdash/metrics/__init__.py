"""Every measure, defined once: a name, a title, its definition and one SQL query.

Each query takes ``$dates`` (a list of count dates) and ``$districts`` (ONS district codes;
an empty list means the whole council), and those about children looked after also
``$min_age`` and ``$max_age``. A measure returns one row per date: ``as_at`` and ``value``,
and for some measures more columns that explain the value; a breakdown returns one row per
date and category. Pages, exports, the CLI and the tests all call these functions; none of
them counts anything itself.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from fsdash.config import Target
from fsdash.formatting import round_half_up
from fsdash.metrics import care as _care  # noqa: F401  (registers the measures)
from fsdash.metrics import front_door as _front_door  # noqa: F401
from fsdash.metrics import kept
from fsdash.metrics import needs as _needs  # noqa: F401
from fsdash.metrics.cells import age_groups
from fsdash.metrics.fragments import CASE_HOLDERS, DATES
from fsdash.metrics.grids import AGE_GROUPS
from fsdash.metrics.headline import HEADLINE
from fsdash.metrics.registry import BREAKDOWNS, MEASURES, Breakdown, Measure

__all__ = ["AGE_RANGES", "ALL_AGES", "BREAKDOWNS", "HEADLINE", "MEASURES", "Breakdown", "Measure",
           "age_groups", "breakdown", "breakdown_by_district", "caseload_by_team",
           "caseload_by_worker", "counted_breakdown", "counted_series", "first_reliable_date",
           "latest_month_end", "month_ends", "reliable_month_ends", "series", "summary",
           "target_at", "target_path", "targets", "value", "year_before", "years_after"]


def caseload_by_team(con: duckdb.DuckDBPyConnection, as_at: dt.date) -> pd.DataFrame:
    """The caseload measure for each team on a date: team, name, children, fte and value."""
    return con.execute(f"""WITH {DATES}, {CASE_HOLDERS}
        SELECT t.team_code AS team, t.name, count(DISTINCT c.child_id) AS children, s.fte,
               round(count(DISTINCT c.child_id) / s.fte, 1) AS value
        FROM team t
        JOIN (SELECT team_code, sum(fte) AS fte FROM holders GROUP BY team_code) s USING (team_code)
        LEFT JOIN cases c USING (team_code)
        GROUP BY t.team_code, t.name, s.fte ORDER BY t.team_code""",
        {"dates": [as_at], "districts": []}).df()


def caseload_by_worker(con: duckdb.DuckDBPyConnection, as_at: dt.date, team: str) -> pd.DataFrame:
    """A team's case-holding social workers in post on a date, each with the children whose open
    cases they hold (as for the caseload measure) and of which kind: worker, role, fte,
    children, cin, cp, cla."""
    return con.execute("""
        SELECT w.worker_id AS worker, w.role, CAST(w.fte AS DOUBLE) AS fte,
               count(DISTINCT a.child_id) AS children,
               count(DISTINCT a.child_id) FILTER (WHERE a.case_type = 'CIN') AS cin,
               count(DISTINCT a.child_id) FILTER (WHERE a.case_type = 'CP') AS cp,
               count(DISTINCT a.child_id) FILTER (WHERE a.case_type = 'CLA') AS cla
        FROM worker w
        LEFT JOIN allocation a ON a.worker_id = w.worker_id AND a.open_date <= $as_at
             AND (a.close_date IS NULL OR a.close_date > $as_at)
        WHERE w.team_code = $team AND w.role IN ('SW', 'SP') AND w.start_date <= $as_at
          AND (w.end_date IS NULL OR w.end_date > $as_at)
        GROUP BY ALL ORDER BY w.worker_id""", {"as_at": as_at, "team": team}).df()


ALL_AGES = (0, 200)
# The age choices the app offers, as ranges of age in whole years.
AGE_RANGES = {"all": ALL_AGES, "under12": (0, 11), "under1": (0, 0), "1-4": (1, 4),
              "5-9": (5, 9), "10-15": (10, 15), "16plus": (16, 200)}


def _params(sql: str, dates, districts, ages, fixed=()) -> dict:
    params = {"dates": [pd.Timestamp(d).date() for d in dates], "districts": list(districts),
              **dict(fixed)}
    if "$min_age" in sql:
        params |= {"min_age": ages[0], "max_age": ages[1]}
    return params


def series(con: duckdb.DuckDBPyConnection, name: str, dates, districts=(),
           ages=ALL_AGES) -> pd.DataFrame:
    """The measure on each date, for the given districts (all when empty) and ages: added up
    from the cells a load kept, or as counted at load time, where the store keeps them
    (``fsdash.metrics.kept``), else counted now from the records."""
    cells = MEASURES[name].cells
    if cells is None:
        return kept.read_or_count(con, f"measure_{name}", kept.key_of(districts, ages), dates,
                                  lambda: counted_series(con, name, dates, districts, ages))
    groups = age_groups(ages) if cells.by_age else list(range(len(AGE_GROUPS)))
    if groups is None or not kept.holds(con, cells.kept_name, kept.WHOLE_RANGE, dates):
        return counted_series(con, name, dates, districts, ages)
    sql = cells.from_kept()
    return con.execute(sql, _params(sql, dates, districts, ages)
                       | {"age_groups": groups}).df()


def counted_series(con: duckdb.DuckDBPyConnection, name: str, dates, districts=(),
                   ages=ALL_AGES) -> pd.DataFrame:
    """The measure on each date, counted from the records by its SQL."""
    measure = MEASURES[name]
    return con.execute(measure.sql, _params(measure.sql, dates, districts, ages,
                                            measure.params)).df()


def value(con: duckdb.DuckDBPyConnection, name: str, as_at: dt.date, districts=(),
          ages=ALL_AGES) -> float | None:
    """The measure on one date."""
    result = series(con, name, [as_at], districts, ages)["value"].iloc[0]
    return None if pd.isna(result) else float(result)


def breakdown_by_district(con: duckdb.DuckDBPyConnection, name: str, dates, districts=(),
                          ages=ALL_AGES) -> pd.DataFrame:
    """A breakdown on each date split by district: as_at, category, district, value (as kept
    at load time where the store keeps it)."""
    return kept.read_or_count(con, f"breakdown_{name}", kept.key_of(districts, ages), dates,
                              lambda: counted_breakdown(con, name, dates, districts, ages))


def counted_breakdown(con: duckdb.DuckDBPyConnection, name: str, dates, districts=(),
                      ages=ALL_AGES) -> pd.DataFrame:
    """A breakdown on each date split by district, counted from the records by its SQL."""
    spec = BREAKDOWNS[name]
    return con.execute(spec.sql, _params(spec.sql, dates, districts, ages)).df()


def breakdown(con: duckdb.DuckDBPyConnection, name: str, dates, districts=(),
              ages=ALL_AGES) -> pd.DataFrame:
    """A breakdown on each date: one row per date and category, in the breakdown's order."""
    spec = BREAKDOWNS[name]
    frame = (breakdown_by_district(con, name, dates, districts, ages)
             .groupby(["as_at", "category"], as_index=False, sort=True)["value"].sum())
    if spec.order:
        rank = {category: i for i, category in enumerate(spec.order)}
        frame = frame.sort_values(["as_at", "category"], key=lambda c: c.map(rank)
                                  if c.name == "category" else c, kind="stable")
    return frame.reset_index(drop=True)


def latest_month_end(con: duckdb.DuckDBPyConnection) -> dt.date:
    """The last month end the data covers: the month end on or before the latest recorded event."""
    latest = con.execute("""
        SELECT max(d) FROM (SELECT max(referral_date) AS d FROM referral
                            UNION ALL SELECT max(decom) FROM cla_episode)""").fetchone()[0]
    if latest is None:
        raise ValueError("The store holds no referrals or episodes yet.")
    next_day = latest + dt.timedelta(days=1)
    return latest if next_day.day == 1 else latest.replace(day=1) - dt.timedelta(days=1)


def first_reliable_date(con: duckdb.DuckDBPyConnection) -> dt.date:
    """The first month end with a full year of records behind it: earlier figures would
    undercount anything measured over 12 months or built up from earlier records. Records
    begin at the first referral or, where earlier, where the episodes begin: the first episode
    to end (SSDA903 returns hold the episodes open in their years, so one begun long before
    the first return says nothing of the children who left care before it), or the first to
    start where none has ended."""
    earliest = con.execute("""
        SELECT least((SELECT min(referral_date) FROM referral),
                     (SELECT coalesce(min(dec), min(decom)) FROM cla_episode))""").fetchone()[0]
    if earliest is None:
        raise ValueError("The store holds no referrals or episodes yet.")
    year_on = pd.Timestamp(earliest) + pd.DateOffset(years=1) - pd.Timedelta(days=1)
    return min((year_on + pd.offsets.MonthEnd(0)).date(), latest_month_end(con))


def reliable_month_ends(con: duckdb.DuckDBPyConnection) -> list[dt.date]:
    """Every month end from the first reliable date to the latest the data covers (the
    latest alone, where the records cover less than a year: an Annex A workbook alone)."""
    last, first = latest_month_end(con), first_reliable_date(con)
    return month_ends(last, (last.year - first.year) * 12 + last.month - first.month + 1)


def month_ends(last: dt.date, count: int) -> list[dt.date]:
    """``count`` month ends up to and including ``last`` (itself a month end)."""
    ends = pd.date_range(end=pd.Timestamp(last), periods=count, freq="ME")
    return [d.date() for d in ends]


def year_before(day: dt.date) -> dt.date:
    """The same date a year earlier (28 February for 29 February)."""
    return (pd.Timestamp(day) - pd.DateOffset(years=1)).date()


def years_after(day: dt.date, years: int) -> dt.date:
    """The same date ``years`` later (28 February for 29 February)."""
    return (pd.Timestamp(day) + pd.DateOffset(years=years)).date()


def targets(con: duckdb.DuckDBPyConnection, measure: str) -> list[Target]:
    """The measure's targets as loaded into the store, earliest first."""
    rows = con.execute("SELECT measure, baseline_date, annual_change, years, label, source "
                       "FROM target WHERE measure = ? ORDER BY baseline_date", [measure]).fetchall()
    return [Target(*row) for row in rows]


def target_at(con: duckdb.DuckDBPyConnection, measure: str, as_at: dt.date) -> Target | None:
    """The target in force on ``as_at``; failing that the latest ended before it; failing that
    the first still to come; None if the measure has none."""
    found = targets(con, measure)
    in_force = [t for t in found if t.baseline_date <= as_at < t.end]
    ended = [t for t in found if t.end <= as_at]
    return (in_force or ended or found or [None])[-1 if in_force or ended else 0]


def target_path(con: duckdb.DuckDBPyConnection, target: Target, dates,
                districts=()) -> pd.DataFrame:
    """The measure on each date (``actual``) beside its target path (``target``, in whole
    children; none after the target period): the value on the baseline date changed by the
    annual change, compounded, for the time elapsed. ``attrs``: ``baseline`` and ``at_end``."""
    baseline = value(con, target.measure, target.baseline_date, districts)
    frame = series(con, target.measure, dates, districts).rename(columns={"value": "actual"})

    def target_after(day) -> int:
        years = (pd.Timestamp(day) - pd.Timestamp(target.baseline_date)).days / 365.25
        return round_half_up(baseline * (1 + target.annual_change) ** min(years, target.years))

    frame["target"] = [target_after(d) if pd.Timestamp(d).date() <= target.end else None
                       for d in frame["as_at"]]
    frame.attrs.update(baseline=baseline, at_end=target_after(target.end))
    return frame


def summary(con: duckdb.DuckDBPyConnection, as_at: dt.date, districts=(),
            computed: dict[str, pd.DataFrame] | None = None) -> dict:
    """The headline measures on a date, each with its definition and its figures a year earlier
    (``year_ago``: None when that is before the first reliable date). ``computed`` may hold each
    measure's series already run over dates that include both, to save running them again."""
    year_ago = year_before(as_at)
    comparable = year_ago >= first_reliable_date(con)
    out = {}
    for name in HEADLINE:
        m = MEASURES[name]
        rows = computed[name] if computed else series(con, name, [year_ago, as_at], districts)
        by_date = rows.set_index(rows["as_at"].dt.date)
        out[name] = {
            "title": m.title, "unit": m.unit, "better": m.better, "definition": m.definition,
            **_plain(by_date.loc[as_at]),
            "year_ago": _plain(by_date.loc[year_ago]) if comparable else None,
        }
    return out


def _plain(row: pd.Series) -> dict:
    """A result row as JSON-ready numbers (None for missing), without the date."""
    return {k: (None if pd.isna(v) else float(v)) for k, v in row.items() if k != "as_at"}
