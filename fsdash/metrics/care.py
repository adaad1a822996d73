"""Children in care: monthly starts and ceases, and breakdowns by age, legal status, placement,
district and reason for leaving care. Groupings follow the DfE's published tables."""

from fsdash.metrics import headline  # noqa: F401  (the headline measures come first)
from fsdash.metrics.cells import Cells
from fsdash.metrics.fragments import CARE_FLOWS, CEASES, DATES, LOOKED_AFTER_ON, TWELVE_MONTHS
from fsdash.metrics.registry import register, register_breakdown

register(
    name="cla_starts_in_month",
    title="Started to be looked after in the month",
    definition=("Episodes starting a new period of care (reason for new episode S) in the "
                "calendar month ending on the count date, short breaks (V3, V4) excluded."),
    unit="starts", better="down",
    cells=Cells("starts_in_month"),
)
register(
    name="cla_ceases_in_month",
    title="Ceased to be looked after in the month",
    definition=("Episodes ending a period of care (reason episode ceased other than X1, or "
                "not recorded) in the "
                "calendar month ending on the count date, short breaks (V3, V4) excluded."),
    unit="ceases", better="neither",
    cells=Cells("ceases_in_month"),
)

AGE_BANDS = ("Under 1", "1 to 4", "5 to 9", "10 to 15", "16 and over")
LEGAL_STATUSES = ("Care order", "Placement order", "Accommodated (section 20)",
                  "Emergency and police protection", "Youth justice")
PLACEMENTS = ("Foster care with relatives or friends", "Other foster care", "Placed for adoption",
              "Placed with parents", "Children's homes and supported living",
              "Other residential settings", "Other placements")
CEASE_REASONS = ("Returned home", "Special guardianship order", "Adopted",
                 "Child arrangements order", "Independent living or adult care", "Other reasons")
# The placement group of an episode's PLACE code, and the reason group of its REC code: one
# definition each, shared by the breakdowns and the flow model of care (``fsdash.projection``).
PLACEMENT_GROUP = """CASE WHEN {place} IN ('U1', 'U2', 'U3') THEN 'Foster care with relatives or friends'
        WHEN {place} IN ('U4', 'U5', 'U6') THEN 'Other foster care'
        WHEN {place} IN ('A3', 'A4', 'A5', 'A6') THEN 'Placed for adoption'
        WHEN {place} = 'P1' THEN 'Placed with parents'
        WHEN {place} IN ('K1', 'K2', 'K3', 'H5', 'P2') THEN 'Children''s homes and supported living'
        WHEN {place} IN ('R1', 'R2', 'R3', 'R5', 'S1') THEN 'Other residential settings'
        ELSE 'Other placements' END"""
CEASE_REASON = """CASE WHEN {rec} IN ('E4A', 'E4B', 'E13') THEN 'Returned home'
        WHEN {rec} IN ('E45', 'E46', 'E47', 'E48') THEN 'Special guardianship order'
        WHEN {rec} IN ('E11', 'E12') THEN 'Adopted'
        WHEN {rec} = 'E41' THEN 'Child arrangements order'
        WHEN {rec} IN ('E5', 'E6', 'E7', 'E17') THEN 'Independent living or adult care'
        ELSE 'Other reasons' END"""


def _looked_after_by(category_sql: str) -> str:
    """SQL for children looked after on each date by a category of their episode then: SQL
    over ``e`` (``looked_after``: its legal status ``ls``, placement ``place``, the child's
    ``age``) and ``dist``, the child's district."""
    return f"""WITH {DATES}, {LOOKED_AFTER_ON},
        labelled AS (
            SELECT e.as_at, e.child_id, {category_sql} AS category, e.district_code AS district
            FROM looked_after e LEFT JOIN district dist USING (district_code))
        SELECT as_at, category, district, count(DISTINCT child_id) AS value
        FROM labelled GROUP BY ALL ORDER BY as_at, category, district"""


register_breakdown(
    name="cla_by_age_band",
    title="Children looked after by age",
    definition="Children looked after on the count date by age in whole years on that date, in "
               "the DfE's age bands.",
    order=AGE_BANDS,
    sql=_looked_after_by("""CASE WHEN e.age < 1 THEN 'Under 1' WHEN e.age < 5 THEN '1 to 4'
        WHEN e.age < 10 THEN '5 to 9' WHEN e.age < 16 THEN '10 to 15' ELSE '16 and over' END"""),
)
register_breakdown(
    name="cla_by_legal_status",
    title="Children looked after by legal status",
    definition="Children looked after on the count date by the legal status of their episode "
               "then: care orders (C1, C2), placement or freeing orders (E1, D1), accommodated "
               "under section 20 (V2), police protection and emergency orders (L1, L2, L3), "
               "youth justice (J1, J2, J3).",
    order=LEGAL_STATUSES,
    sql=_looked_after_by("""CASE WHEN e.ls IN ('C1', 'C2') THEN 'Care order'
        WHEN e.ls IN ('E1', 'D1') THEN 'Placement order'
        WHEN e.ls = 'V2' THEN 'Accommodated (section 20)'
        WHEN e.ls IN ('L1', 'L2', 'L3') THEN 'Emergency and police protection'
        ELSE 'Youth justice' END"""),
)
register_breakdown(
    name="cla_by_placement",
    title="Children looked after by placement",
    definition="Children looked after on the count date by placement type: foster care with "
               "relatives or friends (U1-U3), other foster care (U4-U6), placed for adoption "
               "(A3-A6), placed with parents (P1), children's homes and supported living (K1, "
               "K2, K3, H5, P2), other residential settings (R1-R5, S1) and other placements.",
    order=PLACEMENTS,
    sql=_looked_after_by(PLACEMENT_GROUP.format(place="e.place")),
)
register_breakdown(
    name="cla_by_district",
    title="Children looked after by district",
    definition="Children looked after on the count date by the district they come from.",
    sql=_looked_after_by("coalesce(dist.name, 'District not known')"),
)
register_breakdown(
    name="ceases_by_reason",
    title="Ceased to be looked after by reason",
    definition="Periods of care that ended in the 12 months to the count date, by reason "
               "episode ceased: returned home (E4A, E4B, E13), special guardianship order "
               "(E45-E48), adopted (E11, E12), child arrangements order (E41), independent "
               "living or adult care (E5, E6, E7, E17), other reasons.",
    order=CEASE_REASONS,
    sql=f"""WITH {DATES}, {CARE_FLOWS}
        SELECT d.as_at, {CEASE_REASON.format(rec="f.rec")} AS category,
               f.district_code AS district, count(*) AS value
        FROM dates d JOIN flows f ON {CEASES} {TWELVE_MONTHS}
        GROUP BY ALL ORDER BY 1, 2, 3""",
)
