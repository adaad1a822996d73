"""The SSDA903 tables beside header and episodes, for every child and year, from the simulated
episodes: reviews, previous permanence, the 12-month outcomes (OC2), care leavers (OC3),
adoptions (AD1) and decisions to place for adoption, missing episodes and, from 2023-24, social
worker episodes. Each is drawn from its own random stream (``np.random.default_rng([seed, k])``),
so adding them moved no other demo figure, and each keeps to the DfE's validation rules for the
year (Data to Insight's ``csc-validator-be-903``; rule numbers below are the DfE's).

``every_record`` draws the records once, over all years; ``fsdash.demo.returns`` cuts each
year's return from them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from fsdash.demo.identifiers import among
from fsdash.demo.simulation import weighted_choice

ADOPTED = ("E11", "E12")
NOT_CARE_LEAVERS = ADOPTED + ("E2", "E3")    # adopted, died, care moved to another council
SHORT_BREAK = ("V3", "V4")

# Child's participation in reviews (PN0 under 4; DfE rules 440, 441).
PARTICIPATION = {"PN1": 0.45, "PN2": 0.08, "PN3": 0.12, "PN4": 0.12, "PN5": 0.08, "PN6": 0.07,
                 "PN7": 0.08}
# Previous permanence of children starting care (England: about 6% had an adoption, special
# guardianship or child arrangements order before).
PREVIOUS_PERMANENCE = {"Z1": 0.94, "P1": 0.01, "P2": 0.03, "P3": 0.02}
# Adopters (DfE adoption statistics: most adopters are couples, most couples married).
ADOPTERS = {("2", "MF", "L11"): 0.50, ("2", "MF", "L3"): 0.18, ("2", "MM", "L12"): 0.04,
            ("2", "FF", "L12"): 0.03, ("2", "MM", "L2"): 0.03, ("2", "FF", "L2"): 0.03,
            ("2", "FF", "L4"): 0.02, ("1", "F1", "L0"): 0.15, ("1", "M1", "L0"): 0.02}
# Care leavers (England, 19- to 21-year-olds: about 9 in 10 in touch, 4 in 10 not in education,
# employment or training).
IN_TOUCH = {"YES": 0.91, "NO": 0.05, "REFU": 0.04}
ACTIVITY = {"F1": 0.06, "P1": 0.01, "F2": 0.20, "P2": 0.03, "F4": 0.15, "P4": 0.10, "G4": 0.07,
            "G5": 0.30, "G6": 0.08}
ACCOMMODATION = {"U1": 0.33, "D1": 0.15, "B1": 0.11, "E1": 0.07, "Z1": 0.08, "K1": 0.03,
                 "Y1": 0.06, "C1": 0.03, "T1": 0.02, "X2": 0.03, "S2": 0.02, "W2": 0.01,
                 "V2": 0.01, "D2": 0.02, "U2": 0.03}
ADULTS_ONLY = ("Z1", "T1")    # staying put and foyers from 18 (DfE rules 3001, 347)
# Unaccompanied asylum-seeking children: of those coming into care from 14 under section 20 and
# staying under it (England's UASC come mostly from Afghanistan, Sudan, Eritrea, Iran, Albania).
UASC_SHARE = 0.6
UASC_ETHNIC = {"AOTH": 0.3, "BAFR": 0.25, "OOTH": 0.25, "WOTH": 0.1, "BOTH": 0.1}
DOLO_SHARE = 0.1              # of children's home placements from 12
SDQ_REASONS = {"SDQ2": 0.3, "SDQ3": 0.2, "SDQ4": 0.3, "SDQ5": 0.2}
SW_REASONS = {"LEFTRL": 0.30, "TSPROC": 0.25, "ORGRST": 0.12, "MANAGE": 0.10, "CHCHAN": 0.08,
              "ABSENC": 0.05, "PCCHAN": 0.04, "OTHERS": 0.06}
SW_CHANGE_DAYS = 270          # a social worker stays about nine months on average
MISSING_SHARE = 0.35          # of children in care from 12 who go missing at some time
MISSING_PER_YEAR = 3.0        # episodes a year for those who do


@dataclass
class Records:
    """Every year's records of the tables beside header and episodes."""

    reviews: pd.DataFrame
    previous_permanence: pd.DataFrame     # for each period's start
    decisions: pd.DataFrame               # to place for adoption: CHILD, DATE_PLACED, period
    adoptions: pd.DataFrame               # AD1 details, for each adopted child
    missing: pd.DataFrame
    social_workers: pd.DataFrame
    care_leavers: pd.DataFrame            # CHILD, birthday, and the OC3 items
    uasc: pd.DataFrame                    # CHILD, SEX, DUC (the 18th birthday)
    dolo: pd.DataFrame                    # deprivation of liberty orders


