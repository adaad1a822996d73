"""Figures counted at load time and kept in the store equal the same figures counted from the
records, for every measure, grid, breakdown and kept function, every month end and every area."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from conftest import BURNLEY, known_answer_rows
from extract_files import write_extracts
from fsdash import metrics, store
from fsdash.config import load_council
from fsdash.ingest import load_folder
from fsdash.metrics import aggregate, kept, outcomes
from fsdash.metrics.front_door import ASSESSMENTS, assessments_on_time, working_days_after

COUNT_DATE = dt.date(2020, 3, 31)     # the hand-built council's count date


@pytest.fixture(scope="module")
def demo(demo_con):
    return demo_con


def test_every_kept_result_equals_counting_from_the_records(demo):
    months = aggregate.month_ends(demo)
    assert len(months) > 100
    todo = aggregate.aggregates(demo, load_council())
    areas = {a.key for a in todo if a.name == "measure_caseload"}
    assert len(areas) == len(load_council().areas())      # the whole council and every area
    assert {a.name for a in todo} >= {
        m.cells.kept_name if m.cells else f"measure_{m.name}" for m in metrics.MEASURES.values()
    } | {"cohort_adults", "cohort_children", "cohort_plans"}
    assert not any(a.name == f"measure_{m.name}" for a in todo for m in metrics.MEASURES.values()
                   if m.cells)        # a measure that adds up from cells is kept only as cells
    for each in todo:
        found = each.read(demo, months)
        assert found is not None, (each.name, each.key)
        pd.testing.assert_frame_equal(_in_order(found), _in_order(each.count(demo, months)),
                                      obj=f"{each.name} {each.key}")


def _in_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in one order (grids come in the order the database found them)."""
    return frame.sort_values(list(frame.columns), kind="stable").reset_index(drop=True)


def _is_kept(con, measure: metrics.Measure, dates, districts) -> bool:
    if measure.cells:
        return kept.holds(con, measure.cells.kept_name, kept.WHOLE_RANGE, dates)
    return kept.holds(con, f"measure_{measure.name}", kept.key_of(districts, metrics.ALL_AGES),
                      dates)


@pytest.mark.parametrize("districts", [(), (BURNLEY,), load_council().areas()["NORTH"]])
def test_pages_read_kept_figures_for_any_run_of_month_ends(demo, districts):
    latest = metrics.latest_month_end(demo)
    for dates in (metrics.month_ends(latest, 25), [metrics.year_before(latest), latest]):
        for name, measure in metrics.MEASURES.items():
            assert _is_kept(demo, measure, dates, districts), name
            pd.testing.assert_frame_equal(
                metrics.series(demo, name, dates, districts),
                metrics.counted_series(demo, name, dates, districts), obj=name)



@pytest.mark.parametrize("districts", [(), (BURNLEY,), load_council().areas()["NORTH"]])
def test_on_time_shares_added_up_from_districts_equal_counting_the_areas_events(demo,
                                                                                 districts):
    latest = metrics.latest_month_end(demo)
    dates = metrics.month_ends(latest, 25)
    shown = assessments_on_time(demo, dates, districts).set_index("as_at")
    events = demo.execute(f"SELECT * FROM ({ASSESSMENTS}) WHERE len($d::VARCHAR[]) = 0 "
                          "OR list_contains($d::VARCHAR[], district_code)",
                          {"d": list(districts)}).df()
    events["in_time"] = working_days_after(events["start_date"], events["end_date"]) <= 45
    for day in dates:
        window = events[events["end_date"].between(
            pd.Timestamp(metrics.year_before(day)) + pd.Timedelta(days=1), pd.Timestamp(day))]
        row = shown.loc[pd.Timestamp(day)]
        assert row["assessments"] == len(window) > 0
        assert row["value"] == np.round(100 * window["in_time"].sum() / len(window), 1)


@pytest.mark.parametrize("ages", list(metrics.AGE_RANGES.values()))
def test_every_age_choice_added_up_from_cells_equals_counting_it(demo, ages):
    months = aggregate.month_ends(demo)
    for name, measure in metrics.MEASURES.items():
        if measure.cells and "$min_age" in measure.sql:
            for districts in ((), load_council().areas()["EAST"]):
                pd.testing.assert_frame_equal(
                    metrics.series(demo, name, months, districts, ages),
                    metrics.counted_series(demo, name, months, districts, ages),
                    obj=f"{name} {ages}")


def test_an_age_range_not_made_of_age_groups_is_counted_from_the_records(demo):
    latest = metrics.latest_month_end(demo)
    ages = (3, 7)      # no union of the age groups
    assert metrics.age_groups(ages) is None
    pd.testing.assert_frame_equal(metrics.series(demo, "cla_rate", [latest], (), ages),
                                  metrics.counted_series(demo, "cla_rate", [latest], (), ages))
    assert metrics.series(demo, "cla", [latest], (), ages)["value"].iloc[0] < metrics.value(
        demo, "cla", latest, (), (0, 9))


def test_the_outcomes_page_reads_each_cohort_as_a_load_kept_it(demo):
    council = load_council()
    _, data_end = outcomes.data_span(demo)
    for name, (start, end) in outcomes.cohort_spans(council, data_end).items():
        params = outcomes.cohort_params(demo, council, name, start, end)
        assert kept.holds(demo, name, outcomes.cohort_key(params), None), name
    assert [a.name for a in aggregate.cohorts(demo, council)] == [
        "cohort_adults", "cohort_children", "cohort_plans"]      # nothing the page never reads


def test_a_date_that_is_not_kept_is_counted_from_the_records(demo):
    latest = metrics.latest_month_end(demo)
    mid_month = latest - dt.timedelta(days=10)
    assert not kept.holds(demo, "grid_cla", kept.WHOLE_RANGE, [mid_month])
    assert kept.holds(demo, "grid_cla", kept.WHOLE_RANGE, [latest])
    pd.testing.assert_frame_equal(metrics.series(demo, "cla", [mid_month, latest]),
                                  metrics.counted_series(demo, "cla", [mid_month, latest]))


def test_each_load_counts_its_figures_anew(tmp_path):
    db = tmp_path / "store.duckdb"
    rows = known_answer_rows()
    load_folder(write_extracts(tmp_path / "first", rows), db)
    rows["episodes.csv"] = [e for e in rows["episodes.csv"] if e["CHILD"] != "C5"]
    load_folder(write_extracts(tmp_path / "second", rows), db)
    con = store.connect_readonly(db)
    assert kept.holds(con, "grid_cla", kept.WHOLE_RANGE, [COUNT_DATE])
    kept_now = metrics.series(con, "cla", [COUNT_DATE])
    assert kept_now["value"].iloc[0] == 3    # C1, C4 and C6 (C5's episode went; C2 left)
    pd.testing.assert_frame_equal(kept_now, metrics.counted_series(con, "cla", [COUNT_DATE]))
