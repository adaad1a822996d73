"""Ofsted's Annex A workbook, declared: each list fsdash reads (its number, title, store table and
columns, with the spellings councils write) and each code list with the labels Ofsted's
template writes. ``fsdash.annex_a`` reads a workbook by these declarations and writes one (the
demo); ``docs/data-formats.md`` describes them. Sources: Ofsted's Annex A template (the column
names) and liiatools' ``spec/annex_a`` (MIT; the variants and labels councils write).
"""

from __future__ import annotations

from dataclasses import dataclass

SUFFIXES = (".xlsx", ".xlsm", ".xls")
KEY = "annex_a"          # the key batch.find gives the workbooks it found under


@dataclass(frozen=True)
class Column:
    """A column of a list: its name in Ofsted's template, the store column it fills
    (``target``), its kind (``id``, ``text``, ``date``, ``dob``, ``int``, ``decimal``, ``bool``,
    ``worker`` or ``code:<list in CODES>``), whether a row needs it, and the patterns (regular
    expressions over the header lowercased, spaces single) other spellings match."""

    name: str
    target: str | None
    kind: str = "text"
    required: bool = False
    patterns: tuple[str, ...] = ()


@dataclass(frozen=True)
class AnnexList:
    number: int
    title: str
    table: str
    columns: tuple[Column, ...]

    def column(self, target: str) -> Column:
        return next(c for c in self.columns if c.target == target)


CHILD = Column("Child Unique ID", "child_id", "id", True,
               (r"child.*(unique|id\b)", r"^(la )?child ?id", r"^unique.*id", r"^child$",
                r"^(person|client|case|la) ?(id|ref|reference|number)\b", r"^id$"))
GENDER = Column("Gender", "sex", "code:SEX", False, (r"^gender", r"^sex\b"))
ETHNICITY = Column("Ethnicity", "ethnicity", "code:ETHNIC", False, (r"^ethnic",))
BIRTH = Column("Date of Birth", "birth_month", "dob", False, (r"date.*birth", r"^dob\b"))
AGE = Column("Age of Child (Years)", "age", "decimal", False, (r"^age\b",))
DISABILITY = Column("Does the Child have a Disability", "disability", "bool", False,
                    (r"disab",))
TEAM = Column("Allocated Team", "team_name", "text", False, (r"allocated team", r"^team\b"))
WORKER = Column("Allocated Worker", "worker_key", "worker", False,
                (r"allocated (social )?worker", r"^worker\b", r"^social worker"))
PERSON = (CHILD, GENDER, ETHNICITY, BIRTH, AGE)
ALLOCATED = (TEAM, WORKER)

