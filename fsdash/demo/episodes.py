"""Turn simulated periods of care into SSDA903 episodes (one row per legal status and placement),
with the postcodes and Ofsted numbers a council's return carries."""

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
ADOPTION = ("E11", "E12")
MIN_DAYS_BEFORE_ADOPTION = 365          # an adoption follows at least a year in care
PLACEMENT_ORDER_DAYS = (300, 600)       # the placement order is made this long before adoption
PLACED_FOR_ADOPTION_DAYS = (90, 240)    # and the child moves to the adopters this long before
# Placement codes retired by the DfE: semi-independent living (H5) became registered supported
# accommodation (K3) from 2024-25, and "other placement" (Z1) was split into Z11-Z14 from 2025-26.
# An episode still open on the day of the change carries the new code.
RETIRED_PLACES = {"H5": ("2024-04-01", {"K3": 1.0}),
                  "Z1": ("2025-04-01", {"Z11": 0.4, "Z12": 0.2, "Z13": 0.2, "Z14": 0.2})}
NO_URN = ("P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z1", "Z11", "Z12", "Z13",
          "Z14")          # placements with no Ofsted registration (DfE rule 218)
FOSTER_OR_ADOPTION_URN = "XXXXXXX"   # the DfE's code for foster and adoption placements (rule 242)


def episodes(world: DemoCouncil) -> pd.DataFrame:
    """Episodes for every period of care and every short break, in DfE SSDA903 columns."""
    rng = world.rng
    periods = world.periods.reset_index(drop=True)
    recorded_end = periods["end"].where(periods["end"] <= world.end_day)
    last_day = recorded_end.fillna(world.end_day)
    length = (last_day - periods["start"]).dt.days.to_numpy()
    planned = (periods["end"] - periods["start"]).dt.days.to_numpy()
    last_start = periods.groupby("child")["start"].transform("max")
    adopting = (periods["adoption"].to_numpy() & (planned >= MIN_DAYS_BEFORE_ADOPTION)
                & (periods["start"] == last_start).to_numpy())
    reason = _period_reasons(world, periods, recorded_end, adopting, rng)
    rows = _episode_starts(periods, length, adopting, world.end_day, rng)
    rows["is_last"] = rows["period"].ne(rows["period"].shift(-1))
    rows["DEC"] = rows.groupby("period")["DECOM"].shift(-1)
    rows.loc[rows["is_last"], "DEC"] = recorded_end.to_numpy()[rows.loc[rows["is_last"], "period"]]
    rows["CHILD"] = periods["child"].to_numpy()[rows["period"]]
    births = world.child_birth[rows["CHILD"].to_numpy()]
    rows["age"] = (rows["DECOM"].to_numpy() - births).astype("timedelta64[D]").astype(int) / 365.25
    _legal_status_and_placement(rows, rng)
    rows["REC"] = np.where(rows["DEC"].isna(), None,
                           np.where(rows["is_last"], reason[rows["period"]], "X1"))
    fostered = rows["PLACE"].str.startswith("U")
    rows.loc[rows["REC"].isin(["E45", "E46"]) & ~fostered, "REC"] = "E48"
    rows["CIN"] = weighted_choice(rng, NEEDS_IN_CARE, len(periods))[rows["period"]]
    every = pd.concat([rows, _short_break_episodes(world)], ignore_index=True)
    placement = (~every["RNE"].eq("L")).cumsum()   # a legal change only (RNE L) keeps the placement
    _retire_codes(every, placement, rng)
    _locations(every, placement, world, rng)
    return every


