"""Team caseloads: every team's open cases, social-worker FTE, caseload, case mix, case age,
allocations and closures in the month, and the adult practitioners' families, on each date.

Counted from allocations on the date: a case counts for its worker's team while allocated, a
case-holding worker (social worker or senior practitioner) counts while in post, at their FTE.
A case closed on the count date is not open on it."""

from __future__ import annotations

import duckdb
import pandas as pd

from fsdash.metrics.fragments import DATES
from fsdash.metrics.kept import kept_as

SPECIALISMS = {"mental_health": ("AMH", "Adult mental health"),
               "domestic_abuse": ("DA", "Domestic abuse"),
               "substance_misuse": ("SM", "Substance misuse"),
               "psychologist": ("PSY", "Psychology")}
IN_MONTH = "BETWEEN date_trunc('month', d.as_at) AND d.as_at"
# The team's child protection children (``cp``) by how long their plan has run on the count
# date: each child once, by their oldest open plan (a child can have a second plan opened
# before the first is ended), so the lengths add up to ``cp``; a CP case with no open plan
# recorded is counted apart.
PLAN_LENGTHS = {"plans_under_3_months": "Plan under 3 months old",
                "plans_3_to_12_months": "Plan 3 to 12 months old",
                "plans_1_to_2_years": "Plan 1 to 2 years old",
                "plans_over_2_years": "Plan over 2 years old",
                "plans_none_open": "No open plan recorded"}

