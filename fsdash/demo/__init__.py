"""Synthetic, deterministic demo council: simulate, write the extracts a council would export, load them.

``build_demo`` is what ``python -m fsdash demo`` runs. The extracts land in ``data/demo/`` (they
double as example files) and are loaded through ``fsdash.ingest``, the same path as real data.
The children in need census the council would have submitted each year goes beside them, in
``data/demo-census/`` (``fsdash.demo.census``): it loads on its own, but not with the local
extracts, which give the same referrals with their route into the front door. So do its monthly
Ofsted Annex A workbooks, in ``data/demo-annex-a/`` (``write_annex_a``). The DfE's published
statistics the project ships (``data/published-statistics/``) load with the extracts.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd

from fsdash import published_statistics, store
from fsdash.annex_a import write_workbook
from fsdash.annex_a_store import snapshot_lists
from fsdash.config import REPO_ROOT, Council, load_council
from fsdash.demo import adults as adults_module
from fsdash.demo import casework
from fsdash.demo.census import write_census
from fsdash.demo.csv_files import write_csv
from fsdash.demo.episodes import episodes
from fsdash.demo.identifiers import synthetic_upns
from fsdash.demo.return_tables import every_record, uasc_ethnicity, unaccompanied
from fsdash.demo.returns import COLUMNS as RETURN_COLUMNS
from fsdash.demo.returns import yearly_returns
from fsdash.demo.simulation import ETHNIC_MIX, DemoCouncil, last_full_month, weighted_choice
from fsdash.demo.timeline import demo_events
from fsdash.extracts import EXTRACT_BY_FILE
from fsdash.ingest import LoadReport, load_paths

DEFAULT_CALIBRATION = REPO_ROOT / "config" / "lancashire-demo.toml"
DEFAULT_OUTPUT = REPO_ROOT / "data" / "demo"
EARLY_HELP_SHARE = 0.45   # of closures after an assessment finding no need (demo assumption)


def build_demo(db: Path | str | None = None, scale: float = 1.0, seed: int = 2015,
               until: str | None = None, out_dir: Path | str = DEFAULT_OUTPUT,
               council: Council | None = None,
               calibration: Path | str = DEFAULT_CALIBRATION) -> LoadReport:
    """Simulate the demo council, write its extracts to ``out_dir`` and load them into ``db``
    with the published statistics the project ships."""
    council = council or load_council()
    cal = tomllib.loads(Path(calibration).read_text(encoding="utf-8"))
    last_month = np.datetime64(until, "M") if until else last_full_month()
    world = DemoCouncil(council, cal, scale, seed, last_month).run()
    write_extracts(world, Path(out_dir))
    report = load_paths([out_dir, *published_statistics.shipped_files()], db, council)
    write_annex_a(Path(db or store.db_path()), council, pd.Timestamp(world.end_day).date(),
                  annex_a_folder(out_dir), ANNEX_A_MONTHS if scale <= 1 else 1)
    return report


def census_folder(out_dir: Path | str) -> Path:
    """Where the demo's census files go: beside its extracts' folder (``data/demo-census``)."""
    out_dir = Path(out_dir)
    return out_dir.with_name(f"{out_dir.name}-census")


def annex_a_folder(out_dir: Path | str) -> Path:
    """Where the demo's Annex A workbooks go: beside its extracts (``data/demo-annex-a``)."""
    out_dir = Path(out_dir)
    return out_dir.with_name(f"{out_dir.name}-annex-a")


# Monthly Annex A workbooks written at scale 1 and below (one, the latest, above: each takes
# seconds per thousand children).
ANNEX_A_MONTHS = 3


