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
import pyarrow as pa
import pyarrow.compute as pc

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


def _text(values: pd.Series) -> pa.Array:
    """Each value as the census writes it: a date as YYYY-MM-DD, text escaped, null where there
    is none (missing or empty)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        days = pc.cast(pa.array(values, from_pandas=True), pa.date32(), safe=False)
        return pc.cast(days, pa.string())
    text = pa.array(values, from_pandas=True)
    if not pa.types.is_string(text.type):
        text = pc.cast(text, pa.string())
    text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
    for old, new in (("&", "&amp;"), (">", "&gt;"), ("<", "&lt;")):
        text = pc.replace_substring(text, old, new)
    return text


def _element(name: str, text: pa.Array) -> pa.Array:
    """``<name>text</name>``, null where the text is."""
    return pc.binary_join_element_wise(f"<{name}>", text, f"</{name}>", "")


def _lines(*parts) -> pa.Array:
    """The parts on lines of their own, a null part left out."""
    return pc.binary_join_element_wise(*parts, "\n", null_handling="skip")


def _known_by(frame: pd.DataFrame, column: str, ends: pd.Timestamp) -> pa.Array:
    """A date as the census for a year ending the day before ``ends`` knows it."""
    return pc.if_else(pa.array((frame[column] < ends).to_numpy()), _text(frame[column]),
                      pa.scalar(None, pa.string()))


def _true_false(frame: pd.DataFrame, column: str) -> np.ndarray:
    return np.where(frame[column] == "Y", "true", "false")


def _factors(frame: pd.DataFrame) -> pa.Array:
    """An assessment's factors, each in its own element, inside FactorsIdentifiedAtAssessment."""
    text = pc.utf8_trim_whitespace(_text(frame["AssessmentFactors"]))
    text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
    inner = pc.binary_join(pc.utf8_split_whitespace(text),
                           "</AssessmentFactors><AssessmentFactors>")
    return _element("FactorsIdentifiedAtAssessment", _element("AssessmentFactors", inner))


def _blocks(name: str, rows: pd.DataFrame, ends: pd.Timestamp) -> pa.Array:
    """The census's block for each row of a file nested in a referral, as known by ``ends``."""
    def el(column, known=False):
        return _element(column, _known_by(rows, column, ends) if known else _text(rows[column]))
    if name == "cin_assessments.csv":
        return _lines("<Assessments>", el("AssessmentActualStartDate"),
                      el("AssessmentAuthorisationDate", True), _factors(rows), "</Assessments>")
    if name == "cin_plans":
        return _lines("<CINPlanDates>", el("CINPlanStartDate"), el("CINPlanEndDate", True),
                      "</CINPlanDates>")
    if name == "cin_s47.csv":
        return _lines("<Section47>", el("S47ActualStartDate"), el("InitialCPCtarget"),
                      el("DateOfInitialCPC", True),
                      _element("ICPCnotRequired", pa.array(_true_false(rows, "ICPCnotRequired"))),
                      "</Section47>")
    if name == "cin_cp_plans.csv":
        return _lines("<ChildProtectionPlans>", el("CPPstartDate"), el("CPPendDate", True),
                      el("InitialCategoryOfAbuse"), el("LatestCategoryOfAbuse"),
                      "<NumberOfPreviousCPP>0</NumberOfPreviousCPP>", "</ChildProtectionPlans>")
    return _lines("<PreProceedingsandFGDM>", el("PPStartDate"), el("LBPSentDate", True),
                  el("FGDMMeetingOffer"), el("FGDMMeetingFac"), el("InitialPPMeetingDate", True),
                  el("ReviewMeetingsCount"), el("StepDecisionDate", True),
                  el("CourtAppDate", True), "</PreProceedingsandFGDM>")


def _child_heads(children: pd.DataFrame, disabilities: pa.Array,
                 sex_element: bool) -> pa.Array:
    """Each child's identifiers and characteristics (``disabilities``: their elements), with
    Sex or, before 2024-25, GenderCurrent."""
    sex = (_element("Sex", _text(children["SEX"])) if sex_element
           else _element("GenderCurrent", _text(children["SEX"].map(SEX_BEFORE_2025))))
    return _lines("<Child><ChildIdentifiers>", _element("LAchildID", _text(children["CHILD"])),
                  _element("PersonBirthDate", _text(children["BIRTH_DATE"])), sex,
                  "</ChildIdentifiers><ChildCharacteristics>",
                  _element("Ethnicity", _text(children["ETHNIC"])), "<Disabilities>",
                  disabilities, "</Disabilities></ChildCharacteristics>")


