"""Ofsted's Annex A workbook: the child-level lists a council prepares for an inspection, and
many refresh monthly (lists 1 to 11; fsdash reads lists 1 to 9).

A workbook is a snapshot taken on its extract date. Lists 1 to 5 hold what happened in the six
months before it (contacts, early help, referrals, assessments, section 47 enquiries and
initial conferences); lists 6 to 9 the children open on it (children in need, on child
protection plans, looked after, care leavers), each with the allocated team and worker.

Real workbooks vary, so the reader:
- finds each list's sheet by its number whatever the sheet is called (``List 3``, ``List_3``,
  ``List3``, ``List 3 - Referrals``);
- finds the header row under any title rows, and each column by its name as Ofsted's template
  writes it or a close variant (``LISTS``: each ``Column`` has the patterns it is known by);
- maps values written as labels (``a) Male``, ``q) 6: Police``, ``N1 - Abuse or neglect``) to
  the codes the store uses (``CODES``);
- takes the extract date from the file's name, else a date in a title row, else the latest
  date the workbook's lists 1 to 5 hold, and says which (``Snapshot.date_from``).

A value fsdash needs that cannot be read (a child with no identifier, a date that is not a date,
a referral source that is no source) is a problem naming the file, sheet, row and field
(``AnnexAProblem``); a value it only keeps (a primary need outside the code list) is kept as not
known and counted in a note. Sources: Ofsted's Annex A template (the column names) and
liiatools' ``spec/annex_a`` (MIT; the variants and labels councils write).

Worker names are staff data: a name becomes a worker key (``worker_key``: a keyed digest under
the store's secret, ``fsdash.annex_a_store.worker_secret``) as it is read, and the name itself
is kept only where the council's configuration allows names to be shown to the worker's own
team manager (``[annex_a] show_worker_names``). ``fsdash.annex_a_store`` puts snapshots in the
store; ``write_workbook`` writes one (the demo uses it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

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
NOT_READ = {10: "adoption", 11: "adopters"}
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
_CODE_SETS = {name: {c for c, _, _ in codes} for name, codes in CODES.items()}
BOOL_LABELS = {True: "a) Yes", False: "b) No"}

_LETTER = re.compile(r"^\(?[a-z]{1,2}\)\s*")     # "a) ", "zz) ", "(b) "
_SHEET = re.compile(r"\blist[\s_\-.]*0*(\d{1,2})(?!\d)", re.IGNORECASE)
_BLANKS = {"", "#n/a", "n/a", "na", "none", "null", "-", "not known"}


def list_number(sheet_name: str) -> int | None:
    """The list a sheet holds, from its name: 3 for "List 3", "List_3", "List3",
    "List 3 - Referrals"; None for any other sheet."""
    match = _SHEET.search(sheet_name)
    return int(match.group(1)) if match else None


def _plain(text) -> str:
    """Text lowercased with spaces (non-breaking ones too) single and quotes straight."""
    text = str(text).replace("\u00a0", " ").replace("\u2018", "'").replace("\u2019", "'")
    return re.sub(r"\s+", " ", text).strip().lower()


def match_column(header: str, annex_list: AnnexList) -> Column | None:
    """The list's column a header cell names, by its template name or a known variant."""
    plain = _plain(header)
    if not plain:
        return None
    for column in annex_list.columns:
        if plain == _plain(column.name):
            return column
    for column in annex_list.columns:
        if any(re.search(p, plain) for p in column.patterns):
            return column
    return None


