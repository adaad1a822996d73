"""The children in need census as councils submit it: one XML file a collection year.

The file is read as a stream, one ``Child`` at a time, into the rows of the census extracts
(``fsdash.extracts``, those with a ``census_part``): the layout below says which element makes
a row of which extract and where each value is. A row takes its parent's values too (a
referral's child, an assessment's referral). The census has no identifiers but the child's, so
referrals, assessments, enquiries and plans are named by the child and their dates. Each row
keeps the line of its element (``LINE``), so a problem names the line in the XML file. Values are
written as the census gives them (dates yyyy-mm-dd); the importer checks them as for any file.

Every collection year's shape is read (2013-14 on): the child's sex as ``GenderCurrent`` (0, 1,
2, 9 before 2024-25) or ``Sex`` (M, F, U from 2024-25), whichever the file writes, each value
read as the code of the file's own year where a file uses the other year's codes (1 for M); the
disabilities, children in need plans and, in the newest years, pre-proceedings. The collection
year is taken from the header's ``Year`` and ``ReferenceDate`` together (``_year``). What the
reader decided or passed over (the year taken and why, codes read as the year's, elements it does
not know, elements repeated exactly) is said in sentences, ``Census.notes``, for the load's report.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from fsdash import yearly
from fsdash.extracts import EXTRACT_BY_FILE

LINE = "_line"   # the first column of a census extract's rows: the line of its element


@dataclass(frozen=True)
class Level:
    """An element that makes one row of an extract for each time it appears under its parent
    (at the path ``under`` below the parent, where it is not a direct child). ``values`` maps a
    column to the path of its element under this one; "a|b" takes the first present, "." is the
    element's own text, and a path ending "/*" takes every child element's text,
    space-separated. ``identity`` names the columns whose values, joined, make the first
    column's value."""

    element: str
    extract: str
    values: dict[str, str]
    identity: tuple[str, ...] = ()
    levels: tuple[Level, ...] = ()
    under: str = ""

    @property
    def path(self) -> str:
        return f"{self.under}/{self.element}" if self.under else self.element


LAYOUT = Level(
    "Child", "census_children.csv",
    {"LAchildID": "ChildIdentifiers/LAchildID",
     "Sex": "ChildIdentifiers/Sex|ChildIdentifiers/GenderCurrent",
     "PersonBirthDate": "ChildIdentifiers/PersonBirthDate|ChildIdentifiers/ExpectedPersonBirthDate",
     "Ethnicity": "ChildCharacteristics/Ethnicity"},
    levels=(
        Level("Disability", "census_disabilities.csv", {"Disability": "."},
              identity=("LAchildID", "Disability"), under="ChildCharacteristics/Disabilities"),
        Level(
            "CINdetails", "census_referrals.csv",
            {c: c for c in ("CINreferralDate", "ReferralSource", "PrimaryNeedCode", "ReferralNFA",
                            "CINclosureDate", "ReasonForClosure")},
            identity=("LAchildID", "CINreferralDate"),
            levels=(
                Level("Assessments", "census_assessments.csv",
                      {"AssessmentActualStartDate": "AssessmentActualStartDate",
                       "AssessmentAuthorisationDate": "AssessmentAuthorisationDate",
                       "AssessmentFactors": "FactorsIdentifiedAtAssessment/*"},
                      identity=("ReferralID", "AssessmentActualStartDate")),
                Level("CINPlanDates", "census_cin_plans.csv",
                      {c: c for c in ("CINPlanStartDate", "CINPlanEndDate")},
                      identity=("ReferralID", "CINPlanStartDate")),
                Level("Section47", "census_s47.csv",
                      {c: c for c in ("S47ActualStartDate", "InitialCPCtarget", "DateOfInitialCPC",
                                      "ICPCnotRequired")},
                      identity=("ReferralID", "S47ActualStartDate")),
                Level("ChildProtectionPlans", "census_plans.csv",
                      {c: c for c in ("CPPstartDate", "CPPendDate", "InitialCategoryOfAbuse",
                                      "LatestCategoryOfAbuse")},
                      identity=("LAchildID", "CPPstartDate")),
                Level("PreProceedingsandFGDM", "census_pre_proceedings.csv",
                      {c: c for c in ("PPStartDate", "LBPSentDate", "FGDMMeetingOffer",
                                      "FGDMMeetingFac", "InitialPPMeetingDate",
                                      "ReviewMeetingsCount", "StepDecisionDate", "PPOutcome",
                                      "CourtAppDate", "LetterInitCPDate")},
                      identity=("ReferralID", "PPStartDate")),
            )),
    ),
)

