"""The demo council's SSDA903 returns as a council holds them: one folder for each collection
year (``ssda903/2023-24/``), each with every table the return for that year carries: the
header and episodes (every episode open at some time in the year, with its end and reason left
blank where it was still open on 31 March), reviews, previous permanence, OC2, OC3, AD1,
decisions to place for adoption, missing episodes, UASC, from 2023-24 social worker episodes
and from 2026-27 deprivation of liberty orders (``fsdash.demo.return_tables``). Each year is
written in that year's codes: sex 1 and 2 before 2024-25 and M and F from then; placements H5
and Z1 until 2024-25, K3 and Z11 to Z14 from 2025-26 (the validation rules of 2024-25 do not
take K3); care leavers' training or employment F3 and P3 until 2020-21. The year in progress
is the last folder, as an in-year extract."""

from __future__ import annotations

import pandas as pd

from fsdash import yearly
from fsdash.demo.identifiers import among
from fsdash.demo.return_tables import SHORT_BREAK, Records, oc2_items

FOLDER = "ssda903"
SEX_BEFORE_2025 = {"M": "1", "F": "2", "U": "0"}
FIRST_SW_YEAR = 2024          # social worker episodes are returned from 2023-24
FIRST_DOLO_YEAR = 2027        # deprivation of liberty orders from 2026-27
# Placement codes as each year's rules have them: (last year, old code, new codes).
PLACES_BEFORE = ((2025, "H5", ("K3",)), (2025, "Z1", ("Z11", "Z12", "Z13", "Z14")))
# Care leavers' activity: training or employment was F3 and P3 until 2020-21, F4 and P4 from then.
ACTIVITY_BEFORE = (2021, {"F4": "F3", "P4": "P3"})
H5_URN_FROM = 2024            # Ofsted numbers for semi-independent settings from 2023-24

# The validator's column names for every table (the importer's, where it declares the file).
COLUMNS = {
    "header.csv": ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
    "episodes.csv": ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC",
                     "REC", "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"],
    "reviews.csv": ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"],
    "uasc.csv": ["CHILD", "SEX", "DOB", "DUC"],
    "oc2.csv": ["CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK",
                "IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE",
                "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"],
    "oc3.csv": ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"],
    "ad1.csv": ["CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR",
                "SEX_ADOPTR", "LS_ADOPTR"],
    "placed_for_adoption.csv": ["CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED",
                                "REASON_PLACED_CEASED"],
    "previous_permanence.csv": ["CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"],
    "missing.csv": ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"],
    "sw_episodes.csv": ["CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"],
    "dolo.csv": ["CHILD", "DOB", "DOLO_START", "DOLO_END"],
}


def yearly_returns(header: pd.DataFrame, episodes: pd.DataFrame, first_day: pd.Timestamp,
                   last_day: pd.Timestamp, records: Records | None = None,
                   seed: int = 0) -> dict[str, dict[str, pd.DataFrame]]:
    """Every table of each collection year's return, by folder (``ssda903/<year>``), from the
    year of ``first_day`` to the year of ``last_day``. Without ``records``, header and episodes
    only."""
    returns = {}
    for year in range(yearly.year_of(first_day.date()), yearly.year_of(last_day.date()) + 1):
        begins, ends = pd.Timestamp(year - 1, 4, 1), pd.Timestamp(year, 4, 1)
        held = episodes[(episodes["DECOM"] < ends)
                        & (episodes["DEC"].isna() | (episodes["DEC"] >= begins))].copy()
        open_at_end = held["DEC"] >= ends
        held.loc[open_at_end, "DEC"] = pd.NaT
        held.loc[open_at_end, "REC"] = None
        _places_of_year(held, year)
        tables = {"episodes.csv": held}
        if records is not None:
            tables.update(_other_tables(records, header, held, year, min(ends - pd.Timedelta(
                days=1), last_day), seed))
        leavers = tables.get("oc3.csv", pd.DataFrame(columns=["CHILD"]))["CHILD"]
        children = header[among(header["CHILD"], held["CHILD"]) | among(header["CHILD"], leavers)]
        cared_for = held.loc[~held["LS"].isin(SHORT_BREAK), "CHILD"]
        children = children.assign(MOTHER=children["MOTHER"].where(
            among(children["CHILD"], cared_for)))   # not for care leavers or short breaks (628, 399)
        if year < 2025:
            children = children.assign(SEX=children["SEX"].map(SEX_BEFORE_2025))
        tables["header.csv"] = children
        returns[f"{FOLDER}/{yearly.label(year)}"] = tables
    return returns


def _places_of_year(held: pd.DataFrame, year: int) -> None:
    """Placement codes, Ofsted numbers and providers as the year's rules have them."""
    for last, old, new in PLACES_BEFORE:
        if year <= last:
            held.loc[held["PLACE"].isin(new), "PLACE"] = old
    if year < H5_URN_FROM:
        held.loc[held["PLACE"].eq("H5"), "URN"] = None