def unaccompanied(episodes: pd.DataFrame, births: np.ndarray, seed: int) -> np.ndarray:
    """The children (as the simulation numbers them) who came into care as unaccompanied
    asylum-seeking children: from a first period of care begun at 14 to 17 under section 20
    (V2) throughout, a share drawn from the demo's UASC stream."""
    eps = episodes[episodes["period"].notna()]
    first_period = eps.groupby("CHILD")["period"].transform("min")
    eps = eps[eps["period"].eq(first_period)]
    by_period = eps.groupby("period")
    start = by_period["DECOM"].min()
    child = by_period["CHILD"].first()
    age = (start.to_numpy() - births[child.to_numpy()]).astype("timedelta64[D]").astype(int)
    section_20 = eps["LS"].eq("V2").groupby(eps["period"]).all().to_numpy()
    rng = np.random.default_rng([seed, 903, 8])
    chosen = section_20 & (age >= 14 * 365.25) & (rng.random(len(child)) < UASC_SHARE)
    return np.sort(child.to_numpy()[chosen])


def uasc_ethnicity(count: int, seed: int) -> np.ndarray:
    return weighted_choice(np.random.default_rng([seed, 903, 9]), UASC_ETHNIC, count)


def periods_of_care(episodes: pd.DataFrame) -> pd.DataFrame:
    """Each period of care (not short breaks): child, start, end (NaT while open), its last
    reason, the placement order's and the placement with adopters' dates."""
    eps = episodes[episodes["period"].notna()]
    grouped = eps.groupby("period", sort=True)
    periods = pd.DataFrame({
        "CHILD": grouped["CHILD"].first(), "start": grouped["DECOM"].min(),
        "end": grouped["DEC"].last(), "REC": grouped["REC"].last(),
        "order": eps[eps["LS"].eq("E1")].groupby("period")["DECOM"].min(),
        "placed": eps[eps["PLACE"].str.startswith("A")].groupby("period")["DECOM"].min(),
    })
    open_ = eps["DEC"].isna().groupby(eps["period"]).any()
    periods.loc[open_, "end"] = pd.NaT
    return periods.reset_index()


def every_record(episodes: pd.DataFrame, header: pd.DataFrame, seed: int, last_day,
                 la_code: str) -> Records:
    """The records of every year, drawn once. ``episodes`` with CHILD, period (blank for short
    breaks), DECOM, DEC, RNE, LS, PLACE and REC as the simulation recorded them (DEC blank
    while open on ``last_day``); ``header`` with CHILD and DOB."""
    last_day = pd.Timestamp(last_day)
    dob = header.set_index("CHILD")["DOB"]
    periods = periods_of_care(episodes)
    periods["DOB"] = dob.reindex(periods["CHILD"]).to_numpy()
    return Records(
        reviews=_reviews(periods, np.random.default_rng([seed, 903, 1]), last_day),
        previous_permanence=_previous_permanence(episodes, dob,
                                                 np.random.default_rng([seed, 903, 2]), la_code),
        **_adoptions(periods, np.random.default_rng([seed, 903, 3])),
        missing=_missing(episodes, dob, np.random.default_rng([seed, 903, 4]), last_day),
        social_workers=_social_workers(periods, np.random.default_rng([seed, 903, 5]),
                                       last_day),
        care_leavers=_care_leavers(periods, np.random.default_rng([seed, 903, 6]), last_day),
        uasc=_uasc(header),
        dolo=_deprivations_of_liberty(episodes, dob, np.random.default_rng([seed, 903, 10]),
                                      last_day),
    )


def _deprivations_of_liberty(episodes: pd.DataFrame, dob: pd.Series, rng,
                             last_day) -> pd.DataFrame:
    """Deprivation of liberty orders (returned from 2026-27) for a few children from 12 in
    children's homes (K2): made some weeks into the placement and ended within it (rules 700 to
    710: not in K1, K3, P1 or R5 placements; none open when care ends)."""
    homes = episodes[episodes["PLACE"].eq("K2") & episodes["period"].notna()]
    twelve = _years(dob.reindex(homes["CHILD"]).reset_index(drop=True), 12).to_numpy()
    homes = homes[(homes["DECOM"].to_numpy() >= twelve)]
    ends = homes["DEC"].fillna(last_day + pd.Timedelta(days=400))
    start = homes["DECOM"] + pd.to_timedelta(rng.integers(14, 90, len(homes)), "D")
    end = start + pd.to_timedelta(rng.integers(60, 300, len(homes)), "D")
    chosen = (rng.random(len(homes)) < DOLO_SHARE) & (end < ends) & (start <= last_day)
    return pd.DataFrame({"CHILD": homes["CHILD"][chosen], "DOLO_START": start[chosen],
                         "DOLO_END": end[chosen].where(end[chosen] <= last_day)})


