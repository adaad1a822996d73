"""The published files fsdash reads, declared: each file's breakdown and measure columns with
their units, on the Explore Education Statistics geography every file shares, and the DfE's
statistical neighbour model. Each declaration is an ``Extract``, so the importer checks it as
it checks every extract (a missing column, an unknown council, a figure that is not a number:
a message naming the file, row and field). A file is recognised by its columns, whatever its
name. ``docs/published-statistics.md`` describes them for people.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fsdash.extracts import Extract, Field, Rule

KEY = "published statistics"   # where ``fsdash.batch`` gives the files it recognised
# The DfE's codes for a figure not published: c small number, k fewer than 0.5, low a rate on
# too few, u low reliability, x not available, z not applicable. Kept as the code, never as 0.
NOT_PUBLISHED = ("c", "k", "low", "u", "x", "z")
LEVELS = ("National", "Regional", "Local authority")
STAGE = "published_stage"      # the temporary table a file is checked into (``keeping``)


@dataclass(frozen=True)
class Measure:
    """A measure column and what it counts."""

    column: str
    unit: str

    @property
    def target(self) -> str:
        """The column's name in ``STAGE`` (a measure column may start with a digit)."""
        return "v_" + re.sub(r"\W", "_", self.column.lower())


def _each(unit: str, *columns: str) -> tuple[Measure, ...]:
    return tuple(Measure(column, unit) for column in columns)


@dataclass(frozen=True)
class PublishedFile:
    """One Explore Education Statistics file: its data set's name (the store's ``dataset``),
    what it holds, the columns that break its rows down and its measures."""

    name: str
    title: str
    breakdowns: tuple[str, ...]
    measures: tuple[Measure, ...]

    @property
    def own_columns(self) -> set[str]:
        """The columns that tell this file from the others."""
        return {*self.breakdowns, *(m.column for m in self.measures)}

    @property
    def extract(self) -> Extract:
        return Extract(
            self.name, STAGE,
            (*GEOGRAPHY, *(Field(b, _safe(b)) for b in self.breakdowns),
             *(Field(m.column, m.target) for m in self.measures)),
            key=("time_period", "geographic_level", "region_code", "old_la_code", "new_la_code",
                 *self.breakdowns),
            rules=(*GEOGRAPHY_RULES, *(_figure_rule(m.column) for m in self.measures)),
        )


def _safe(column: str) -> str:
    return re.sub(r"\W", "_", column.lower())


# The geography every Explore Education Statistics file starts with.
GEOGRAPHY = (
    Field("time_period", "time_period", "int"),
    Field("time_identifier", None),
    Field("geographic_level", "geographic_level"),
    Field("country_code", None),
    Field("country_name", None),
    Field("region_code", "region_code", required=False),
    Field("region_name", "region_name", required=False),
    Field("old_la_code", "old_la_code", required=False),
    Field("new_la_code", "new_la_code", required=False),
    Field("la_name", "la_name", required=False),
)
UNKNOWN_COUNCIL = ("r.{column} IS NOT NULL AND r.{column} NOT IN "
                   "(SELECT old_la_code FROM council_code)")
GEOGRAPHY_RULES = (
    Rule("time_period", "r.time_period NOT BETWEEN 1990 AND 2100",
         "must be the year the collection ends, such as 2025"),
    Rule("geographic_level", f"r.geographic_level NOT IN {LEVELS}",
         f"must be {', '.join(LEVELS[:-1])} or {LEVELS[-1]}"),
    Rule("region_code", "r.geographic_level = 'Regional' AND r.region_code IS NULL",
         "is empty on a Regional row"),
    Rule("old_la_code", "r.geographic_level = 'Local authority' AND r.old_la_code IS NULL",
         "is empty on a Local authority row"),
    Rule("old_la_code", UNKNOWN_COUNCIL.format(column="old_la_code"),
         "is not the DfE number of any council in England"),
    Rule("new_la_code", "r.new_la_code IS NOT NULL AND r.old_la_code IN (SELECT old_la_code "
         "FROM council_code) AND NOT EXISTS (SELECT 1 FROM council_code c "
         "WHERE c.old_la_code = r.old_la_code AND c.new_la_code = r.new_la_code)",
         "is not an ONS code of the council old_la_code names"),
)


def _figure_rule(column: str) -> Rule:
    """A measure's value is a number or the DfE's code for a figure not published."""
    value = f'r."{column}"'
    return Rule(column, f"{value} IS NOT NULL AND TRY_CAST({value} AS DOUBLE) IS NULL "
                f"AND {value} NOT IN {NOT_PUBLISHED}",
                "is not a number or one of the DfE codes for a figure not published "
                f"({', '.join(NOT_PUBLISHED)})")


