"""The children in need census as councils submit it: one XML file a collection year.

The file is read as a stream, one ``Child`` at a time, into the rows of the census extracts
(``fsdash.extracts``, those with a ``census_part``): the layout below says which element makes
a row of which extract and where each value is. A row takes its parent's values too (a
referral's child, an assessment's referral). The census has no identifiers but the child's, so
referrals, assessments, enquiries and plans are named by the child and their dates. Each row
keeps the line of its element (``LINE``), so a problem names the line in the XML file. Values are
written as the census gives them (dates yyyy-mm-dd); the importer checks them as for any file.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from fsdash.extracts import EXTRACT_BY_FILE

LINE = "_line"   # the first column of a census extract's rows: the line of its element


@dataclass(frozen=True)
class Level:
    """An element that makes one row of an extract for each time it appears under its parent.
    ``values`` maps a column to the path of its element under this one; "a|b" takes the first
    present, and a path ending "/*" takes every child element's text, space-separated.
    ``identity`` names the columns whose values, joined, make the first column's value."""

    element: str
    extract: str
    values: dict[str, str]
    identity: tuple[str, ...] = ()
    levels: tuple[Level, ...] = ()


LAYOUT = Level(
    "Child", "census_children.csv",
    {"LAchildID": "ChildIdentifiers/LAchildID",
     "GenderCurrent": "ChildIdentifiers/GenderCurrent",
     "PersonBirthDate": "ChildIdentifiers/PersonBirthDate|ChildIdentifiers/ExpectedPersonBirthDate",
     "Ethnicity": "ChildCharacteristics/Ethnicity"},
    levels=(Level(
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
            Level("Section47", "census_s47.csv",
                  {c: c for c in ("S47ActualStartDate", "InitialCPCtarget", "DateOfInitialCPC",
                                  "ICPCnotRequired")},
                  identity=("ReferralID", "S47ActualStartDate")),
            Level("ChildProtectionPlans", "census_plans.csv",
                  {c: c for c in ("CPPstartDate", "CPPendDate", "InitialCategoryOfAbuse",
                                  "LatestCategoryOfAbuse")},
                  identity=("LAchildID", "CPPstartDate")),
        )),),
)


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
    """A census read into extract rows: its collection year (from its header; None if it has
    none) and the file of rows for each extract."""

    year: int | None
    files: dict[str, Path]


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


def _rows(element, level: Level, inherited: dict, writers: dict) -> None:
    values = inherited | {column: _value(element, path) for column, path in level.values.items()}
    extract = EXTRACT_BY_FILE[level.extract]
    if level.identity:
        values[extract.columns[0]] = "/".join(values[c] for c in level.identity)
    writers[level.extract].writerow([element.sourceline, *(values.get(c, "")
                                                          for c in extract.columns)])
    for inner in level.levels:
        for found in element.findall(inner.element):
            _rows(found, inner, values, writers)


def read(path: Path, out_dir: Path) -> Census:
    """Read a census file into one CSV file of rows for each census extract in ``out_dir``.
    Raises ``NotCensus`` for other XML and ``CensusProblem`` for a file that is not sound."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {level.extract: out_dir / level.extract for level in levels()}
    handles = {name: file.open("w", newline="", encoding="utf-8") for name, file in files.items()}
    writers = {name: csv.writer(handle) for name, handle in handles.items()}
    for name, writer in writers.items():
        writer.writerow([LINE, *EXTRACT_BY_FILE[name].columns])
    header: dict[str, str] = {}
    try:
        root = _root(path)
        if root != "Message":
            raise NotCensus(root)
        for _, element in _parse(path, ("end",)):
            name = _local(element.tag)
            if name == "CollectionDetails":
                _plain(element)
                header = {c.tag: (c.text or "").strip() for c in element}
                if header.get("Collection", "CIN").upper() != "CIN":
                    raise NotCensus(header["Collection"])
            elif _local(getattr(element.getparent(), "tag", None)) == "Children":
                if name != "Child":       # a record the census does not define: refused
                    raise CensusProblem(element.sourceline, f"has a {name} element among the "
                                        "Children, where only Child elements belong")
                _plain(element)
                _rows(element, LAYOUT, {}, writers)
                element.clear()
                while element.getprevious() is not None:
                    del element.getparent()[0]
    except etree.XMLSyntaxError as error:
        raise CensusProblem(error.lineno, f"is not well-formed XML ({error.msg})") from None
    finally:
        for handle in handles.values():
            handle.close()
    return Census(_year(header), files)


def _parse(path: Path, events: tuple[str, ...]):
    return etree.iterparse(str(path), events=events, resolve_entities=False, no_network=True,
                           remove_comments=True, huge_tree=False)


def _root(path: Path) -> str:
    """The name of the file's first element, read without reading the rest."""
    for _, element in _parse(path, ("start",)):
        return _local(element.tag)
    return ""


def _year(header: dict[str, str]) -> int | None:
    """The collection year the header names (the year the collection ends)."""
    year = header.get("Year", "")
    if year.isdigit() and len(year) == 4:
        return int(year)
    return None
