"""Percentages beside their denominators, tried as a councillor with the cabinet role would: for
the demo store, every percentage the Front door and Outcomes pages (and the Overview, At a
glance, the board pack and ``fsdash summary``, which reuse them) show, in every area and for
every date or start window offered, with its denominator, gives back no count from 1 to 5 as
round(p * n / 100), nor as its complement n less that; and no hidden numerator follows from the
numerators shown in other areas (or, on Outcomes, other windows) by sums and differences."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fsdash import metrics
from fsdash.access import Figures, Published
from fsdash.access.published import districts_of
from fsdash.access.shares import VALUES, hidden_by_date, share_series
from fsdash.config import WHOLE_COUNCIL, load_council
from fsdash.export.content import cursors
from fsdash.metrics import outcomes
from fsdash.metrics.outcomes import COMPARISON, MODEL
from fsdash.views import front_door, overview
from fsdash.views.outcomes import outcomes_view
from fsdash.views.outcomes.children import CHILD_MEASURES, child_hidden, child_results

SMALL = range(1, 6)


@pytest.fixture(scope="module")
def cabinet(demo_con):
    council = load_council()
    return council, Figures(Published(cursors(demo_con), council), suppress=True)


def _recovered(p: float, n: float) -> tuple[int, int]:
    """What an attacker works out from a percentage and its denominator: the numerator and its
    complement."""
    numerator = round(p * n / 100)
    return numerator, round(n) - numerator


def _given_away(rows: np.ndarray, shown: np.ndarray, hidden: np.ndarray) -> np.ndarray:
    """Which ``hidden`` rows are sums and differences of the ``shown`` rows (by rank, apart from
    the rule's own working)."""
    base = np.linalg.matrix_rank(shown) if len(shown) else 0
    return np.array([np.linalg.matrix_rank(np.vstack([shown, row])) == base if len(shown)
                     else not row.any() for row in hidden], bool)


def _rows(keys: list, cells: list) -> np.ndarray:
    """Rows over ``cells`` for figures ``keys`` (each a set of cells)."""
    return np.array([[cell in key for cell in cells] for key in keys], float)


# ---- Front door: every percentage, area and month end ---------------------------------------

def test_no_front_door_percentage_gives_back_a_small_count(demo_con, cabinet):
    council, figures = cabinet
    dates = metrics.reliable_month_ends(demo_con)
    found = 0
    for name in VALUES:
        decided = hidden_by_date(demo_con, figures, council, name, dates)["share"]
        truth = _cells_by_date(demo_con, name, dates)
        for area, districts in council.areas().items():
            values = VALUES[name](demo_con, dates, districts if area != WHOLE_COUNCIL else ())
            for day, value in zip(pd.to_datetime(values["as_at"]), values["value"]):
                if decided[day, area] or pd.isna(value):
                    continue
                # The page shows no denominator here but referrals; assume the worst: known.
                found += 1
                n = sum(truth.get((day, d, p), 0) for d in districts_of(council, area)
                        for p in ("yes", "no"))
                recovered = _recovered(value, n)
                assert not set(recovered) & set(SMALL), (name, area, day, recovered)
    assert found > 1_000


@pytest.mark.parametrize("name", list(VALUES))
def test_no_hidden_front_door_numerator_follows_from_other_areas(demo_con, cabinet, name):
    """On every date, the numerators and complements shown (and the referrals counts shown
    beside re-referrals) give no hidden one of 1 to 5 by adding and subtracting areas."""
    council, figures = cabinet
    dates = metrics.reliable_month_ends(demo_con)
    decided = hidden_by_date(demo_con, figures, council, name, dates)
    cells = [(d, part) for d in districts_of(council, WHOLE_COUNCIL) for part in ("yes", "no")]
    truth = _cells_by_date(demo_con, name, dates)
    areas = list(council.areas())
    for day in dates:
        hidden = decided.xs(pd.Timestamp(day), level="as_at")
        keys, shown, values = [], [], []
        for area in areas:
            members = districts_of(council, area)
            for part, parts in (("yes", {"yes"}), ("no", {"no"}), ("counted", {"yes", "no"})):
                keys.append({(d, p) for d in members for p in parts})
                shown.append(not hidden.loc[area, "share" if part != "counted" else "counted"])
                values.append(sum(truth.get((pd.Timestamp(day), d, p), 0)
                                  for d in members for p in parts))
        rows = _rows(keys, cells)
        shown, values = np.array(shown), np.array(values)
        small = ~shown & np.isin(values, SMALL)
        given = _given_away(rows, rows[shown], rows[small])
        assert not given.any(), (name, day, [k for k, g in zip(np.flatnonzero(small), given)
                                             if g])


def _cells_by_date(con, name: str, dates) -> dict:
    from fsdash.access.shares import share_cells_on
    cells = share_cells_on(con, name, dates)
    found = {}
    for row in cells.itertuples():
        found[pd.Timestamp(row.as_at), row.district, "yes"] = row.yes
        found[pd.Timestamp(row.as_at), row.district, "no"] = row.counted - row.yes
    return found


def test_the_pages_and_the_headlines_show_the_same_percentages(demo_con, cabinet):
    council, figures = cabinet
    as_at = metrics.latest_month_end(demo_con)
    dates = metrics.month_ends(as_at, front_door.TREND_MONTHS)
    hidden = hidden_by_date(demo_con, figures, council, "conferences_in_15_days_pct",
                            dates)["share"].groupby(level="area").sum()
    assert hidden.max() > 0       # the demo has conferences' percentages to hide
    for area in ("all", hidden.idxmax()):
        view = front_door.front_door_view(demo_con, figures, council, as_at, area)
        for name, block in (("rereferral_pct", view.rereferrals),
                            ("conferences_in_15_days_pct", view.conferences)):
            expected = share_series(demo_con, figures, council, name, dates, area)["value"]
            shown = block.table[front_door.SHARE_BLOCKS[name].heading].to_numpy()
            assert np.array_equal(shown, expected.round(1).to_numpy()[-len(shown):],
                                  equal_nan=True), (name, area)
        # What the Overview's card, At a glance, the board pack and `summary` show.
        districts = council.areas()[area] if area != "all" else ()
        values, hidden_on = overview.protected_series(figures, demo_con, "rereferral_pct",
                                                      dates, area, districts, council)
        expected = share_series(demo_con, figures, council, "rereferral_pct", dates, area)
        assert np.array_equal(values.where(~hidden_on).to_numpy(),
                              expected["value"].to_numpy(), equal_nan=True)


# ---- Outcomes: every children's measure, group, area and start window -----------------------

@pytest.fixture(scope="module")
def cohorts(demo_con, cabinet):
    council, _ = cabinet
    _, data_end = outcomes.data_span(demo_con)
    offered = outcomes.windows(council, data_end)
    first = min(w.start for w in offered.values())
    children = outcomes.cohort_children(demo_con, council, first, data_end)
    plans = outcomes.cohort_plans(demo_con, council, first, data_end)
    hidden = child_hidden(council, children, plans, offered, council.max_suppressed)
    return offered, children, plans, hidden


def test_no_outcomes_percentage_gives_back_a_small_count(cabinet, cohorts):
    council, _ = cabinet
    offered, children, plans, hidden = cohorts
    shown_pairs = 0
    for key, window in offered.items():
        for area in council.areas():
            results = child_results(council, children, plans, hidden, key, window, area)
            for measure in CHILD_MEASURES:
                row = results.loc[measure]
                for group in (MODEL, COMPARISON):
                    p, n = row[group], row[f"{group}_n"]
                    if pd.isna(p) or pd.isna(n):
                        continue
                    shown_pairs += 1
                    recovered = _recovered(p, n)
                    assert not set(recovered) & set(SMALL), (measure, group, key, area, p, n)
                if pd.isna(row[MODEL]) or pd.isna(row[COMPARISON]):
                    assert row["difference"] is None    # no interval on a hidden percentage
    assert shown_pairs > 500


@pytest.mark.parametrize("measure", list(CHILD_MEASURES))
def test_no_hidden_outcomes_count_follows_from_other_areas_or_windows(cabinet, cohorts, measure):
    """The model group's numerators, complements and counts shown for every area and window
    give no hidden one from 1 to 5 by sums and differences: of areas, and of windows (the
    'since launch' window less the financial years, say)."""
    council, _ = cabinet
    offered, children, plans, hidden = cohorts
    column = "repeat_plan" if measure == "repeat_plans" else measure
    rows = plans.merge(children[["child_id", "district_code"]].drop_duplicates("child_id"),
                       on="child_id") if measure == "repeat_plans" else children
    rows = rows[rows[column].notna() & (rows["grp"] == MODEL)]
    inside = {k: rows["start_date"].between(pd.Timestamp(w.start), pd.Timestamp(w.end))
              for k, w in offered.items()}
    segment = sum(inside[k].astype(int) * (1 << i) for i, k in enumerate(offered))
    parts = np.where(rows[column].astype(bool), "yes", "no")
    cell_of = list(zip(rows["district_code"], segment, parts))
    cells = sorted(set(cell_of), key=str)
    counts = pd.Series(cell_of).value_counts()
    keys, shown, values = [], [], []
    for area, districts in council.areas().items():
        for i, key in enumerate(offered):
            decided = hidden.loc[(measure, MODEL, area, key)]
            for part, wanted in (("yes", {"yes"}), ("no", {"no"}), ("counted", {"yes", "no"})):
                members = {c for c in cells if c[0] in districts and c[1] >> i & 1
                           and c[2] in wanted}
                keys.append(members)
                shown.append(not decided["counted" if part == "counted" else "share"])
                values.append(sum(counts.get(c, 0) for c in members))
    matrix = _rows(keys, cells)
    shown, values = np.array(shown), np.array(values)
    small = ~shown & np.isin(values, SMALL)
    assert small.any()      # the demo has hidden small numbers to protect
    assert not _given_away(matrix, matrix[shown], matrix[small]).any()


def test_the_outcomes_page_shows_what_the_rule_decides(demo_con, cabinet, cohorts):
    council, _ = cabinet
    offered, children, plans, hidden = cohorts
    for key, area in (("all", "all"), ("2020-21", "E07000124")):
        view = outcomes_view(demo_con, council, True, key, area)
        results = child_results(council, children, plans, hidden, key, offered[key], area)
        shown = view.children.table.set_index("Measure").iloc[:len(CHILD_MEASURES), 0]
        expected = ["c" if pd.isna(v) else f"{v:.1f}" for v in results[MODEL].iloc[:4]]
        assert list(shown) == expected