# Every element the census defines under a Child, in any collection year, by the element it
# sits in. Any other is passed over and listed in the notes.
KNOWN = {
    "Child": {"ChildIdentifiers", "ChildCharacteristics", "CINdetails"},
    "ChildIdentifiers": {"LAchildID", "UPN", "FormerUPN", "UPNunknown", "PersonBirthDate",
                         "ExpectedPersonBirthDate", "GenderCurrent", "Sex", "PersonDeathDate"},
    "ChildCharacteristics": {"Ethnicity", "Disabilities"},
    "Disabilities": {"Disability"},
    "CINdetails": {"CINreferralDate", "ReferralSource", "PrimaryNeedCode", "CINclosureDate",
                   "ReasonForClosure", "DateOfInitialCPC", "Assessments", "CINPlanDates",
                   "Section47", "ReferralNFA", "ChildProtectionPlans", "PreProceedingsandFGDM"},
    "Assessments": {"AssessmentActualStartDate", "AssessmentInternalReviewDate",
                    "AssessmentAuthorisationDate", "FactorsIdentifiedAtAssessment"},
    "FactorsIdentifiedAtAssessment": {"AssessmentFactors"},
    "CINPlanDates": {"CINPlanStartDate", "CINPlanEndDate"},
    "Section47": {"S47ActualStartDate", "InitialCPCtarget", "DateOfInitialCPC",
                  "ICPCnotRequired"},
    "ChildProtectionPlans": {"CPPstartDate", "CPPendDate", "InitialCategoryOfAbuse",
                             "LatestCategoryOfAbuse", "NumberOfPreviousCPP", "Reviews"},
    "Reviews": {"CPPreviewDate"},
    "PreProceedingsandFGDM": {"PPStartDate", "LBPSentDate", "FGDMMeetingOffer", "FGDMMeetingFac",
                              "InitialPPMeetingDate", "ReviewMeetingsCount", "StepDecisionDate",
                              "PPOutcome", "CourtAppDate", "LetterInitCPDate"},
}

# The sex codes changed in 2024-25 (the collection year ending 2025): each value written in
# the other year's codes is read as the code of the file's own year.
SEX_CODES_FROM = 2025
TO_LATER_SEX = {"1": "M", "2": "F", "0": "U", "9": "U"}
TO_EARLIER_SEX = {"M": "1", "F": "2", "U": "0"}


def levels(level: Level = LAYOUT):
    """Every level of the layout, parents first."""
    yield level
    for inner in level.levels:
        yield from levels(inner)


class NotCensus(Exception):
    """The XML file is not a children in need census."""


class CensusProblem(Exception):
    """The file cannot be read as a census: ``line`` (or None) and the message."""

    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Census:
    """A census read into extract rows: its collection year (from its header, else its name;
    None if neither gives one), the file of rows for each extract, and what the reading decided
    or passed over, in sentences for the load's report."""

    year: int | None
    files: dict[str, Path]
    notes: tuple[str, ...] = ()


class _Reading:
    """What reading one file has seen so far, beyond its rows."""

    def __init__(self):
        self.unknown: dict[str, list[int]] = {}     # "Parent/Name": lines
        self.repeated: list[tuple[str, int, int]] = []   # (element, line, line of the first)
        self.referral_years: dict[int, int] = {}    # collection year: referrals dated in it
        self.first_referrals: dict[int, list[tuple[int, str]]] = {}   # year: (line, date)


def _local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _plain(element) -> None:
    """Drop namespaces from an element and those under it, so paths match by local name."""
    for inner in element.iter():
        if isinstance(inner.tag, str):
            inner.tag = _local(inner.tag)


