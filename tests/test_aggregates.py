"""Figures counted at load time and kept in the store equal the same figures counted from the
records, for every measure, grid, breakdown and kept function, every month end and every area."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from conftest import BURNLEY, known_answer_rows
from extract_files import write_extracts
from fsdash import metrics, store
from fsdash.config import load_council
from fsdash.ingest import load_folder
from fsdash.metrics import aggregate, kept
from fsdash.metrics.front_door import assessments_on_time

COUNT_DATE = dt.date(2020, 3, 31)     # the hand-built council's count date


@pytest.fixture(scope="module")
def demo(demo_con):
    return demo_con


def test_every_kept_result_equals_counting_from_the_records(demo):
    months = aggregate.month_ends(demo)
    assert len(months) > 100
    todo = aggregate.aggregates(demo, load_council())
    areas = {a.key for a in todo if a.name == "measure_cla"}
    assert len(areas) == len(load_council().areas())      # the whole council and every area
    assert {a.name for a in todo} >= {f"measure_{name}" for name in metrics.MEASURES} | {
        "cohort_adults", "cohort_children", "cohort_plans"}
    for each in todo:
        found = each.read(demo, months)
        assert found is not None, (each.name, each.key)
        pd.testing.assert_frame_equal(_in_order(found), _in_order(each.count(demo, months)),
                                      obj=f"{each.name} {each.key}")


def _in_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in one order (grids come in the order the database found them)."""
    return frame.sort_values(list(frame.columns), kind="stable").reset_index(drop=True)


@pytest.mark.parametrize("districts", [(), (BURNLEY,), load_council().areas()["NORTH"]])
def test_pages_read_kept_figures_for_any_run_of_month_ends(demo, districts):
    latest = metrics.latest_month_end(demo)
    for dates in (metrics.month_ends(latest, 25), [metrics.year_before(latest), latest]):
        for name in metrics.MEASURES:
            assert kept.read(demo, f"measure_{name}", kept.key_of(districts, metrics.ALL_AGES),
                             dates) is not None
            pd.testing.assert_frame_equal(
                metrics.series(demo, name, dates, districts),
                metrics.counted_series(demo, name, dates, districts), obj=name)
        pd.testing.assert_frame_equal(
            assessments_on_time(demo, dates, districts),
            assessments_on_time.counted(demo, dates, districts))


def test_a_date_that_is_not_kept_is_counted_from_the_records(demo):
    latest = metrics.latest_month_end(demo)
    mid_month = latest - dt.timedelta(days=10)
    assert kept.read(demo, "measure_cla", kept.key_of((), metrics.ALL_AGES), [mid_month]) is None
    assert kept.read(demo, "measure_cla", kept.key_of(("E07000000",), metrics.ALL_AGES),
                     [latest]) is None
    pd.testing.assert_frame_equal(metrics.series(demo, "cla", [mid_month, latest]),
                                  metrics.counted_series(demo, "cla", [mid_month, latest]))


def test_each_load_counts_its_figures_anew(tmp_path):
    db = tmp_path / "store.duckdb"
    rows = known_answer_rows()
    load_folder(write_extracts(tmp_path / "first", rows), db)
    rows["episodes.csv"] = [e for e in rows["episodes.csv"] if e["CHILD"] != "C5"]
    load_folder(write_extracts(tmp_path / "second", rows), db)
    con = store.connect_readonly(db)
    key = kept.key_of((), metrics.ALL_AGES)
    kept_now = kept.read(con, "measure_cla", key, [COUNT_DATE])
    assert kept_now["value"].iloc[0] == 3    # C1, C4 and C6 (C5's episode went; C2 left)
    pd.testing.assert_frame_equal(kept_now, metrics.counted_series(con, "cla", [COUNT_DATE]))