def _uasc(header: pd.DataFrame) -> pd.DataFrame:
    """Unaccompanied asylum-seeking children (``header`` marks them in UASC), their status
    ceasing on their 18th birthday (DfE rule 304)."""
    uasc = header[header["UASC"]] if "UASC" in header else header.iloc[:0]
    return pd.DataFrame({"CHILD": uasc["CHILD"], "SEX": uasc["SEX"],
                         "DUC": _years(uasc["DOB"], 18)})


def _years(dob: pd.Series, n: int) -> pd.Series:
    return dob + pd.DateOffset(years=n) if len(dob) else dob


def _reviews(periods: pd.DataFrame, rng, last_day) -> pd.DataFrame:
    """Reviews within statutory timescales: the first within 20 working days of coming into
    care, the second within three months of it, then at most every six months."""
    ends = periods["end"].fillna(last_day + pd.Timedelta(days=1))
    length = (ends - periods["start"]).dt.days.to_numpy()
    count = length // 150 + 3
    index = np.repeat(np.arange(len(periods)), count)
    position = np.arange(len(index)) - np.repeat(np.cumsum(count) - count, count)
    gap = np.select([position == 0, position == 1],
                    [rng.integers(10, 27, len(index)), rng.integers(75, 90, len(index))],
                    rng.integers(150, 180, len(index)))
    offset = pd.Series(gap).groupby(index).cumsum().to_numpy()
    review = periods["start"].to_numpy()[index] + offset.astype("timedelta64[D]")
    keep = (review < ends.to_numpy()[index]) & (review <= last_day.to_datetime64())
    index, review = index[keep], review[keep]
    dob = periods["DOB"].to_numpy()[index]
    under_4 = pd.Series(review) < _years(pd.Series(dob), 4)
    return pd.DataFrame({
        "CHILD": periods["CHILD"].to_numpy()[index], "REVIEW": pd.to_datetime(review),
        "REVIEW_CODE": np.where(under_4, "PN0", weighted_choice(rng, PARTICIPATION, len(index)))})


def _previous_permanence(episodes: pd.DataFrame, dob: pd.Series, rng,
                         la_code: str) -> pd.DataFrame:
    """For each start of care (short breaks too: DfE rule 630), the child's previous
    permanence order, if any, with its date (before care began: rule 632) and council."""
    starts = episodes.loc[episodes["RNE"].eq("S"), ["CHILD", "DECOM"]].reset_index(drop=True)
    code = weighted_choice(rng, PREVIOUS_PERMANENCE, len(starts))
    born = dob.reindex(starts["CHILD"]).to_numpy()
    room = (starts["DECOM"].to_numpy() - born).astype("timedelta64[D]").astype(int) - 60
    code = np.where(room < 30, "Z1", code)
    date = born + (rng.random(len(starts)) * np.maximum(room, 1)).astype("timedelta64[D]") \
        + np.timedelta64(30, "D")
    ordered = code != "Z1"
    return starts.assign(PREV_PERM=code, LA_PERM=np.where(ordered, la_code, None),
                         DATE_PERM=pd.Series(date).where(ordered))


def _adoptions(periods: pd.DataFrame, rng) -> dict[str, pd.DataFrame]:
    """The decision to place for adoption (before the placement order: rule 554) for each
    period with a placement order, and the AD1 items of each adoption: matched with the
    adopters before the placement with them (rule 331), not by the foster carers (the demo
    places with adopters, A6: rule 335)."""
    ordered = periods[periods["order"].notna()].copy()
    earliest = ordered["start"] + pd.Timedelta(days=1)
    drawn = ordered["order"] - pd.to_timedelta(rng.integers(20, 90, len(ordered)), "D")
    ordered["DATE_PLACED"] = drawn.where(drawn > earliest, earliest)
    decisions = ordered[["CHILD", "period", "DATE_PLACED", "start", "end"]]
    adopted = ordered[ordered["REC"].isin(ADOPTED) & ordered["placed"].notna()].copy()
    matched = adopted["placed"] - pd.to_timedelta(rng.integers(14, 60, len(adopted)), "D")
    adopted["DATE_MATCH"] = matched.where(matched > adopted["DATE_PLACED"],
                                          adopted["DATE_PLACED"])
    kinds = list(ADOPTERS)
    chosen = rng.choice(len(kinds), len(adopted),
                        p=np.array(list(ADOPTERS.values())) / sum(ADOPTERS.values()))
    adoptions = pd.DataFrame({
        "CHILD": adopted["CHILD"], "DEC": adopted["end"], "DATE_INT": adopted["DATE_PLACED"],
        "DATE_MATCH": adopted["DATE_MATCH"], "FOSTER_CARE": "0",
        "NB_ADOPTR": [kinds[i][0] for i in chosen], "SEX_ADOPTR": [kinds[i][1] for i in chosen],
        "LS_ADOPTR": [kinds[i][2] for i in chosen]})
    return {"decisions": decisions, "adoptions": adoptions}


