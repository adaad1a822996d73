"""The demo council's children in need census returns as it would submit them: one XML file for
each collection year, holding every child in need at any time in that year (1 April to 31
March) with their referrals, assessments, section 47 enquiries and child protection plans as
known at the year's end: a date after it is left out, as the census leaves it. Each year in its
own shape: the child's sex as ``GenderCurrent`` 1 and 2 before 2024-25 and ``Sex`` M and F from
then; disabilities (NONE for most children); children in need plans, from the assessment that
found a need to a child protection plan or the case's closure, and again after a plan ends
while the case stays open; and, from 2026-27, pre-proceedings for some children on plans. The
year in progress is the last file, as an in-year extract. The census has no route into the
front door, so the demo's local extracts stay the source the demo loads; these files show the
census's format and load alone. Disabilities and pre-proceedings are drawn from their own
random streams, so no other demo figure moved."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

from fsdash import yearly
from fsdash.demo.simulation import weighted_choice

FOLDER = "cin_census"
SEX_BEFORE_2025 = {"M": "1", "F": "2"}
SEX_ELEMENT_FROM = 2025        # <Sex> M/F from 2024-25, <GenderCurrent> 1/2 before
PRE_PROCEEDINGS_FROM = 2027    # the pre-proceedings and FGDM block, from 2026-27
# Children in need with a disability (England: about 1 in 8), and which.
DISABLED_SHARE = 0.12
DISABILITIES = {"AUT": 0.28, "LD": 0.24, "BEH": 0.14, "COMM": 0.12, "MOB": 0.05, "PC": 0.04,
                "HEAR": 0.03, "VIS": 0.02, "HAND": 0.02, "INC": 0.02, "CON": 0.01, "DDA": 0.03}
PRE_PROCEEDINGS_SHARE = 0.15   # of child protection plans


def _element(name: str, value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    text = value.strftime("%Y-%m-%d") if isinstance(value, pd.Timestamp) else str(value)
    return f"<{name}>{escape(text)}</{name}>" if text else ""


def _known_by(value, ends: pd.Timestamp):
    """A date as the census for a year ending the day before ``ends`` knows it."""
    return value if pd.notna(value) and value < ends else None


def _child(child, referrals, nested: dict, year: int, ends, disabilities: dict) -> str:
    sex = (_element("Sex", child.SEX) if year >= SEX_ELEMENT_FROM
           else _element("GenderCurrent", SEX_BEFORE_2025[child.SEX]))
    parts = [
        "<Child><ChildIdentifiers>", _element("LAchildID", child.CHILD),
        _element("PersonBirthDate", child.BIRTH_DATE), sex,
        "</ChildIdentifiers><ChildCharacteristics>", _element("Ethnicity", child.ETHNIC),
        "<Disabilities>", *(_element("Disability", code)
                            for code in disabilities.get(child.CHILD, ("NONE",))),
        "</Disabilities></ChildCharacteristics>"]
    assessments, s47, plans, cin_plans, pre_proceedings = (
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
        for c in cin_plans.get(r.REFERRAL_ID, ()):
            parts += ["<CINPlanDates>", _element("CINPlanStartDate", c.CINPlanStartDate),
                      _element("CINPlanEndDate", _known_by(c.CINPlanEndDate, ends)),
                      "</CINPlanDates>"]
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
        for q in pre_proceedings.get(r.REFERRAL_ID, ()) if year >= PRE_PROCEEDINGS_FROM else ():
            parts += ["<PreProceedingsandFGDM>", _element("PPStartDate", q.PPStartDate),
                      _element("LBPSentDate", _known_by(q.LBPSentDate, ends)),
                      _element("FGDMMeetingOffer", q.FGDMMeetingOffer),
                      _element("FGDMMeetingFac", q.FGDMMeetingFac),
                      _element("InitialPPMeetingDate", _known_by(q.InitialPPMeetingDate, ends)),
                      _element("ReviewMeetingsCount", q.ReviewMeetingsCount),
                      _element("StepDecisionDate", _known_by(q.StepDecisionDate, ends)),
                      _element("CourtAppDate", _known_by(q.CourtAppDate, ends)),
                      "</PreProceedingsandFGDM>"]
        parts.append("</CINdetails>")
    parts.append("</Child>")
    return "\n".join(p for p in parts if p)


def _nested(every: dict, referrals: list) -> dict:
    """The rows nested in these referrals, by file and referral."""
    return {name: {r.REFERRAL_ID: found[r.REFERRAL_ID] for r in referrals
                   if r.REFERRAL_ID in found} for name, found in every.items()}


# The files nested in a referral (two made here), and the date each row starts on.
NESTED = ("cin_assessments.csv", "cin_s47.csv", "cin_cp_plans.csv", "cin_plans", "pre_proceedings")
STARTS = ("AssessmentActualStartDate", "S47ActualStartDate", "CPPstartDate", "CINPlanStartDate",
          "PPStartDate")


def cin_plans(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Children in need plans: from the authorisation of an assessment that found a need to the
    start of a child protection plan or the case's closure; and from the end of a protection
    plan to the closure, where the case stays open."""
    referrals = tables["cin_referrals.csv"].set_index("REFERRAL_ID")
    assessed = tables["cin_assessments.csv"].groupby("REFERRAL_ID")[
        "AssessmentAuthorisationDate"].min()
    plans = tables["cin_cp_plans.csv"].groupby("REFERRAL_ID").agg(
        start=("CPPstartDate", "min"), end=("CPPendDate", "max"))
    frame = referrals.join(assessed).join(plans)
    in_need = (frame["AssessmentAuthorisationDate"].notna()
               & ~frame["ReasonForClosure"].isin(["RC8", "RC9"]) & frame["ReferralNFA"].eq("N"))
    frame = frame[in_need]
    before = frame["start"].where(frame["start"].notna(), frame["CINclosureDate"])
    first = pd.DataFrame({"REFERRAL_ID": frame.index,
                          "CINPlanStartDate": frame["AssessmentAuthorisationDate"],
                          "CINPlanEndDate": before})
    first = first[first["CINPlanEndDate"].isna()
                  | (first["CINPlanEndDate"] > first["CINPlanStartDate"])]
    stepped = frame[frame["end"].notna() & (frame["CINclosureDate"].isna()
                                            | (frame["CINclosureDate"] > frame["end"]))]
    after = pd.DataFrame({"REFERRAL_ID": stepped.index, "CINPlanStartDate": stepped["end"],
                          "CINPlanEndDate": stepped["CINclosureDate"]})
    return pd.concat([first, after], ignore_index=True).sort_values(
        ["REFERRAL_ID", "CINPlanStartDate"], kind="stable")


