"""The extract files fsdash reads: one CSV per source, their columns, types and codes.

Both the importer (``fsdash.ingest``) and the demo writer (``fsdash.demo``) use these
definitions, so the demo's files are always in the format the importer expects.
``docs/data-formats.md`` describes the same files for the people who export them.
"""

from __future__ import annotations

from dataclasses import dataclass

DATE_FORMAT = "%d/%m/%Y"   # dd/mm/yyyy, as in the SSDA903 returns
MONTH_FORMAT = "%m/%Y"     # mm/yyyy, for months of birth
ISO_DATE_FORMAT = "%Y-%m-%d"  # yyyy-mm-dd, as in the children in need census
DATE_FORMS = {DATE_FORMAT: "dd/mm/yyyy", ISO_DATE_FORMAT: "yyyy-mm-dd"}

# Field kinds and what the importer accepts for each.
KIND_HELP = {
    "text": "text",
    "int": "a whole number",
    "decimal": "a number",
    "date": "a date in the form {date}",
    "month": "a month in the form mm/yyyy",
    "dob": "a date in the form {date}",
    "bool": "Y or N",
    "postcode": "a postcode (only the district its outward code lies in is kept)",
}


def kind_help(kind: str, date_format: str = DATE_FORMAT) -> str:
    """What the importer accepts for a kind of field, with dates (and yes or no) in the
    extract's form: the census's is the XML schema's."""
    if kind == "bool" and date_format == ISO_DATE_FORMAT:
        return "true or false (or 1 or 0)"
    return KIND_HELP[kind].format(date=DATE_FORMS[date_format])


@dataclass(frozen=True)
class Field:
    """One column of an extract file."""

    column: str                   # the CSV header
    target: str | None            # the store column; None: checked, then not kept
    kind: str = "text"            # a key of KIND_HELP; "dob" is kept as its month only;
                                  # "postcode" as the council district of its outward code
    required: bool = True
    codes: str | None = None      # a ref_code list the value must be in (for the file's year)
    references: str | None = None  # "table.column" the value must exist in
    future: bool = False          # a date that may lie ahead (a UASC status's planned end)


@dataclass(frozen=True)
class Rule:
    """A check across fields of one row: ``bad`` is SQL over the typed row that is true when wrong."""

    field: str
    bad: str
    message: str
    says: str | None = None   # SQL for the message where it names the value (else ``message``)


@dataclass(frozen=True)
class Query:
    """A DfE validation rule a row may break and still be used (the DfE's own collection calls
    these queries, not errors): ``bad`` is SQL over the typed row ``r`` that is true when the
    rule is broken; the row then loads with ``field`` as ``loads_as`` (SQL; None: as given) and
    is listed in the load's queries with ``message``."""

    rule: str
    field: str
    bad: str
    message: str
    loads_as: str | None = None


# The child's age in whole years on a date of an episode, from the month of birth the header
# return gave (loaded before the episodes).
AGE_ON = ("date_sub('year', (SELECT birth_month FROM cla_child c WHERE c.child_id = r.CHILD), "
          "r.{day})")


@dataclass(frozen=True)
class Extract:
    """One extract file and the store table it fills."""

    file: str
    table: str
    fields: tuple[Field, ...]
    key: tuple[str, ...] = ()
    rules: tuple[Rule, ...] = ()
    yearly: bool = False          # a return made each collection year (``fsdash.yearly``)
    queries: tuple[Query, ...] = ()
    date_format: str = DATE_FORMAT
    census_part: str | None = None   # the census element whose rows these are (``fsdash.census``)
    ends: str | None = None   # the field that ends a record a yearly return may hold open
    first_year: int | None = None   # the first collection year the DfE collects it (SSDA903)
    per_year: bool = False    # its records are the year's (the store keeps each year's, with
                              # ``collection_year``), not the latest return's

    @property
    def columns(self) -> list[str]:
        return [f.column for f in self.fields]

    @property
    def source(self) -> str:
        """The source as its users know it: the file, or the census."""
        return "the children in need census" if self.census_part else self.file


# The longest title and description an event may have (a title labels a chart's marker).
EVENT_TITLE_LENGTH = 80
EVENT_DESCRIPTION_LENGTH = 500


def _id(column, target, references=None):
    return Field(column, target, "text", references=references)


