"""Every headline measure, defined once: a name, a title, its definition and one SQL query.

Each query takes ``$dates`` (a list of count dates) and ``$districts`` (ONS district codes;
an empty list means the whole council) and returns one row per date: ``as_at`` and
``value``, and for some measures more columns that explain the value. Pages, exports,
the CLI and the tests all call ``series`` or ``value``; none of them counts anything itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

DATES = "dates AS (SELECT unnest($dates::DATE[]) AS as_at)"
IN_AREA = "(len($districts::VARCHAR[]) = 0 OR list_contains($districts::VARCHAR[], {column}))"
# The latest mid-year (30 June) population estimate on or before the count date.
POPULATION = f"""
population_on AS (
    SELECT d.as_at, sum(p.population) AS under18
    FROM dates d JOIN population p
      ON p.year = least(year(d.as_at) - CASE WHEN month(d.as_at) < 7 THEN 1 ELSE 0 END,
                        (SELECT max(year) FROM population))
    WHERE {IN_AREA.format(column="p.district_code")}
    GROUP BY d.as_at
)"""
LOOKED_AFTER_ON = f"""
looked_after AS (
    SELECT d.as_at, e.child_id, date_sub('year', h.birth_month, d.as_at) AS age
    FROM dates d
    JOIN cla_episode e ON e.decom <= d.as_at AND (e.dec IS NULL OR e.dec > d.as_at)
    JOIN cla_child h USING (child_id)
    JOIN child c USING (child_id)
    WHERE e.ls NOT IN ('V3', 'V4') AND {IN_AREA.format(column="c.district_code")}
)"""
TWELVE_MONTHS = "BETWEEN d.as_at - INTERVAL 1 YEAR + INTERVAL 1 DAY AND d.as_at"
ADULT_EVENTS_AROUND_START = f"""
started AS (
    SELECT d.as_at, f.family_id, min(f.start_date) AS start_date
    FROM dates d JOIN fs_involvement f ON f.start_date <= d.as_at - INTERVAL 1 YEAR
    JOIN family fam USING (family_id)
    WHERE {IN_AREA.format(column="fam.district_code")}
    GROUP BY d.as_at, f.family_id
    HAVING min(f.start_date) > d.as_at - INTERVAL 2 YEAR
),
adults_in AS (
    SELECT s.as_at, s.start_date, a.adult_id FROM started s JOIN adult a USING (family_id)
),
counted AS (
    SELECT a.as_at, count(DISTINCT a.adult_id) AS adults,
           count(ev.adult_id) FILTER (WHERE ev.event_date <  a.start_date) AS before,
           count(ev.adult_id) FILTER (WHERE ev.event_date >= a.start_date) AS after
    FROM adults_in a
    LEFT JOIN adult_event ev ON ev.adult_id = a.adult_id AND ev.event_type = $event_type
         AND ev.event_date >= a.start_date - INTERVAL 1 YEAR
         AND ev.event_date <  a.start_date + INTERVAL 1 YEAR
    GROUP BY a.as_at
)"""
# Case-holding workers in post on each date in the teams serving the area, and the children
# whose open cases they hold.
CASE_HOLDERS = f"""
holders AS (
    SELECT d.as_at, w.team_code, w.worker_id, w.fte FROM dates d
    JOIN worker w ON w.start_date <= d.as_at AND (w.end_date IS NULL OR w.end_date > d.as_at)
    WHERE w.role IN ('SW', 'SP') AND w.team_code IN (
        SELECT team_code FROM team_district WHERE {IN_AREA.format(column="district_code")})
),
cases AS (
    SELECT h.as_at, h.team_code, a.child_id FROM holders h
    JOIN allocation a ON a.worker_id = h.worker_id AND a.open_date <= h.as_at
     AND (a.close_date IS NULL OR a.close_date > h.as_at)
)"""


@dataclass(frozen=True)
class Measure:
    """One named measure: what it is called, how it is defined, and the SQL that counts it."""

    name: str
    title: str
    definition: str
    unit: str                 # "children", "per 10,000", "%", "per FTE", "referrals", ...
    better: str               # "down", "up" or "neither": which direction of change is good
    sql: str
    params: tuple = ()        # extra fixed parameters, as (name, value) pairs
    is_count: bool = True     # a count of people (subject to small-number suppression)


MEASURES: dict[str, Measure] = {}


def _measure(**kwargs) -> Measure:
    m = Measure(**kwargs)
    MEASURES[m.name] = m
    return m


_measure(
    name="cla",
    title="Children looked after",
    definition=("Children looked after at the end of the day on the count date: children with an "
                "SSDA903 episode that started on or before that date and had not ceased on or "
                "before it. Children looked after under an agreed series of short-term breaks "
                "(legal status V3 or V4) are excluded, as in the DfE's published figures."),
    unit="children", better="down",
    sql=f"""WITH {DATES}, {LOOKED_AFTER_ON}
        SELECT d.as_at, count(DISTINCT l.child_id) AS value
        FROM dates d LEFT JOIN looked_after l USING (as_at) GROUP BY d.as_at ORDER BY d.as_at""",
)
_measure(
    name="cla_under12",
    title="Under-12s looked after",
    definition=("Children looked after on the count date (as above) who had not reached their 12th "
                "birthday. Only the month of birth is held, so a child is taken to turn 12 on the "
                "first day of the month of their 12th birthday."),
    unit="children", better="down",
    sql=f"""WITH {DATES}, {LOOKED_AFTER_ON}
        SELECT d.as_at, count(DISTINCT l.child_id) FILTER (WHERE l.age < 12) AS value
        FROM dates d LEFT JOIN looked_after l USING (as_at) GROUP BY d.as_at ORDER BY d.as_at""",
)
_measure(
    name="cla_rate",
    title="Looked after per 10,000 children",
    definition=("Children looked after on the count date per 10,000 children aged under 18, using "
                "the latest mid-year population estimate on or before that date."),
    unit="per 10,000", better="down", is_count=False,
    sql=f"""WITH {DATES}, {LOOKED_AFTER_ON}, {POPULATION},
        counts AS (SELECT d.as_at, count(DISTINCT l.child_id) AS children
                   FROM dates d LEFT JOIN looked_after l USING (as_at) GROUP BY d.as_at)
        SELECT c.as_at, round(10000.0 * c.children / nullif(p.under18, 0), 1) AS value,
               c.children, p.under18
        FROM counts c LEFT JOIN population_on p USING (as_at) ORDER BY c.as_at""",
)
_measure(
    name="cla_starts",
    title="Started to be looked after (12 months)",
    definition=("Episodes starting a new period of care (reason for new episode S) in the 12 "
                "months to the count date, short breaks (V3, V4) excluded. A child who started "
                "twice is counted twice."),
    unit="starts", better="down",
    sql=f"""WITH {DATES}
        SELECT d.as_at, count(e.child_id) AS value
        FROM dates d LEFT JOIN (cla_episode e JOIN child c USING (child_id))
          ON e.rne = 'S' AND e.decom {TWELVE_MONTHS} AND e.ls NOT IN ('V3', 'V4')
          AND {IN_AREA.format(column="c.district_code")}
        GROUP BY d.as_at ORDER BY d.as_at""",
)
_measure(
    name="cla_ceases",
    title="Ceased to be looked after (12 months)",
    definition=("Episodes that ended a period of care (reason episode ceased other than X1) in the "
                "12 months to the count date, short breaks (V3, V4) excluded."),
    unit="ceases", better="neither",
    sql=f"""WITH {DATES}
        SELECT d.as_at, count(e.child_id) AS value
        FROM dates d LEFT JOIN (cla_episode e JOIN child c USING (child_id))
          ON e.rec <> 'X1' AND e.dec {TWELVE_MONTHS} AND e.ls NOT IN ('V3', 'V4')
          AND {IN_AREA.format(column="c.district_code")}
        GROUP BY d.as_at ORDER BY d.as_at""",
)
_measure(
    name="referrals",
    title="Referrals (12 months)",
    definition=("Referrals to children's social care (CIN census CINreferralDate) in the 12 months "
                "to the count date, through the MASH or the support hub."),
    unit="referrals", better="neither",
    sql=f"""WITH {DATES}
        SELECT d.as_at, count(r.referral_id) AS value
        FROM dates d LEFT JOIN (referral r JOIN child c USING (child_id))
          ON r.referral_date {TWELVE_MONTHS} AND {IN_AREA.format(column="c.district_code")}
        GROUP BY d.as_at ORDER BY d.as_at""",
)
_measure(
    name="rereferral_pct",
    title="Re-referrals within 12 months",
    definition=("Percentage of referrals in the 12 months to the count date that were within 12 "
                "months of a previous referral for the same child (DfE children in need "
                "definition)."),
    unit="%", better="down", is_count=False,
    sql=f"""WITH {DATES},
        flagged AS (
            SELECT r.referral_id, r.referral_date, c.district_code,
                   lag(r.referral_date) OVER (PARTITION BY r.child_id ORDER BY r.referral_date,
                                              r.referral_id) AS previous
            FROM referral r JOIN child c USING (child_id))
        SELECT d.as_at,
               round(100.0 * count(f.referral_id) FILTER (
                   WHERE f.previous >= f.referral_date - INTERVAL 1 YEAR)
                   / nullif(count(f.referral_id), 0), 1) AS value,
               count(f.referral_id) AS referrals
        FROM dates d LEFT JOIN flagged f
          ON f.referral_date {TWELVE_MONTHS} AND {IN_AREA.format(column="f.district_code")}
        GROUP BY d.as_at ORDER BY d.as_at""",
)
_measure(
    name="cp_plans",
    title="Children on child protection plans",
    definition=("Children with a child protection plan open on the count date: started on or "
                "before it and not ended on or before it (CIN census CPPstartDate, CPPendDate)."),
    unit="children", better="neither",
    sql=f"""WITH {DATES}
        SELECT d.as_at, count(DISTINCT p.child_id) AS value
        FROM dates d LEFT JOIN (cp_plan p JOIN child c USING (child_id))
          ON p.start_date <= d.as_at AND (p.end_date IS NULL OR p.end_date > d.as_at)
          AND {IN_AREA.format(column="c.district_code")}
        GROUP BY d.as_at ORDER BY d.as_at""",
)
_measure(
    name="caseload",
    title="Caseload per social worker",
    definition=("Children with an open case held by a case-holding social worker (social worker or "
                "senior practitioner) on the count date, divided by those workers' full-time "
                "equivalent (DfE children's social work workforce census method: a case is a "
                "child). Teams are those serving the chosen area."),
    unit="per FTE", better="down", is_count=False,
    sql=f"""WITH {DATES}, {CASE_HOLDERS},
        per_date AS (SELECT as_at, count(DISTINCT child_id) AS children FROM cases GROUP BY as_at),
        staff AS (SELECT as_at, sum(fte) AS fte FROM holders GROUP BY as_at)
        SELECT d.as_at, round(coalesce(c.children, 0) / nullif(s.fte, 0), 1) AS value,
               coalesce(c.children, 0) AS children, s.fte
        FROM dates d LEFT JOIN per_date c USING (as_at) LEFT JOIN staff s USING (as_at)
        ORDER BY d.as_at""",
)
for _event, _title, _herts in (("POLICE", "Police contacts", "66%"),
                               ("EMERGENCY_ADMISSION", "Emergency admissions", "53%")):
    _measure(
        name=f"{_event.lower()}_change",
        title=f"{_title} after Family Safeguarding",
        definition=(f"{_title} of adults in families whose Family Safeguarding work began between "
                    "24 and 12 months before the count date: the number per 100 adults in the 12 "
                    "months after the work began, compared with the 12 months before, as a "
                    f"percentage change. Hertfordshire's evaluation saw a fall of {_herts}; that is "
                    "one council's result, not an expected effect."),
        unit="%", better="down", is_count=False, params=(("event_type", _event),),
        sql=f"""WITH {DATES}, {ADULT_EVENTS_AROUND_START}
            SELECT d.as_at,
                   round(100.0 * (c.after - c.before) / nullif(c.before, 0), 1) AS value,
                   coalesce(c.adults, 0) AS adults,
                   round(100.0 * c.before / nullif(c.adults, 0), 1) AS before_per_100,
                   round(100.0 * c.after / nullif(c.adults, 0), 1) AS after_per_100
            FROM dates d LEFT JOIN counted c USING (as_at) ORDER BY d.as_at""",
    )

HEADLINE = ("cla", "cla_rate", "cla_under12", "cla_starts", "cla_ceases", "referrals",
            "rereferral_pct", "cp_plans", "caseload", "police_change",
            "emergency_admission_change")


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


def series(con: duckdb.DuckDBPyConnection, name: str, dates, districts=()) -> pd.DataFrame:
    """The measure on each date, for the given districts (all when empty)."""
    measure = MEASURES[name]
    params = {"dates": [pd.Timestamp(d).date() for d in dates], "districts": list(districts),
              **dict(measure.params)}
    return con.execute(measure.sql, params).df()


def value(con: duckdb.DuckDBPyConnection, name: str, as_at: dt.date, districts=()) -> float | None:
    """The measure on one date."""
    result = series(con, name, [as_at], districts)["value"].iloc[0]
    return None if pd.isna(result) else float(result)


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
    undercount anything measured over 12 months or built up from earlier records."""
    earliest = con.execute("SELECT min(referral_date) FROM referral").fetchone()[0]
    if earliest is None:
        raise ValueError("The store holds no referrals yet.")
    year_on = pd.Timestamp(earliest) + pd.DateOffset(years=1) - pd.Timedelta(days=1)
    return (year_on + pd.offsets.MonthEnd(0)).date()


