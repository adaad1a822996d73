"""The front door: referrals by month, source, route and area, their rate per 10,000 children,
and how many assessments finish within 45 working days of the referral."""

from __future__ import annotations

import duckdb
import holidays
import numpy as np
import pandas as pd

from fsdash.metrics.fragments import DATES, IN_AREA, TWELVE_MONTHS, per_10000
from fsdash.metrics.registry import register, register_breakdown

WORKING_DAYS = 45   # Working Together to Safeguard Children: from the point of referral
SOURCES = ("Police", "Schools and education", "Health services", "Council services",
           "Individuals", "Housing", "Other agencies", "Anonymous or not known")
ROUTES = ("Multi-agency safeguarding hub", "Children's services support hub")

register(
    name="referral_rate",
    title="Referrals per 10,000 children (12 months)",
    definition=("Referrals to children's social care in the 12 months to the count date per "
                "10,000 children aged under 18, using the latest mid-year population estimate."),
    unit="per 10,000", better="neither", is_count=False,
    sql=per_10000(f"""SELECT d.as_at, count(r.referral_id) AS referrals
        FROM dates d LEFT JOIN (referral r JOIN child c USING (child_id))
          ON r.referral_date {TWELVE_MONTHS} AND {IN_AREA.format(column="c.district_code")}
        GROUP BY d.as_at""", "referrals"),
)


register(
    name="repeat_cp_plan_pct",
    title="Second or later child protection plans",
    definition=("Child protection plans that started in the 12 months to the count date and were "
                "the child's second or later plan, as a percentage of all plans that started in "
                "those 12 months (DfE children in need definition, counting every earlier plan "
                "in the store)."),
    unit="%", better="down", is_count=False,
    sql=f"""WITH {DATES},
        numbered AS (
            SELECT p.start_date, c.district_code,
                   row_number() OVER (PARTITION BY p.child_id ORDER BY p.start_date, p.plan_id)
                       AS plan_number
            FROM cp_plan p JOIN child c USING (child_id))
        SELECT d.as_at,
               round(100.0 * count(*) FILTER (WHERE n.plan_number > 1)
                     / nullif(count(n.start_date), 0), 1) AS value,
               count(n.start_date) AS plans
        FROM dates d LEFT JOIN numbered n
          ON n.start_date {TWELVE_MONTHS} AND {IN_AREA.format(column="n.district_code")}
        GROUP BY d.as_at ORDER BY d.as_at""",
)


def _referrals_by(category_sql: str) -> str:
    return f"""WITH {DATES}
        SELECT d.as_at, {category_sql} AS category, c.district_code AS district,
               count(*) AS value
        FROM dates d JOIN referral r ON r.referral_date {TWELVE_MONTHS}
        JOIN child c USING (child_id)
        WHERE {IN_AREA.format(column="c.district_code")}
        GROUP BY ALL ORDER BY 1, 2, 3"""


register_breakdown(
    name="referrals_by_source",
    title="Referrals by source",
    definition="Referrals in the 12 months to the count date by who made them (CIN census "
               "ReferralSource): police (6), schools and education (2A, 2B), health services "
               "(3A-3F), council services (5A-5D), individuals (1A-1D), housing (4), other "
               "agencies (7, 8), anonymous or not known (9, 10).",
    order=SOURCES,
    sql=_referrals_by("""CASE WHEN r.source = '6' THEN 'Police'
        WHEN r.source IN ('2A', '2B') THEN 'Schools and education'
        WHEN r.source LIKE '3%' THEN 'Health services'
        WHEN r.source LIKE '5%' THEN 'Council services'
        WHEN r.source LIKE '1%' THEN 'Individuals'
        WHEN r.source = '4' THEN 'Housing'
        WHEN r.source IN ('7', '8') THEN 'Other agencies'
        ELSE 'Anonymous or not known' END"""),
)
register_breakdown(
    name="referrals_by_route",
    title="Referrals by route",
    definition="Referrals in the 12 months to the count date by the route they came through: "
               "the multi-agency safeguarding hub (MASH, for work needing a statutory response) "
               "or the children's services support hub (early help).",
    order=ROUTES,
    sql=_referrals_by("""CASE WHEN r.route = 'MASH' THEN 'Multi-agency safeguarding hub'
        ELSE 'Children''s services support hub' END"""),
)


def working_days_after(start, end) -> np.ndarray:
    """Working days after ``start`` up to and including ``end`` (England: weekends and bank
    holidays from the ``holidays`` package are not working days)."""
    start = pd.to_datetime(pd.Series(start)).dt.date.to_numpy(dtype="datetime64[D]")
    end = pd.to_datetime(pd.Series(end)).dt.date.to_numpy(dtype="datetime64[D]")
    years = range(int(str(start.min())[:4]), int(str(end.max())[:4]) + 1) if len(start) else []
    bank = np.array(sorted(holidays.country_holidays("GB", subdiv="ENG", years=years)),
                    dtype="datetime64[D]")
    return np.busday_count(start + 1, end + 1, holidays=bank)


def assessments_on_time(con: duckdb.DuckDBPyConnection, dates, districts=()) -> pd.DataFrame:
    """Assessments completed (authorised) in the 12 months to each date, and the percentage
    completed within 45 working days of the referral: as_at, value, assessments."""
    rows = con.execute(f"""WITH {DATES}
        SELECT d.as_at, r.referral_date, a.authorised_date
        FROM dates d JOIN assessment a ON a.authorised_date {TWELVE_MONTHS}
        JOIN referral r USING (referral_id) JOIN child c ON c.child_id = r.child_id
        WHERE {IN_AREA.format(column="c.district_code")}""",
        {"dates": [pd.Timestamp(d).date() for d in dates], "districts": list(districts)}).df()
    rows["on_time"] = working_days_after(rows["referral_date"],
                                         rows["authorised_date"]) <= WORKING_DAYS
    counted = rows.groupby("as_at").agg(assessments=("on_time", "size"),
                                        on_time=("on_time", "sum"))
    counted = counted.reindex([pd.Timestamp(d) for d in dates], fill_value=0)
    counted["value"] = (100 * counted["on_time"] / counted["assessments"].where(
        counted["assessments"] > 0)).round(1)
    return counted.reset_index(names="as_at")[["as_at", "value", "assessments"]]

