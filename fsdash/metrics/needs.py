"""The needs Family Safeguarding exists for (issue 26): of the assessments completed in the 12
months to a date, the share that identified domestic abuse, mental health, alcohol misuse or
drug misuse about a parent or carer; and children in need on a date.

The definition is the DfE's, so the council's own shares stand beside the published ones. The
children in need census records the factors identified at the end of each assessment
(``AssessmentFactors``): each of these needs three ways, about the child (code 3A, 4A, 1A, 2A),
a parent or carer (3B, 4B, 1B, 2B) or another person in the household (3C, 4C, 1C, 2C), and
21 where none was found. The DfE's file ``c3_factors_identified_at_end_of_assessment`` counts
the episodes with each code in the year to 31 March (``Domestic_Abuse_parent``,
``Domestic_Abuse_person``, ...) and the episodes with any factor recorded
(``Episodes_with_assessment_factor``). fsdash counts the parent or carer's code, the DfE's
``_parent`` column, over every assessment with a factor recorded: the needs of the parents the
model works with. The ``_person`` columns (another person in the household) are left out: an
assessment recording both would count twice in their sum, and a share must count each
assessment once.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from fsdash.metrics.cells import Cells
from fsdash.metrics.fragments import DATES, IN_AREA, TWELVE_MONTHS
from fsdash.metrics.grids import register_grid
from fsdash.metrics.registry import register


@dataclass(frozen=True)
class Need:
    """One need: its measure's name, how a reader calls it, the concern in words, its census
    code and the DfE's column counting it."""

    name: str
    label: str
    concern: str
    code: str
    column: str


NEEDS = (
    Need("domestic_abuse_pct", "Domestic abuse", "domestic abuse affecting a parent or carer",
         "3B", "Domestic_Abuse_parent"),
    Need("parental_mental_health_pct", "Mental health", "a parent or carer's mental health",
         "4B", "Mental_Health_parent"),
    Need("parental_alcohol_pct", "Alcohol misuse", "a parent or carer's alcohol misuse", "1B",
         "Alcohol_Misuse_parent"),
    Need("parental_drug_pct", "Drug misuse", "a parent or carer's drug misuse", "2B",
         "Drug_Misuse_parent"),
)
DENOMINATOR = "Episodes_with_assessment_factor"   # the DfE's column: episodes with any factor
FACTORS_DATASET = "c3_assessment_factors"
# Assessments completed in the 12 months to the date with a factor recorded, in the area.
COMPLETED = f"""
completed AS (
    SELECT d.as_at, a.assessment_id, c.district_code,
           string_split(a.factors, ' ') AS codes
    FROM dates d JOIN assessment a ON a.authorised_date {TWELVE_MONTHS}
    JOIN child c USING (child_id)
    WHERE nullif(trim(a.factors), '') IS NOT NULL
      AND {IN_AREA.format(column="c.district_code")}
)"""

register_grid("assessment_factors", f"""WITH {DATES}, {COMPLETED}
    SELECT as_at, district_code AS district, 0 AS age_group, count(*) AS assessments,
           {", ".join(f"count(*) FILTER (WHERE list_contains(codes, '{need.code}')) "
                      f"AS found_{need.code}" for need in NEEDS)}
    FROM completed GROUP BY ALL""")

for _need in NEEDS:
    register(
        name=_need.name,
        title=f"Assessments finding concerns about {_need.concern} (12 months)",
        definition=(f"Assessments completed (authorised) in the 12 months to the count date that "
                    f"identified concerns about {_need.concern} (children in need census "
                    f"assessment factor {_need.code}), as a percentage of the "
                    "assessments completed in those months with any factor recorded (21, none "
                    f"found, among them): the DfE's {_need.column} over "
                    f"{DENOMINATOR}."),
        unit="%", better="neither", is_count=False,
        cells=Cells("assessment_factors",
                    f"sum(c.found_{_need.code})::BIGINT AS found, "
                    "coalesce(sum(c.assessments), 0)::BIGINT AS assessments",
                    "as_at, round(100.0 * found / nullif(assessments, 0), 1) AS value, "
                    "assessments"),
    )

register(
    name="children_in_need",
    title="Children in need",
    definition=("Children in need episodes open on the count date: referrals to children's "
                "social care on or before it whose case had not closed by it (a case closing "
                "on the date is not open), 'no further action' referrals among them, as the "
                "DfE counts children in need at 31 March (its At31_episodes)."),
    unit="children", better="neither",
    cells=Cells("children_in_need", columns="as_at, value, value AS children"),
)


def factor_cells(con: duckdb.DuckDBPyConnection, dates) -> pd.DataFrame:
    """The assessments behind the shares, split into the finest cells the rule that hides small
    numbers adds up (``fsdash.access.shares.hidden_measures``): for each date and district, how
    many assessments found each combination of the needs, one column a combination named by
    a flag for each need in ``NEEDS``' order ('1010': domestic abuse and alcohol misuse)."""
    flags = " || ".join(f"CASE WHEN list_contains(codes, '{n.code}') THEN '1' ELSE '0' END"
                        for n in NEEDS)
    found = con.execute(f"""WITH {DATES}, {COMPLETED}
        SELECT as_at, district_code AS district, {flags} AS kind, count(*) AS assessments
        FROM completed GROUP BY ALL""",
                        {"dates": [pd.Timestamp(d).date() for d in dates],
                         "districts": []}).df()
    return (found.pivot_table(index=["as_at", "district"], columns="kind",
                              values="assessments", fill_value=0, aggfunc="sum")
            .reset_index().rename_axis(columns=None))


def kinds_of(position: int) -> dict[str, tuple[str, ...]]:
    """For the need at ``position`` in ``NEEDS``: the combinations (``factor_cells``' columns)
    that found it (``yes``) and those that did not (``no``)."""
    every = [format(i, f"0{len(NEEDS)}b") for i in range(2 ** len(NEEDS))]
    return {"yes": tuple(k for k in every if k[position] == "1"),
            "no": tuple(k for k in every if k[position] == "0")}