def _period_reasons(world: DemoCouncil, periods: pd.DataFrame, recorded_end: pd.Series,
                    adopting: np.ndarray, rng) -> np.ndarray:
    """Why each period of care ended (None while it goes on), consistent with the child's age;
    ``adopting`` marks those ending in adoption."""
    n = len(periods)
    births = world.child_birth[periods["child"].to_numpy()]
    age_at_end = (recorded_end.to_numpy() - births).astype("timedelta64[D]").astype(float) / 365.25
    reason = np.select(
        [periods["aged_out"].to_numpy(), age_at_end < 5, age_at_end < 12],
        [weighted_choice(rng, CEASE_AT_18, n), weighted_choice(rng, CEASE_UNDER5, n),
         weighted_choice(rng, CEASE_5TO11, n)],
        weighted_choice(rng, CEASE_12PLUS, n))
    reason = np.where(np.isin(reason, ["E5", "E6"]) & (age_at_end < 14), "E4A", reason)
    reason = np.where(adopting, np.where(rng.random(n) < 0.85, "E11", "E12"), reason)
    return np.where(recorded_end.isna(), None, reason).astype(object)


def _episode_starts(periods: pd.DataFrame, length: np.ndarray, adopted: np.ndarray,
                    end_day: np.datetime64, rng) -> pd.DataFrame:
    """The start of each episode up to ``end_day``: the period's start and random changes of
    placement or legal status; a period planned to end in adoption has, instead of changes in its
    last months, a placement order (``stage`` 'order') and then a placement with the adopters
    (``stage`` 'placed'). ``adopted`` marks periods planned to end in adoption at least a year
    after entry, each a child's last period of care (no care after adoption: DfE rule 199)."""
    changes = np.minimum(rng.poisson(0.8 * length / 365.25), 5) * (length > 30)
    index = np.repeat(np.arange(len(periods)), changes + 1)
    first = np.r_[True, index[1:] != index[:-1]]
    fraction = np.where(first, 0.0, rng.random(len(index)))
    start = periods["start"].to_numpy()
    rows = pd.DataFrame({"period": index,
                         "DECOM": start[index] + (fraction * length[index]).astype("timedelta64[D]"),
                         "stage": ""})
    n = len(periods)
    end = periods["end"].to_numpy()
    order_day = np.maximum(end - rng.integers(*PLACEMENT_ORDER_DAYS, n).astype("timedelta64[D]"),
                           start + np.timedelta64(30, "D"))
    placed_day = end - rng.integers(*PLACED_FOR_ADOPTION_DAYS, n).astype("timedelta64[D]")
    late = adopted[rows["period"]] & (rows["DECOM"].to_numpy() >= order_day[rows["period"]])
    adoptions = np.flatnonzero(adopted)
    staged = pd.DataFrame({"period": np.r_[adoptions, adoptions],
                           "DECOM": np.r_[order_day[adoptions], placed_day[adoptions]],
                           "stage": ["order"] * len(adoptions) + ["placed"] * len(adoptions)})
    staged = staged[staged["DECOM"] <= end_day]
    rows = pd.concat([rows[~late], staged], ignore_index=True)
    return (rows.sort_values(["period", "DECOM"], kind="stable")
            .drop_duplicates(["period", "DECOM"], keep="last").reset_index(drop=True))


def _legal_status_and_placement(rows: pd.DataFrame, rng) -> None:
    """Legal status and placement episode by episode, keeping to the SSDA903 rules: a new
    episode changes what its reason says it changes; police protection lasts at most 72 hours
    and an emergency protection order 21 days; youth justice statuses only from age 10; no
    placement with parents under section 20; adoption under a placement order, placed with
    the adopters."""
    n = len(rows)
    first = rows["period"].ne(rows["period"].shift()).to_numpy()
    stage = rows["stage"].to_numpy()
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
        elif stage[i] == "order":
            fostered = place[-1].startswith("U")
            rne.append("L" if fostered else "B")
            ls.append("E1")
            place.append(place[-1] if fostered else "U6")
        elif stage[i] == "placed":
            rne.append("P")
            ls.append("E1")
            place.append("A6")
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
            if rne[-1] == "L":
                rne[-1] = "B"                        # the placement changes too
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
    rows.loc[moved_next & rows["stage"].shift(-1).eq("placed"), "REASON_PLACE_CHANGE"] = "CARPL"


