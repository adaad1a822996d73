"""Outcomes for the families worked with, against a comparison group worked with before the model.

A family's work begins on the day of its first Family Safeguarding involvement (the model group)
or, for the comparison group, on the day its first assessment finding a parental factor was
authorised, in the configured dates before the model (``[outcomes]`` in the council file). Both
groups are followed the same way:

- Adults: police contacts and emergency admissions in the 12 months before the start (up to and
  including the start day: work cannot have changed anything yet) and the 12 months after it.
  An adult counts only with both years inside the records ("followed up"); others are counted
  as left out.
- Children (under 18 and not looked after on the day before the start): whether they started to
  be looked after within 12 and 24 months of the start (the start day to the same date a year or
  two later), days on a child protection plan in the 12 months after, and the child protection
  plans they started in those 12 months that were a second or later plan.
- Children whose case closed after the start: whether they were referred again within 12 months
  of the closure.

A family counts once, from its first start of each kind; a later start is part of its follow-up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from fsdash.config import Council
from fsdash.formatting import long_date
from fsdash.metrics import kept
from fsdash.metrics.fragments import IN_AREA

EVENT_TYPES = {"police": "POLICE", "emergency_admission": "EMERGENCY_ADMISSION"}
# Hertfordshire's published falls for adults in the families it worked with (Forrester et al.,
# 2017, DfE Innovation Programme report 55): one council's before-and-after results, shown as
# reference lines, never as an expected effect.
HERTFORDSHIRE = {"police": -66, "emergency_admission": -53}
HERTFORDSHIRE_SOURCE = "Forrester et al. (2017), Hertfordshire's evaluation for the DfE"
MODEL, COMPARISON = "model", "comparison"

DEFINITIONS = {
    "police": "Police call-outs and contacts involving the adult, from the police data share, "
              "per 100 adults a year.",
    "emergency_admission": "Emergency hospital admissions and A&E attendances of the adult, "
                           "from the hospital data share, per 100 adults a year.",
    "care_12": "Children in the family (under 18, not in care the day before the start) who "
               "started to be looked after within 12 months of the start, as a percentage.",
    "care_24": "As above, within 24 months of the start.",
    "rereferred": "Children whose case closed after the start who were referred again within 12 "
                  "months of the closure, as a percentage.",
    "repeat_plans": "Child protection plans started in the 12 months after the start that were a "
                    "child's second or later plan, as a percentage of plans started then.",
    "plan_days": "Days on a child protection plan in the 12 months after the start, on average "
                 "for each child.",
}

_STARTS = f"""
model_first AS (
    SELECT family_id, min(start_date) AS start_date FROM fs_involvement GROUP BY family_id
),
model_starts AS (
    SELECT f.family_id, f.start_date, f.team_code, f.domestic_abuse, f.mental_health,
           f.substance_misuse
    FROM fs_involvement f JOIN model_first USING (family_id, start_date)
    WHERE f.start_date BETWEEN $model_from AND $model_to
),
comparison_starts AS (
    SELECT c.family_id, min(a.authorised_date) AS start_date
    FROM assessment a JOIN referral r USING (referral_id) JOIN child c ON c.child_id = a.child_id
    WHERE a.authorised_date IS NOT NULL
      AND list_has_any(string_split(coalesce(a.factors, ''), ' '), $factors::VARCHAR[])
      AND coalesce(r.closure_reason, '') NOT IN ('RC8', 'RC9')
    GROUP BY c.family_id
    HAVING min(a.authorised_date) BETWEEN $comparison_from AND $comparison_to
),
cohort AS (
    SELECT '{MODEL}' AS grp, m.*, fam.district_code
    FROM model_starts m JOIN family fam USING (family_id)
    WHERE {IN_AREA.format(column="fam.district_code")}
    UNION ALL
    SELECT '{COMPARISON}', s.family_id, s.start_date, NULL, NULL, NULL, NULL, fam.district_code
    FROM comparison_starts s JOIN family fam USING (family_id)
    WHERE {IN_AREA.format(column="fam.district_code")}
      -- a family worked with under the model within its follow-up is no comparison
      AND NOT EXISTS (SELECT 1 FROM model_first m WHERE m.family_id = s.family_id
                      AND m.start_date <= s.start_date + to_months($months))
)"""

_ADULTS = f"""WITH {_STARTS}
    SELECT k.grp, k.family_id, a.adult_id, k.start_date, k.district_code, k.team_code,
           coalesce(a.relationship, '') AS relationship, k.domestic_abuse, k.mental_health,
           k.substance_misuse,
           k.start_date - to_months($months) >= $data_start
               AND k.start_date + to_months($months) <= $data_end AS followed_up,
           {", ".join(f'''count(e.adult_id) FILTER (WHERE e.event_type = '{code}'
                            AND e.event_date <= k.start_date) AS {name}_before,
           count(e.adult_id) FILTER (WHERE e.event_type = '{code}'
                            AND e.event_date > k.start_date) AS {name}_after'''
                      for name, code in EVENT_TYPES.items())}
    FROM cohort k JOIN adult a USING (family_id)
    LEFT JOIN adult_event e ON e.adult_id = a.adult_id
         AND e.event_date > k.start_date - to_months($months)
         AND e.event_date <= k.start_date + to_months($months)
    GROUP BY ALL ORDER BY k.grp, a.adult_id"""

_CHILDREN = f"""WITH {_STARTS},
    children AS (
        SELECT k.grp, k.family_id, c.child_id, k.start_date, k.district_code
        FROM cohort k JOIN child c USING (family_id)
        WHERE c.birth_month <= k.start_date AND c.birth_month > k.start_date - INTERVAL 18 YEAR
          AND NOT EXISTS (SELECT 1 FROM cla_episode e WHERE e.child_id = c.child_id
                          AND e.ls NOT IN ('V3', 'V4') AND e.decom < k.start_date
                          AND (e.dec IS NULL OR e.dec >= k.start_date))
    ),
    followed AS (
        SELECT ch.*,
               (SELECT min(e.decom) FROM cla_episode e WHERE e.child_id = ch.child_id
                AND e.rne = 'S' AND e.ls NOT IN ('V3', 'V4') AND e.decom >= ch.start_date)
                   AS entered_care,
               (SELECT min(r.closure_date) FROM referral r WHERE r.child_id = ch.child_id
                AND r.closure_date >= ch.start_date) AS closed,
               (SELECT coalesce(sum(datediff('day', greatest(p.start_date, ch.start_date),
                        least(coalesce(p.end_date, $data_end),
                              ch.start_date + to_months($months)))), 0)
                FROM cp_plan p WHERE p.child_id = ch.child_id
                AND p.start_date < ch.start_date + to_months($months)
                AND (p.end_date IS NULL OR p.end_date > ch.start_date)) AS plan_days
        FROM children ch
    )
    SELECT f.grp, f.family_id, f.child_id, f.start_date, f.district_code,
           CASE WHEN f.start_date + INTERVAL 12 MONTH <= $data_end
                THEN coalesce(f.entered_care <= f.start_date + INTERVAL 12 MONTH, false) END
               AS care_12,
           CASE WHEN f.start_date + INTERVAL 24 MONTH <= $data_end
                THEN coalesce(f.entered_care <= f.start_date + INTERVAL 24 MONTH, false) END
               AS care_24,
           CASE WHEN f.closed + to_months($months) <= $data_end
                THEN EXISTS (SELECT 1 FROM referral r WHERE r.child_id = f.child_id
                             AND r.referral_date > f.closed
                             AND r.referral_date <= f.closed + to_months($months)) END
               AS rereferred,
           CASE WHEN f.start_date + to_months($months) <= $data_end THEN f.plan_days END
               AS plan_days
    FROM followed f ORDER BY f.grp, f.child_id"""

_PLANS = f"""WITH {_STARTS},
    numbered AS (
        SELECT p.child_id, p.start_date,
               row_number() OVER (PARTITION BY p.child_id ORDER BY p.start_date, p.plan_id)
                   AS plan_number
        FROM cp_plan p
    )
    SELECT k.grp, k.family_id, n.child_id, k.start_date, n.plan_number > 1 AS repeat_plan
    FROM cohort k JOIN child c USING (family_id) JOIN numbered n USING (child_id)
    WHERE n.start_date >= k.start_date AND n.start_date <= k.start_date + to_months($months)
      AND k.start_date + to_months($months) <= $data_end
    ORDER BY k.grp, n.child_id, n.start_date"""


@dataclass(frozen=True)
class Window:
    """The dates a family's Family Safeguarding work began in, for the page's choice."""

    label: str
    start: dt.date
    end: dt.date

    @property
    def during(self) -> str:
        """For a sentence: 'since 4 January 2021', 'from April 2022 to March 2023'."""
        return self.label[0].lower() + self.label[1:] if self.label.startswith("Since") \
            else "from " + self.label


def windows(council: Council, data_end: dt.date) -> dict[str, Window]:
    """The start windows to choose from: everything since the launch, then each financial year
    from the one the model was phased in, up to the latest with any follow-up complete."""
    months = council.outcomes.follow_up_months
    last_followed = (pd.Timestamp(data_end) - pd.DateOffset(months=months)).date()
    found = {"all": Window(f"Since {long_date(council.launch)}", council.launch, data_end)}
    year = council.phase_in.year - (council.phase_in.month < 4)
    while dt.date(year, 4, 1) <= last_followed:
        found[f"{year}-{(year + 1) % 100:02d}"] = Window(
            f"April {year} to March {year + 1}", dt.date(year, 4, 1), dt.date(year + 1, 3, 31))
        year += 1
    return found


def cohort_spans(council: Council, data_end: dt.date) -> dict[str, tuple[dt.date, dt.date]]:
    """The start dates each cohort is read for, once, the Outcomes page choosing each window's
    families from it: adults since the model was phased in, children and plans since the
    first window's start."""
    first = min(w.start for w in windows(council, data_end).values())
    return {"cohort_adults": (council.phase_in, data_end),
            "cohort_children": (first, data_end), "cohort_plans": (first, data_end)}