def _missing(episodes: pd.DataFrame, dob: pd.Series, rng, last_day) -> pd.DataFrame:
    """Missing (M) and away without authorisation (A) episodes of children in care from 12:
    each within one placement and one collection year, ending before the placement does
    (rules 574 to 581)."""
    eps = episodes[episodes["period"].notna()].reset_index(drop=True)
    born = dob.reindex(eps["CHILD"]).to_numpy()
    twelve = pd.Series(born) + pd.DateOffset(years=12)
    begins = np.maximum(eps["DECOM"].to_numpy(), twelve.to_numpy())
    ends = eps["DEC"].fillna(last_day).to_numpy()
    days = (ends - begins).astype("timedelta64[D]").astype(int)
    children = eps["CHILD"].unique()
    goes_missing = pd.Series(rng.random(len(children)) < MISSING_SHARE, index=children)
    rate = np.where(goes_missing.reindex(eps["CHILD"]).to_numpy() & (days > 0),
                    MISSING_PER_YEAR * days / 365.25, 0)
    count = rng.poisson(rate)
    index = np.repeat(np.arange(len(eps)), count)
    start = begins[index] + (rng.random(len(index)) * days[index]).astype("timedelta64[D]")
    length = np.minimum(rng.geometric(0.45, len(index)) - 1, 14).astype("timedelta64[D]")
    end = start + length
    frame = pd.DataFrame({"CHILD": eps["CHILD"].to_numpy()[index],
                          "MISSING": np.where(rng.random(len(index)) < 0.7, "M", "A"),
                          "MIS_START": pd.to_datetime(start), "MIS_END": pd.to_datetime(end),
                          "limit": pd.to_datetime(ends[index])})
    year_end = pd.to_datetime(
        (frame["MIS_START"].dt.year + (frame["MIS_START"].dt.month >= 4)).astype(str) + "-03-31")
    frame = frame[(frame["MIS_END"] < frame["limit"]) & (frame["MIS_END"] <= year_end)]
    frame = frame.sort_values(["CHILD", "MIS_START"], kind="stable")
    latest_end = frame.groupby("CHILD")["MIS_END"].cummax().groupby(frame["CHILD"]).shift()
    frame = frame[latest_end.isna() | (frame["MIS_START"] > latest_end)]   # none overlap
    frame.loc[frame["MIS_END"] > last_day, "MIS_END"] = pd.NaT
    return frame.drop(columns="limit").reset_index(drop=True)