def _retire_codes(rows: pd.DataFrame, placement: pd.Series, rng) -> None:
    """Recode placements the DfE retired, for placements open on or after the change."""
    ended = rows["DEC"].fillna(pd.Timestamp.max).groupby(placement).transform("max")
    for old, (since, new) in RETIRED_PLACES.items():
        affected = rows["PLACE"].eq(old) & (ended >= pd.Timestamp(since))
        drawn = pd.Series(weighted_choice(rng, new, len(rows)), index=rows.index)
        rows.loc[affected, "PLACE"] = drawn.groupby(placement).transform("first")[affected]
    other = rows["PLACE"].str.startswith("Z")
    rows.loc[other, "PLACE_PROVIDER"] = None
    rows.loc[rows["PLACE"].eq("K3") & rows["PLACE_PROVIDER"].isna(), "PLACE_PROVIDER"] = "PR4"


def _locations(rows: pd.DataFrame, placement: pd.Series, world: DemoCouncil, rng) -> None:
    """HOME_POST, PL_POST and URN: the district councils' office postcodes (never a home) and
    synthetic Ofsted numbers for registered settings. A placement away from home is given
    another district's office; short breaks record no location (DfE rules 214, 392d)."""
    postcodes = world.cal["postcodes"]
    district_postcode = np.array([postcodes[code] for code in world.district_codes])
    home_district = world.child_district[rows["CHILD"].to_numpy()]
    n, districts = len(rows), len(district_postcode)
    other_district = (home_district + rng.integers(1, districts, n)) % districts
    settings = np.array([f"SC9{i:05d}" for i in rng.choice(100000, 60, replace=False)])
    place = rows["PLACE"]
    located = pd.DataFrame({
        "HOME_POST": district_postcode[home_district],
        "PL_POST": np.where(place.eq("P1"), district_postcode[home_district],
                            district_postcode[other_district]),
        "URN": np.where(place.isin(NO_URN), None,
                        np.where(place.str[0].isin(["U", "A"]), FOSTER_OR_ADOPTION_URN,
                                 settings[rng.integers(0, len(settings), n)]))}, index=rows.index)
    for column in ("PL_POST", "URN"):
        located[column] = located[column].groupby(placement).transform("first")
    # A move to a placement like the last (same type, provider, setting and district) is given
    # the next district's office, so the move shows in the return (DfE rule 435).
    before = located.shift()
    alike = (rows["CHILD"].eq(rows["CHILD"].shift()) & rows["RNE"].isin(["P", "T"])
             & ~place.eq("P1") & place.eq(place.shift())
             & rows["PLACE_PROVIDER"].eq(rows["PLACE_PROVIDER"].shift())
             & located["PL_POST"].eq(before["PL_POST"]) & located["URN"].eq(before["URN"]))
    if alike.any():
        moved = (other_district + 1) % districts
        moved = np.where(moved == home_district, (moved + 1) % districts, moved)
        located.loc[alike, "PL_POST"] = district_postcode[moved][alike.to_numpy()]
        located["PL_POST"] = located["PL_POST"].groupby(placement).transform("first")
    short_break = rows["LS"].isin(["V3", "V4"])
    located.loc[short_break, ["HOME_POST", "PL_POST", "URN"]] = None
    rows[list(located)] = located


def _short_break_episodes(world: DemoCouncil) -> pd.DataFrame:
    """Short breaks (V3) in a residential care home (registered with the CQC, so no Ofsted
    number and, for short breaks, no location: DfE rules 214 and 218)."""
    stays = world.short_breaks
    return pd.DataFrame({
        "CHILD": stays["child"], "DECOM": stays["start"], "DEC": stays["end"], "RNE": "S",
        "LS": "V3", "CIN": "N2", "PLACE": "R1", "PLACE_PROVIDER": "PR1", "REC": "E13",
        "REASON_PLACE_CHANGE": None,
    })