def _year_body(held: pd.DataFrame, heads: pa.Array, every: dict, place: np.ndarray, year: int,
               ends: pd.Timestamp) -> pa.Array:
    """The blocks of text of one year's children in the order the file has them: by child (its
    head, from ``heads`` by child number) and referral (``held``; ``place``: a referral's number
    to its row in ``held``, -1 for none), and in a referral its own fields, assessments,
    children in need plans, enquiries, whether no further action, protection plans and
    pre-proceedings."""
    child = held["child"].to_numpy()
    first, last = np.ones(len(child), bool), np.ones(len(child), bool)
    first[1:] = last[:-1] = child[1:] != child[:-1]
    closed = _known_by(held, "CINclosureDate", ends)
    reason = pc.if_else(pc.is_valid(closed), _text(held["ReasonForClosure"]),
                        pa.scalar(None, pa.string()))
    own = _lines("<CINdetails>", _element("CINreferralDate", _text(held["CINreferralDate"])),
                 _element("ReferralSource", _text(held["ReferralSource"])),
                 _element("PrimaryNeedCode", _text(held["PrimaryNeedCode"])),
                 _element("CINclosureDate", closed), _element("ReasonForClosure", reason))
    positions = np.arange(len(held))
    blocks = [heads.take(pa.array(child[first])), own,
              _element("ReferralNFA", pa.array(_true_false(held, "ReferralNFA"))),
              pa.array(np.where(last, "</CINdetails>\n</Child>", "</CINdetails>"))]
    keys = [(positions[first], -1), (positions, 0), (positions, 4), (positions, 7)]
    for name, (rows, start, number) in every.items():
        if name == "pre_proceedings" and year < PRE_PROCEEDINGS_FROM:
            continue
        at = place[number]
        kept = (at >= 0) & (rows[start] < ends).to_numpy()
        blocks.append(_blocks(name, rows[kept], ends))
        keys.append((at[kept], SECTIONS[name]))
    referral = np.concatenate([k for k, _ in keys])
    section = np.concatenate([np.full(len(k), s) for k, s in keys])
    row = np.concatenate([np.arange(len(k)) for k, _ in keys])
    order = np.lexsort((row, section, referral))
    return pa.concat_arrays([b.cast(pa.large_string()) for b in blocks]).take(pa.array(order))


def _write_xml(path: Path, head: str, blocks: pa.Array, tail: str) -> None:
    """``head``, the blocks each on lines of their own, then ``tail``: written as they are in
    memory, not made into one Python string."""
    ended = pc.binary_join_element_wise(blocks, pa.scalar("", pa.large_string()),
                                        pa.scalar("\n", pa.large_string()))
    offsets = np.frombuffer(ended.buffers()[1], dtype=np.int64)[
        ended.offset:ended.offset + len(ended) + 1]
    with path.open("wb") as file:
        file.write(f"{head}\n".encode())
        if len(ended):
            file.write(memoryview(ended.buffers()[2])[offsets[0]:offsets[-1]])
        else:
            file.write(b"\n")
        file.write(tail.encode())


# The files nested in a referral (two made here), the date each row starts on, and where its
# blocks go in the referral (after the referral's own fields, 0; before ReferralNFA, 4).
NESTED = {"cin_assessments.csv": "AssessmentActualStartDate", "cin_s47.csv": "S47ActualStartDate",
          "cin_cp_plans.csv": "CPPstartDate", "cin_plans": "CINPlanStartDate",
          "pre_proceedings": "PPStartDate"}
SECTIONS = {"cin_assessments.csv": 1, "cin_plans": 2, "cin_s47.csv": 3, "cin_cp_plans.csv": 5,
            "pre_proceedings": 6}


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


def write_census(tables: dict[str, pd.DataFrame], children: pd.DataFrame, la_code: str,
                 first_day: pd.Timestamp, last_day: pd.Timestamp, out_dir: Path,
                 seed: int = 0) -> None:
    """One census file for each collection year from the year of ``first_day`` to that of
    ``last_day``, into ``out_dir``. ``children`` has CHILD, SEX, BIRTH_DATE and ETHNIC."""
    out_dir.mkdir(parents=True, exist_ok=True)
    referrals = tables["cin_referrals.csv"].sort_values(["CHILD", "CINreferralDate"])
    referrals = referrals.assign(child=pd.Index(children["CHILD"]).get_indexer(
        referrals["CHILD"])).reset_index(drop=True)
    number = pd.Index(referrals["REFERRAL_ID"])
    made = {"cin_plans": cin_plans(tables),
            "pre_proceedings": pre_proceedings(tables, last_day, seed)}
    every = {}
    for name, start in NESTED.items():
        rows = (made[name] if name in made else tables[name]).reset_index(drop=True)
        every[name] = (rows, start, number.get_indexer(rows["REFERRAL_ID"]))
    codes = {child: "\n".join(f"<Disability>{escape(code)}</Disability>" for code in found)
             for child, found in disabilities(children, seed).items()}
    disabled = pa.array(children["CHILD"].map(codes).fillna(
        "<Disability>NONE</Disability>").to_numpy(dtype=object))
    years = range(yearly.year_of(first_day.date()), yearly.year_of(last_day.date()) + 1)
    heads = {shape: _child_heads(children, disabled, shape)
             for shape in {year >= SEX_ELEMENT_FROM for year in years}}
    for year in years:
        begins, ends = pd.Timestamp(year - 1, 4, 1), pd.Timestamp(year, 4, 1)
        held = ((referrals["CINreferralDate"] < ends)
                & (referrals["CINclosureDate"].isna()
                   | (referrals["CINclosureDate"] >= begins))).to_numpy()
        place = np.full(len(referrals) + 1, -1)    # the last for a row of no referral (-1)
        place[np.flatnonzero(held)] = np.arange(held.sum())
        rows = referrals[held]
        blocks = _year_body(rows, heads[year >= SEX_ELEMENT_FROM], every, place, year, ends)
        header = ("<Header><CollectionDetails><Collection>CIN</Collection>"
                  f"<Year>{year}</Year><ReferenceDate>{year}-03-31</ReferenceDate>"
                  "</CollectionDetails><Source><SourceLevel>L</SourceLevel>"
                  f"<LEA>{la_code}</LEA><SoftwareCode>fsdash demo</SoftwareCode></Source>"
                  "</Header>")
        _write_xml(out_dir / f"cin_census_{yearly.label(year)}.xml",
                   f'<?xml version="1.0" encoding="UTF-8"?>\n<Message>{header}<Children>',
                   blocks, "</Children></Message>\n")