def code_for(code_list: str, value) -> str | None:
    """The code a value names in a code list (``CODES``), written as the code itself
    ("WBRI", "6", "N1"), Ofsted's label ("a) WBRI", "q) 6: Police", "N1 - Abuse or neglect")
    or a plain word ("Female", "Police"); None where it names none."""
    text = _plain(value)
    codes = CODES[code_list]
    upper = text.upper()
    if upper in _CODE_SETS[code_list]:
        return upper
    rest = _LETTER.sub("", text)
    # a code written before a colon, a dash or a space: "6: Police", "PR4 - ...", "N1 abuse"
    first = re.match(r"^([a-z0-9]{1,4})\s*(:|-|–|\s|$)", rest)
    if first and first.group(1).upper() in _CODE_SETS[code_list]:
        return first.group(1).upper()
    words = re.findall(r"[a-z0-9]+", rest)
    for word in words:                           # a code anywhere: "Other (WBRI)"
        if len(word) >= 4 and word.upper() in _CODE_SETS[code_list]:
            return word.upper()
    for code, _, patterns in codes:
        if any(re.search(p, rest) for p in patterns):
            return code
    letter = re.match(r"^\(?([a-z]{1,2})\)", text)
    if letter and code_list in ("SEX", "ETHNIC"):   # the template's lettering alone
        by_letter = {label.split(")")[0].lower(): code for code, label, _ in codes}
        return by_letter.get(letter.group(1))
    return None


def label_for(code_list: str, code: str) -> str:
    """Ofsted's label for a code ("a) Male" for M)."""
    return next(label for c, label, _ in CODES[code_list] if c == code)


def yes_no(value) -> bool | None:
    """A yes or no written as "a) Yes", "Y", "b) No", "N", true or 1; None for unknown."""
    if isinstance(value, bool):
        return value
    text = _LETTER.sub("", _plain(value))
    if text in ("y", "yes", "true", "1", "1.0"):
        return True
    if text in ("n", "no", "false", "0", "0.0"):
        return False
    return None


# The secret of a read given none: its keys join only within this process, never a store's.
_READ_SECRET = secrets.token_bytes(32)


def worker_key(name: str, secret: bytes, council_code: str = "") -> str:
    """A worker's key: a keyed digest (HMAC-SHA256) of the council and the name under the
    store's secret (``fsdash.annex_a_store.worker_secret``), so the same name gives the same
    key in every snapshot loaded into the store and the store need not keep the name, while
    no one without the secret can tell whose a key is by hashing the names of the staff."""
    if not secret:
        raise ValueError("a worker key needs a secret")
    digest = hmac.new(secret, f"{council_code}\n{_plain(name)}".encode(),
                      hashlib.sha256).hexdigest()
    return f"AW-{digest[:12]}"


def team_name(value) -> str:
    """A team as written, spaces single (the name configuration maps to a team code)."""
    return re.sub(r"\s+", " ", str(value).replace("\u00a0", " ")).strip()