def _activity_of_year(leavers: pd.DataFrame, year: int) -> pd.DataFrame:
    last, old = ACTIVITY_BEFORE
    return leavers.assign(ACTIV=leavers["ACTIV"].replace(old)) if year <= last else leavers


def continuously_looked_after(held: pd.DataFrame, year: int) -> pd.Index:
    """Children looked after for the whole year ending 31 March ``year``: no start of care
    after 1 April, no end before 31 March, no short break (the DfE's OC2 cohort, as the
    validation rules find it)."""
    begins, ends = pd.Timestamp(year - 1, 4, 1), pd.Timestamp(year, 3, 31)
    enters = held["RNE"].eq("S") & (held["DECOM"] > begins)
    leaves = held["REC"].ne("X1") & held["DEC"].notna() & (held["DEC"] < ends)
    broken = (enters | leaves | held["LS"].isin(SHORT_BREAK)).groupby(held["CHILD"]).any()
    return broken.index[~broken.to_numpy()]


def _other_tables(records: Records, header: pd.DataFrame, held: pd.DataFrame, year: int,
                  last: pd.Timestamp, seed: int) -> dict[str, pd.DataFrame]:
    begins = pd.Timestamp(year - 1, 4, 1)
    dob = header.set_index("CHILD")["DOB"]

    def within(frame: pd.DataFrame, column: str) -> pd.DataFrame:
        frame = frame[(frame[column] >= begins) & (frame[column] <= last)]
        return frame.assign(DOB=dob.reindex(frame["CHILD"]).to_numpy())

    starts = within(records.previous_permanence, "DECOM").drop_duplicates("CHILD")
    decisions = records.decisions
    decisions = decisions[(decisions["DATE_PLACED"] <= last)
                          & (decisions["end"].isna() | (decisions["end"] >= begins))]
    tables = {
        "reviews.csv": within(records.reviews, "REVIEW"),
        "previous_permanence.csv": starts,
        "placed_for_adoption.csv": decisions.assign(
            DOB=dob.reindex(decisions["CHILD"]).to_numpy()),
        "ad1.csv": within(records.adoptions, "DEC"),
        "missing.csv": within(records.missing, "MIS_START"),
        "oc2.csv": oc2_items(pd.Series(continuously_looked_after(held, year)), dob, year, seed),
        "oc3.csv": _activity_of_year(within(records.care_leavers, "birthday"), year),
    }
    uasc = records.uasc[among(records.uasc["CHILD"], held["CHILD"])]    # in care (rule 1014)
    tables["uasc.csv"] = uasc.assign(
        DOB=dob.reindex(uasc["CHILD"]).to_numpy(),
        SEX=uasc["SEX"].map(SEX_BEFORE_2025) if year < 2025 else uasc["SEX"])
    if year >= FIRST_SW_YEAR:
        tables["sw_episodes.csv"] = _social_workers_of_year(records.social_workers, held,
                                                            dob, begins, last)
    if year >= FIRST_DOLO_YEAR:
        dolo = records.dolo
        dolo = dolo[(dolo["DOLO_START"] <= last)
                    & (dolo["DOLO_END"].isna() | (dolo["DOLO_END"] >= begins))]
        tables["dolo.csv"] = dolo.assign(DOB=dob.reindex(dolo["CHILD"]).to_numpy(),
                                         DOLO_END=dolo["DOLO_END"].where(dolo["DOLO_END"] <= last))
    return tables


def _social_workers_of_year(workers: pd.DataFrame, held: pd.DataFrame, dob: pd.Series,
                            begins: pd.Timestamp, last: pd.Timestamp) -> pd.DataFrame:
    """The social worker episodes of the children in care in the year, while they were in care:
    from the latest start of care in this year or the last (DfE rule SW12: the worker then is
    the one allocated when care began), or from before the year where one was still open on 1
    April; the last left open."""
    in_care = held[~held["LS"].isin(SHORT_BREAK)]
    last_in_care = in_care["DEC"].fillna(last).groupby(in_care["CHILD"]).max()
    recent = in_care["RNE"].eq("S") & (in_care["DEC"].isna() | (
        in_care["DEC"] >= begins - pd.DateOffset(years=1)))
    began = in_care.loc[recent, "DECOM"].groupby(in_care.loc[recent, "CHILD"]).max()
    workers = workers[among(workers["CHILD"], last_in_care.index)].copy()
    workers["began"] = began.reindex(workers["CHILD"]).to_numpy()
    ends = workers["SW_DEC"]
    workers = workers[(workers["SW_DECOM"] <= last_in_care.reindex(workers["CHILD"]).to_numpy())
                      & (ends.isna() | (ends >= begins))
                      & (ends.isna() | workers["began"].isna() | (ends > workers["began"]))].copy()
    earlier = workers["SW_DECOM"] < workers["began"]
    workers.loc[earlier, "SW_DECOM"] = workers.loc[earlier, "began"]
    latest = ~workers["CHILD"].duplicated(keep="last")
    workers.loc[latest | (workers["SW_DEC"] > last), "SW_DEC"] = pd.NaT
    return workers.drop(columns="began").assign(DOB=dob.reindex(workers["CHILD"]).to_numpy())