def _value(element, path: str) -> str:
    for choice in path.split("|"):
        if choice.endswith("/*"):
            found = element.find(choice[:-2])
            if found is not None:
                return " ".join((c.text or "").strip() for c in found if isinstance(c.tag, str))
        else:
            found = element.find(choice)
            if found is not None and (found.text or "").strip():
                return found.text.strip()
    return ""


def _unknown(element, reading: _Reading) -> None:
    """List the elements under a Child the census does not define (not looking inside them)."""
    for inner in element:
        if not isinstance(inner.tag, str):
            continue
        if inner.tag not in KNOWN.get(element.tag, ()):
            reading.unknown.setdefault(f"{element.tag}/{inner.tag}", []).append(inner.sourceline)
        elif inner.tag in KNOWN:
            _unknown(inner, reading)


ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}$")


def _collection_year(day: str) -> int | None:
    """The collection year (the year it ends) a yyyy-mm-dd date falls in, or None."""
    try:
        date = dt.date.fromisoformat(day)
    except ValueError:
        return None
    return date.year + 1 if date.month > 3 else date.year


LONGEST_VALUE = 10_000   # characters of one element's text (the census's are under 100)


def _rows(element, level: Level, inherited: dict, writers: dict, seen: dict,
          reading: _Reading) -> None:
    values = inherited | {column: _value(element, path) for column, path in level.values.items()}
    for column, value in values.items():
        if len(value) > LONGEST_VALUE:     # else a traceback: Python's CSV field limit
            raise CensusProblem(element.sourceline, (
                f"field {column}: is {len(value):,} characters long, more than the "
                f"{LONGEST_VALUE:,} fsdash reads in one value, so check this is the census meant"))
    extract = EXTRACT_BY_FILE[level.extract]
    if level.identity:
        values[extract.columns[0]] = "/".join(values[c] for c in level.identity)
    row = tuple(values.get(c, "") for c in extract.columns)
    first = seen.setdefault((level.extract, row), element)
    if first is not element:     # the same element again, word for word: passed over
        reading.repeated.append((level.element, element.sourceline, first.sourceline))
        return
    if level.extract == "census_referrals.csv":
        year = _collection_year(values["CINreferralDate"])
        if year:
            reading.referral_years[year] = reading.referral_years.get(year, 0) + 1
            first = reading.first_referrals.setdefault(year, [])
            if len(first) < MAX_LISTED:
                first.append((element.sourceline, values["CINreferralDate"]))
    writers[level.extract].writerow([element.sourceline, *row])
    for inner in level.levels:
        for found in element.findall(inner.path):
            _rows(found, inner, values, writers, seen, reading)


def read(path: Path, out_dir: Path, name: str | None = None) -> Census:
    """Read a census file into one CSV file of rows for each census extract in ``out_dir``;
    ``name`` is the file as the load's report names it (its file name if not given).
    Raises ``NotCensus`` for other XML and ``CensusProblem`` for a file that is not sound."""
    name = name or path.name
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {level.extract: out_dir / level.extract for level in levels()}
    handles = {extract: file.open("w", newline="", encoding="utf-8")
               for extract, file in files.items()}
    writers = {extract: csv.writer(handle) for extract, handle in handles.items()}
    for extract, writer in writers.items():
        writer.writerow([LINE, *EXTRACT_BY_FILE[extract].columns])
    header: dict[str, str] = {}
    reading = _Reading()
    try:
        root = _root(path)
        if root != "Message":
            raise NotCensus(root)
        for _, element in _parse(path, ("end",)):
            local = _local(element.tag)
            if local == "CollectionDetails":
                _plain(element)
                header = {c.tag: (c.text or "").strip() for c in element
                          if isinstance(c.tag, str)}
                if header.get("Collection", "CIN").upper() != "CIN":
                    raise NotCensus(header["Collection"])
            elif _local(getattr(element.getparent(), "tag", None)) == "Children":
                if local != "Child":       # a record the census does not define: refused
                    raise CensusProblem(element.sourceline, f"has a {local} element among the "
                                        "Children, where only Child elements belong")
                _plain(element)
                _unknown(element, reading)
                _rows(element, LAYOUT, {}, writers, {}, reading)
                element.clear()
                while element.getprevious() is not None:
                    del element.getparent()[0]
    except etree.XMLSyntaxError as error:
        raise CensusProblem(error.lineno, f"is not well-formed XML ({error.msg})") from None
    finally:
        for handle in handles.values():
            handle.close()
    year, why = _year(header, reading.referral_years, name)
    notes = [f"{name} {why}"]
    if year is not None:
        notes += _referrals_after(year, reading, name)
    if year is not None:
        notes += _year_codes(files[LAYOUT.extract], year, name)
    notes += _passed_over(reading, name)
    return Census(year, files, tuple(notes))