def pre_proceedings(tables: dict[str, pd.DataFrame], last_day: pd.Timestamp,
                    seed: int) -> pd.DataFrame:
    """Pre-proceedings under the public law outline for some children on protection plans:
    the letter before proceedings, a family group decision making meeting offered and mostly
    held, review meetings, the decision on the next step and, for some, an application to
    court."""
    rng = np.random.default_rng([seed, 1989])
    plans = tables["cin_cp_plans.csv"].drop_duplicates("REFERRAL_ID")
    plans = plans[rng.random(len(plans)) < PRE_PROCEEDINGS_SHARE]
    n = len(plans)

    def days(low, high):
        return pd.to_timedelta(rng.integers(low, high, n), "D")

    start = plans["CPPstartDate"] + days(60, 240)
    letter = start + days(0, 6)
    meeting = letter + days(7, 21)
    decided = meeting + days(84, 150)
    offered = rng.random(n) < 0.85
    frame = pd.DataFrame({
        "REFERRAL_ID": plans["REFERRAL_ID"], "PPStartDate": start, "LBPSentDate": letter,
        "FGDMMeetingOffer": np.where(offered, "true", "false"),
        "FGDMMeetingFac": np.where(offered & (rng.random(n) < 0.7), "true", "false"),
        "InitialPPMeetingDate": meeting,
        "ReviewMeetingsCount": rng.integers(0, 4, n).astype(str), "StepDecisionDate": decided,
        "CourtAppDate": (decided + days(7, 40)).where(rng.random(n) < 0.35)})
    for column in ("LBPSentDate", "InitialPPMeetingDate", "StepDecisionDate", "CourtAppDate"):
        frame[column] = frame[column].where(frame[column] <= last_day)   # not yet
    return frame[frame["PPStartDate"] <= last_day]


def disabilities(children: pd.DataFrame, seed: int) -> dict[str, tuple[str, ...]]:
    """The disabilities of the children who have any (one or two codes each)."""
    rng = np.random.default_rng([seed, 2010])
    disabled = children.loc[rng.random(len(children)) < DISABLED_SHARE, "CHILD"].to_numpy()
    first = weighted_choice(rng, DISABILITIES, len(disabled))
    second = weighted_choice(rng, DISABILITIES, len(disabled))
    both = rng.random(len(disabled)) < 0.3
    return {child: (a, b) if two and a != b else (a,)
            for child, a, b, two in zip(disabled, first, second, both)}


def _by_referral(frame: pd.DataFrame) -> dict[str, list]:
    rows: dict[str, list] = {}
    for row in frame.itertuples():
        rows.setdefault(row.REFERRAL_ID, []).append(row)
    return rows


def write_census(tables: dict[str, pd.DataFrame], children: pd.DataFrame, la_code: str,
                 first_day: pd.Timestamp, last_day: pd.Timestamp, out_dir: Path,
                 seed: int = 0) -> None:
    """One census file for each collection year from the year of ``first_day`` to that of
    ``last_day``, into ``out_dir``. ``children`` has CHILD, SEX, BIRTH_DATE and ETHNIC."""
    out_dir.mkdir(parents=True, exist_ok=True)
    referrals = tables["cin_referrals.csv"].sort_values(["CHILD", "CINreferralDate"])
    child_rows = {child.CHILD: child for child in children.itertuples()}
    made = {"cin_plans": cin_plans(tables),
            "pre_proceedings": pre_proceedings(tables, last_day, seed)}
    every = {name: _by_referral(made[name] if name in made else tables[name]) for name in NESTED}
    disabled = disabilities(children, seed)
    for year in range(yearly.year_of(first_day.date()), yearly.year_of(last_day.date()) + 1):
        begins, ends = pd.Timestamp(year - 1, 4, 1), pd.Timestamp(year, 4, 1)
        held = referrals[(referrals["CINreferralDate"] < ends)
                         & (referrals["CINclosureDate"].isna()
                            | (referrals["CINclosureDate"] >= begins))]
        by_child: dict[str, list] = {}
        for row in held.itertuples():
            by_child.setdefault(row.CHILD, []).append(row)
        body = (_child(child_rows[child], rows, _nested(every, rows), year, ends, disabled)
                for child, rows in by_child.items())
        header = ("<Header><CollectionDetails><Collection>CIN</Collection>"
                  f"<Year>{year}</Year><ReferenceDate>{year}-03-31</ReferenceDate>"
                  "</CollectionDetails><Source><SourceLevel>L</SourceLevel>"
                  f"<LEA>{la_code}</LEA><SoftwareCode>fsdash demo</SoftwareCode></Source>"
                  "</Header>")
        text = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Message>{header}<Children>\n'
                + "\n".join(body) + "\n</Children></Message>\n")
        (out_dir / f"cin_census_{yearly.label(year)}.xml").write_text(text, encoding="utf-8")
