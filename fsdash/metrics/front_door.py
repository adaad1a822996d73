"""The front door: referrals by month, source, route and area, their rate per 10,000 children,
and how many assessments finish within 45 working days of the referral."""

from __future__ import annotations

import duckdb
import holidays
import numpy as np
import pandas as pd

from fsdash.metrics.cells import Cells
from fsdash.metrics.fragments import DATES, IN_AREA, TWELVE_MONTHS
from fsdash.metrics.kept import kept_as
from fsdash.metrics.registry import register, register_breakdown
from fsdash.metrics.shares import REPEAT_PLANS

WORKING_DAYS = 45   # Working Together to Safeguard Children: from the point of referral
CONFERENCE_DAYS = 15   # Working Together: from the strategy discussion to the initial conference
SOURCES = ("Police", "Schools and education", "Health services", "Council services",
           "Individuals", "Housing", "Other agencies", "Anonymous or not known")
ROUTE_NOT_RECORDED = "Route not recorded"   # the census does not record it
ROUTES = ("Multi-agency safeguarding hub", "Children's services support hub", ROUTE_NOT_RECORDED)

register(
    name="referral_rate",
    title="Referrals per 10,000 children (12 months)",
    definition=("Referrals to children's social care in the 12 months to the count date per "
                "10,000 children aged under 18, using the latest mid-year population estimate."),
    unit="per 10,000", better="neither", is_count=False,
    cells=Cells("referrals", "coalesce(sum(c.value), 0)::BIGINT AS referrals",
                rate_of="referrals"),
)


register(
    name="repeat_cp_plan_pct",
    title="Second or later child protection plans",
    definition=("Child protection plans that started in the 12 months to the count date and were "
                "the child's second or later plan, as a percentage of all plans that started in "
                "those 12 months (DfE children in need definition, counting every earlier plan "
                "in the store)."),
    unit="%", better="down", is_count=False, cells=REPEAT_PLANS,
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
    sql=_referrals_by(f"""CASE WHEN r.route = 'MASH' THEN 'Multi-agency safeguarding hub'
        WHEN r.route = 'HUB' THEN 'Children''s services support hub'
        ELSE '{ROUTE_NOT_RECORDED}' END"""),
)


# How far each referral went, as a partition (the furthest step reached), so its categories add
# up to the referrals and go through the same small-number rule as any breakdown.
JOURNEY = ("No further action at referral", "Not yet assessed", "Assessed: not in need",
           "In need: no section 47 enquiry", "Section 47 enquiry: no conference",
           "Initial conference: no plan", "Child protection plan")
register_breakdown(
    name="referrals_by_outcome",
    title="Referrals by how far they went",
    definition="Referrals in the 12 months to the count date by the furthest step they reached, "
               "as recorded by the latest data (so recent referrals may not have finished): no "
               "further action at referral (ReferralNFA); not yet assessed (no assessment "
               "authorised); assessed as not in need (closed RC8 or RC9); in need with no "
               "section 47 enquiry; a section 47 enquiry with no initial conference; an initial "
               "conference with no plan; a child protection plan starting within 7 days of the "
               "conference.",
    order=JOURNEY,
    sql=f"""WITH {DATES},
        steps AS (
            SELECT r.referral_id, r.referral_date, c.district_code, r.nfa, r.closure_reason,
                   EXISTS (SELECT 1 FROM assessment a WHERE a.referral_id = r.referral_id
                           AND a.authorised_date IS NOT NULL) AS assessed,
                   EXISTS (SELECT 1 FROM s47_enquiry e WHERE e.referral_id = r.referral_id)
                       AS enquiry,
                   EXISTS (SELECT 1 FROM s47_enquiry e WHERE e.referral_id = r.referral_id
                           AND e.icpc_date IS NOT NULL) AS conference,
                   EXISTS (SELECT 1 FROM s47_enquiry e JOIN cp_plan p ON p.child_id = e.child_id
                           AND p.start_date BETWEEN e.icpc_date AND e.icpc_date + INTERVAL 7 DAY
                           WHERE e.referral_id = r.referral_id) AS plan
            FROM referral r JOIN child c USING (child_id)
            WHERE {IN_AREA.format(column="c.district_code")}
        )
        SELECT d.as_at,
               CASE WHEN s.nfa THEN '{JOURNEY[0]}' WHEN s.plan THEN '{JOURNEY[6]}'
                    WHEN s.conference THEN '{JOURNEY[5]}' WHEN s.enquiry THEN '{JOURNEY[4]}'
                    WHEN s.closure_reason IN ('RC8', 'RC9') THEN '{JOURNEY[2]}'
                    WHEN s.assessed THEN '{JOURNEY[3]}' ELSE '{JOURNEY[1]}' END AS category,
               s.district_code AS district, count(*) AS value
        FROM dates d JOIN steps s ON s.referral_date {TWELVE_MONTHS}
        GROUP BY ALL ORDER BY 1, 2, 3""",
)
# The steps of the journey, each reached by the referrals in the partition's categories from it on.
STEPS = (("Referred", 0), ("Assessed", 2), ("Found to be in need", 3),
         ("Section 47 enquiry", 4), ("Initial conference", 5), ("Child protection plan", 6))


def working_days_after(start, end) -> np.ndarray:
    """Working days after ``start`` up to and including ``end`` (England: weekends and bank
    holidays from the ``holidays`` package are not working days)."""
    start = pd.to_datetime(pd.Series(start)).dt.date.to_numpy(dtype="datetime64[D]")
    end = pd.to_datetime(pd.Series(end)).dt.date.to_numpy(dtype="datetime64[D]")
    years = range(int(str(start.min())[:4]), int(str(end.max())[:4]) + 1) if len(start) else []
    bank = np.array(sorted(holidays.country_holidays("GB", subdiv="ENG", years=years)),
                    dtype="datetime64[D]")
    return np.busday_count(start + 1, end + 1, holidays=bank)


