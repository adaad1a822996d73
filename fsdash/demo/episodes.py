"""Turn simulated periods of care into SSDA903 episodes (one row per legal status and placement)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fsdash.demo.simulation import (
    CEASE_5TO11,
    CEASE_12PLUS,
    CEASE_AT_18,
    CEASE_UNDER5,
    FIRST_LS,
    NEXT_LS,
    PLACE_12PLUS,
    PLACE_CHANGE_REASONS,
    PLACE_UNDER12,
    PROVIDER,
    DemoCouncil,
    weighted_choice,
)

CHANGE_KINDS = {"P": 0.55, "L": 0.20, "T": 0.10, "B": 0.10, "U": 0.05}
OTHER_PLACE = {True: "U4", False: "U6"}   # a different foster placement when a move draws the same
NEEDS_IN_CARE = {"N1": 0.65, "N4": 0.08, "N5": 0.10, "N2": 0.03, "N8": 0.08, "N6": 0.03,
                 "N3": 0.03}


def episodes(world: DemoCouncil) -> pd.DataFrame:
    """Episodes for every period of care and every short break, in DfE SSDA903 columns."""
    rng = world.rng
    periods = world.periods
    recorded_end = periods["end"].where(periods["end"] <= world.end_day)
    last_day = recorded_end.fillna(world.end_day)
    length = (last_day - periods["start"]).dt.days.to_numpy()
    changes = np.minimum(rng.poisson(0.8 * length / 365.25), 5) * (length > 30)
    index = np.repeat(np.arange(len(periods)), changes + 1)
    first = np.r_[True, index[1:] != index[:-1]]
    fraction = np.where(first, 0.0, rng.random(len(index)))
    order = np.lexsort((fraction, index))
    index, fraction, first = index[order], fraction[order], first[order]
    start = periods["start"].to_numpy()[index]
    decom = start + (fraction * length[index]).astype("timedelta64[D]")
    rows = pd.DataFrame({"period": index, "DECOM": decom}).drop_duplicates(["period", "DECOM"])
    rows["is_last"] = rows["period"].ne(rows["period"].shift(-1))
    rows["DEC"] = rows.groupby("period")["DECOM"].shift(-1)
    rows.loc[rows["is_last"], "DEC"] = recorded_end.to_numpy()[rows.loc[rows["is_last"], "period"]]
    rows["CHILD"] = periods["child"].to_numpy()[rows["period"]]
    births = world.child_birth[rows["CHILD"].to_numpy()]
    rows["age"] = (rows["DECOM"].to_numpy() - births).astype("timedelta64[D]").astype(int) / 365.25
    _legal_status_and_placement(rows, rng)
    _reasons_ceased(rows, periods, births, rng)
    rows["CIN"] = weighted_choice(rng, NEEDS_IN_CARE, len(periods))[rows["period"]]
    return pd.concat([rows, _short_break_episodes(world)], ignore_index=True)


def _legal_status_and_placement(rows: pd.DataFrame, rng) -> None:
    """Legal status and placement episode by episode, keeping to the SSDA903 rules: a new
    episode changes what its reason says it changes; police protection lasts at most 72 hours
    and an emergency protection order 21 days; youth justice statuses only from age 10; no
    placement with parents under section 20."""
    n = len(rows)
    first = rows["period"].ne(rows["period"].shift()).to_numpy()
    drawn_rne = weighted_choice(rng, CHANGE_KINDS, n)
    first_ls = weighted_choice(rng, FIRST_LS, n)
    places = np.where(rows["age"] < 12, weighted_choice(rng, PLACE_UNDER12, n),
                      weighted_choice(rng, PLACE_12PLUS, n))
    places = np.where((rows["age"] < 16) & (places == "H5"), "U6", places)
    days = (rows["DEC"].fillna(rows["DECOM"].max()) - rows["DECOM"]).dt.days.to_numpy()
    age = rows["age"].to_numpy()
    rne, ls, place = [], [], []
    for i in range(n):
        if first[i]:
            status = first_ls[i]
            too_long = (status == "L1" and days[i] > 3) or (status == "L2" and days[i] > 21)
            if too_long or (status == "J1" and age[i] < 10):
                status = "V2"
            rne.append("S")
            ls.append(status)
            place.append(places[i])
        else:
            kind = "L" if ls[-1] in ("L1", "L2") else drawn_rne[i]
            status = NEXT_LS[ls[-1]] if kind in "LBU" else ls[-1]
            if status == ls[-1] and kind in "LBU":
                kind = "P"                       # no legal change is possible: a move only
            where = place[-1]
            if kind in "PTBU":
                where = places[i] if places[i] != place[-1] else OTHER_PLACE[place[-1] == "U6"]
            rne.append(kind)
            ls.append(status)
            place.append(where)
        if place[-1] == "P1" and ls[-1] == "V2":
            place[-1] = "U3"
    rows["RNE"], rows["LS"], rows["PLACE"] = rne, ls, place
    provider_pair = np.array([PROVIDER[p[0]] for p in place])
    provider = pd.Series(np.where(rng.random(n) < 0.7, provider_pair[:, 0], provider_pair[:, 1]),
                         index=rows.index)
    same_placement = rows["RNE"].eq("L").to_numpy()      # only the legal status changed
    provider[same_placement] = None
    rows["PLACE_PROVIDER"] = provider.ffill().where(~rows["PLACE"].str.startswith("Z"))
    moved_next = rows["RNE"].shift(-1).isin(["P", "B", "T", "U"]) & ~rows["is_last"]
    rows["REASON_PLACE_CHANGE"] = np.where(moved_next, weighted_choice(rng, PLACE_CHANGE_REASONS, n),
                                           None)


def _reasons_ceased(rows: pd.DataFrame, periods: pd.DataFrame, births, rng) -> None:
    """Why each period ended, consistent with the child's age and last placement; an adoption
    ends in a placement for adoption under a placement order."""
    n = len(rows)
    age_at_end = (rows["DEC"].to_numpy() - births).astype("timedelta64[D]").astype(float) / 365.25
    aged_out = periods["aged_out"].to_numpy()[rows["period"]]
    reason = np.select(
        [aged_out, age_at_end < 5, age_at_end < 12],
        [weighted_choice(rng, CEASE_AT_18, n), weighted_choice(rng, CEASE_UNDER5, n),
         weighted_choice(rng, CEASE_5TO11, n)],
        weighted_choice(rng, CEASE_12PLUS, n))
    reason = np.where(np.isin(reason, ["E5", "E6"]) & (age_at_end < 14), "E4A", reason)
    fostered = rows["PLACE"].str.startswith("U").to_numpy()
    reason = np.where(np.isin(reason, ["E45", "E46"]) & ~fostered, "E48", reason)
    rows["REC"] = np.where(rows["DEC"].isna(), None, np.where(rows["is_last"], reason, "X1"))
    adopted = rows["REC"].isin(["E11", "E12"])
    rows.loc[adopted, ["LS", "PLACE", "PLACE_PROVIDER"]] = ["E1", "A6", "PR1"]
    rows.loc[adopted & (rows["RNE"] != "S"), "RNE"] = "B"
    before_adoption = adopted.shift(-1, fill_value=False) & ~rows["is_last"]
    rows.loc[before_adoption, "REASON_PLACE_CHANGE"] = "CARPL"


def _short_break_episodes(world: DemoCouncil) -> pd.DataFrame:
    """Short breaks (V3): no placement location is recorded for them."""
    stays = world.short_breaks
    return pd.DataFrame({
        "CHILD": stays["child"], "DECOM": stays["start"], "DEC": stays["end"], "RNE": "S",
        "LS": "V3", "CIN": "N2", "PLACE": "K2", "PLACE_PROVIDER": "PR1", "REC": "E13",
        "REASON_PLACE_CHANGE": None,
    })
