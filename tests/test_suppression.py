"""The one small-number rule, checked as properties over generated small councils: no shown
figure from 1 to the limit, and no hidden figure that sums and differences of the shown figures
give away (checked here by matrix rank, independently of the rule's own method)."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fsdash import metrics, store
from fsdash.access import Published
from fsdash.access.cohorts import hidden_in_breakdown
from fsdash.access.published import AGE_FAMILIES, CATEGORY_TOTALS, category_layout, count_layout
from fsdash.access.suppression import protect
from fsdash.config import NOT_KNOWN, Council, District, load_council
from fsdash.metrics.grids import grid

LIMIT = 5


def small_council(localities: list[int]) -> Council:
    """A council with the given number of districts in each locality."""
    districts = tuple(District(f"D{i}{j}", f"District {i}{j}", f"L{i}")
                      for i, count in enumerate(localities) for j in range(count))
    return Council(code="X", dfe_code="0", name="Test", short_name="Test",
                   localities={f"L{i}": f"Locality {i}" for i in range(len(localities))},
                   districts=districts, teams=(), phase_in=None, launch=None, targets=(),
                   caseload_amber=18, caseload_red=22, max_suppressed=LIMIT,
                   outcomes=None, unit_costs={}, path=None)


def given_away(matrix: np.ndarray, hidden: np.ndarray) -> list[int]:
    """Hidden figures whose row is in the span of the shown rows (by rank)."""
    shown = matrix[~hidden].astype(float)
    base = np.linalg.matrix_rank(shown) if len(shown) else 0
    return [i for i in np.flatnonzero(hidden)
            if np.linalg.matrix_rank(np.vstack([shown, matrix[i]])) == base]


councils = st.lists(st.integers(1, 4), min_size=1, max_size=3)
# Mostly small cells, some zero, some large: the mix that makes suppression work hard.
cell_values = st.one_of(st.integers(0, 0), st.integers(1, 5), st.integers(6, 40))


@settings(max_examples=60, deadline=None)
@given(councils, st.data())
def test_counts_by_area_and_age(localities, data):
    layout = count_layout(small_council(localities), with_ages=True)
    cells = np.array(data.draw(st.lists(cell_values, min_size=layout.matrix.shape[1],
                                        max_size=layout.matrix.shape[1])))
    values = layout.matrix @ cells
    hidden = protect(layout.matrix, values, LIMIT, layout.level)
    shown = values[~hidden]
    assert not ((shown >= 1) & (shown <= LIMIT)).any()
    assert given_away(layout.matrix, hidden) == []


@settings(max_examples=60, deadline=None)
@given(councils, st.integers(2, 5), st.data())
def test_breakdowns_with_totals_decided_elsewhere(localities, categories, data):
    layout = category_layout(small_council(localities), tuple(f"C{i}" for i in range(categories)))
    cells = np.array(data.draw(st.lists(cell_values, min_size=layout.matrix.shape[1],
                                        max_size=layout.matrix.shape[1])))
    values = layout.matrix @ cells
    is_total = np.array([c == "Total" for c in layout.figures.get_level_values("category")])
    totals_hidden = is_total & (values >= 1) & (values <= LIMIT)
    hidden = protect(layout.matrix, values, LIMIT, layout.level, forced_hidden=totals_hidden)
    shown = values[~hidden]
    assert not ((shown >= 1) & (shown <= LIMIT)).any()
    assert given_away(layout.matrix, hidden) == []


def test_a_second_small_cell_is_hidden_rather_than_the_total():
    # Three districts in one locality: 3, 40 and 50. The 3 is hidden; so must be one more
    # district (the smaller, 40), while the locality and council totals stay shown.
    layout = count_layout(small_council([3]), with_ages=False)
    values = layout.matrix @ np.array([3, 40, 50, 0])    # and no child of district not known
    hidden = protect(layout.matrix, values, LIMIT, layout.level)
    shown = dict(zip(layout.figures.get_level_values("area"), ~hidden))
    assert shown == {"all": True, "L0": True, "D00": False, "D01": False, "D02": True,
                     NOT_KNOWN: True}


def test_no_change_reads_as_no_change():
    from fsdash.formatting import change
    assert change(55, 55, "children") == "No change"
    assert change(55.2, 54.8, "children") == "No change"
    assert change(60, 55, "children") == "+5 (9% more)"
    assert change(54.6, 55, "children") == "No change"


@pytest.mark.parametrize("day", [dt.date(2019, 3, 31), dt.date(2023, 3, 31),
                                 dt.date(2026, 10, 31)])
def test_the_demo_councils_published_figures_give_nothing_away(demo_db, day):
    """Every family on real paths: the figures the app may show for every area and age choice,
    and the breakdowns with their totals, hide every small number and give none away."""
    con = store.connect_readonly(demo_db)
    council = load_council()
    published = Published(con.cursor, council)
    for family in ("cla", "starts", "ceases", "referrals", "cp_plans"):
        figures = published.counts(family, [day])
        layout = published.layouts[family in AGE_FAMILIES]
        hidden = figures["shown"].isna().to_numpy()
        values = figures["value"].to_numpy()
        assert not ((values[~hidden] >= 1) & (values[~hidden] <= LIMIT)).any(), family
        assert given_away(layout.matrix, hidden) == [], family
    for family in ("starts", "ceases"):
        monthly_hidden = ~published.monthly_shown(family).to_numpy()
        assert given_away(published.layouts[True].matrix, monthly_hidden) == [], family
    for name in CATEGORY_TOTALS:
        published.breakdown(name, day, "all")
        frame = published.kept[name, day]
        spec_categories = tuple(frame.index.get_level_values("category").unique().drop("Total"))
        layout = category_layout(council, spec_categories)
        assert given_away(layout.matrix, frame["shown"].isna().to_numpy()) == [], name
    con.close()


@settings(max_examples=60, deadline=None)
@given(st.lists(cell_values, min_size=8, max_size=8), st.booleans())
def test_overlapping_groups_of_families_with_their_total(cells, total_shown):
    # The Outcomes page's practitioner breakdown: cells are the 8 combinations of three kinds of
    # practitioner; each group (one kind, or none) is a sum of cells, and groups overlap.
    cells = pd.Series(cells, index=range(8))
    groups = {f"kind {i}": [c for c in range(8) if c >> i & 1] for i in range(3)}
    groups["none"] = [0]
    hidden = hidden_in_breakdown(cells, LIMIT, total_shown, groups)
    rows = np.array([[c in members for c in range(8)] for members in groups.values()], int)
    values = rows @ cells.to_numpy()
    assert not ((values[~hidden.to_numpy()] >= 1) & (values[~hidden.to_numpy()] <= LIMIT)).any()
    if total_shown:
        rows, hidden = np.vstack([rows, np.ones(8, int)]), np.r_[hidden.to_numpy(), False]
    assert given_away(rows, np.asarray(hidden)) == []


def test_stock_and_flow_give_no_hidden_figure_away(demo_db):
    """Children looked after now less a year (and a month) earlier is the starts less the ceases
    between, for every district over all ages. With those identities known, no hidden figure
    of the four (nor a small month of a hidden monthly series) can be worked out, on any of the
    latest 14 month ends (a rank check written apart from ``fsdash.access.linked``)."""
    con = store.connect_readonly(demo_db)
    published = Published(con.cursor, load_council())
    layout = published.layouts[True]
    districts, groups = layout.cells.levshape
    totals = np.kron(np.eye(districts), np.ones(groups))
    # Blocks: cla, starts, ceases, cla a year before, cla a month before, the month's starts
    # and ceases.
    year = np.hstack([c * totals for c in (1, -1, 1, -1, 0, 0, 0)])
    month = np.hstack([c * totals for c in (1, 0, 0, 0, -1, -1, 1)])
    matrix = np.kron(np.eye(7), layout.matrix)
    monthly_hidden = [~published.monthly_shown(f).to_numpy() for f in ("starts", "ceases")]
    for end in pd.date_range(end=pd.Timestamp(metrics.latest_month_end(con)), periods=14,
                             freq="ME"):
        day = end.date()
        before = (end - pd.offsets.MonthEnd(1)).date()
        hidden = [published.counts(f, [d])["shown"].isna().to_numpy()
                  for f, d in (("cla", day), ("starts", day), ("ceases", day),
                               ("cla", metrics.year_before(day)), ("cla", before))]
        in_month = [layout.matrix @ grid(con, f"{f}_in_month", [day])
                    .set_index(["district", "age_group"])["value"]
                    .reindex(layout.cells, fill_value=0).to_numpy()
                    for f in ("starts", "ceases")]
        hidden_all = np.concatenate([*hidden, *monthly_hidden])
        shown = np.vstack([matrix[~hidden_all], year, month]).astype(float)
        base = np.linalg.matrix_rank(shown)
        guarded = np.concatenate([*hidden, *[h & (v >= 1) & (v <= LIMIT)
                                             for h, v in zip(monthly_hidden, in_month,
                                                             strict=True)]])
        for row in np.flatnonzero(guarded):
            assert np.linalg.matrix_rank(np.vstack([shown, matrix[row]])) > base, (day, row)
    con.close()


def test_a_load_keeps_the_tied_decisions_and_the_app_reads_the_same(known):
    """The load decides children looked after, starts and ceases on every month end and keeps
    them; a reader takes those, the same as deciding afresh."""
    kept_first, afresh = (Published(known.cursor, load_council()) for _ in range(2))
    afresh.read_kept = True            # as a store loaded before decisions were kept
    months = metrics.reliable_month_ends(known)
    for family in ("cla", "starts", "ceases"):
        pd.testing.assert_frame_equal(kept_first.counts(family, months),
                                      afresh.counts(family, months))
    assert kept_first.decisions().shape == afresh.decisions().shape
    assert known.execute("SELECT count(*) FROM kept_result WHERE name = 'published_linked'"
                         ).fetchone()[0] == 1


def test_a_load_of_the_same_counts_reuses_the_decisions_and_other_counts_decide_again(
        tmp_path, monkeypatch):
    """Deciding the tied families is the slowest part of a load: a load whose counts, limit and
    areas are those the replaced store decided keeps its decisions; any other decides again."""
    from pathlib import Path

    from fsdash.ingest import load_folder
    returns = Path(__file__).parent / "fixtures" / "ssda903"
    db = tmp_path / "store.duckdb"

    def kept_rows():
        with store.connect_readonly(db) as con:
            return con.execute("SELECT * FROM kept_published_linked ORDER BY kept_position").df()

    load_folder(returns, db)
    first = kept_rows()

    def decided_again(*_):
        raise AssertionError("decided again")
    monkeypatch.setattr(Published, "_compute_linked", decided_again)
    load_folder(returns, db)
    pd.testing.assert_frame_equal(kept_rows(), first)
    with pytest.raises(AssertionError, match="decided again"):
        load_folder(returns / "2022-23", db, allow_shrink=True)
    pd.testing.assert_frame_equal(kept_rows(), first)     # a failed load changes nothing