LISTS: dict[int, AnnexList] = {a.number: a for a in (
    AnnexList(1, "Contacts", "annex_a_contact", (
        *PERSON,
        Column("Date of Contact", "contact_date", "date", True, (r"date.*contact",
                                                                 r"contact.*date")),
        Column("Contact Source", "source", "code:REFERRAL_SOURCE", False, (r"contact.*source",
                                                                           r"^source")),
    )),
    AnnexList(2, "Early help", "annex_a_early_help", (
        *PERSON,
        Column("Assessment start date", "start_date", "date", True,
               (r"(assessment|early help).*start", r"^start date")),
        Column("Assessment completion date", "end_date", "date", False,
               (r"(assessment|early help).*(complet|end)",)),
        Column("Organisation completing assessment", "organisation", "text", False,
               (r"organisation",)),
    )),
    AnnexList(3, "Referrals", "annex_a_referral", (
        *PERSON,
        Column("Date of Referral", "referral_date", "date", True,
               (r"date.*referral", r"referral.*date")),
        Column("Referral Source", "source", "code:REFERRAL_SOURCE", True, (r"referral.*source",
                                                                           r"^source")),
        Column("Referral NFA?", "nfa", "bool", False, (r"\bnfa\b", r"no further action")),
        Column("Number of Referrals in Last 12 Months", "referrals_12_months", "int", False,
               (r"number of referrals", r"referrals in (the )?last 12")),
        *ALLOCATED,
    )),
    AnnexList(4, "Assessments", "annex_a_assessment", (
        *PERSON, DISABILITY,
        Column("Continuous Assessment Start Date", "start_date", "date", True,
               (r"assessment start", r"assessment.*start date")),
        Column("Child Seen During Continuous Assessment", "child_seen", "bool", False,
               (r"child seen",)),
        Column("Continuous Assessment Date of Authorisation", "authorised_date", "date", False,
               (r"authoris", r"authoriz", r"assessment.*(complet|end)")),
        Column("Was the child assessed as requiring LA children's social care support?",
               "outcome", "text", False, (r"assessed as requiring",)),
        *ALLOCATED,
    )),
    AnnexList(5, "Section 47 enquiries and initial child protection conferences",
              "annex_a_s47", (
        *PERSON, DISABILITY,
        Column("Strategy discussion initiating Section 47 Enquiry Start Date", "start_date",
               "date", True, (r"strategy discussion", r"(section|s) ?47.*start")),
        Column("Was an Initial Child Protection Conference deemed unnecessary?",
               "icpc_not_required", "bool", False, (r"unnecessary", r"not required")),
        Column("Date of Initial Child Protection Conference", "icpc_date", "date", False,
               (r"date of (the )?initial child protection conference", r"date of icpc",
                r"icpc date")),
        Column("Did the Initial Child Protection Conference Result in a Child Protection Plan",
               "icpc_plan", "bool", False, (r"result in a child protection plan",)),
        Column("Number of Section 47 Enquiries in the last 12 months", "enquiries_12_months",
               "int", False, (r"number of (section|s) ?47",)),
        Column("Number of ICPCs in the last 12 months", "icpcs_12_months", "int", False,
               (r"number of icpcs", r"number of initial")),
        *ALLOCATED,
    )),
    AnnexList(6, "Children in need", "annex_a_cin", (
        *PERSON, DISABILITY,
        Column("CIN Start Date", "start_date", "date", False, (r"cin start", r"start date")),
        Column("Primary Need Code", "primary_need", "code:NEED", False, (r"primary need",
                                                                        r"category of need")),
        Column("Date Child Was Last Seen", "last_seen", "date", False, (r"last seen",)),
        Column("CIN Closure Date", "closure_date", "date", False, (r"closure date",
                                                                   r"cin clos")),
        Column("Reason for Closure", "closure_reason", "code:CLOSURE_REASON", False,
               (r"reason for closure", r"closure reason")),
        Column("Case Status", "case_status", "code:CASE_STATUS", False, (r"case status",)),
        *ALLOCATED,
    )),
    AnnexList(7, "Child protection", "annex_a_cp", (
        *PERSON, DISABILITY,
        Column("Child Protection Plan Start Date", "start_date", "date", True,
               (r"(plan|cpp) start", r"start date of (the )?(cp|child protection) plan")),
        Column("Initial Category of Abuse", "initial_category", "code:ABUSE_CATEGORY", False,
               (r"initial category",)),
        Column("Latest Category of Abuse", "latest_category", "code:ABUSE_CATEGORY", False,
               (r"latest category",)),
        Column("Date of the Last Statutory Visit", "last_visit", "date", False,
               (r"last statutory visit",)),
        Column("Child Protection Plan End Date", "end_date", "date", False, (r"(plan|cpp) end",)),
        Column("Number of Previous Child Protection Plans", "previous_plans", "int", False,
               (r"number of previous",)),
        *ALLOCATED,
    )),
    AnnexList(8, "Children looked after", "annex_a_cla", (
        *PERSON, DISABILITY,
        Column("Date Started to be Looked After", "start_date", "date", True,
               (r"started to be looked after", r"date (became|started).*looked after",
                r"(cla|lac|looked after|care) start", r"date.*(entered|came into) care")),
        Column("Child's Legal Status", "legal_status", "code:LEGAL_STATUS", False,
               (r"^(child's |current )?legal status",)),
        Column("Date Ceased to be Looked After", "end_date", "date", False,
               (r"date ceased",)),
        Column("Reason Ceased to be Looked After", "reason_ceased", "code:REASON_CEASED", False,
               (r"reason ceased",)),
        Column("Start Date of Most Recent Placement", "placement_start", "date", False,
               (r"start date of (most )?recent placement",)),
        Column("Placement Type", "placement", "code:PLACEMENT", False, (r"^placement type",)),
        *ALLOCATED,
    )),
    AnnexList(9, "Care leavers", "annex_a_care_leaver", (
        *PERSON, DISABILITY, *ALLOCATED,
        Column("Eligibility Category", "eligibility", "code:ELIGIBILITY", False,
               (r"^eligib",)),
        Column("LA in Touch", "in_touch", "code:IN_TOUCH", False, (r"in touch",)),
        Column("Type of Accommodation", "accommodation", "code:ACCOMMODATION", False,
               (r"type of accommodation", r"^accommodation")),
        Column("Suitability of Accommodation", "suitable", "code:SUITABLE", False,
               (r"suitab",)),
        Column("Activity Status", "activity", "code:ACTIVITY", False, (r"^activity",)),
    )),
)}
READ_LISTS = tuple(LISTS)
CASE_LISTS = {6: "CIN", 7: "CP", 8: "CLA", 9: "CL"}   # allocation case type of lists 6 to 9