def _parse(path: Path, events: tuple[str, ...]):
    return etree.iterparse(str(path), events=events, resolve_entities=False, no_network=True,
                           remove_comments=True, huge_tree=False)


def _root(path: Path) -> str:
    """The name of the file's first element, read without reading the rest."""
    for _, element in _parse(path, ("start",)):
        return _local(element.tag)
    return ""


def _day(text: str) -> str:
    """'31 March 2024' for '2024-03-31'."""
    day = dt.date.fromisoformat(text)
    return f"{day.day} {day:%B %Y}"


def _stated_year(given: str) -> int | None:
    """The collection year a header's ``Year`` names: "2024", or the span "2023-24" (also
    "2023/24", "2023-2024"), as the year it ends."""
    if re.fullmatch(r"\d{4}", given):
        return int(given)
    span = re.fullmatch(r"(\d{4})\s*[-_/]\s*(\d{4}|\d{2})", given)
    if span and int(span.group(2)) % 100 == (int(span.group(1)) + 1) % 100 and (
            len(span.group(2)) == 2 or int(span.group(2)) == int(span.group(1)) + 1):
        return int(span.group(1)) + 1
    return None


def _year(header: dict[str, str], referral_years: dict[int, int],
          name: str) -> tuple[int | None, str]:
    """The collection year (the year the collection ends) and why, in words following the
    file's name. The header's ``Year`` names the year the collection ends and its
    ``ReferenceDate`` should be 31 March of that year; real files do not always agree. Where
    both are given and disagree, the one more of the file's referrals fall within (a census
    holds the children in need during its year) is taken, the reference date on a tie. A
    reference date that is not a 31 March is not used where there is a ``Year``; with neither,
    the year is the file name's."""
    given = header.get("Year", "")
    stated = _stated_year(given)
    reference = header.get("ReferenceDate", "")
    referenced = _collection_year(reference) if ISO_DAY.match(reference) else None
    on_31_march = referenced is not None and reference[5:] == "03-31"
    if stated and referenced and stated == referenced and on_31_march:
        return stated, (f"is taken as the {yearly.label(stated)} census: its header's Year "
                        f"({given}) and ReferenceDate ({_day(reference)}) agree.")
    if stated and referenced and on_31_march:
        by_stated = referral_years.get(stated, 0)
        by_reference = referral_years.get(referenced, 0)
        year = stated if by_stated > by_reference else referenced
        other = referenced if year == stated else stated
        said = (f"its header's Year ({given})" if year == stated else
                f"its header's ReferenceDate ({_day(reference)})")
        unsaid = (f"its Year ({given})" if year == referenced else
                  f"its ReferenceDate ({_day(reference)})")
        count = referral_years.get(year, 0)
        why = (f"but it has {count:,} referral{'' if count == 1 else 's'} dated in "
               f"{yearly.label(year)} against {referral_years.get(other, 0):,} in "
               f"{yearly.label(other)}." if by_stated != by_reference else
               f"and its referrals do not tell them apart ({count:,} dated in each), so the "
               "reference date, the census's own date, is taken.")
        return year, (f"is taken as the {yearly.label(year)} census, as {said} says: {unsaid} "
                      f"would make it the {yearly.label(other)} census, {why}")
    if stated:
        why = ("it has no ReferenceDate" if not reference else
               f"its ReferenceDate ({reference}) is not a date" if referenced is None else
               f"its ReferenceDate ({_day(reference)}) is not a 31 March, so was not used")
        return stated, (f"is taken as the {yearly.label(stated)} census, as its header's Year "
                        f"({given}) says; {why}.")
    if referenced:
        return referenced, (f"is taken as the {yearly.label(referenced)} census, the year its "
                            f"header's ReferenceDate ({_day(reference)}) falls in; "
                            + ("it has no Year." if not given else
                               f"its Year ('{given}') is not a year."))
    named = yearly.year_from_name(name)
    if named:
        return named, (f"is taken as the {yearly.label(named)} census, as its name says: its "
                       "header gives no Year or ReferenceDate fsdash can read.")
    return None, ("gives no collection year fsdash can read, in its header's Year and "
                  "ReferenceDate or its name.")