def _social_workers(periods: pd.DataFrame, rng, last_day) -> pd.DataFrame:
    """Each child's social workers from their first period of care on: the first allocated on
    the day care began (reason FCONTA), each next on the day the last one left, with the
    reason for the change. The last stays allocated."""
    first = periods.groupby("CHILD")["start"].min()
    span = (last_day - first).dt.days.to_numpy()
    count = np.maximum(span // 120 + 2, 2)
    index = np.repeat(np.arange(len(first)), count)
    position = np.arange(len(index)) - np.repeat(np.cumsum(count) - count, count)
    gap = np.where(position == 0, 0, 30 + rng.exponential(SW_CHANGE_DAYS - 30, len(index)))
    offset = pd.Series(gap.astype(int)).groupby(index).cumsum().to_numpy()
    start = pd.Series(first.to_numpy()[index] + offset.astype("timedelta64[D]"))
    # A change in the last days of March waits for April (the validator takes a worker leaving
    # then for a gap at the year's end: its rule SW11b).
    late_march = (position > 0) & start.dt.month.eq(3).to_numpy() & (start.dt.day >= 25).to_numpy()
    start[late_march] += pd.Timedelta(days=7)
    frame = pd.DataFrame({"CHILD": first.index.to_numpy()[index], "SW_DECOM": start,
                          "SW_ID": [f"SW9{i:05d}" for i in rng.integers(0, 99999, len(index))],
                          "SW_REASON": np.where(position == 0, "FCONTA",
                                                weighted_choice(rng, SW_REASONS, len(index)))})
    frame = frame[frame["SW_DECOM"] <= last_day].reset_index(drop=True)
    frame["SW_DEC"] = frame.groupby("CHILD")["SW_DECOM"].shift(-1)
    return frame


def _care_leavers(periods: pd.DataFrame, rng, last_day) -> pd.DataFrame:
    """Young people who left care from 16 after at least 13 weeks in care from 14 (relevant and
    former relevant children), on each of their 17th to 21st birthdays after leaving."""
    last = periods.sort_values("start").groupby("CHILD").last()
    last = last[last["end"].notna() & ~last["REC"].isin(NOT_CARE_LEAVERS)]
    periods = periods[among(periods["CHILD"], last.index)]
    fourteen = _years(periods["DOB"], 14)
    from_14 = (periods["end"] - np.maximum(periods["start"], fourteen)).dt.days.clip(lower=0)
    relevant = from_14.groupby(periods["CHILD"]).sum() >= 91
    last = last[relevant.reindex(last.index).to_numpy()
                & (last["end"] > _years(last["DOB"], 16)).to_numpy()]
    rows = []
    for age in range(17, 22):
        birthday = _years(last["DOB"], age)
        keep = (birthday > last["end"]) & (birthday <= last_day)
        rows.append(pd.DataFrame({"CHILD": last.index[keep], "birthday": birthday[keep],
                                  "age": age}))
    leavers = pd.concat(rows, ignore_index=True).sort_values(["CHILD", "age"], kind="stable")
    n = len(leavers)
    touch = weighted_choice(rng, IN_TOUCH, n)
    accommodation = weighted_choice(rng, ACCOMMODATION, n)
    accommodation = np.where((leavers["age"] < 18).to_numpy() & np.isin(accommodation, ADULTS_ONLY),
                             "D1", accommodation)
    in_touch = touch == "YES"
    return leavers.assign(IN_TOUCH=touch,
                          ACTIV=np.where(in_touch, weighted_choice(rng, ACTIVITY, n), "0"),
                          ACCOM=np.where(in_touch, accommodation, "0")).reset_index(drop=True)


def oc2_items(children: pd.Series, dob: pd.Series, year: int, seed: int) -> pd.DataFrame:
    """The OC2 items of ``children`` (looked after continuously for the year ending 31 March
    ``year``), by the child's age then (rules 157 to 198, 542 to 547), from the year's own
    random stream."""
    rng = np.random.default_rng([seed, 903, 7, year])
    born = dob.reindex(children).reset_index(drop=True)
    begins, ends = pd.Timestamp(year - 1, 4, 1), pd.Timestamp(year, 3, 31)
    n = len(born)
    sdq_due = ((_years(born, 4) <= ends) & (_years(born, 17) >= begins)).to_numpy()
    scored = sdq_due & (rng.random(n) < 0.78)
    substance = rng.random(n) < np.where(_years(born, 13) <= ends, 0.08, 0.0)
    received = substance & (rng.random(n) < 0.6)
    return pd.DataFrame({
        "CHILD": children.to_numpy(), "DOB": born.to_numpy(),
        "SDQ_SCORE": np.where(scored, np.clip(rng.normal(14, 7, n), 0, 40).round().astype(int)
                              .astype(str), None),
        "SDQ_REASON": np.where(sdq_due & ~scored, weighted_choice(rng, SDQ_REASONS, n), None),
        "CONVICTED": np.where(_years(born, 10) <= ends, np.where(rng.random(n) < 0.03, "1", "0"),
                              None),
        "HEALTH_CHECK": np.where(_years(born, 5) > ends,
                                 np.where(rng.random(n) < 0.88, "1", "0"), None),
        "IMMUNISATIONS": np.where(rng.random(n) < 0.82, "1", "0"),
        "TEETH_CHECK": np.where(rng.random(n) < 0.75, "1", "0"),
        "HEALTH_ASSESSMENT": np.where(rng.random(n) < 0.89, "1", "0"),
        "SUBSTANCE_MISUSE": np.where(substance, "1", "0"),
        "INTERVENTION_RECEIVED": np.where(substance, np.where(received, "1", "0"), None),
        "INTERVENTION_OFFERED": np.where(substance & ~received,
                                         np.where(rng.random(n) < 0.7, "1", "0"), None),
    })