FILES: tuple[PublishedFile, ...] = (
    PublishedFile(
        "cla_number_and_rate", "Children looked after at 31 March, starting and ceasing in the "
        "year: counts and rates per 10,000 children",
        ("population_type",),
        (Measure("population_estimate", "children"), Measure("children_count", "children"),
         Measure("rate_per_10000", "per 10,000 children")),
    ),
    PublishedFile(
        "b1_children_in_need", "Children in need: at any point, starting and ending in the "
        "year, and at 31 March",
        ("category",),
        (*_each("episodes", "Anypoint_episodes"), *_each("children", "Anypoint_child"),
         *_each("episodes", "Started_episodes"), *_each("children", "Started_child"),
         *_each("episodes", "Ended_episodes"), *_each("children", "Ended_child"),
         *_each("episodes", "At31_episodes", "awaiting_assessment")),
    ),
    PublishedFile(
        "c1_referrals", "Referrals and re-referrals within 12 months",
        ("category",),
        (*_each("referrals", "referral_count", "rereferral_count"),
         Measure("rereferral_percent", "%"), Measure("no_further_action_count", "referrals"),
         Measure("no_further_action_percent", "%"), Measure("not_in_need_count", "referrals"),
         Measure("not_in_need_percent", "%"),
         *_each("children", "referral_child_count", "rereferral_child_count"),
         Measure("rereferral_child_percent", "%")),
    ),
    PublishedFile(
        "c3_assessment_factors", "Factors identified at the end of assessment",
        ("category",),
        _each("episodes", "Episodes_with_assessment_factor",
              *(f"{need}_{who}" for need in ("Alcohol_Misuse", "Drug_Misuse", "Domestic_Abuse",
                                             "Mental_Health", "Learning_Disability",
                                             "Physical_Disability")
                for who in ("child", "parent", "person")),
              "Young_Carer", "Privately_fostered", "Unaccompanied_asylum_seeker", "Going_missing",
              "Child_sexual_exploitation", "Trafficking", "Gangs",
              "Socially_unacceptable_behaviour", "Self_harm", "Neglect", "Emotional_Abuse",
              "Physical_Abuse_unknown", "Physical_Abuse_child_on_child",
              "Physical_Abuse_adult_on_child", "Sexual_Abuse_unknown",
              "Sexual_Abuse_child_on_child", "Sexual_Abuse_adult_on_child",
              "Female_Genital_Mutilation", "Faith_linked_abuse", "Child_criminal_exploitation",
              "Other"),
    ),
    PublishedFile(
        "d3_subsequent_plans", "Child protection plans started, and those that were a second "
        "or later plan",
        ("category",),
        (*_each("plans", "CPP_start", "CPP_subsequent"), Measure("CPP_subsequent_percent", "%")),
    ),
    PublishedFile(
        "d5_plans_by_duration", "Child protection plans at 31 March by how long they had lasted",
        ("category",),
        (Measure("CPP_At31", "plans"),
         *(measure for length in ("3_months_or_less", "more_than_3_months_6_months",
                                  "more_than_6_months_less_than_1_year",
                                  "1_year_less_than_2_years", "2_years_or_more")
           for measure in (Measure(length, "plans"), Measure(f"{length}_percent", "%")))),
    ),
    PublishedFile(
        "csww_workforce", "Children's social work workforce at 30 September",
        (),
        (*_each("FTE", "inpost_fte"), *_each("people", "inpost_headcount"),
         *_each("FTE", "starters_fte"), *_each("people", "starters_headcount"),
         *_each("FTE", "leavers_fte"), *_each("people", "leavers_headcount"),
         *_each("%", "turnover_rate_fte", "turnover_rate_headcount"),
         *_each("FTE", "agency_fte"), *_each("people", "agency_headcount"),
         *_each("%", "agency_rate_fte", "agency_rate_headcount"),
         *_each("FTE", "agency_cover_fte"), *_each("%", "agency_cover_rate_fte"),
         *_each("FTE", "vacancy_fte"), *_each("%", "vacancy_rate_fte",
                                             "vacancy_agency_cover_rate_fte"),
         *_each("FTE", "case_holders_fte"), *_each("cases", "cases"),
         *_each("cases per FTE", "caseload_fte"), *_each("days", "working_days_lost_fte"),
         *_each("%", "absence_rate_fte")),
    ),
    PublishedFile(
        "cla_placement_stability", "Children looked after with 3 or more placements, and "
        "long-term stability",
        ("cla_group", "placement_stability"),
        (Measure("children_count", "children"), Measure("children_percent", "%")),
    ),
    PublishedFile(
        "ons_population", "ONS mid-year population estimates",
        ("age_group",),
        (Measure("population_estimate", "people"),),
    ),
)
FILE_BY_NAME = {f.name: f for f in FILES}

NEIGHBOURS = 10
NEIGHBOUR_MODEL = Extract(
    "sn_model", "neighbour_stage",
    (Field("old_la_code", "old_la_code"), Field("la_name", None), Field("region_ind", None),
     Field("region_name", None),
     *(field for rank in range(1, NEIGHBOURS + 1)
       for field in (Field(f"SN_{rank}", f"sn_{rank}"),
                     Field(f"SN_{rank}P", f"sn_{rank}p", codes="NEIGHBOUR_CLOSENESS")))),
    key=("old_la_code",),
    rules=tuple(Rule(column, UNKNOWN_COUNCIL.format(column=column),
                     "is not the DfE number of any council in England")
                for column in ("old_la_code", *(f"SN_{r}" for r in range(1, NEIGHBOURS + 1)))),
)


def _key(column: str) -> str:
    return column.replace("\ufeff", "").strip().upper()


def recognise(header: list[str]) -> str | None:
    """The name of the published file a header is meant as (a key of ``DECLARED``): the one
    sharing most of its own columns (breakdowns and measures, or the neighbour model's) with
    it, if more than half; the importer then names any column it lacks."""
    given = {_key(h) for h in header}
    candidates = [(f.name, {_key(c) for c in f.own_columns}) for f in FILES]
    candidates.append((NEIGHBOUR_MODEL.file, {_key(c) for c in NEIGHBOUR_MODEL.columns}))
    best, columns = max(candidates, key=lambda c: len(c[1] & given) / len(c[1]))
    return best if 2 * len(columns & given) > len(columns) else None


# Every declared file's checks, by name.
DECLARED: dict[str, Extract] = {f.name: f.extract for f in FILES} | {
    NEIGHBOUR_MODEL.file: NEIGHBOUR_MODEL}