ASSESSMENTS = """SELECT r.referral_date AS start_date, a.authorised_date AS end_date, c.district_code
    FROM assessment a JOIN referral r USING (referral_id) JOIN child c ON c.child_id = r.child_id
    WHERE a.authorised_date IS NOT NULL"""
CONFERENCES = """SELECT e.start_date, e.icpc_date AS end_date, c.district_code
    FROM s47_enquiry e JOIN child c ON c.child_id = e.child_id WHERE e.icpc_date IS NOT NULL"""


def _tally(con: duckdb.DuckDBPyConnection, found: pd.DataFrame, dates, limit: int
           ) -> pd.DataFrame:
    """For each date, how many of the events ``found`` (start_date, end_date, sorted by
    end_date) ended in the 12 months to it (``counted``), and how many of those ended within
    ``limit`` working days of their start (``yes``). Working days are counted once for each
    event, not once for each date."""
    windows = con.execute(f"""WITH {DATES} SELECT d.as_at, d.as_at - INTERVAL 1 YEAR
        + INTERVAL 1 DAY AS first_day FROM dates d""",
                          {"dates": [pd.Timestamp(d).date() for d in dates]}).df()
    ends = found["end_date"].to_numpy("datetime64[D]")
    on_time = np.r_[0, np.cumsum(working_days_after(found["start_date"], found["end_date"])
                                 <= limit)]
    first = np.searchsorted(ends, windows["first_day"].to_numpy("datetime64[D]"), "left")
    last = np.searchsorted(ends, windows["as_at"].to_numpy("datetime64[D]"), "right")
    return pd.DataFrame({"as_at": windows["as_at"], "yes": on_time[last] - on_time[first],
                         "counted": last - first})


def _by_district(con: duckdb.DuckDBPyConnection, events: str, dates, limit: int
                 ) -> pd.DataFrame:
    """The events (SQL giving each one's start_date, end_date and district_code) ending in the
    12 months to each date in each district, and those ending within ``limit`` working days of
    their start: as_at, district, yes (done in time) and counted (``fsdash.metrics.shares``'
    cells)."""
    found = con.execute(f"SELECT * FROM ({events}) ORDER BY end_date").df()
    tallies = [_tally(con, rows, dates, limit).assign(district=district)
               for district, rows in found.groupby("district_code", dropna=False)]
    if not tallies:
        return pd.DataFrame(columns=["as_at", "district", "yes", "counted"])
    return pd.concat(tallies, ignore_index=True)[["as_at", "district", "yes", "counted"]]


@kept_as("assessments_on_time_cells", by_area=False)
def assessment_cells(con: duckdb.DuckDBPyConnection, dates) -> pd.DataFrame:
    """Assessments completed (authorised) in the 12 months to each date in each district, and
    those completed within 45 working days of the referral (``_by_district``)."""
    return _by_district(con, ASSESSMENTS, dates, WORKING_DAYS)


@kept_as("conferences_on_time_cells", by_area=False)
def conference_cells(con: duckdb.DuckDBPyConnection, dates) -> pd.DataFrame:
    """Initial child protection conferences held in the 12 months to each date in each
    district, and those held within 15 working days of the strategy discussion that started the
    section 47 enquiry (``_by_district``)."""
    return _by_district(con, CONFERENCES, dates, CONFERENCE_DAYS)


# The shares done in time, each split into cells by district.
ON_TIME = {"assessments_in_45_days_pct": assessment_cells,
           "conferences_in_15_days_pct": conference_cells}


def on_time_cells(con: duckdb.DuckDBPyConnection, name: str, dates) -> pd.DataFrame:
    """A share done in time (``ON_TIME``) split by district on each date: as_at, district,
    yes (done in time) and counted."""
    return ON_TIME[name](con, dates)


def _within(cells: pd.DataFrame, dates, districts, counted: str) -> pd.DataFrame:
    """The sum of the ``cells`` of ``districts`` (all when empty) on each date, and the
    percentage of them done in time: as_at, value (per cent) and ``counted``."""
    chosen = cells[cells["district"].isin(districts)] if districts else cells
    days = pd.DatetimeIndex([pd.Timestamp(d) for d in dates], name="as_at").astype("M8[us]")
    summed = (chosen.assign(as_at=pd.to_datetime(chosen["as_at"]).astype("M8[us]"))
              .groupby("as_at")[["yes", "counted"]].sum()
              .reindex(days, fill_value=0).astype("int64").reset_index())
    summed["value"] = (100 * summed["yes"] / summed["counted"].where(summed["counted"] > 0)
                       ).round(1)
    return summed.rename(columns={"counted": counted})[["as_at", "value", counted]]


def assessments_on_time(con: duckdb.DuckDBPyConnection, dates, districts=()) -> pd.DataFrame:
    """Assessments completed (authorised) in the 12 months to each date, and the percentage
    completed within 45 working days of the referral: as_at, value, assessments."""
    return _within(assessment_cells(con, dates), dates, districts, "assessments")


def conferences_on_time(con: duckdb.DuckDBPyConnection, dates, districts=()) -> pd.DataFrame:
    """Initial child protection conferences held in the 12 months to each date, and the
    percentage held within 15 working days of the strategy discussion that started the section
    47 enquiry (Working Together): as_at, value, conferences."""
    return _within(conference_cells(con, dates), dates, districts, "conferences")