def data_span(con: duckdb.DuckDBPyConnection) -> tuple[dt.date, dt.date]:
    """The first day the records cover (the earliest referral or adult's contact) and the last
    month end they cover."""
    from fsdash.metrics import latest_month_end
    first = con.execute("""SELECT min(day) FROM (SELECT min(referral_date) AS day FROM referral
                           UNION ALL SELECT min(event_date) FROM adult_event)""").fetchone()[0]
    return first, latest_month_end(con)


def cohort_params(con: duckdb.DuckDBPyConnection, council: Council, name: str,
                  model_from: dt.date, model_to: dt.date, districts=()) -> dict:
    """What a cohort's query is run with: the model group's dates, the council's outcome
    settings, the area and the span of the records."""
    first, last = data_span(con)
    settings = council.outcomes
    params = {"model_from": model_from, "model_to": model_to,
              "comparison_from": settings.comparison_from,
              "comparison_to": settings.comparison_to,
              "factors": list(settings.parental_factors), "months": settings.follow_up_months,
              "districts": list(districts), "data_start": first, "data_end": last}
    return {k: v for k, v in params.items() if f"${k}" in COHORTS[name]}


def cohort_key(params: dict) -> str:
    """The key a cohort is kept under: everything its query was run with."""
    return repr(sorted(params.items()))


