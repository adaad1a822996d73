"""The adults in the demo families and their police contacts and emergency hospital admissions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fsdash.demo.simulation import DemoCouncil

EVENT_SOURCES = {"POLICE": "Police data share", "EMERGENCY_ADMISSION": "Hospital admissions data"}
AFTER_REFERRAL = 0.85     # events fall a little after any referral (regression to the mean)
RAMP_DAYS = 90            # Family Safeguarding reaches its full effect over three months


def adults(world: DemoCouncil) -> pd.DataFrame:
    """One or two adults for each family, with a year of birth."""
    rng = world.rng
    families = np.arange(len(world.family_district))
    count = np.where(rng.random(len(families)) < 0.75, 2, 1)
    family = np.repeat(families, count)
    second = np.r_[False, family[1:] == family[:-1]]
    created = world.family_created[family].astype("datetime64[Y]").astype(int) + 1970
    return pd.DataFrame({
        "family": family,
        "sex": np.where(second, np.where(rng.random(len(family)) < 0.85, "M", "F"),
                        np.where(rng.random(len(family)) < 0.9, "F", "M")),
        "birth_year": created - rng.integers(20, 46, len(family)),
    })


def events(world: DemoCouncil, people: pd.DataFrame, fs: pd.DataFrame) -> pd.DataFrame:
    """Police contacts and emergency admissions around the family's time with children's services."""
    rng, rates = world.rng, world.rates
    r = world.referrals.assign(family=world.child_family[world.referrals["child"].to_numpy()])
    family = r.groupby("family").agg(first=("referral_date", "min"), last=("referral_date", "max"))
    need = r[r["in_need"]].groupby("family")["authorised"].min()
    abuse = r[r["factors"].str.contains("3B")].groupby("family").size() > 0
    health = r[r["factors"].str.contains("4B|1B|2B")].groupby("family").size() > 0
    start = fs.groupby("family")["start"].min()
    team = fs.sort_values("start").groupby("family")["team"].first()
    teams = [t.code for t in world.council.teams]
    police_effect = dict(zip(teams, rng.uniform(*rates["police_effect"], len(teams))))
    admissions_effect = dict(zip(teams, rng.uniform(*rates["admissions_effect"], len(teams))))

    a = people.join(family, on="family", how="inner")
    a["w0"] = a["first"] - pd.Timedelta(days=365)
    a["w1"] = np.minimum(a["last"] + pd.Timedelta(days=730), pd.Timestamp(world.end_day))
    a["need"] = need.reindex(a["family"]).to_numpy()
    a["fs"] = start.reindex(a["family"]).to_numpy()
    a["team"] = team.reindex(a["family"]).to_numpy()
    a["abuse"] = abuse.reindex(a["family"]).fillna(False).to_numpy(bool)
    a["health"] = health.reindex(a["family"]).fillna(False).to_numpy(bool)
    out = []
    for kind, per_year, risk, effects in (
        ("POLICE", rates["police_contacts_per_adult_year"], np.where(a["abuse"], 2.0, 1.0),
         police_effect),
        ("EMERGENCY_ADMISSION", rates["emergency_admissions_per_adult_year"],
         np.where(a["health"], 1.3, 1.0), admissions_effect),
    ):
        effect = a["team"].map(effects).fillna(0.0).to_numpy()
        out.append(_draw(rng, a, kind, per_year / 365.25 * risk, effect))
    return pd.concat(out, ignore_index=True)


def _draw(rng, a: pd.DataFrame, kind: str, daily: np.ndarray, effect: np.ndarray) -> pd.DataFrame:
    """Events in four stretches of each adult's window, each with its own rate."""
    w0, w1 = a["w0"].to_numpy(), a["w1"].to_numpy()
    need = np.clip(a["need"].fillna(a["w1"]).to_numpy(), w0, w1)
    fs = np.clip(a["fs"].fillna(a["w1"]).to_numpy(), need, w1)
    ramp = np.minimum(fs + np.timedelta64(RAMP_DAYS, "D"), w1)
    stretches = ((w0, need, 1.0), (need, fs, AFTER_REFERRAL),
                 (fs, ramp, AFTER_REFERRAL * (1 - effect / 2)), (ramp, w1, AFTER_REFERRAL * (1 - effect)))
    out = []
    for begin, end, multiplier in stretches:
        days = (end - begin).astype("timedelta64[D]").astype(int)
        n = rng.poisson(np.maximum(days, 0) * daily * multiplier)
        who = np.repeat(np.arange(len(a)), n)
        offset = (rng.random(len(who)) * days[who]).astype("timedelta64[D]")
        out.append(pd.DataFrame({"adult": a.index.to_numpy()[who], "date": begin[who] + offset}))
    found = pd.concat(out, ignore_index=True)
    found["type"] = kind
    found["source"] = EVENT_SOURCES[kind]
    return found
