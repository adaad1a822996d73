"""Outcomes' start windows tried as a councillor with the cabinet role would: every breakdown's
groups (team, locality, relationship, practitioner) shown for every window offered, with the
model group's counts by area, give back no hidden count from 1 to 5 by sums and differences
(the window since the launch less the financial years making it up, say); and the children
counted for 12 months less those counted for 24 gives back no small number. Checked by matrix
rank over the demo's own cells, apart from the rule's working."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fsdash.access.published import districts_of
from fsdash.config import load_council
from fsdash.metrics import outcomes
from fsdash.metrics.outcomes import MODEL
from fsdash.views.outcomes.common import counts_hidden
from fsdash.views.outcomes.groups import PRACTITIONERS, RELATIONSHIPS, breakdowns

SMALL = range(1, 6)
SAMPLE = 0.02


def _given_away(shown: np.ndarray, hidden: np.ndarray) -> np.ndarray:
    """Which ``hidden`` rows are sums and differences of the ``shown`` rows (by rank)."""
    base = np.linalg.matrix_rank(shown) if len(shown) else 0
    return np.array([np.linalg.matrix_rank(np.vstack([shown, row])) == base if len(shown)
                     else not row.any() for row in hidden], bool)


def _segments(rows: pd.DataFrame, offered: dict) -> pd.Series:
    """Each row's stretch of start dates: the set of windows its start lies in, as bits."""
    return sum(rows["start_date"].between(pd.Timestamp(w.start), pd.Timestamp(w.end))
               .astype(int) * (1 << i) for i, w in enumerate(offered.values()))


@pytest.fixture(scope="module")
def adults(demo_con):
    council = load_council()
    _, data_end = outcomes.data_span(demo_con)
    offered = outcomes.windows(council, data_end)
    everyone = outcomes.cohort_adults(demo_con, council, council.phase_in, data_end)
    followed = everyone[everyone["followed_up"]]
    # One family in 50: the demo's whole groups are too big to have small numbers to hide.
    families = followed["family_id"].drop_duplicates().sample(frac=SAMPLE, random_state=1)
    followed = followed[followed["family_id"].isin(families)]
    limit = council.max_suppressed
    area_hidden = counts_hidden(council, followed, offered, limit)[MODEL]
    shown = {key: {block.title: block.table.set_index("Group")["Adults"]
                   for block in breakdowns(council, followed, offered, key, limit, area_hidden)}
             for key in offered}
    return council, offered, followed[followed["grp"] == MODEL], area_hidden, shown


def _membership(model: pd.DataFrame, council) -> dict[str, pd.DataFrame]:
    """For each breakdown, each adult's membership of its groups (a group per column)."""
    teams = {t.code: t.name for t in council.teams}
    localities = {d.code: council.localities[d.locality] for d in council.districts}
    flags = model[list(PRACTITIONERS)].fillna(False).astype(bool)
    practitioners = flags.set_axis(list(PRACTITIONERS.values()), axis=1)
    practitioners["None of these"] = ~flags.any(axis=1)
    return {
        "By team": pd.get_dummies(model["team_code"].map(teams).fillna("Not recorded")),
        "By locality": pd.get_dummies(model["district_code"].map(localities)),
        "By relationship to the children": pd.get_dummies(
            model["relationship"].map(RELATIONSHIPS).fillna("Not recorded")),
        "By the adult practitioners involved": practitioners,
    }


@pytest.mark.parametrize("title", ["By team", "By locality", "By relationship to the children",
                                   "By the adult practitioners involved"])
def test_no_hidden_breakdown_count_follows_from_other_windows(adults, title):
    council, offered, model, area_hidden, shown = adults
    member = _membership(model, council)[title].astype(bool)
    segment = _segments(model, offered)
    # The attacker's unknowns: adults by their groups, district and stretch of start dates.
    cell_of = pd.Series(list(zip(member.apply(tuple, axis=1), model["district_code"], segment)),
                        index=model.index)
    cells = cell_of.value_counts()
    groups, districts, stretches = (np.array([c[i] for c in cells.index], dtype=object)
                                    for i in range(3))
    rows, seen, values, names = [], [], [], []
    for i, key in enumerate(offered):
        inside = np.array([s >> i & 1 for s in stretches], bool)
        for g, name in enumerate(member.columns):
            row = inside & np.array([flags[g] for flags in groups])
            rows.append(row)
            table = shown[key][title]
            seen.append(name in table.index and table[name] != "c")
            names.append((key, name))
        for area in council.areas():
            rows.append(inside & np.isin(districts, districts_of(council, area)))
            seen.append(not area_hidden[area, key])
            names.append((key, area))
    matrix, seen = np.array(rows, float), np.array(seen)
    values = matrix @ cells.to_numpy(float)
    small = ~seen & np.isin(values, SMALL)
    assert small.any()      # the demo has hidden small numbers to protect
    given = _given_away(matrix[seen], matrix[small])
    assert not given.any(), [n for n, g in zip(np.array(names, dtype=object)[small], given) if g]
