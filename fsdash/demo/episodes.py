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
    n = len(rows)
    first = rows["period"].ne(rows["period"].shift()).to_numpy()
    rne = np.where(first, "S", weighted_choice(rng, CHANGE_KINDS, n))
    first_ls = weighted_choice(rng, FIRST_LS, n)
    places = np.where(rows["age"] < 12, weighted_choice(rng, PLACE_UNDER12, n),
                      weighted_choice(rng, PLACE_12PLUS, n))
    too_young = ((rows["age"] < 16) & (places == "H5")) | ((rows["age"] >= 5) & (places == "A6"))
    places = np.where(too_young, "U6", places)
    ls, place = [], []
    for i in range(n):
        if first[i]:
            ls.append(first_ls[i])
            place.append(places[i])
            continue
        ls.append(NEXT_LS[ls[-1]] if rne[i] in "LBU" else ls[-1])
        place.append(places[i] if rne[i] in "PTBU" else place[-1])
    rows["RNE"], rows["LS"], rows["PLACE"] = rne, ls, place
    provider_pair = np.array([PROVIDER[p[0]] for p in place])
    rows["PLACE_PROVIDER"] = np.where(rng.random(n) < 0.7, provider_pair[:, 0], provider_pair[:, 1])
    rows["REASON_PLACE_CHANGE"] = np.where(np.isin(rne, ["P", "B", "U"]),
                                           weighted_choice(rng, PLACE_CHANGE_REASONS, n), None)


def _reasons_ceased(rows: pd.DataFrame, periods: pd.DataFrame, births, rng) -> None:
    n = len(rows)
    age_at_end = (rows["DEC"].to_numpy() - births).astype("timedelta64[D]").astype(float) / 365.25
    aged_out = periods["aged_out"].to_numpy()[rows["period"]]
    reason = np.select(
        [aged_out, age_at_end < 5, age_at_end < 12],
        [weighted_choice(rng, CEASE_AT_18, n), weighted_choice(rng, CEASE_UNDER5, n),
         weighted_choice(rng, CEASE_5TO11, n)],
        weighted_choice(rng, CEASE_12PLUS, n))
    rows["REC"] = np.where(rows["DEC"].isna(), None, np.where(rows["is_last"], reason, "X1"))


def _short_break_episodes(world: DemoCouncil) -> pd.DataFrame:
    stays = world.short_breaks
    return pd.DataFrame({
        "CHILD": stays["child"], "DECOM": stays["start"], "DEC": stays["end"], "RNE": "S",
        "LS": "V3", "CIN": "N2", "PLACE": "K2", "PLACE_PROVIDER": "PR1", "REC": "E13",
        "REASON_PLACE_CHANGE": None,
    })