_SQL = f"""WITH {DATES},
    staff AS (
        SELECT d.as_at, w.team_code, w.worker_id, w.role, CAST(w.fte AS DOUBLE) AS fte
        FROM dates d JOIN worker w ON w.start_date <= d.as_at
         AND (w.end_date IS NULL OR w.end_date > d.as_at)),
    open_cases AS (
        SELECT s.as_at, s.team_code, a.child_id, a.family_id, a.case_type, a.open_date
        FROM staff s JOIN allocation a ON a.worker_id = s.worker_id
         AND a.open_date <= s.as_at AND (a.close_date IS NULL OR a.close_date > s.as_at)
        WHERE s.role IN ('SW', 'SP')),
    per_child AS (     -- each child once a team and date, by their oldest open case with it
        SELECT as_at, team_code, child_id, min(open_date) AS opened,
               bool_or(case_type = 'CIN') AS cin, bool_or(case_type = 'CP') AS cp,
               bool_or(case_type = 'CLA') AS cla
        FROM open_cases GROUP BY ALL),
    cases AS (
        SELECT c.as_at, c.team_code, count(c.child_id) AS children,
               coalesce(any_value(f.families), 0) AS families,
               count(c.child_id) FILTER (WHERE c.cin) AS cin,
               count(c.child_id) FILTER (WHERE c.cp) AS cp,
               count(c.child_id) FILTER (WHERE c.cla) AS cla
        FROM per_child c LEFT JOIN (
            SELECT as_at, team_code, count(*) AS families
            FROM (SELECT DISTINCT as_at, team_code, family_id FROM open_cases
                  WHERE family_id IS NOT NULL) GROUP BY ALL) f USING (as_at, team_code)
        GROUP BY ALL),
    ages AS (
        SELECT as_at, team_code,
               count(*) FILTER (WHERE opened > as_at - INTERVAL 3 MONTH) AS open_under_3_months,
               count(*) FILTER (WHERE opened <= as_at - INTERVAL 3 MONTH
                   AND opened > as_at - INTERVAL 12 MONTH) AS open_3_to_12_months,
               count(*) FILTER (WHERE opened <= as_at - INTERVAL 12 MONTH) AS open_over_12_months,
               count(*) FILTER (WHERE opened <= as_at - INTERVAL 18 MONTH) AS open_over_18_months
        FROM per_child GROUP BY ALL),
    fte AS (
        SELECT as_at, team_code,
               sum(fte) FILTER (WHERE role IN ('SW', 'SP')) AS social_worker_fte,
               {", ".join(f"sum(fte) FILTER (WHERE role = '{role}') AS {name}_fte"
                          for name, (role, _) in SPECIALISMS.items())}
        FROM staff GROUP BY ALL),
    moves AS (
        SELECT d.as_at, a.team_code,
               count(*) FILTER (WHERE a.open_date {IN_MONTH}) AS allocated_in_month,
               count(*) FILTER (WHERE a.close_date {IN_MONTH}) AS closed_in_month
        FROM dates d JOIN allocation a
          ON a.open_date {IN_MONTH} OR a.close_date {IN_MONTH}
        GROUP BY ALL),
    waiting AS (
        SELECT d.as_at, a.team_code, count(DISTINCT a.child_id) AS unallocated
        FROM dates d JOIN allocation a ON a.worker_id IS NULL AND a.open_date <= d.as_at
         AND (a.close_date IS NULL OR a.close_date > d.as_at)
        GROUP BY ALL),
    stepped_down AS (
        SELECT d.as_at, a.team_code, count(DISTINCT a.child_id) AS stepped_down_in_month
        FROM dates d JOIN allocation a ON a.case_type = 'CIN' AND a.close_date {IN_MONTH}
        JOIN referral r ON r.child_id = a.child_id AND r.closure_date = a.close_date
         AND r.closure_reason = 'RC9'
        GROUP BY ALL),
    plans AS (     -- each child on a CP case with the team by their oldest open plan
        SELECT as_at, team_code,
               count(*) FILTER (WHERE plan_start > as_at - INTERVAL 3 MONTH)
                   AS plans_under_3_months,
               count(*) FILTER (WHERE plan_start <= as_at - INTERVAL 3 MONTH
                   AND plan_start > as_at - INTERVAL 12 MONTH) AS plans_3_to_12_months,
               count(*) FILTER (WHERE plan_start <= as_at - INTERVAL 12 MONTH
                   AND plan_start > as_at - INTERVAL 24 MONTH) AS plans_1_to_2_years,
               count(*) FILTER (WHERE plan_start <= as_at - INTERVAL 24 MONTH)
                   AS plans_over_2_years,
               count(*) FILTER (WHERE plan_start IS NULL) AS plans_none_open
        FROM (SELECT o.as_at, o.team_code, o.child_id, min(p.start_date) AS plan_start
              FROM open_cases o LEFT JOIN cp_plan p ON p.child_id = o.child_id
               AND p.start_date <= o.as_at AND (p.end_date IS NULL OR p.end_date > o.as_at)
              WHERE o.case_type = 'CP' GROUP BY ALL) GROUP BY ALL),
    adults AS (
        SELECT d.as_at, f.team_code,
               {", ".join(f"count(DISTINCT f.family_id) FILTER (WHERE f.{name}) AS {name}_families"
                          for name in SPECIALISMS)}
        FROM dates d JOIN fs_involvement f
          ON f.start_date <= d.as_at AND (f.end_date IS NULL OR f.end_date > d.as_at)
        GROUP BY ALL)
    SELECT d.as_at, t.team_code AS team, t.name, t.locality_code AS locality,
           coalesce(c.children, 0) AS children, coalesce(c.families, 0) AS families,
           coalesce(w.unallocated, 0) AS unallocated,
           coalesce(f.social_worker_fte, 0) AS social_worker_fte,
           round(coalesce(c.children, 0) / nullif(f.social_worker_fte, 0), 1) AS caseload,
           coalesce(c.cin, 0) AS cin, coalesce(c.cp, 0) AS cp, coalesce(c.cla, 0) AS cla,
           coalesce(g.open_under_3_months, 0) AS open_under_3_months,
           coalesce(g.open_3_to_12_months, 0) AS open_3_to_12_months,
           coalesce(g.open_over_12_months, 0) AS open_over_12_months,
           coalesce(g.open_over_18_months, 0) AS open_over_18_months,
           coalesce(m.allocated_in_month, 0) AS allocated_in_month,
           coalesce(m.closed_in_month, 0) AS closed_in_month,
           coalesce(s.stepped_down_in_month, 0) AS stepped_down_in_month,
           {", ".join(f"coalesce(p.{b}, 0) AS {b}" for b in PLAN_LENGTHS)},
           {", ".join(f"coalesce(a.{name}_families, 0) AS {name}_families, "
                      f"coalesce(f.{name}_fte, 0) AS {name}_fte"
                      for name in SPECIALISMS)}
    FROM dates d CROSS JOIN team t
    LEFT JOIN cases c ON c.as_at = d.as_at AND c.team_code = t.team_code
    LEFT JOIN ages g ON g.as_at = d.as_at AND g.team_code = t.team_code
    LEFT JOIN fte f ON f.as_at = d.as_at AND f.team_code = t.team_code
    LEFT JOIN moves m ON m.as_at = d.as_at AND m.team_code = t.team_code
    LEFT JOIN waiting w ON w.as_at = d.as_at AND w.team_code = t.team_code
    LEFT JOIN stepped_down s ON s.as_at = d.as_at AND s.team_code = t.team_code
    LEFT JOIN plans p ON p.as_at = d.as_at AND p.team_code = t.team_code
    LEFT JOIN adults a ON a.as_at = d.as_at AND a.team_code = t.team_code
    WHERE (t.start_date IS NULL OR t.start_date <= d.as_at)
      AND (t.end_date IS NULL OR t.end_date > d.as_at)
    ORDER BY d.as_at, t.team_code"""


