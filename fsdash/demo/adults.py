"""The adults in the demo families and their police contacts and emergency hospital admissions.

Each adult has a usual rate of contacts. In the months before each referral of the family the rate
is several times higher (the crisis that brings the referral), and afterwards it settles back, for
every family: so contacts fall after a referral whether or not anything is done. From the day
Family Safeguarding work begins, the model's true effect (a configured fall) thins the adult's
contacts. A before-and-after comparison therefore overstates the effect; a comparison with
families worked with before the model recovers it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fsdash.demo.simulation import DemoCouncil

EVENT_SOURCES = {"POLICE": "Police data share", "EMERGENCY_ADMISSION": "Hospital admissions data"}
# Second adults: mostly fathers, some partners; a few are a grandparent or other relative.
SECOND_ADULT = {"FATHER": 0.6, "PARTNER": 0.3, "RELATIVE": 0.1}


def adults(world: DemoCouncil) -> pd.DataFrame:
    """One or two adults for each family, with a year of birth and relationship to the children."""
    rng = world.rng
    families = np.arange(len(world.family_district))
    count = np.where(rng.random(len(families)) < 0.75, 2, 1)
    family = np.repeat(families, count)
    second = np.r_[False, family[1:] == family[:-1]]
    created = world.family_created[family].astype("datetime64[Y]").astype(int) + 1970
    first_sex = np.where(rng.random(len(family)) < 0.9, "F", "M")
    second_role = rng.choice(list(SECOND_ADULT), len(family), p=list(SECOND_ADULT.values()))
    second_sex = np.where(second_role == "FATHER", "M",
                          np.where(rng.random(len(family)) < 0.85, "M", "F"))
    return pd.DataFrame({
        "family": family,
        "sex": np.where(second, second_sex, first_sex),
        "birth_year": created - rng.integers(20, 46, len(family)),
        "relationship": np.where(second, second_role,
                                 np.where(first_sex == "F", "MOTHER", "FATHER")),
    })


def events(world: DemoCouncil, people: pd.DataFrame, fs: pd.DataFrame) -> pd.DataFrame:
    """Police contacts and emergency admissions around the family's time with children's services."""
    rates = world.rates
    r = world.referrals.assign(family=world.child_family[world.referrals["child"].to_numpy()])
    span = r.groupby("family").agg(first=("referral_date", "min"), last=("referral_date", "max"))
    abuse = r[r["factors"].str.contains("3B")].groupby("family").size() > 0
    health = r[r["factors"].str.contains("4B|1B|2B")].groupby("family").size() > 0

    a = people.join(span, on="family", how="inner")
    a["w0"] = a["first"] - pd.Timedelta(days=365)
    a["w1"] = np.minimum(a["last"] + pd.Timedelta(days=730), pd.Timestamp(world.end_day))
    a["fs"] = fs.groupby("family")["start"].min().reindex(a["family"]).to_numpy()
    flags = {"abuse": abuse, "health": health}
    for name, flag in flags.items():
        a[name] = flag.reindex(a["family"]).fillna(False).to_numpy(bool)
    crises = a[["family", "w0", "w1"]].reset_index(names="adult").merge(
        r[["family", "referral_date"]], on="family")
    crisis_days = pd.Timedelta(days=rates["crisis_days"])
    crises["begin"] = np.maximum(crises["referral_date"] - crisis_days, crises["w0"])
    crises["end"] = np.minimum(crises["referral_date"], crises["w1"])
    out = []
    for kind, per_year, risk, effect in (
        ("POLICE", rates["police_contacts_per_adult_year"], np.where(a["abuse"], 2.0, 1.0),
         rates["police_effect"]),
        ("EMERGENCY_ADMISSION", rates["emergency_admissions_per_adult_year"],
         np.where(a["health"], 1.3, 1.0), rates["admissions_effect"]),
    ):
        daily = pd.Series(per_year / 365.25 * risk, index=a.index)
        usual = _poisson_events(world.rng, a.index.to_numpy(), a["w0"], a["w1"], daily.to_numpy())
        extra = _poisson_events(world.rng, crises["adult"].to_numpy(), crises["begin"],
                                crises["end"],
                                daily.reindex(crises["adult"]).to_numpy()
                                * (rates["crisis_multiplier"] - 1))
        found = pd.concat([usual, extra], ignore_index=True)
        worked_with = (found["date"] > a["fs"].reindex(found["adult"]).to_numpy())
        kept = ~worked_with | (world.rng.random(len(found)) >= effect)
        out.append(found[kept.to_numpy()].assign(type=kind, source=EVENT_SOURCES[kind]))
    return pd.concat(out, ignore_index=True)


def _poisson_events(rng, who: np.ndarray, begin: pd.Series, end: pd.Series,
                    daily: np.ndarray) -> pd.DataFrame:
    """Events at a constant daily rate between each ``begin`` and ``end``: adult and date."""
    begin = begin.to_numpy("datetime64[D]")
    days = np.maximum((end.to_numpy("datetime64[D]") - begin).astype(int), 0)
    n = rng.poisson(days * daily)
    row = np.repeat(np.arange(len(who)), n)
    offset = (rng.random(len(row)) * days[row]).astype("timedelta64[D]")
    return pd.DataFrame({"adult": who[row], "date": begin[row] + offset})