def write_annex_a(db: Path, council: Council, last_day: dt.date, folder: Path,
                  months: int) -> list[Path]:
    """Ofsted's Annex A workbook as the council would have refreshed it at each of the last
    ``months`` month ends (``Annex_A_<date>.xlsx``): lists 3 to 8 from the loaded store
    (``fsdash.annex_a_store.snapshot_lists``), its teams under the names the council file maps
    (``[annex_a.teams]``: "Family Safeguarding <team>") and synthetic worker names. They load
    alone or with the census, not with the local extracts (which give the same records)."""
    names = {team.code: team.name for team in council.teams}
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    con = store.connect_readonly(db)
    try:
        for back in range(months):
            day = (pd.Timestamp(last_day).to_period("M") - back).to_timestamp(how="end").date()
            lists = snapshot_lists(con, day,
                                   team_name=lambda code: f"Family Safeguarding {names[code]}",
                                   worker_name=lambda worker: f"Worker {worker}")
            written.append(write_workbook(folder / f"Annex_A_{day:%Y-%m-%d}.xlsx", day, lists,
                                          council.name))
    finally:
        con.close()
    return written


def write_extracts(world: DemoCouncil, out_dir: Path, every_table: bool = False) -> None:
    """Write every extract file of the simulated council into ``out_dir``: the local extracts
    at the top, the SSDA903 returns in a folder for each collection year; and its census
    returns into ``census_folder(out_dir)``. Of the returns' tables, those the importer reads
    (``every_table``: all of them)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = extract_tables(world)
    first_day, last_day = pd.Timestamp(world.months[0]), pd.Timestamp(world.end_day)
    write_census(tables, tables["children.csv"].rename(columns={"BIRTH_MONTH": "BIRTH_DATE"}),
                 world.council.dfe_code, first_day, last_day, census_folder(out_dir), world.seed)
    header, eps = tables.pop("header.csv"), tables.pop("episodes.csv")
    records = every_record(eps, header, world.seed, last_day, world.council.dfe_code)
    returns = yearly_returns(header, eps, first_day, last_day, records, world.seed)
    tables["events.csv"] = demo_events(world.council, last_day.date())
    for name, frame in tables.items():
        write_csv(frame, EXTRACT_BY_FILE[name].columns, out_dir / name)
    for folder, files in returns.items():
        (out_dir / folder).mkdir(parents=True, exist_ok=True)
        for name, frame in files.items():
            if every_table or name in EXTRACT_BY_FILE:
                write_csv(frame, RETURN_COLUMNS[name], out_dir / folder / name)


def extract_tables(world: DemoCouncil) -> dict[str, pd.DataFrame]:
    """The simulated records, shaped as the extract files."""
    rng = world.rng
    child_id = np.array([f"C{i:07d}" for i in range(len(world.child_birth))])
    family_id = np.array([f"F{i:07d}" for i in range(len(world.family_district))])
    districts = np.array(world.district_codes)
    children = pd.DataFrame({
        "CHILD": child_id, "FAMILY_ID": family_id[world.child_family],
        "SEX": rng.choice(["M", "F"], len(child_id)),
        "BIRTH_MONTH": pd.to_datetime(world.child_birth),
        "ETHNIC": weighted_choice(rng, ETHNIC_MIX, len(child_id)),
        "DISTRICT": districts[world.child_district],
    })
    eps = episodes(world)
    # Unaccompanied asylum-seeking children: their ethnicity, no home postcode (DfE rule 406)
    # and absent parenting (N8) as their need; drawn on their own streams, so no figure moved.
    uasc = unaccompanied(eps, world.child_birth, world.seed)
    children.loc[uasc, "ETHNIC"] = uasc_ethnicity(len(uasc), world.seed)
    arrived = eps["CHILD"].isin(uasc)
    eps.loc[arrived, "HOME_POST"] = None
    eps.loc[arrived, "CIN"] = "N8"
    looked_after = np.unique(eps["CHILD"].to_numpy())
    header = children.iloc[looked_after][["CHILD", "SEX", "ETHNIC"]].assign(
        DOB=pd.to_datetime(world.child_birth[looked_after]))
    header["MOTHER"] = np.where(header["SEX"] == "F", "0", None)   # 0: not known to be a mother
    header["UPN"] = synthetic_upns(len(header))
    header["UASC"] = header.index.isin(uasc)
    eps["CHILD"] = child_id[eps["CHILD"].to_numpy()]
    cases = casework.allocations(world)
    staff = casework.workers(world, cases)
    fs = casework.involvement(world, cases)
    cases = casework.assign_workers(world, cases, staff)
    people = adults_module.adults(world)
    adult_id = np.array([f"A{i:07d}" for i in range(len(people))])
    events = adults_module.events(world, people, fs)
    return {
        "population.csv": population(world),
        "families.csv": pd.DataFrame({"FAMILY_ID": family_id,
                                      "DISTRICT": districts[world.family_district]}),
        "children.csv": children,
        "adults.csv": pd.DataFrame({"ADULT_ID": adult_id, "FAMILY_ID": family_id[people["family"]],
                                    "SEX": people["sex"], "BIRTH_YEAR": people["birth_year"],
                                    "RELATIONSHIP": people["relationship"]}),
        "workers.csv": staff.rename(columns={"worker_id": "WORKER_ID", "team": "TEAM",
                                             "role": "ROLE", "fte": "FTE"}).assign(
            START_DATE=pd.to_datetime(staff["start"])),
        **_children_in_need(world, child_id),
        "header.csv": header,
        "episodes.csv": eps,
        "allocations.csv": pd.DataFrame({
            "CASE_ID": cases["case_id"], "CHILD": child_id[cases["child"]],
            "FAMILY_ID": family_id[world.child_family[cases["child"]]], "TEAM": cases["team"],
            "WORKER_ID": cases["worker_id"], "CASE_TYPE": cases["type"],
            "OPEN_DATE": cases["open"], "CLOSE_DATE": cases["close"]}),
        "fs_involvement.csv": pd.DataFrame({
            "FAMILY_ID": family_id[fs["family"]], "TEAM": fs["team"], "START_DATE": fs["start"],
            "END_DATE": fs["end"], **{k.upper(): np.where(fs[k], "Y", "N") for k in (
                "mental_health", "domestic_abuse", "substance_misuse", "psychologist")}}),
        # By date, then adult: the number orders as ADULT_ID does (seven digits, fixed width)
        # without sorting millions of strings.
        "adult_events.csv": pd.DataFrame({
            "ADULT_ID": adult_id[events["adult"]], "EVENT_DATE": events["date"],
            "EVENT_TYPE": events["type"], "SOURCE": events["source"]}).iloc[
            np.lexsort((events["adult"].to_numpy(), events["date"].to_numpy()))],
    }


def _children_in_need(world: DemoCouncil, child_id: np.ndarray) -> dict[str, pd.DataFrame]:
    r = world.referrals.reset_index(drop=True)
    end = world.end_day
    closed = r["closure"] <= end
    referral_id = np.array([f"R{i:07d}" for i in range(len(r))])
    # After an assessment finding no need, some families are referred to early help (RC9).
    early_help = r["not_in_need"] & (world.rng.random(len(r)) < EARLY_HELP_SHARE)
    reason = np.where(r["nfa"], "RC7", np.where(early_help, "RC9",
                                                np.where(r["not_in_need"], "RC8", "RC7")))
    referrals = pd.DataFrame({
        "REFERRAL_ID": referral_id, "CHILD": child_id[r["child"]],
        "CINreferralDate": r["referral_date"], "ReferralSource": r["source"], "Route": r["route"],
        "PrimaryNeedCode": r["need_code"], "ReferralNFA": np.where(r["nfa"], "Y", "N"),
        "CINclosureDate": r["closure"].where(closed),
        "ReasonForClosure": np.where(closed, reason, None)})
    a = r[~r["nfa"] & (r["assess_start"] <= end)]
    assessments = pd.DataFrame({
        "ASSESSMENT_ID": [f"S{i:07d}" for i in a.index], "REFERRAL_ID": referral_id[a.index],
        "CHILD": child_id[a["child"]], "AssessmentActualStartDate": a["assess_start"],
        "AssessmentAuthorisationDate": a["authorised"].where(a["authorised"] <= end),
        "AssessmentFactors": np.where(a["in_need"] & (a["factors"] == ""), "21", a["factors"])})
    p = r[r["cp"] & (r["cp_start"] <= end)]
    plans = pd.DataFrame({
        "PLAN_ID": [f"P{i:07d}" for i in p.index], "CHILD": child_id[p["child"]],
        "REFERRAL_ID": referral_id[p.index],   # not in the file: the census nests plans in it
        "CPPstartDate": p["cp_start"], "CPPendDate": p["cp_end"].where(p["cp_end"] <= end),
        "InitialCategoryOfAbuse": p["category"], "LatestCategoryOfAbuse": p["category"]})
    return {"cin_referrals.csv": referrals, "cin_assessments.csv": assessments,
            "cin_s47.csv": _section_47(world, r, referral_id, child_id),
            "cin_cp_plans.csv": plans}


# Section 47 enquiries: every plan follows an initial conference, which follows an enquiry; some
# children in need have an enquiry that ends without a conference, and a few a conference that
# ends without a plan (England: about 2.5 enquiries and 1.15 conferences for each plan).
EXTRA_ENQUIRY_SHARE = 0.35       # of children in need without a plan
CONFERENCE_WITHOUT_PLAN = 0.12   # of those extra enquiries
ON_TIME_CONFERENCES = 0.8        # conferences within 15 working days of the strategy discussion


def _section_47(world: DemoCouncil, r: pd.DataFrame, referral_id: np.ndarray,
                child_id: np.ndarray) -> pd.DataFrame:
    """Enquiries and initial conferences, drawn from their own random stream (so adding them
    changed no other demo figure)."""
    rng, end = np.random.default_rng([world.seed, 47]), world.end_day
    plans = r[r["cp"] & (r["cp_start"] <= end)]
    working_days = np.where(rng.random(len(plans)) < ON_TIME_CONFERENCES,
                            rng.integers(5, 16, len(plans)), rng.integers(16, 30, len(plans)))
    planned = pd.DataFrame({"row": plans.index, "conference": plans["cp_start"].to_numpy(),
                            "start": np.busday_offset(plans["cp_start"].to_numpy("datetime64[D]"),
                                                      -working_days, roll="backward")})
    others = r[r["in_need"] & ~r["cp"] & (r["authorised"] <= end)]
    others = others[rng.random(len(others)) < EXTRA_ENQUIRY_SHARE]
    start = others["authorised"].to_numpy("datetime64[D]") - rng.integers(0, 10, len(others))
    held = rng.random(len(others)) < CONFERENCE_WITHOUT_PLAN
    conference = np.busday_offset(start, rng.integers(8, 20, len(others)), roll="forward")
    extra = pd.DataFrame({"row": others.index, "start": start,
                          "conference": np.where(held, conference, np.datetime64("NaT"))})
    s47 = pd.concat([planned, extra], ignore_index=True)
    s47["start"] = np.maximum(s47["start"].to_numpy("datetime64[D]"),
                              r.loc[s47["row"], "referral_date"].to_numpy("datetime64[D]"))
    s47 = s47[s47["start"] <= pd.Timestamp(end)]
    conference = s47["conference"].where(s47["conference"] <= pd.Timestamp(end))
    return pd.DataFrame({
        "S47_ID": [f"Q{i:07d}" for i in s47["row"]],
        "REFERRAL_ID": referral_id[s47["row"]], "CHILD": child_id[r.loc[s47["row"], "child"]],
        "S47ActualStartDate": pd.to_datetime(s47["start"]),
        "InitialCPCtarget": pd.to_datetime(np.busday_offset(
            s47["start"].to_numpy("datetime64[D]"), 15, roll="forward")),
        "DateOfInitialCPC": pd.to_datetime(conference),
        "ICPCnotRequired": np.where(s47["conference"].isna(), "Y", "N")})


def population(world: DemoCouncil) -> pd.DataFrame:
    """Mid-year under-18 population by district, year and single year of age."""
    growth = world.cal["population"]["annual_growth"]
    base_year = world.cal["population"]["base_year"]
    rows = []
    for code in world.district_codes:
        total = world.cal["districts"][code]["population"] * world.scale
        for year in range(base_year - 1, int(str(world.end_day)[:4]) + 1):
            per_age = total * (1 + growth) ** (year - base_year) / 18
            for age in range(18):
                rows.append((code, year, age, round(per_age * (1.02 if 5 <= age <= 15 else 0.97))))
    return pd.DataFrame(rows, columns=["DISTRICT", "YEAR", "AGE", "POPULATION"])
