"""The demo council's casework: teams' workers, case allocations and Family Safeguarding involvement."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fsdash.demo.simulation import DemoCouncil

CASE_HOLDING_FTE = {1.0: 0.7, 0.8: 0.15, 0.6: 0.15}
STRETCHED_TEAMS = 3          # teams whose staffing lags their demand
UNALLOCATED_SHARE = 0.05     # new children in need cases that wait for a worker (assumption)
ROLE_START_BEFORE_PROGRAMME = "2014-09-01"


def allocations(world: DemoCouncil) -> pd.DataFrame:
    """One allocation per case: assessments and children in need work, plans, periods of care."""
    r = world.referrals
    assessed = r[~r["nfa"] & (r["assess_start"] <= world.end_day)]
    cin = pd.DataFrame({"child": assessed["child"], "open": assessed["assess_start"],
                        "close": assessed["closure"], "type": "CIN",
                        "referral": assessed.index})
    plans = r[r["cp"] & (r["cp_start"] <= world.end_day)]
    cp = pd.DataFrame({"child": plans["child"], "open": plans["cp_start"],
                       "close": plans["cp_end"], "type": "CP", "referral": plans.index})
    p = world.periods
    cla = pd.DataFrame({"child": p["child"], "open": p["start"], "close": p["end"],
                        "type": "CLA", "referral": -1})
    cases = pd.concat([cin, cp, cla], ignore_index=True)
    cases["close"] = cases["close"].where(cases["close"] <= world.end_day)
    cases["team"] = _team_for_each_child(world)[cases["child"].to_numpy()]
    cases["case_id"] = [f"K{i:07d}" for i in range(1, len(cases) + 1)]
    return cases


def _team_for_each_child(world: DemoCouncil) -> np.ndarray:
    """One team for each child, among those serving the child's district."""
    districts = world.child_district
    teams = np.empty(len(districts), object)
    for i, code in enumerate(world.district_codes):
        serving = [t.code for t in world.council.teams if code in t.districts]
        here = districts == i
        teams[here] = world.rng.choice(serving, int(here.sum()))
    return teams


def workers(world: DemoCouncil, cases: pd.DataFrame) -> pd.DataFrame:
    """Each team's staff: case-holding social workers sized to its recent demand, some teams stretched.

    A team's ``stretch`` is how far its staffing falls short of its demand: 1.35 means a
    caseload about 35% above the calibrated average."""
    rng = world.rng
    target = world.rates["caseload_per_fte"]
    demand = _recent_open_children(world, cases)
    stretch = pd.Series(rng.uniform(0.9, 1.1, len(world.council.teams)),
                        index=[t.code for t in world.council.teams])
    stretch.iloc[rng.choice(len(stretch), STRETCHED_TEAMS, replace=False)] = 1.35
    phase_in = np.datetime64(world.council.phase_in, "D")
    launch = np.datetime64(world.council.launch, "D")
    rows = []
    for team in world.council.teams:
        needed = demand.get(team.code, 0) / (target * stretch[team.code])
        held = 0.0
        while held < needed:
            fte = rng.choice(list(CASE_HOLDING_FTE), p=list(CASE_HOLDING_FTE.values()))
            rows.append((team.code, "SP" if rng.random() < 0.25 else "SW", fte,
                         np.datetime64(ROLE_START_BEFORE_PROGRAMME) - rng.integers(0, 900)))
            held += fte
        rows.append((team.code, "TM", 1.0, np.datetime64(ROLE_START_BEFORE_PROGRAMME)))
        rows += [(team.code, "FSW", 1.0, np.datetime64(ROLE_START_BEFORE_PROGRAMME))] * 2
        for role in ("AMH", "DA", "SM"):
            rows.append((team.code, role, 1.0, phase_in + rng.integers(0, (launch - phase_in).astype(int))))
        rows.append((team.code, "PSY", 0.5, launch + rng.integers(0, 60)))
    staff = pd.DataFrame(rows, columns=["team", "role", "fte", "start"])
    staff["worker_id"] = [f"W{i:05d}" for i in range(1, len(staff) + 1)]
    return staff


def _recent_open_children(world: DemoCouncil, cases: pd.DataFrame) -> pd.Series:
    """Average children with an open case in each team at the last 24 month ends."""
    counts = []
    for month in world.months[-24:]:
        day = (month + 1).astype("datetime64[D]") - 1
        open_ = cases[(cases["open"] <= day) & ~(cases["close"] <= day)]
        counts.append(open_.groupby("team")["child"].nunique())
    return pd.concat(counts, axis=1).fillna(0).mean(axis=1)


def assign_workers(world: DemoCouncil, cases: pd.DataFrame, staff: pd.DataFrame) -> pd.DataFrame:
    """Give each case a case-holding worker in its team. Some new children in need cases wait a
    few days to a few weeks for one: they get a first allocation row with no worker."""
    holders = staff[staff["role"].isin(["SW", "SP"])]
    cases["worker_id"] = ""
    for team, ids in holders.groupby("team")["worker_id"]:
        here = (cases["team"] == team).to_numpy()
        cases.loc[here, "worker_id"] = world.rng.choice(ids.to_numpy(), int(here.sum()))
    rng = world.rng
    wait = pd.to_timedelta(rng.integers(2, 28, len(cases)), unit="D")
    waits = ((cases["type"] == "CIN").to_numpy() & (rng.random(len(cases)) < UNALLOCATED_SHARE)
             & (cases["close"].isna() | (cases["close"] > cases["open"] + wait)).to_numpy())
    allocated_on = cases["open"] + wait
    still_waiting = waits & (allocated_on > pd.Timestamp(world.end_day)).to_numpy()
    waiting = cases[waits].assign(worker_id=None,
                                  close=allocated_on[waits].where(~still_waiting[waits]))
    cases.loc[waits, "open"] = allocated_on[waits]
    return pd.concat([cases[~still_waiting], waiting], ignore_index=True)


def involvement(world: DemoCouncil, cases: pd.DataFrame) -> pd.DataFrame:
    """Family Safeguarding work with families whose assessment found parental factors, once the
    model is in place."""
    r = world.referrals
    cin_team = cases[cases["type"] == "CIN"].set_index("referral")["team"]
    eligible = r[r["in_need"] & (r["factors"] != "") & (r["authorised"] <= world.end_day)]
    chance = 0.85 * world.coverage(eligible["authorised"].to_numpy())
    chosen = eligible[world.rng.random(len(eligible)) < chance]
    fs = pd.DataFrame({
        "family": world.child_family[chosen["child"].to_numpy()],
        "team": cin_team.reindex(chosen.index).to_numpy(),
        "start": chosen["authorised"].to_numpy(),
        "end": chosen["closure"].where(chosen["closure"] <= world.end_day).to_numpy(),
        "mental_health": chosen["factors"].str.contains("4B").to_numpy(),
        "domestic_abuse": chosen["factors"].str.contains("3B").to_numpy(),
        "substance_misuse": chosen["factors"].str.contains("1B|2B").to_numpy(),
        "psychologist": world.rng.random(len(chosen)) < 0.35,
    })
    return fs.drop_duplicates(["family", "start"]).reset_index(drop=True)