def counted_cohort(con: duckdb.DuckDBPyConnection, name: str, params: dict) -> pd.DataFrame:
    """A cohort counted from the records."""
    return con.execute(COHORTS[name], params).df()


def _cohort(con, council: Council, name: str, model_from: dt.date, model_to: dt.date,
            districts) -> pd.DataFrame:
    """A cohort as kept at load time where the store keeps it, else counted now."""
    params = cohort_params(con, council, name, model_from, model_to, districts)
    return kept.read_or_count(con, name, cohort_key(params), None,
                              lambda: counted_cohort(con, name, params))


def cohort_adults(con: duckdb.DuckDBPyConnection, council: Council, model_from: dt.date,
                  model_to: dt.date, districts=()) -> pd.DataFrame:
    """One row per adult in a family of either group whose work began in its dates: the
    group, family, start, district, team and adult practitioners (model group), relationship,
    whether followed up, and contacts of each kind in the year before and the year after."""
    return _cohort(con, council, "cohort_adults", model_from, model_to, districts)


def cohort_children(con: duckdb.DuckDBPyConnection, council: Council, model_from: dt.date,
                    model_to: dt.date, districts=()) -> pd.DataFrame:
    """One row per child in a family of either group: care_12, care_24, rereferred and
    plan_days (each missing where the child's follow-up is not yet complete)."""
    return _cohort(con, council, "cohort_children", model_from, model_to, districts)


def cohort_plans(con: duckdb.DuckDBPyConnection, council: Council, model_from: dt.date,
                 model_to: dt.date, districts=()) -> pd.DataFrame:
    """Child protection plans started in the 12 months after a followed-up family's start,
    each with whether it was the child's second or later plan (``repeat_plan``)."""
    return _cohort(con, council, "cohort_plans", model_from, model_to, districts)


COHORTS = {"cohort_adults": _ADULTS, "cohort_children": _CHILDREN, "cohort_plans": _PLANS}