# Code lists: each code with the label Ofsted's template writes (used by ``write_workbook``)
# and patterns (over the value lowercased, its leading "a) " taken off) that other spellings
# match. A value is first looked for as a code itself.
def _c(code, label, *patterns):
    return (code, label, patterns)


CODES: dict[str, tuple[tuple[str, str, tuple[str, ...]], ...]] = {
    "SEX": (_c("M", "a) Male", r"^male", r"^m$", r"^boy"),
            _c("F", "b) Female", r"^female", r"^f$", r"^girl"),
            _c("U", "c) Not stated/recorded", r"not (stated|recorded|known)", r"unknown",
               r"indeterminate", r"^neither", r"^u$", r"^d\) neither")),
    "ETHNIC": (_c("WBRI", "a) WBRI", r"white.*british"), _c("WIRI", "b) WIRI", r"white.*irish"),
               _c("WIRT", "c) WIRT", r"traveller"), _c("WOTH", "d) WOTH", r"other white",
                                                        r"white.*other"),
               _c("WROM", "e) WROM", r"gypsy", r"roma\b"),
               _c("MWBC", "f) MWBC", r"white and black caribbean"),
               _c("MWBA", "g) MWBA", r"white and black african"),
               _c("MWAS", "h) MWAS", r"white and asian"),
               _c("MOTH", "i) MOTH", r"other mixed", r"mixed.*other"),
               _c("AIND", "j) AIND", r"^indian"), _c("APKN", "k) APKN", r"^pakistani"),
               _c("ABAN", "l) ABAN", r"^bangladeshi"),
               _c("AOTH", "m) AOTH", r"other asian", r"asian.*other"),
               _c("BCRB", "n) BCRB", r"^(black )?caribbean"),
               _c("BAFR", "o) BAFR", r"^(black )?african"),
               _c("BOTH", "p) BOTH", r"other black", r"black.*other"),
               _c("CHNE", "q) CHNE", r"^chinese"),
               _c("OOTH", "r) OOTH", r"other ethnic"),
               _c("REFU", "s) REFU", r"^refused", r"did not wish"),
               _c("NOBT", "t) NOBT", r"not (yet )?obtained", r"^information")),
    "REFERRAL_SOURCE": (
        _c("1A", "a) 1A: Individual", r"family", r"relative", r"carer"),
        _c("1B", "b) 1B: Individual", r"acquaint", r"neighbour"),
        _c("1C", "c) 1C: Individual", r"\bself\b"),
        _c("1D", "d) 1D: Individual", r"individual.*other", r"stranger"),
        _c("3C", "i) 3C: Health services", r"school nurse"),
        _c("2A", "e) 2A: Schools", r"^schools?$"),
        _c("2B", "f) 2B: Education services", r"educat"),
        _c("3A", "g) 3A: Health services", r"\bgp\b", r"general practi"),
        _c("3B", "h) 3B: Health services", r"health visitor"),
        _c("3D", "j) 3D: Health services", r"other primary"),
        _c("3E", "k) 3E: Health services", r"a ?& ?e\b", r"accident"),
        _c("3F", "l) 3F: Health services", r"health"),
        _c("5D", "o) 5D: LA services", r"early help"),
        _c("5B", "o) 5B: LA services", r"other internal"),
        _c("5C", "p) 5C: LA services", r"external"),
        _c("5A", "n) 5A: LA services", r"social care"),
        _c("4", "m) 4: Housing", r"housing"),
        _c("6", "q) 6: Police", r"police"),
        _c("7", "r) 7: Other legal agency", r"legal", r"court", r"probation", r"cafcass"),
        _c("8", "s) 8: Other", r"^other"),
        _c("9", "t) 9: Anonymous", r"anonymous"),
        _c("10", "u) 10: Unknown", r"unknown")),
    "NEED": tuple(_c(f"N{n}", f"N{n} - {label}", pattern) for n, label, pattern in (
        (1, "Abuse or neglect", r"abuse|neglect"), (2, "Child's disability", r"child.*disab"),
        (3, "Parental disability or illness", r"parent.*(disab|ill)"),
        (4, "Family in acute stress", r"acute stress"), (5, "Family dysfunction", r"dysfunc"),
        (6, "Socially unacceptable behaviour", r"behaviour"), (7, "Low income", r"income"),
        (8, "Absent parenting", r"absent"), (9, "Cases other than children in need",
                                             r"other than"),
        (0, "Not stated", r"not stated"))),
    "CLOSURE_REASON": tuple(_c(f"RC{n}", f"RC{n} - {label}", pattern) for n, label, pattern in (
        (1, "Adopted", r"^adopt"), (2, "Died", r"died|death"),
        (3, "Child arrangements order", r"arrangements"), (4, "Special guardianship order",
                                                          r"guardianship"),
        (5, "Transferred to services of another local authority", r"another (local|la)"),
        (6, "Transferred to adult social care services", r"adult"),
        (7, "Services ceased for any other reason, including child no longer in need",
         r"ceased|no longer"),
        (8, "Case closed after assessment, no further action", r"after assessment"),
        (9, "Case closed after assessment, referred to early help", r"early help"))),
    "CASE_STATUS": (_c("CLA", "a) Looked after child", r"looked after"),
                    _c("CP", "b) Child Protection plan", r"protection"),
                    _c("CIN", "c) Child in need plan", r"in need"),
                    _c("ASSESSMENT", "d) Open assessment", r"assessment"),
                    _c("CLOSED", "e) Closed episode", r"closed")),
    "ABUSE_CATEGORY": (_c("NEG", "a) Neglect", r"neglect"), _c("PHY", "b) Physical abuse",
                                                               r"physical"),
                       _c("SAB", "c) Sexual abuse", r"sexual"), _c("EMO", "d) Emotional abuse",
                                                                   r"emotional"),
                       _c("MUL", "e) Multiple/not recommended", r"multiple", r"mixed")),
    "LEGAL_STATUS": tuple(_c(c, f"{c}: {label}") for c, label in (
        ("C1", "ICO"), ("C2", "FCO"), ("D1", "Freeing order"), ("E1", "Placement order"),
        ("V2", "Single period under S20"), ("L1", "Police protection LA accommodation"),
        ("L2", "EPO"), ("L3", "Child assessment order LA accommodation"),
        ("J1", "Remanded to LA or youth detention"), ("J2", "LA accommodation under PACE"),
        ("J3", "Youth rehabilitation order"), ("V3", "Short term breaks, episodes recorded"),
        ("V4", "Short term breaks, agreements recorded"))),
    "REASON_CEASED": tuple(_c(c, f"{c}: {c}") for c in (
        "E11", "E12", "E15", "E2", "E3", "E4A", "E4B", "E13", "E41", "E45", "E46", "E47", "E48",
        "E5", "E6", "E7", "E9", "E14", "E16", "E17", "E8", "X1")),
    "PLACEMENT": tuple(_c(c, f"{c}: {c}") for c in (
        "U1", "U2", "U3", "U4", "U5", "U6", "A3", "A4", "A5", "A6", "P1", "P2", "P3", "H5", "K1",
        "K2", "K3", "R1", "R2", "R3", "R5", "S1", "Z1", "Z11", "Z12", "Z13", "Z14", "T0", "T1",
        "T2", "T3", "T4")),                  # as the SSDA903's PLACE list, 2025-26 codes too
    "ELIGIBILITY": (_c("RELEVANT", "a) Relevant child", r"^relevant"),
                    _c("FORMER", "b) Former relevant child", r"former"),
                    _c("QUALIFYING", "c) Qualifying care leaver", r"qualifying")),
    "IN_TOUCH": (_c("YES", "a) Yes", r"^y"), _c("NO", "b) No", r"^no\b", r"^n$"),
                 _c("DIED", "c) Died", r"died"), _c("REFU", "d) Refu", r"refu"),
                 _c("NREQ", "e) NREQ", r"nreq"), _c("RHOM", "f) Rhom", r"rhom")),
    "ACCOMMODATION": tuple(_c(c, f"{c}: {c}") for c in "BCDEGHKRSTUVWXYZ"),
    "SUITABLE": (_c("SUITABLE", "a) Suitable", r"^suitable"),
                 _c("UNSUITABLE", "b) Unsuitable", r"unsuitable")),
    "ACTIVITY": tuple(_c(c, f"{c}: {c}") for c in ("F1", "P1", "F2", "P2", "F3", "P3", "G4",
                                                   "G5", "G6")),
}