def month_ends(last: dt.date, count: int) -> list[dt.date]:
    """``count`` month ends up to and including ``last`` (itself a month end)."""
    ends = pd.date_range(end=pd.Timestamp(last), periods=count, freq="ME")
    return [d.date() for d in ends]


def under12_target(con: duckdb.DuckDBPyConnection, dates, districts=()) -> pd.DataFrame:
    """The under-12s target path: the count on the baseline date less the annual reduction, compounded
    monthly, for the target's years, then held; with the actual count beside it."""
    baseline_date, reduction, years = con.execute(
        "SELECT baseline_date, annual_reduction, years FROM target "
        "WHERE measure = 'under12_in_care'").fetchone()
    baseline = value(con, "cla_under12", baseline_date, districts)
    frame = series(con, "cla_under12", dates, districts).rename(columns={"value": "actual"})
    elapsed = [(pd.Timestamp(d) - pd.Timestamp(baseline_date)).days / 365.25 for d in frame["as_at"]]
    frame["target"] = [round(baseline * (1 - reduction) ** min(max(t, 0), years), 1)
                       for t in elapsed]
    frame.attrs.update(baseline=baseline, baseline_date=baseline_date, reduction=reduction,
                       years=years)
    return frame


def summary(con: duckdb.DuckDBPyConnection, as_at: dt.date, districts=()) -> dict:
    """The headline measures on a date, each with its definition and its figures a year earlier
    (``year_ago``: None when that is before the first reliable date)."""
    year_ago = (pd.Timestamp(as_at) - pd.DateOffset(years=1)).date()
    comparable = year_ago >= first_reliable_date(con)
    out = {}
    for name in HEADLINE:
        m = MEASURES[name]
        rows = series(con, name, [year_ago, as_at], districts)
        now, before = _plain(rows.iloc[1]), _plain(rows.iloc[0])
        out[name] = {
            "title": m.title, "unit": m.unit, "better": m.better, "definition": m.definition,
            **now, "year_ago": before if comparable else None,
        }
    return out


def _plain(row: pd.Series) -> dict:
    """A result row as JSON-ready numbers (None for missing), without the date."""
    return {k: (None if pd.isna(v) else float(v)) for k, v in row.items() if k != "as_at"}
