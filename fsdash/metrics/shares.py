"""The percentages the app shows split into the finest cells it ever adds up: for each date and
district, how many were counted (the percentage's denominator) and how many of them are in its
numerator. ``fsdash.access.shares`` decides from these which percentages a role may see. The
measures' own SQL (``fsdash.metrics.headline``, ``fsdash.metrics.front_door``) uses the same
pieces, so a cell adds up to the figure shown.

Each function returns ``as_at``, ``district``, ``yes`` (the numerator) and ``counted``."""

from __future__ import annotations

import duckdb
import pandas as pd

from fsdash.metrics.fragments import DATES, TWELVE_MONTHS

# Each referral with the date of the same child's previous referral.
REFERRALS_WITH_PREVIOUS = """
flagged AS (
    SELECT r.referral_id, r.referral_date, c.district_code,
           lag(r.referral_date) OVER (PARTITION BY r.child_id ORDER BY r.referral_date,
                                      r.referral_id) AS previous
    FROM referral r JOIN child c USING (child_id))"""
REREFERRAL = "f.previous >= f.referral_date - INTERVAL 1 YEAR"   # within 12 months (DfE)
# Each child protection plan with its number among the child's plans.
NUMBERED_PLANS = """
numbered AS (
    SELECT p.start_date, c.district_code,
           row_number() OVER (PARTITION BY p.child_id ORDER BY p.start_date, p.plan_id)
               AS plan_number
    FROM cp_plan p JOIN child c USING (child_id))"""
REPEAT_PLAN = "n.plan_number > 1"

_CELLS = {
    "rereferral_pct": f"""WITH {DATES}, {REFERRALS_WITH_PREVIOUS}
        SELECT d.as_at, f.district_code AS district,
               count(*) FILTER (WHERE {REREFERRAL}) AS yes, count(*) AS counted
        FROM dates d JOIN flagged f ON f.referral_date {TWELVE_MONTHS} GROUP BY ALL""",
    "repeat_cp_plan_pct": f"""WITH {DATES}, {NUMBERED_PLANS}
        SELECT d.as_at, n.district_code AS district,
               count(*) FILTER (WHERE {REPEAT_PLAN}) AS yes, count(*) AS counted
        FROM dates d JOIN numbered n ON n.start_date {TWELVE_MONTHS} GROUP BY ALL""",
}


def share_cells(con: duckdb.DuckDBPyConnection, name: str, dates) -> pd.DataFrame:
    """A percentage measure's cells (``rereferral_pct`` or ``repeat_cp_plan_pct``) on each
    date, counted from the records."""
    return con.execute(_CELLS[name], {"dates": [pd.Timestamp(d).date() for d in dates]}).df()
