"""Counts split into the finest cells the app ever adds up: district by age group, and for
breakdowns by category too. Every count the app shows for an area, an age option or a category
is a sum of these cells, which is what lets ``fsdash.access`` check that no hidden figure can be
worked out from the others shown.

Each query returns ``as_at``, ``district``, ``age_group`` (an index into ``AGE_GROUPS``; 0 for
counts with no age) and its counts: ``value`` for the counts the small-number rule decides
(``category`` too for breakdowns); the parts of a percentage or a change (``yes`` and
``counted``, say) for the rest. A load counts each grid once (``fsdash.metrics.aggregate``) and
every measure that adds up from it (``fsdash.metrics.cells``) reads it from there."""

from __future__ import annotations

import duckdb
import pandas as pd

from fsdash.metrics import kept
from fsdash.metrics.fragments import (
    CARE_FLOWS,
    CEASES,
    DATES,
    IN_MONTH,
    LOOKED_AFTER_ON,
    STARTS,
    TWELVE_MONTHS,
)

# Whole-year age groups whose unions are every age choice the app offers (the DfE's bands, and
# under 12 for the council's target).
AGE_GROUPS = ("Under 1", "1 to 4", "5 to 9", "10 to 11", "12 to 15", "16 and over")
AGE_GROUP_BOUNDS = (1, 5, 10, 12, 16)


def age_group_sql(age: str) -> str:
    """SQL for the age group (index into AGE_GROUPS) of an age in whole years."""
    cases = " ".join(f"WHEN {age} < {bound} THEN {i}" for i, bound in enumerate(AGE_GROUP_BOUNDS))
    return f"CASE {cases} ELSE {len(AGE_GROUP_BOUNDS)} END"


_LOOKED_AFTER = f"""WITH {DATES}, {LOOKED_AFTER_ON}
    SELECT l.as_at, c.district_code AS district, {age_group_sql("l.age")} AS age_group,
           count(DISTINCT l.child_id) AS value
    FROM looked_after l JOIN child c USING (child_id) GROUP BY ALL"""


def _flows(which: str, age: str, window: str) -> str:
    return f"""WITH {DATES}, {CARE_FLOWS}
    SELECT d.as_at, f.district_code AS district, {age_group_sql(age)} AS age_group,
           count(*) AS value
    FROM dates d JOIN flows f ON {which} {window} GROUP BY ALL"""


_BY_DISTRICT = """WITH {dates}
    SELECT d.as_at, c.district_code AS district, 0 AS age_group, count({counted}) AS value
    FROM dates d JOIN ({table} JOIN child c USING (child_id)) ON {condition} GROUP BY ALL"""


GRIDS = {
    "cla": _LOOKED_AFTER,
    "starts": _flows(STARTS, "f.age_at_start", TWELVE_MONTHS),
    "ceases": _flows(CEASES, "f.age_at_end", TWELVE_MONTHS),
    "starts_in_month": _flows(STARTS, "f.age_at_start", IN_MONTH),
    "ceases_in_month": _flows(CEASES, "f.age_at_end", IN_MONTH),
    "referrals": _BY_DISTRICT.format(dates=DATES, counted="r.referral_id", table="referral r",
                                     condition=f"r.referral_date {TWELVE_MONTHS}"),
    "referrals_in_month": _BY_DISTRICT.format(dates=DATES, counted="r.referral_id",
                                              table="referral r",
                                              condition=f"r.referral_date {IN_MONTH}"),
    "cp_plans": _BY_DISTRICT.format(
        dates=DATES, counted="DISTINCT p.child_id", table="cp_plan p",
        condition="p.start_date <= d.as_at AND (p.end_date IS NULL OR p.end_date > d.as_at)"),
    "children_in_need": _BY_DISTRICT.format(
        dates=DATES, counted="r.referral_id", table="referral r",
        condition="r.referral_date <= d.as_at AND (r.closure_date IS NULL "
                  "OR r.closure_date > d.as_at)"),
}


def register_grid(family: str, sql: str) -> str:
    """Add a grid (its SQL, as described above) that a measure adds up; returns the family."""
    if family in GRIDS:
        raise ValueError(f"grid {family} is defined twice")
    GRIDS[family] = sql
    return family


def grid(con: duckdb.DuckDBPyConnection, family: str, dates) -> pd.DataFrame:
    """The family's cells on each date: as_at, district, age_group and its counts (empty cells
    absent), as kept at load time where the store keeps them."""
    return kept.read_or_count(con, f"grid_{family}", kept.WHOLE_RANGE, dates,
                              lambda: counted_grid(con, family, dates))


def counted_grid(con: duckdb.DuckDBPyConnection, family: str, dates) -> pd.DataFrame:
    """The family's cells on each date, counted from the records."""
    sql = GRIDS[family]
    params = {"dates": [pd.Timestamp(d).date() for d in dates]}
    if "$districts" in sql:
        params["districts"] = []
    if "$min_age" in sql:
        params |= {"min_age": 0, "max_age": 200}
    return con.execute(sql, params).df()