@kept_as("team_caseloads", by_area=False)
def team_caseloads(con: duckdb.DuckDBPyConnection, dates) -> pd.DataFrame:
    """Every team that existed on each date (teams restructure: see the council configuration):
    as_at, team, name, locality, children, families, unallocated
    (children whose case is open with the team but waiting for a worker),
    social_worker_fte, caseload (children per social-worker FTE), cin, cp, cla, the age of
    open cases (each child by their oldest open case with the team: open_under_3_months,
    open_3_to_12_months, open_over_12_months, and within that open_over_18_months),
    allocated_in_month, closed_in_month,
    stepped_down_in_month (children in need cases closed after assessment and referred to early
    help, ReasonForClosure RC9), the children counted in ``cp`` by the length of their oldest
    open plan (``PLAN_LENGTHS``, adding up to ``cp``), and for each specialism its families and
    FTE (``<specialism>_families``, ``<specialism>_fte``)."""
    return con.execute(_SQL, {"dates": [pd.Timestamp(d).date() for d in dates]}).df()


_HOLDERS_SQL = """
    WITH held AS (
        SELECT DISTINCT a.child_id, w.worker_id
        FROM worker w JOIN allocation a ON a.worker_id = w.worker_id AND a.open_date <= $as_at
         AND (a.close_date IS NULL OR a.close_date > $as_at)
        WHERE w.team_code = $team AND w.role IN ('SW', 'SP') AND w.start_date <= $as_at
          AND (w.end_date IS NULL OR w.end_date > $as_at))
    SELECT holders, count(*) AS children
    FROM (SELECT child_id, list(worker_id ORDER BY worker_id) AS holders FROM held GROUP BY child_id)
    GROUP BY holders ORDER BY len(holders), holders"""


def children_by_holders(con: duckdb.DuckDBPyConnection, as_at, team: str) -> pd.DataFrame:
    """A team's children on a date by which of its case-holding social workers hold their open
    cases: ``holders`` (worker ids, in order) and ``children``. Each child is in one row, so the
    rows add up to the team's children (the caseload measure's); a worker's children are the
    rows naming them, and a child held by several workers is in each one's count."""
    return con.execute(_HOLDERS_SQL, {"as_at": pd.Timestamp(as_at).date(), "team": team}).df()


def children_by_worker(con: duckdb.DuckDBPyConnection, as_at) -> pd.DataFrame:
    """Every team's case-holding social workers in post on a date, each with the children whose
    open cases they hold (a child held by two workers counts for each): team, worker, fte,
    children."""
    return con.execute("""
        SELECT w.team_code AS team, w.worker_id AS worker, CAST(w.fte AS DOUBLE) AS fte,
               count(DISTINCT a.child_id) AS children
        FROM worker w
        LEFT JOIN allocation a ON a.worker_id = w.worker_id AND a.open_date <= $as_at
             AND (a.close_date IS NULL OR a.close_date > $as_at)
        WHERE w.role IN ('SW', 'SP') AND w.start_date <= $as_at
          AND (w.end_date IS NULL OR w.end_date > $as_at)
        GROUP BY ALL ORDER BY w.team_code, w.worker_id""",
        {"as_at": pd.Timestamp(as_at).date()}).df()