# Rules the local children in need files and the census share (the census's names).
CLOSED_RULE = Rule("CINclosureDate", "CINclosureDate < CINreferralDate",
                   "is before CINreferralDate")
AUTHORISED_RULE = Rule("AssessmentAuthorisationDate",
                       "AssessmentAuthorisationDate < AssessmentActualStartDate",
                       "is before AssessmentActualStartDate")
CONFERENCE_RULE = Rule("DateOfInitialCPC", "DateOfInitialCPC < S47ActualStartDate",
                       "is before S47ActualStartDate")
PLAN_ENDED_RULE = Rule("CPPendDate", "CPPendDate < CPPstartDate", "is before CPPstartDate")


EXTRACTS: tuple[Extract, ...] = (
    Extract(
        "population.csv", "population",
        (
            Field("DISTRICT", "district_code", references="district.district_code"),
            Field("YEAR", "year", "int"),
            Field("AGE", "age", "int"),
            Field("POPULATION", "population", "int"),
        ),
        key=("DISTRICT", "YEAR", "AGE"),
        rules=(Rule("AGE", "AGE NOT BETWEEN 0 AND 17", "must be an age from 0 to 17"),
               Rule("POPULATION", "POPULATION < 0", "must not be negative")),
    ),
    Extract(
        "families.csv", "family",
        (_id("FAMILY_ID", "family_id"),
         Field("DISTRICT", "district_code", references="district.district_code")),
        key=("FAMILY_ID",),
    ),
    Extract(
        "children.csv", "local_child",
        (
            _id("CHILD", "child_id"),
            _id("FAMILY_ID", "family_id", "family.family_id"),
            Field("SEX", "sex", codes="SEX"),
            Field("BIRTH_MONTH", "birth_month", "month"),
            Field("ETHNIC", "ethnicity", codes="ETHNIC"),
            Field("DISTRICT", "district_code", references="district.district_code"),
        ),
        key=("CHILD",),
    ),
    Extract(
        "adults.csv", "adult",
        (
            _id("ADULT_ID", "adult_id"),
            _id("FAMILY_ID", "family_id", "family.family_id"),
            Field("SEX", "sex", codes="SEX"),
            Field("BIRTH_YEAR", "birth_year", "int"),
            Field("RELATIONSHIP", "relationship", required=False, codes="ADULT_RELATIONSHIP"),
        ),
        key=("ADULT_ID",),
    ),
    Extract(
        "workers.csv", "worker",
        (
            _id("WORKER_ID", "worker_id"),
            Field("TEAM", "team_code", references="team.team_code"),
            Field("ROLE", "role", codes="WORKER_ROLE"),
            Field("FTE", "fte", "decimal"),
            Field("START_DATE", "start_date", "date"),
            Field("END_DATE", "end_date", "date", required=False),
        ),
        key=("WORKER_ID",),
        rules=(Rule("FTE", "FTE <= 0 OR FTE > 1", "must be more than 0 and at most 1"),
               Rule("END_DATE", "END_DATE < START_DATE", "is before START_DATE")),
    ),
    Extract(
        "cin_referrals.csv", "referral",
        (
            _id("REFERRAL_ID", "referral_id"),
            _id("CHILD", "child_id", "local_child.child_id"),
            Field("CINreferralDate", "referral_date", "date"),
            Field("ReferralSource", "source", codes="REFERRAL_SOURCE"),
            Field("Route", "route", codes="ROUTE"),
            Field("PrimaryNeedCode", "primary_need", required=False, codes="CIN"),
            Field("ReferralNFA", "nfa", "bool"),
            Field("CINclosureDate", "closure_date", "date", required=False),
            Field("ReasonForClosure", "closure_reason", required=False, codes="CLOSURE_REASON"),
        ),
        key=("REFERRAL_ID",),
        rules=(CLOSED_RULE,),
    ),
    Extract(
        "cin_assessments.csv", "assessment",
        (
            _id("ASSESSMENT_ID", "assessment_id"),
            _id("REFERRAL_ID", "referral_id", "referral.referral_id"),
            _id("CHILD", "child_id", "local_child.child_id"),
            Field("AssessmentActualStartDate", "start_date", "date"),
            Field("AssessmentAuthorisationDate", "authorised_date", "date", required=False),
            Field("AssessmentFactors", "factors", required=False),
        ),
        key=("ASSESSMENT_ID",),
        rules=(AUTHORISED_RULE,),
    ),
    Extract(
        "cin_s47.csv", "s47_enquiry",
        (
            _id("S47_ID", "s47_id"),
            _id("REFERRAL_ID", "referral_id", "referral.referral_id"),
            _id("CHILD", "child_id", "local_child.child_id"),
            Field("S47ActualStartDate", "start_date", "date"),
            Field("InitialCPCtarget", "icpc_target", "date", required=False),
            Field("DateOfInitialCPC", "icpc_date", "date", required=False),
            Field("ICPCnotRequired", "icpc_not_required", "bool"),
        ),
        key=("S47_ID",),
        rules=(CONFERENCE_RULE,),
    ),
    Extract(
        "cin_cp_plans.csv", "cp_plan",
        (
            _id("PLAN_ID", "plan_id"),
            _id("CHILD", "child_id", "local_child.child_id"),
            Field("CPPstartDate", "start_date", "date"),
            Field("CPPendDate", "end_date", "date", required=False),
            Field("InitialCategoryOfAbuse", "initial_category", codes="ABUSE_CATEGORY"),
            Field("LatestCategoryOfAbuse", "latest_category", codes="ABUSE_CATEGORY"),
        ),
        key=("PLAN_ID",),
        rules=(PLAN_ENDED_RULE,),
    ),
    # The children in need census (``fsdash.census`` reads its XML into these rows). It has no
    # identifiers but the child's: the others are derived from the child and a date.
    Extract(
        "census_children.csv", "cin_child",
        (
            _id("LAchildID", "child_id"),
            Field("Sex", "sex", codes="CENSUS_SEX"),    # GenderCurrent before 2024-25
            Field("PersonBirthDate", "birth_month", "dob"),
            Field("Ethnicity", "ethnicity", codes="ETHNIC"),
        ),
        key=("LAchildID",), yearly=True, date_format=ISO_DATE_FORMAT, census_part="Child",
    ),
    Extract(
        "census_disabilities.csv", "cin_disability",
        (
            _id("DisabilityID", "disability_id"),
            _id("LAchildID", "child_id", "cin_child.child_id"),
            Field("Disability", "disability", codes="DISABILITY"),
        ),
        key=("DisabilityID",),
        yearly=True, date_format=ISO_DATE_FORMAT, census_part="Disability",
    ),
    Extract(
        "census_referrals.csv", "referral",
        (
            _id("ReferralID", "referral_id"),
            _id("LAchildID", "child_id", "cin_child.child_id"),
            Field("CINreferralDate", "referral_date", "date"),
            Field("ReferralSource", "source", codes="REFERRAL_SOURCE"),
            Field("PrimaryNeedCode", "primary_need", required=False, codes="CENSUS_NEED"),
            Field("ReferralNFA", "nfa", "bool"),
            Field("CINclosureDate", "closure_date", "date", required=False),
            Field("ReasonForClosure", "closure_reason", required=False, codes="CLOSURE_REASON"),
        ),
        key=("ReferralID",),
        rules=(CLOSED_RULE,),
        yearly=True, date_format=ISO_DATE_FORMAT, census_part="CINdetails",
        ends="CINclosureDate",
    ),
    Extract(
        "census_assessments.csv", "assessment",
        (
            _id("AssessmentID", "assessment_id"),
            _id("ReferralID", "referral_id", "referral.referral_id"),
            _id("LAchildID", "child_id", "cin_child.child_id"),
            Field("AssessmentActualStartDate", "start_date", "date"),
            Field("AssessmentAuthorisationDate", "authorised_date", "date", required=False),
            Field("AssessmentFactors", "factors", required=False),
        ),
        key=("AssessmentID",),
        rules=(AUTHORISED_RULE,),
        yearly=True, date_format=ISO_DATE_FORMAT, census_part="Assessments",
    ),
    Extract(
        "census_cin_plans.csv", "cin_plan",
        (
            _id("CINPlanID", "cin_plan_id"),
            _id("ReferralID", "referral_id", "referral.referral_id"),
            _id("LAchildID", "child_id", "cin_child.child_id"),
            Field("CINPlanStartDate", "start_date", "date"),
            Field("CINPlanEndDate", "end_date", "date", required=False),
        ),
        key=("CINPlanID",),
        rules=(Rule("CINPlanEndDate", "CINPlanEndDate < CINPlanStartDate",
                    "is before CINPlanStartDate"),),
        yearly=True, date_format=ISO_DATE_FORMAT, census_part="CINPlanDates",
        ends="CINPlanEndDate",
    ),
    Extract(
        "census_s47.csv", "s47_enquiry",
        (
            _id("Section47ID", "s47_id"),
            _id("ReferralID", "referral_id", "referral.referral_id"),
            _id("LAchildID", "child_id", "cin_child.child_id"),
            Field("S47ActualStartDate", "start_date", "date"),
            Field("InitialCPCtarget", "icpc_target", "date", required=False),
            Field("DateOfInitialCPC", "icpc_date", "date", required=False),
            Field("ICPCnotRequired", "icpc_not_required", "bool"),
        ),
        key=("Section47ID",),
        rules=(CONFERENCE_RULE,),
        yearly=True, date_format=ISO_DATE_FORMAT, census_part="Section47",
    ),
    Extract(
        "census_plans.csv", "cp_plan",
        (
            _id("PlanID", "plan_id"),
            _id("LAchildID", "child_id", "cin_child.child_id"),
            Field("CPPstartDate", "start_date", "date"),
            Field("CPPendDate", "end_date", "date", required=False),
            Field("InitialCategoryOfAbuse", "initial_category", codes="ABUSE_CATEGORY"),
            Field("LatestCategoryOfAbuse", "latest_category", codes="ABUSE_CATEGORY"),
        ),
        key=("PlanID",),
        rules=(PLAN_ENDED_RULE,),
        yearly=True, date_format=ISO_DATE_FORMAT, census_part="ChildProtectionPlans",
        ends="CPPendDate",
    ),
    Extract(
        "census_pre_proceedings.csv", "pre_proceedings",
        (
            _id("PreProceedingsID", "pre_proceedings_id"),
            _id("ReferralID", "referral_id", "referral.referral_id"),
            _id("LAchildID", "child_id", "cin_child.child_id"),
            Field("PPStartDate", "start_date", "date"),
            Field("LBPSentDate", "letter_before_proceedings_date", "date", required=False),
            Field("FGDMMeetingOffer", "fgdm_offered", "bool", required=False),
            Field("FGDMMeetingFac", "fgdm_facilitated", "bool", required=False),
            Field("InitialPPMeetingDate", "initial_meeting_date", "date", required=False),
            Field("ReviewMeetingsCount", "review_meetings", "int", required=False),
            Field("StepDecisionDate", "step_decision_date", "date", required=False),
            Field("PPOutcome", "outcome", required=False),
            Field("CourtAppDate", "court_application_date", "date", required=False),
            Field("LetterInitCPDate", "letter_init_cp_date", "date", required=False),
        ),
        key=("PreProceedingsID",),
        rules=(Rule("StepDecisionDate", "StepDecisionDate < PPStartDate", "is before PPStartDate"),
               Rule("ReviewMeetingsCount", "ReviewMeetingsCount < 0", "must not be negative")),
        yearly=True, date_format=ISO_DATE_FORMAT, census_part="PreProceedingsandFGDM",
    ),
    Extract(
        "header.csv", "cla_child",
        (
            _id("CHILD", "child_id"),
            Field("SEX", "sex", codes="SEX"),
            Field("DOB", "birth_month", "dob"),
            Field("ETHNIC", "ethnicity", codes="ETHNIC"),
            Field("UPN", None, required=False),
            Field("MOTHER", "mother", required=False),
            Field("MC_DOB", None, "date", required=False),
        ),
        key=("CHILD",),
        yearly=True,
    ),
    Extract(
        "episodes.csv", "cla_episode",
        (
            _id("CHILD", "child_id", "cla_child.child_id"),
            Field("DECOM", "decom", "date"),
            Field("RNE", "rne", codes="RNE"),
            Field("LS", "ls", codes="LS"),
            Field("CIN", "cin", codes="CIN"),
            Field("PLACE", "place", codes="PLACE"),
            Field("PLACE_PROVIDER", "place_provider", required=False, codes="PLACE_PROVIDER"),
            Field("DEC", "dec", "date", required=False),
            Field("REC", "rec", required=False, codes="REC"),
            Field("REASON_PLACE_CHANGE", "reason_place_change", required=False,
                  codes="REASON_PLACE_CHANGE"),
            Field("HOME_POST", "home_district", "postcode", required=False),
            Field("PL_POST", None, required=False),
            Field("URN", "urn", required=False),
        ),
        key=("CHILD", "DECOM"),
        rules=(Rule("DEC", "DEC < DECOM", "is before DECOM"),),
        yearly=True,
        queries=(
            Query("148", "REC", "r.REC IS NOT NULL AND r.DEC IS NULL",
                  "is given but DEC is blank: loaded as an open episode, without its reason",
                  loads_as="NULL"),
            Query("148", "REC", "r.REC IS NULL AND r.DEC IS NOT NULL",
                  "is blank but DEC is given: loaded as ending on DEC, reason not known"),
            Query("386", "REC", f"r.REC IN ('E11', 'E12') AND {AGE_ON.format(day='DEC')} >= 18",
                  "is adopted, but the child was 18 or over (by month of birth)"),
            Query("407", "REC", "r.REC IN ('E45', 'E46', 'E47', 'E48') AND "
                  f"{AGE_ON.format(day='DEC')} >= 18",
                  "is a special guardianship order, but the child was 18 or over (by month of "
                  "birth)"),
            Query("387", "REC", f"r.REC IN ('E5', 'E6') AND {AGE_ON.format(day='DEC')} < 14",
                  "is a move to independent living, but the child was under 14 (by month of "
                  "birth)"),
            Query("389", "REC", f"r.REC = 'E7' AND {AGE_ON.format(day='DEC')} < 16",
                  "is a transfer to adult social care, but the child was under 16 (by month of "
                  "birth)"),
            Query("460", "REC", f"r.REC = 'E17' AND {AGE_ON.format(day='DEC')} < 18",
                  "is staying with carers at 18, but the child was under 18 (by month of birth)"),
        ),
    ),
    # The other tables of the SSDA903 return (the DfE's names for them in brackets). Each is a
    # yearly return like the header and episodes; the date of birth they repeat is kept as its
    # month only. UASC children and care leavers (OC3) need not be in the year's header.
    Extract(
        "uasc.csv", "cla_uasc",       # (UASC) unaccompanied asylum-seeking children
        (
            _id("CHILD", "child_id"),
            Field("SEX", "sex", codes="SEX"),
            Field("DOB", "birth_month", "dob"),
            Field("DUC", "duc", "date", required=False, future=True),
        ),
        key=("CHILD",), yearly=True,
    ),
    Extract(
        "ad1.csv", "cla_adoption",    # (AD1) children adopted or with a decision to adopt
        (
            _id("CHILD", "child_id", "cla_child.child_id"),
            Field("DOB", "birth_month", "dob"),
            Field("DATE_INT", "date_int", "date"),
            Field("DATE_MATCH", "date_match", "date"),
            Field("FOSTER_CARE", "foster_care", codes="FLAG"),
            Field("NB_ADOPTR", "nb_adoptr", "int"),
            Field("SEX_ADOPTR", "sex_adoptr", codes="SEX_ADOPTR"),
            Field("LS_ADOPTR", "ls_adoptr", codes="LS_ADOPTR"),
        ),
        key=("CHILD",), yearly=True,
        rules=(Rule("DATE_MATCH", "DATE_MATCH < DATE_INT", "is before DATE_INT"),
               Rule("NB_ADOPTR", "NB_ADOPTR NOT IN (1, 2)", "must be 1 or 2")),
    ),
    Extract(
        "placed_for_adoption.csv", "cla_placed_for_adoption",   # (PlacedAdoption)
        (
            _id("CHILD", "child_id", "cla_child.child_id"),
            Field("DOB", "birth_month", "dob"),
            Field("DATE_PLACED", "date_placed", "date"),
            Field("DATE_PLACED_CEASED", "date_placed_ceased", "date", required=False),
            Field("REASON_PLACED_CEASED", "reason_placed_ceased", required=False,
                  codes="REASON_PLACED_CEASED"),
        ),
        # DATE_PLACED_CEASED is given only when the decision is reversed: a child adopted
        # leaves the returns with it blank, so it does not end a record the next return must hold
        key=("CHILD", "DATE_PLACED"), yearly=True,
        rules=(Rule("DATE_PLACED_CEASED", "DATE_PLACED_CEASED < DATE_PLACED",
                    "is before DATE_PLACED"),),
    ),
    Extract(
        "missing.csv", "cla_missing",   # (Missing) missing or away from placement
        (
            _id("CHILD", "child_id", "cla_child.child_id"),
            Field("DOB", "birth_month", "dob"),
            Field("MISSING", "missing", codes="MISSING"),
            Field("MIS_START", "mis_start", "date"),
            Field("MIS_END", "mis_end", "date", required=False),
        ),
        key=("CHILD", "MIS_START"), yearly=True, ends="MIS_END",
        rules=(Rule("MIS_END", "MIS_END < MIS_START", "is before MIS_START"),),
    ),
    Extract(
        "reviews.csv", "cla_review",    # (Reviews) looked after reviews
        (
            _id("CHILD", "child_id", "cla_child.child_id"),
            Field("DOB", "birth_month", "dob"),
            Field("REVIEW", "review", "date"),
            Field("REVIEW_CODE", "review_code", codes="REVIEW_CODE"),
        ),
        key=("CHILD", "REVIEW"), yearly=True,
    ),
    Extract(
        "previous_permanence.csv", "cla_previous_permanence",   # (PrevPerm)
        (
            _id("CHILD", "child_id", "cla_child.child_id"),
            Field("DOB", "birth_month", "dob"),
            Field("PREV_PERM", "prev_perm", codes="PREV_PERM"),
            Field("LA_PERM", "la_perm", required=False),
            Field("DATE_PERM", "date_perm", required=False),   # the DfE allows part dates
        ),
        key=("CHILD",), yearly=True,
    ),
    Extract(
        "oc2.csv", "cla_oc2",   # (OC2) outcomes of children looked after for 12 months at 31 March
        (
            _id("CHILD", "child_id", "cla_child.child_id"),
            Field("DOB", "birth_month", "dob"),
            Field("SDQ_SCORE", "sdq_score", "int", required=False),
            Field("SDQ_REASON", "sdq_reason", required=False, codes="SDQ_REASON"),
            *(Field(column, column.lower(), required=False, codes="FLAG")
              for column in ("CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK",
                             "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED",
                             "INTERVENTION_OFFERED")),
        ),
        key=("CHILD",), yearly=True, per_year=True,
        rules=(Rule("SDQ_SCORE", "SDQ_SCORE NOT BETWEEN 0 AND 40", "must be from 0 to 40"),),
    ),
    Extract(
        "oc3.csv", "cla_oc3",   # (OC3) care leavers on their birthday in the year
        (
            _id("CHILD", "child_id"),
            Field("DOB", "birth_month", "dob"),
            Field("IN_TOUCH", "in_touch", codes="IN_TOUCH"),
            Field("ACTIV", "activ", required=False, codes="ACTIV"),
            Field("ACCOM", "accom", required=False, codes="ACCOM"),
        ),
        key=("CHILD",), yearly=True, per_year=True,
    ),
    Extract(
        "sw_episodes.csv", "cla_sw_episode",   # (SWEpisodes) social workers, from 2023-24
        (
            _id("CHILD", "child_id", "cla_child.child_id"),
            Field("DOB", "birth_month", "dob"),
            Field("SW_ID", "sw_id"),          # the worker's identifier, not a name
            Field("SW_DECOM", "sw_decom", "date"),
            Field("SW_DEC", "sw_dec", "date", required=False),
            Field("SW_REASON", "sw_reason", required=False, codes="SW_REASON"),
        ),
        # An episode open at 31 March is not queried when the next return lacks it: the DfE's
        # own rules (SW16) check how the next return carries it on
        key=("CHILD", "SW_DECOM"), yearly=True, first_year=2024,
        rules=(Rule("SW_DEC", "SW_DEC < SW_DECOM", "is before SW_DECOM"),),
    ),
    Extract(
        "dolo.csv", "cla_dolo",   # (DoLo) deprivation of liberty orders, from 2026-27
        (
            _id("CHILD", "child_id", "cla_child.child_id"),
            Field("DOB", "birth_month", "dob"),
            Field("DOLO_START", "dolo_start", "date"),
            Field("DOLO_END", "dolo_end", "date", required=False),
        ),
        key=("CHILD", "DOLO_START"), yearly=True, ends="DOLO_END", first_year=2027,
        rules=(Rule("DOLO_END", "DOLO_END < DOLO_START", "is before DOLO_START"),),
    ),
    Extract(
        "allocations.csv", "allocation",
        (
            _id("CASE_ID", "case_id"),
            _id("CHILD", "child_id", "local_child.child_id"),
            _id("FAMILY_ID", "family_id", "family.family_id"),
            Field("TEAM", "team_code", references="team.team_code"),
            Field("WORKER_ID", "worker_id", "text", required=False,
                  references="worker.worker_id"),     # empty: waiting for a worker
            Field("CASE_TYPE", "case_type", codes="CASE_TYPE"),
            Field("OPEN_DATE", "open_date", "date"),
            Field("CLOSE_DATE", "close_date", "date", required=False),
        ),
        key=("CASE_ID", "CHILD", "OPEN_DATE"),
        rules=(Rule("CLOSE_DATE", "CLOSE_DATE < OPEN_DATE", "is before OPEN_DATE"),),
    ),
    Extract(
        "fs_involvement.csv", "fs_involvement",
        (
            _id("FAMILY_ID", "family_id", "family.family_id"),
            Field("TEAM", "team_code", references="team.team_code"),
            Field("START_DATE", "start_date", "date"),
            Field("END_DATE", "end_date", "date", required=False),
            Field("MENTAL_HEALTH", "mental_health", "bool"),
            Field("DOMESTIC_ABUSE", "domestic_abuse", "bool"),
            Field("SUBSTANCE_MISUSE", "substance_misuse", "bool"),
            Field("PSYCHOLOGIST", "psychologist", "bool"),
        ),
        key=("FAMILY_ID", "START_DATE"),
        rules=(Rule("END_DATE", "END_DATE < START_DATE", "is before START_DATE"),),
    ),
    Extract(
        "adult_events.csv", "adult_event",
        (
            _id("ADULT_ID", "adult_id", "adult.adult_id"),
            Field("EVENT_DATE", "event_date", "date"),
            Field("EVENT_TYPE", "event_type", codes="EVENT_TYPE"),
            Field("SOURCE", "source"),
        ),
    ),
    Extract(
        "events.csv", "event",
        (
            _id("EVENT_ID", "event_id"),
            Field("START_DATE", "start_date", "date", future=True),
            Field("END_DATE", "end_date", "date", required=False, future=True),
            Field("TITLE", "title"),
            Field("DESCRIPTION", "description", required=False),
            Field("AREAS", "areas", required=False),
            Field("MEASURES", "measures", required=False),
            Field("INTENDED", "intended", "bool"),
            Field("RETIRED", "retired", "bool", required=False),
        ),
        key=("EVENT_ID",),
        rules=(
            Rule("END_DATE", "END_DATE < START_DATE", "is before START_DATE"),
            Rule("EVENT_ID", "starts_with(lower(EVENT_ID), 'programme-')",
                 "must not begin with programme- (the council file's programme dates do)"),
            Rule("TITLE", f"length(TITLE) > {EVENT_TITLE_LENGTH}",
                 f"is longer than {EVENT_TITLE_LENGTH} characters"),
            Rule("DESCRIPTION", f"length(DESCRIPTION) > {EVENT_DESCRIPTION_LENGTH}",
                 f"is longer than {EVENT_DESCRIPTION_LENGTH} characters"),
            Rule("AREAS", "len(event_unknown_areas(AREAS)) > 0",
                 "names an area that is not the council, a locality or a district of the "
                 "council file",
                 says="'names ' || array_to_string(event_unknown_areas(AREAS), ', ') || ', not "
                      "the council, a locality or a district of the council file'"),
            Rule("MEASURES", "len(event_unknown_measures(MEASURES)) > 0",
                 "names a measure fsdash does not have",
                 says="'names ' || array_to_string(event_unknown_measures(MEASURES), ', ') || "
                      "', not a measure fsdash has'"),
        ),
    ),
)

EXTRACT_BY_FILE = {e.file: e for e in EXTRACTS}
# The SSDA903 return's tables, in the order the DfE lists them (header and episodes first).
SSDA903_FILES = ("header.csv", "episodes.csv", "uasc.csv", "ad1.csv", "placed_for_adoption.csv",
                 "missing.csv", "reviews.csv", "previous_permanence.csv", "oc2.csv", "oc3.csv",
                 "sw_episodes.csv", "dolo.csv")
CSV_EXTRACTS = tuple(e for e in EXTRACTS if not e.census_part)   # the census comes as XML


def source_of_table(table: str) -> str:
    """The source or sources that fill a table: 'cin_referrals.csv or the children in need
    census'."""
    return " or ".join(dict.fromkeys(e.source for e in EXTRACTS if e.table == table))
