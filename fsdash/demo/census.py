"""The demo council's children in need census returns as it would submit them: one XML file for
each collection year, holding every child in need at any time in that year (1 April to 31
March) with their referrals, assessments, section 47 enquiries and child protection plans as
known at the year's end: a date after it is left out, as the census leaves it. The sex codes are
the year's own (1 and 2 before 2024-25, M and F from then). The year in progress is the last
file, as an in-year extract. The census has no route into the front door, so the demo's local
extracts stay the source the demo loads; these files show the census's format and load alone."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd

from fsdash import yearly

FOLDER = "cin_census"
SEX_BEFORE_2025 = {"M": "1", "F": "2"}


def _element(name: str, value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    text = value.strftime("%Y-%m-%d") if isinstance(value, pd.Timestamp) else str(value)
    return f"<{name}>{escape(text)}</{name}>" if text else ""


def _known_by(value, ends: pd.Timestamp):
    """A date as the census for a year ending the day before ``ends`` knows it."""
    return value if pd.notna(value) and value < ends else None


def _child(child, referrals, nested: dict, year: int, ends) -> str:
    sex = child.SEX if year >= 2025 else SEX_BEFORE_2025[child.SEX]
    parts = [
        "<Child><ChildIdentifiers>", _element("LAchildID", child.CHILD),
        _element("PersonBirthDate", child.BIRTH_DATE), _element("GenderCurrent", sex),
        "</ChildIdentifiers><ChildCharacteristics>", _element("Ethnicity", child.ETHNIC),
        "</ChildCharacteristics>"]
    assessments, s47, plans = (
        {key: [row for row in rows if getattr(row, start) < ends] for key, rows in found.items()}
        for found, start in zip(nested.values(), STARTS))
    for r in referrals:
        closed = _known_by(r.CINclosureDate, ends)
        parts += ["<CINdetails>", _element("CINreferralDate", r.CINreferralDate),
                  _element("ReferralSource", r.ReferralSource),
                  _element("PrimaryNeedCode", r.PrimaryNeedCode),
                  _element("CINclosureDate", closed),
                  _element("ReasonForClosure", r.ReasonForClosure if closed else None)]
        for a in assessments.get(r.REFERRAL_ID, ()):
            factors = "".join(_element("AssessmentFactors", f)
                              for f in str(a.AssessmentFactors or "").split())
            parts += ["<Assessments>",
                      _element("AssessmentActualStartDate", a.AssessmentActualStartDate),
                      _element("AssessmentAuthorisationDate",
                               _known_by(a.AssessmentAuthorisationDate, ends)),
                      f"<FactorsIdentifiedAtAssessment>{factors}</FactorsIdentifiedAtAssessment>"
                      if factors else "", "</Assessments>"]
        for q in s47.get(r.REFERRAL_ID, ()):
            parts += ["<Section47>", _element("S47ActualStartDate", q.S47ActualStartDate),
                      _element("InitialCPCtarget", q.InitialCPCtarget),
                      _element("DateOfInitialCPC", _known_by(q.DateOfInitialCPC, ends)),
                      _element("ICPCnotRequired", "true" if q.ICPCnotRequired == "Y" else "false"),
                      "</Section47>"]
        parts.append(_element("ReferralNFA", "true" if r.ReferralNFA == "Y" else "false"))
        for p in plans.get(r.REFERRAL_ID, ()):
            parts += ["<ChildProtectionPlans>", _element("CPPstartDate", p.CPPstartDate),
                      _element("CPPendDate", _known_by(p.CPPendDate, ends)),
                      _element("InitialCategoryOfAbuse", p.InitialCategoryOfAbuse),
                      _element("LatestCategoryOfAbuse", p.LatestCategoryOfAbuse),
                      "<NumberOfPreviousCPP>0</NumberOfPreviousCPP>", "</ChildProtectionPlans>"]
        parts.append("</CINdetails>")
    parts.append("</Child>")
    return "\n".join(p for p in parts if p)


def _nested(every: dict, referrals: list) -> dict:
    """The rows nested in these referrals, by file and referral."""
    return {name: {r.REFERRAL_ID: found[r.REFERRAL_ID] for r in referrals
                   if r.REFERRAL_ID in found} for name, found in every.items()}


# The files nested in a referral, and the date each row starts on.
NESTED = ("cin_assessments.csv", "cin_s47.csv", "cin_cp_plans.csv")
STARTS = ("AssessmentActualStartDate", "S47ActualStartDate", "CPPstartDate")


def _by_referral(frame: pd.DataFrame) -> dict[str, list]:
    rows: dict[str, list] = {}
    for row in frame.itertuples():
        rows.setdefault(row.REFERRAL_ID, []).append(row)
    return rows


def write_census(tables: dict[str, pd.DataFrame], children: pd.DataFrame, la_code: str,
                 first_day: pd.Timestamp, last_day: pd.Timestamp, out_dir: Path) -> None:
    """One census file for each collection year from the year of ``first_day`` to that of
    ``last_day``, into ``out_dir``. ``children`` has CHILD, SEX, BIRTH_DATE and ETHNIC."""
    out_dir.mkdir(parents=True, exist_ok=True)
    referrals = tables["cin_referrals.csv"].sort_values(["CHILD", "CINreferralDate"])
    child_rows = {child.CHILD: child for child in children.itertuples()}
    every = {name: _by_referral(tables[name]) for name in NESTED}
    for year in range(yearly.year_of(first_day.date()), yearly.year_of(last_day.date()) + 1):
        begins, ends = pd.Timestamp(year - 1, 4, 1), pd.Timestamp(year, 4, 1)
        held = referrals[(referrals["CINreferralDate"] < ends)
                         & (referrals["CINclosureDate"].isna()
                            | (referrals["CINclosureDate"] >= begins))]
        by_child: dict[str, list] = {}
        for row in held.itertuples():
            by_child.setdefault(row.CHILD, []).append(row)
        body = (_child(child_rows[child], rows, _nested(every, rows), year, ends)
                for child, rows in by_child.items())
        header = ("<Header><CollectionDetails><Collection>CIN</Collection>"
                  f"<Year>{year}</Year><ReferenceDate>{year}-03-31</ReferenceDate>"
                  "</CollectionDetails><Source><SourceLevel>L</SourceLevel>"
                  f"<LEA>{la_code}</LEA><SoftwareCode>fsdash demo</SoftwareCode></Source>"
                  "</Header>")
        text = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Message>{header}<Children>\n'
                + "\n".join(body) + "\n</Children></Message>\n")
        (out_dir / f"cin_census_{yearly.label(year)}.xml").write_text(text, encoding="utf-8")
