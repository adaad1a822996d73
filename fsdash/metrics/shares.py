"""The percentages the app shows split into the finest cells it ever adds up: for each date and
district, how many were counted (the percentage's denominator) and how many of them are in its
numerator. ``fsdash.access.shares`` decides from these which percentages a role may see, and
the measures (``fsdash.metrics.headline``, ``fsdash.metrics.front_door``) add up from them
(``fsdash.metrics.cells``), so the cells add up to the figure shown.

Each function returns ``as_at``, ``district``, ``yes`` (the numerator) and ``counted``."""

from __future__ import annotations

import duckdb
import pandas as pd

from fsdash.metrics.cells import Cells
from fsdash.metrics.fragments import DATES, TWELVE_MONTHS
from fsdash.metrics.grids import grid, register_grid

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


def _share(ctes: str, table: str, date: str, yes: str) -> str:
    """A share's grid: for each date and district, the events (``table``, dated by ``date``) in
    the 12 months to it (``counted``) and those that are ``yes``."""
    return f"""WITH {DATES}, {ctes}
        SELECT d.as_at, district_code AS district, 0 AS age_group,
               count(*) FILTER (WHERE {yes}) AS yes, count(*) AS counted
        FROM dates d JOIN {table} ON {date} {TWELVE_MONTHS} GROUP BY ALL"""


def _percentage(family: str, counted: str) -> Cells:
    """A percentage of a share's grid, with how many were ``counted``."""
    return Cells(family, f"sum(c.yes)::BIGINT AS yes, coalesce(sum(c.counted), 0)::BIGINT "
                         f"AS {counted}",
                 f"as_at, round(100.0 * yes / nullif({counted}, 0), 1) AS value, {counted}")


REREFERRALS = _percentage(register_grid("rereferrals", _share(
    REFERRALS_WITH_PREVIOUS, "flagged f", "f.referral_date", REREFERRAL)), "referrals")
REPEAT_PLANS = _percentage(register_grid("repeat_plans", _share(
    NUMBERED_PLANS, "numbered n", "n.start_date", REPEAT_PLAN)), "plans")
SHARE_GRIDS = {"rereferral_pct": "rereferrals", "repeat_cp_plan_pct": "repeat_plans"}


def share_cells(con: duckdb.DuckDBPyConnection, name: str, dates) -> pd.DataFrame:
    """A percentage measure's cells (``rereferral_pct`` or ``repeat_cp_plan_pct``) on each
    date, as kept at load time where the store keeps them."""
    return grid(con, SHARE_GRIDS[name], dates)[["as_at", "district", "yes", "counted"]]
