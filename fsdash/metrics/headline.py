"""The headline measures: the Overview's cards and `fsdash summary`.

Measures of children looked after also take an age range (``$min_age``, ``$max_age``; age in
whole years on the count date, or on the day a period of care started or ended)."""

from fsdash.metrics.cells import Cells, in_groups
from fsdash.metrics.fragments import CASE_HOLDERS, DATES, adult_events_around_start
from fsdash.metrics.grids import register_grid
from fsdash.metrics.outcomes import EVENT_TYPES, HERTFORDSHIRE
from fsdash.metrics.registry import register
from fsdash.metrics.shares import REREFERRALS

register(
    name="cla",
    title="Children looked after",
    definition=("Children looked after at the end of the day on the count date: children with an "
                "SSDA903 episode that started on or before that date and had not ceased on or "
                "before it. Children looked after under an agreed series of short-term breaks "
                "(legal status V3 or V4) are excluded, as in the DfE's published figures."),
    unit="children", better="down", cells=Cells("cla"),
)
register(
    name="cla_under12",
    title="Under-12s looked after",
    definition=("Children looked after on the count date (as above) who had not reached their 12th "
                "birthday. Only the month of birth is held, so a child is taken to turn 12 on the "
                "first day of the month of their 12th birthday."),
    unit="children", better="down",
    cells=Cells("cla", f"coalesce(sum(c.value) FILTER (WHERE {in_groups((0, 11))}), 0)::BIGINT "
                "AS value"),
)
register(
    name="cla_rate",
    title="Rate per 10,000 children",
    definition=("Children looked after on the count date per 10,000 children aged under 18, using "
                "the latest mid-year population estimate on or before that date."),
    unit="per 10,000", better="down", is_count=False,
    cells=Cells("cla", "coalesce(sum(c.value), 0)::BIGINT AS children", rate_of="children"),
)
register(
    name="cla_starts",
    title="Starting care (12 months)",
    definition=("Episodes starting a new period of care (reason for new episode S) in the 12 "
                "months to the count date, short breaks (V3, V4) excluded. A child who started "
                "twice is counted twice."),
    unit="starts", better="down",
    cells=Cells("starts"),
)
register(
    name="cla_ceases",
    title="Leaving care (12 months)",
    definition=("Episodes that ended a period of care (reason episode ceased other than X1, "
                "or not recorded) in the "
                "12 months to the count date, short breaks (V3, V4) excluded."),
    unit="ceases", better="neither",
    cells=Cells("ceases"),
)
register(
    name="referrals",
    title="Referrals (12 months)",
    definition=("Referrals to children's social care (CIN census CINreferralDate) in the 12 months "
                "to the count date, through the MASH or the support hub."),
    unit="referrals", better="neither", cells=Cells("referrals"),
)
register(
    name="rereferral_pct",
    title="Re-referrals within a year",
    definition=("Percentage of referrals in the 12 months to the count date that were within 12 "
                "months of a previous referral for the same child (DfE children in need "
                "definition)."),
    unit="%", better="down", is_count=False, cells=REREFERRALS,
)
register(
    name="cp_plans",
    title="Child protection plans",
    definition=("Children with a child protection plan open on the count date: started on or "
                "before it and not ended on or before it (CIN census CPPstartDate, CPPendDate)."),
    unit="children", better="neither", cells=Cells("cp_plans"),
)
register(
    name="caseload",
    title="Caseload per social worker",
    definition=("Children with an open case held by a case-holding social worker (social worker or "
                "senior practitioner) on the count date, divided by those workers' full-time "
                "equivalent (DfE children's social work workforce census method: a case is a "
                "child). A child whose cases are held by two or more workers counts once here; "
                "on the Team caseloads page each worker's own caseload counts them for each "
                "worker, shown as shared. Teams are those serving the chosen area."),
    unit="per FTE", better="down", is_count=False,
    sql=f"""WITH {DATES}, {CASE_HOLDERS},
        per_date AS (SELECT as_at, count(DISTINCT child_id) AS children FROM cases GROUP BY as_at),
        staff AS (SELECT as_at, sum(fte) AS fte FROM holders GROUP BY as_at)
        SELECT d.as_at, round(coalesce(c.children, 0) / nullif(s.fte, 0), 1) AS value,
               coalesce(c.children, 0) AS children, s.fte
        FROM dates d LEFT JOIN per_date c USING (as_at) LEFT JOIN staff s USING (as_at)
        ORDER BY d.as_at""",
)
ADULTS = register_grid("adults_around_start", f"""WITH {DATES},
    {adult_events_around_start(EVENT_TYPES)}
    SELECT as_at, district, 0 AS age_group, * EXCLUDE (as_at, district) FROM counted""")
for _event, _title in (("police", "Police contacts"),
                       ("emergency_admission", "Emergency admissions")):
    _herts = HERTFORDSHIRE[_event]
    register(
        name=f"{_event}_change",
        title=f"Adults' {_title.lower()}",
        definition=(f"{_title} of adults in families whose Family Safeguarding work began between "
                    "24 and 12 months before the count date: the number per 100 adults in the 12 "
                    "months after the day work began, compared with the 12 months up to and "
                    "including it, as a percentage change (the Outcomes page's measure). "
                    f"Hertfordshire's evaluation saw a fall of {abs(_herts)}%; that is one "
                    "council's result, not an expected effect. Families are often referred at a "
                    "crisis, so some fall comes anyway: this before-and-after change is not "
                    "evidence of impact. The Outcomes page compares it with families worked with "
                    "before the model."),
        unit="%", better="down", is_count=False, reference=("Hertfordshire", _herts),
        cells=Cells(
            ADULTS,
            sums=f"coalesce(sum(c.adults), 0)::BIGINT AS adults, "
                 f"sum(c.{_event}_before)::BIGINT AS before, "
                 f"sum(c.{_event}_after)::BIGINT AS after",
            columns="""as_at, round(100.0 * (after - before) / nullif(before, 0), 1) AS value,
                adults, round(100.0 * before / nullif(adults, 0), 1) AS before_per_100,
                round(100.0 * after / nullif(adults, 0), 1) AS after_per_100"""),
    )

HEADLINE = ("cla", "cla_rate", "cla_under12", "cla_starts", "cla_ceases", "referrals",
            "rereferral_pct", "cp_plans", "caseload", "police_change",
            "emergency_admission_change")