class AnnexAProblem(Exception):
    """A workbook that cannot be loaded: ``problems`` is a list of (file, row, field, message),
    the file naming the sheet ("Annex_A.xlsx, sheet List 3")."""

    def __init__(self, problems: list[tuple]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class Sheet:
    """One list as read: its sheet, the row its header is on, the columns found (by target),
    and each record as (row number in the sheet, values by target)."""

    name: str
    header_row: int
    columns: dict[str, str]
    records: list[tuple[int, dict]] = field(default_factory=list)


@dataclass
class Snapshot:
    """A workbook read: its extract date and where it was taken from, each list read, and
    notes (in sentences) on what was passed over or kept as not known."""

    shown_as: str
    original: Path
    extract_date: dt.date
    date_from: str
    lists: dict[int, Sheet]
    notes: list[str]
    names: dict[str, str] = field(default_factory=dict)   # worker key -> name as written

    @property
    def readable(self) -> Path:
        return self.original


# --- reading cells ----------------------------------------------------------------------------

def _workbook_rows(path: Path):
    """Each sheet as (name, rows of cell values), dates as datetime: .xlsx with openpyxl,
    .xls with xlrd."""
    with path.open("rb") as handle:
        start = handle.read(8)
    # by what the file is, not its name: a workbook saved as .xlsx but named .xls, or the reverse
    if start.startswith(b"\xd0\xcf\x11\xe0") or (path.suffix.lower() == ".xls"
                                                  and not start.startswith(b"PK")):
        import xlrd
        book = xlrd.open_workbook(str(path), on_demand=True)
        try:
            for sheet in book.sheets():
                rows = []
                for r in range(sheet.nrows):
                    row = []
                    for cell in sheet.row(r):
                        if cell.ctype == xlrd.XL_CELL_DATE:
                            row.append(xlrd.xldate_as_datetime(cell.value, book.datemode))
                        elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                            row.append(None)
                        elif cell.ctype == xlrd.XL_CELL_ERROR:
                            row.append("#N/A")
                        else:
                            row.append(cell.value)
                    rows.append(row)
                yield sheet.name, rows
        finally:
            book.release_resources()
        return
    import openpyxl
    book = openpyxl.load_workbook(str(path), read_only=True, data_only=True)
    try:
        for sheet in book.worksheets:
            yield sheet.title, [list(r) for r in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


_DATE_FORMS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y", "%Y/%m/%d",
               "%d %B %Y", "%d %b %Y", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M:%S")
EXCEL_EPOCH = dt.date(1899, 12, 30)


def as_date(value) -> dt.date | None:
    """A cell as a date: a date cell, text in a usual form, or an Excel day number. Raises
    ValueError for anything else."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 80000:
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise ValueError
    text = str(value).strip()
    for form in _DATE_FORMS:
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise ValueError


def _blank(value) -> bool:
    return value is None or _plain(value) in _BLANKS


def _identifier(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", "", str(value).replace("\u00a0", ""))


# --- reading a workbook -------------------------------------------------------------------------

HEADER_SEARCH_ROWS = 30   # the header is looked for in this many rows from the top


def _find_header(rows: list[list], annex_list: AnnexList) -> tuple[int, dict[int, Column]] | None:
    """The index of the header row and the column each of its cells names: the first row,
    within HEADER_SEARCH_ROWS, naming the child's identifier and at least two other columns."""
    exact = {_plain(c.name): c for c in annex_list.columns}
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found: dict[int, Column] = {}
        cells = [(p, _plain(c)) for p, c in enumerate(row) if isinstance(c, str) and c.strip()]
        for position, cell in cells:              # the template's own names first
            if cell in exact and exact[cell] not in found.values():
                found[position] = exact[cell]
        for position, cell in cells:
            column = None if position in found else match_column(cell, annex_list)
            if column and column not in found.values():
                found[position] = column
        if CHILD in found.values() and len(found) >= 3:
            return index, found
    return None


def _dates_in(texts: list[str]) -> list[dt.date]:
    found = []
    for text in texts:
        for match in re.finditer(r"\d{1,4}[/.\-]\d{1,2}[/.\-]\d{2,4}", text):
            try:
                found.append(as_date(match.group(0)))
            except ValueError:
                continue
    return found


_MONTHS = {m.lower(): n for n, m in enumerate(
    ("January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December"), start=1)}


def date_from_name(name: str) -> dt.date | None:
    """An extract date written in a file's name: 2026-10-31, 20261031, 31-10-2026,
    31.10.2026, or a month and year ("October 2026", "2026-10": the month's last day)."""
    stem = Path(name).stem
    for pattern, order in ((r"(?<!\d)(20\d\d)[-_.]?(0[1-9]|1[0-2])[-_.]?([0-3]\d)(?!\d)", "ymd"),
                           (r"(?<!\d)([0-3]\d)[-_.](0[1-9]|1[0-2])[-_.](20\d\d)(?!\d)", "dmy")):
        match = re.search(pattern, stem)
        if match:
            parts = dict(zip(order, map(int, match.groups())))
            try:
                return dt.date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                continue
    month = re.search(r"(?i)(" + "|".join(_MONTHS) + r"|" + "|".join(m[:3] for m in _MONTHS)
                      + r")[a-z]*[\s_\-]*(20\d\d)", stem)
    numeric = re.search(r"(?<!\d)(20\d\d)[-_](0[1-9]|1[0-2])(?![\d])", stem)
    if month:
        number = next(n for m, n in _MONTHS.items() if m.startswith(month.group(1).lower()[:3]))
        return _month_end(int(month.group(2)), number)
    if numeric:
        return _month_end(int(numeric.group(1)), int(numeric.group(2)))
    return None


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def read(path: Path | str, shown_as: str | None = None, council_code: str = "",
         keep_names: bool = False, today: dt.date | None = None,
         secret: bytes | None = None) -> Snapshot:
    """Read a workbook's lists 1 to 9, each worker as their key under ``secret`` (the store's,
    ``fsdash.annex_a_store.worker_secret``; without one, keys that join only within this
    process). Raises ``AnnexAProblem`` naming the file, sheet, row and field of every problem
    found (up to 20 a sheet)."""
    path = Path(path)
    secret = secret or _READ_SECRET
    shown_as = shown_as or path.name
    today = today or dt.date.today()
    problems: list[tuple] = []
    notes: list[str] = []
    sheets: dict[int, Sheet] = {}
    titles: list[str] = []
    names: dict[str, str] = {}
    kept_unknown: dict[tuple[int, str], list] = {}
    try:
        every = list(_workbook_rows(path))
    except Exception as error:      # any reader's failure: a file that is not a workbook
        said = (str(error).splitlines() or ["unreadable"])[0]
        raise AnnexAProblem([(shown_as, None, None, "could not be opened as an Excel workbook "
                              f"({type(error).__name__}: {said})")]) from None
    for sheet_name, rows in every:
        number = list_number(sheet_name)
        if number is None or number not in LISTS:
            continue
        where = f"{shown_as}, sheet {sheet_name}"
        if number in sheets:
            problems.append((where, None, None, f"is a second sheet for list {number} (the first "
                             f"is {sheets[number].name}): keep one of them"))
            continue
        annex_list = LISTS[number]
        header = _find_header(rows, annex_list)
        if header is None:
            problems.append((where, None, None, f"has no header row naming the child "
                             f"({CHILD.name}) and the list's columns in its first "
                             f"{HEADER_SEARCH_ROWS} rows"))
            continue
        index, columns = header
        titles += [str(c) for row in rows[:index] for c in row if c is not None]
        missing = [c for c in annex_list.columns if c.required and c not in columns.values()]
        for column in missing:
            problems.append((where, index + 1, column.name, "is missing from the header"))
        if missing:
            continue
        sheet = Sheet(sheet_name, index + 1, {c.target: str(rows[index][p]).strip()
                                             for p, c in columns.items()})
        sheet_problems = []
        for offset, row in enumerate(rows[index + 1:], start=index + 2):
            cells = {c: (row[p] if p < len(row) else None) for p, c in columns.items()}
            if all(_blank(v) for v in cells.values()):
                continue
            values, bad = _record(cells, number, council_code, keep_names, names,
                                  kept_unknown, offset, today, secret)
            sheet_problems += [(where, offset, name, message) for name, message in bad]
            if not bad:
                sheet.records.append((offset, values))
        problems += sheet_problems[:20]
        if len(sheet_problems) > 20:
            problems.append((where, None, None, f"... and {len(sheet_problems) - 20} more "
                             "problems on this sheet"))
        sheets[number] = sheet
    if problems:
        raise AnnexAProblem(problems)
    if not sheets:
        raise AnnexAProblem([(shown_as, None, None, "has no sheet named for an Annex A list "
                              "(List 1 to List 9, such as 'List 3' or 'List_3 - Referrals'): "
                              "it is not an Annex A workbook fsdash can read")])
    for (number, column), values in sorted(kept_unknown.items()):
        notes.append(f"{shown_as}: {len(values)} value(s) of List {number}'s {column} name no "
                     f"code (such as '{values[0]}'): kept as not known.")
    absent = [n for n in READ_LISTS if n not in sheets]
    if absent:
        notes.append(f"{shown_as} has no sheet for list(s) {', '.join(map(str, absent))}.")
    extract_date, date_from = _extract_date(shown_as, titles, sheets)
    if extract_date > today:
        raise AnnexAProblem([(shown_as, None, None, f"has the extract date "
                              f"{extract_date:%d/%m/%Y} ({date_from}), which is in the future")])
    notes.insert(0, f"{shown_as} is an Annex A snapshot taken as at {extract_date:%d/%m/%Y} "
                 f"({date_from}).")
    return Snapshot(shown_as, path, extract_date, date_from, sheets, notes, names)


def _record(cells: dict[Column, object], number: int, council_code: str, keep_names: bool,
            names: dict, kept_unknown: dict, row: int, today: dt.date, secret: bytes):
    """One row's values by target, and its problems as (field, message)."""
    values: dict[str, object] = {}
    bad: list[tuple[str, str]] = []
    for column, value in cells.items():
        shown = str(value).strip() if value is not None else ""
        if _blank(value):
            if column.required:
                bad.append((column.name, "is empty"))
            values[column.target] = None
            continue
        kind = column.kind
        if kind == "id":
            values[column.target] = _identifier(value)
        elif kind in ("date", "dob"):
            try:
                day = as_date(value)
            except ValueError:
                bad.append((column.name, f"'{shown}' is not a date"))
                continue
            if day > today:
                bad.append((column.name, f"'{day:%d/%m/%Y}' is in the future"))
            elif day.year < 1900:
                bad.append((column.name, f"'{shown}' is before 1900"))
            values[column.target] = day.replace(day=1) if kind == "dob" else day
        elif kind in ("int", "decimal"):
            try:
                number_value = float(str(value).strip())
            except ValueError:
                kept_unknown.setdefault((number, column.name), []).append(shown)
                values[column.target] = None
                continue
            values[column.target] = int(number_value) if kind == "int" else number_value
        elif kind == "bool":
            values[column.target] = yes_no(value)
            if values[column.target] is None:
                kept_unknown.setdefault((number, column.name), []).append(shown)
        elif kind == "worker":
            name = team_name(value)
            key = worker_key(name, secret, council_code)
            values[column.target] = key
            if keep_names:
                names[key] = name
        elif kind.startswith("code:"):
            code = code_for(kind[5:], value)
            if code is None and column.required:
                bad.append((column.name, f"'{shown}' is not a {kind[5:].lower().replace('_', ' ')}"
                            " code or label"))
            elif code is None:
                kept_unknown.setdefault((number, column.name), []).append(shown)
            values[column.target] = code
        else:
            values[column.target] = team_name(value) if column.target == "team_name" else shown
    return values, bad


def _extract_date(shown_as: str, titles: list[str], sheets: dict[int, Sheet]
                  ) -> tuple[dt.date, str]:
    named = date_from_name(shown_as)
    if named:
        return named, "from the file's name"
    in_titles = _dates_in(titles)
    if in_titles:
        return max(in_titles), "from a date in the title rows above a list's header"
    dated = {n: [c.target for c in LISTS[n].columns if c.kind == "date"] for n in sheets}
    latest = [values[t] for n, sheet in sheets.items() for _, values in sheet.records
              for t in dated[n] if values.get(t) is not None]
    if latest:
        return max(latest), ("the latest date the workbook holds, births aside: neither the "
                             "file's name nor a title gives one")
    raise AnnexAProblem([(shown_as, None, None, "has no extract date: put it in the file's name "
                          "(for example Annex_A_2026-10-31.xlsx)")])


# --- writing a workbook (the demo) ----------------------------------------------------------

def write_workbook(path: Path | str, extract_date: dt.date, lists: dict[int, list[dict]],
                   council_name: str = "") -> Path:
    """Write an Annex A workbook as a council would: a sheet "List N - Title" for each list
    given, a title row with the extract date, then the template's header and one row for each
    record. ``lists`` maps a list number to records, each a dict by store target (``LISTS``:
    ``child_id``, ``sex``, ``referral_date``, ``team_name``, ``worker_key`` ...) holding codes
    (written as Ofsted's labels), dates, numbers, yes or no as True or False; for the allocated
    worker, give the worker's name (or key) under ``worker_key``."""
    import openpyxl
    path = Path(path)
    book = openpyxl.Workbook()
    book.remove(book.active)
    for number in sorted(lists):
        annex_list = LISTS[number]
        sheet = book.create_sheet(f"List {number} - {annex_list.title}"[:31])
        sheet.append([f"Annex A {council_name} List {number}: {annex_list.title}".replace("  ",
                                                                                           " ")])
        sheet.append([f"Extract date: {extract_date:%d/%m/%Y}"])
        sheet.append([c.name for c in annex_list.columns])
        for record in lists[number]:
            sheet.append([_written(c, record.get(c.target)) for c in annex_list.columns])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _written(column: Column, value):
    if value is None:
        return None
    if column.kind.startswith("code:"):     # a code the list does not know is written as is
        known = value in _CODE_SETS[column.kind[5:]]
        return label_for(column.kind[5:], value) if known else value
    if column.kind == "bool":
        return BOOL_LABELS[bool(value)]
    return value


# --- documentation (docs/data-formats.md) -----------------------------------------------------

_KIND_WORDS = {"id": "identifier", "text": "text", "date": "a date", "dob": "a date (kept as its "
               "month)", "int": "a whole number", "decimal": "a number", "bool": "yes or no",
               "worker": "a name (kept as a worker key)"}


def _fill(text: str) -> str:
    import textwrap
    return textwrap.fill(text, 100, break_long_words=False, break_on_hyphens=False)


def markdown() -> str:
    """The Annex A section of docs/data-formats.md: how a workbook is read, and each list's
    columns, what they must be and where they are kept."""
    lines = ["## Ofsted's Annex A workbook (.xlsx, .xls)", "", _fill(
        "A file ending `.xlsx`, `.xlsm` or `.xls` is read as Ofsted's Annex A workbook. Each list's "
        "sheet is found by its number whatever else its name says (`List 3`, `List_3`, `List3`, "
        "`List 3 - Referrals`); lists 10 and 11 and other sheets are passed over. The header row "
        f"is the first of the sheet's first {HEADER_SEARCH_ROWS} rows naming the child's "
        "identifier and two more of the list's columns, so title rows above it do no harm; a "
        "column is known by the name below or a close variant, in any case, and columns not "
        "below are passed over. Values may be written as Ofsted's labels (`a) Male`, "
        "`q) 6: Police`, `N1 - Abuse or neglect`) or as codes. Dates may be date cells or text "
        "(dd/mm/yyyy or yyyy-mm-dd). `#N/A` and blank cells are empty."), "", _fill(
        "Each workbook is a snapshot taken on its extract date: from the file's name "
        "(`Annex_A_2026-10-31.xlsx`, `Annex A October 2026.xlsx`: the month's last day), else a "
        "date in a title row above a header, else the latest date the workbook holds (births "
        "aside); the load's notes say which. Every snapshot is kept; a workbook with the date of "
        "one held replaces it. Where no census or local file gives them, lists 3, 4, 5 and 7 give "
        "the front door's referrals, assessments, section 47 enquiries and child protection "
        "plans, and lists 6 to 9 the team caseloads on each extract date (allocated teams mapped "
        "to team codes by the council configuration's `[annex_a.teams]`; a name mapped nowhere "
        "is listed in the load's notes). Worker names are kept only as worker keys unless "
        "`[annex_a] show_worker_names` is true."), ""]
    for number, annex_list in LISTS.items():
        lines += [f"### List {number}: {annex_list.title.lower()}", "",
                  "| column | type | required | kept as |", "|---|---|---|---|"]
        for column in annex_list.columns:
            kind = (f"a code ({column.kind[5:]})" if column.kind.startswith("code:")
                    else _KIND_WORDS[column.kind])
            kept = ("not kept (gives the month of birth where no date of birth is given)"
                    if column.target == "age" else f"`{annex_list.table}.{column.target}`")
            lines.append(f"| {column.name} | {kind} | {'yes' if column.required else 'no'} | "
                         f"{kept} |")
        lines.append("")
    return "\n".join(lines)