FIRST_SHOWN = 5


def _referrals_after(year: int, reading: _Reading, name: str) -> list[str]:
    """Refuse a census most of whose referrals are dated after its year ended (a census counts
    the children in need up to its 31 March): its dates, or its year, cannot be right. A few
    such referrals are loaded as given (a date in the future is still refused by the load's
    checks), and said."""
    total = sum(reading.referral_years.values())
    late = {y: n for y, n in reading.referral_years.items() if y > year}
    if not late:
        return []
    first = sorted(p for y in late for p in reading.first_referrals[y])[:FIRST_SHOWN]
    if 2 * sum(late.values()) <= total:
        count = sum(late.values())
        return [f"{name} has {count:,} referral{'' if count == 1 else 's'} dated after its "
                f"year ended (31 March {year}), loaded as given: "
                + "; ".join(f"line {line}, CINreferralDate '{day}'" for line, day in first)
                + ("" if count <= len(first) else f", and {count - len(first):,} more") + "."]
    today = dt.date.today().isoformat()
    future = sum(n for y, n in late.items() if y > _collection_year(today))
    raise CensusProblem(first[0][0], (
        f"has most of its referrals dated after its year ended: {sum(late.values()):,} of "
        f"{total:,} are after 31 March {year}, the end of the {yearly.label(year)} census"
        + (f", {future:,} of them in years still to come" if future else "")
        + ". Nothing from it was loaded. The first: "
        + "; ".join(f"line {line}, field CINreferralDate: '{day}'" for line, day in first)
        + "."))


def _year_codes(children: Path, year: int, name: str) -> list[str]:
    """Read each child's sex as the code of the census's year, where the file writes the other
    year's (M for 1 in a 2023-24 census, 1 for M in a 2024-25 one); say how many were."""
    later = year >= SEX_CODES_FROM
    mapping = TO_LATER_SEX if later else TO_EARLIER_SEX
    with children.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    column = rows[0].index("Sex")
    read_as: dict[tuple[str, str], int] = {}
    for row in rows[1:]:
        code = mapping.get(row[column].upper())
        if code is not None:
            read_as[(row[column], code)] = read_as.get((row[column], code), 0) + 1
            row[column] = code
    if not read_as:
        return []
    with children.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    pairs = ", ".join(f"{given} as {code} ({count:,} child{'' if count == 1 else 'ren'})"
                      for (given, code), count in sorted(read_as.items()))
    return [f"{name} writes the child's sex in the codes of {'earlier' if later else 'later'} "
            f"years: read as the {yearly.label(year)} codes, {pairs}."]


MAX_LISTED = 10


def _passed_over(reading: _Reading, name: str) -> list[str]:
    notes = []
    if reading.unknown:
        listed = sorted(reading.unknown.items(), key=lambda item: item[1][0])
        shown = "; ".join(f"{element} ({len(lines):,} time{'s' if len(lines) > 1 else ''}, "
                          f"first at line {lines[0]})" for element, lines in listed[:MAX_LISTED])
        more = f"; and {len(listed) - MAX_LISTED} more" if len(listed) > MAX_LISTED else ""
        notes.append(f"{name} has elements in its children that the census does not define, "
                     f"passed over: {shown}{more}.")
    if reading.repeated:
        shown = "; ".join(f"{element} at line {line} (as at line {first})"
                          for element, line, first in reading.repeated[:MAX_LISTED])
        more = (f"; and {len(reading.repeated) - MAX_LISTED} more"
                if len(reading.repeated) > MAX_LISTED else "")
        notes.append(f"{name} repeats {len(reading.repeated):,} element"
                     f"{'s' if len(reading.repeated) > 1 else ''} word for word within a child, "
                     f"each read once: {shown}{more}.")
    return notes
