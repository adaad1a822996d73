"""Each measure against the hand-built council in conftest.py, answers worked out by hand."""

import datetime as dt

import pandas as pd
import pytest

from conftest import BURNLEY, LANCASTER
from fsdash import metrics, store
from fsdash.formatting import round_half_up

COUNT_DATE = dt.date(2020, 3, 31)


@pytest.fixture()
def con(known):
    return known


def test_children_looked_after_follow_the_dfe_counting_rules(con):
    # C1 open; C2 ceased on the count date (out); C3 on a short break (V3, out);
    # C4 counted once across three episodes; C5 open; C6 started on the count date (in).
    assert metrics.value(con, "cla", COUNT_DATE) == 4
    # The day before: C2 still in, C6 not yet started.
    assert metrics.value(con, "cla", dt.date(2020, 3, 30)) == 4
    assert metrics.value(con, "cla", dt.date(2019, 3, 31)) == 4   # C1, C2, C5, C7


def test_a_child_turning_12_leaves_the_under_12_count_in_their_birthday_month(con):
    # C5 was born in March 2008: 11 at the end of February 2020, 12 in March 2020.
    assert metrics.value(con, "cla_under12", dt.date(2020, 2, 29)) == 3   # C1, C4, C5
    assert metrics.value(con, "cla_under12", COUNT_DATE) == 3             # C1, C4, C6


def test_rate_uses_the_latest_mid_year_population_for_the_area(con):
    # 31 March 2020 uses mid-2019: 2 districts x 18 ages x 100 = 3,600.
    assert metrics.value(con, "cla_rate", COUNT_DATE) == pytest.approx(round(4 / 3600 * 1e4, 1))
    # 31 July 2020 uses mid-2020 (200 a year of age); C2 gone, C6 in.
    assert metrics.value(con, "cla_rate", dt.date(2020, 7, 31)) == pytest.approx(
        round(4 / 7200 * 1e4, 1))
    assert metrics.value(con, "cla", COUNT_DATE, [BURNLEY]) == 1
    assert metrics.value(con, "cla", COUNT_DATE, [LANCASTER]) == 3


def test_starts_and_ceases_in_the_year_exclude_short_breaks(con):
    assert metrics.value(con, "cla_starts", COUNT_DATE) == 2   # C4 (June 2019), C6 (count date)
    assert metrics.value(con, "cla_ceases", COUNT_DATE) == 2   # C2 (count date), C7 (May 2019)


def test_rereferrals_are_within_12_months_of_the_previous_referral(con):
    # In the year: R1 June 2019 (5 months after Jan) and March 2020 (9 months after June),
    # R2 May 2019 (first), R3 April 2019 (15 months after Jan 2018).
    assert metrics.value(con, "referrals", COUNT_DATE) == 4
    assert metrics.value(con, "rereferral_pct", COUNT_DATE) == 50.0


def test_child_protection_plans_open_on_the_date(con):
    assert metrics.value(con, "cp_plans", COUNT_DATE) == 1   # P1; P2 ended that day; P3 later


def test_caseload_counts_children_held_by_case_holding_workers_in_post(con):
    row = metrics.series(con, "caseload", [COUNT_DATE]).iloc[0]
    # W1 holds C1 and C4, W2 holds C1 again: 2 children over 1.5 FTE; W3 is a manager and
    # W4 had left.
    assert (row["children"], row["fte"]) == (2, 1.5)
    assert row["value"] == pytest.approx(1.3)


def test_adult_outcomes_compare_the_year_before_and_after_the_work_began(con):
    police = metrics.series(con, "police_change", [COUNT_DATE]).iloc[0]
    # Before 1 Sept 2018: 3 contacts in the year (Jan 2017 is outside it); after: 1 within the
    # year (Sept 2019 is a day too late). Two adults.
    assert police["adults"] == 2
    assert (police["before_per_100"], police["after_per_100"]) == (150.0, 50.0)
    assert police["value"] == pytest.approx(-66.7)
    admissions = metrics.series(con, "emergency_admission_change", [COUNT_DATE]).iloc[0]
    assert admissions["value"] != admissions["value"]   # no admissions before: no change to show
    # A year later the family's work began more than two years before: no cohort.
    assert metrics.series(con, "police_change", [dt.date(2021, 3, 31)]).iloc[0]["adults"] == 0


def test_under12_target_path_falls_ten_percent_a_year_from_the_baseline(con):
    target = metrics.target_at(con, "cla_under12", dt.date(2022, 1, 4))
    assert (target.baseline_date, target.annual_change, target.years) == (
        dt.date(2021, 1, 4), -0.10, 3)
    path = metrics.target_path(con, target, [dt.date(2021, 1, 4), dt.date(2022, 1, 4),
                                             dt.date(2024, 1, 4), dt.date(2024, 2, 29)])
    baseline = path.attrs["baseline"]
    assert path["target"].iloc[0] == baseline
    assert path["target"].iloc[1] == round_half_up(baseline * 0.9)
    assert path["target"].iloc[2] == path.attrs["at_end"] == round_half_up(baseline * 0.9 ** 3)
    assert pd.isna(path["target"].iloc[3])           # no flat line after the target period


def test_the_target_in_force_then_the_latest_ended_then_the_first_to_come(known_store):
    con = store.connect(known_store)
    con.execute("INSERT INTO target VALUES ('cla_under12', DATE '2024-04-01', -0.05, 2, "
                "'Refreshed', 'test')")
    try:
        assert metrics.target_at(con, "cla_under12", dt.date(2020, 1, 1)).label != "Refreshed"
        assert metrics.target_at(con, "cla_under12", dt.date(2024, 2, 1)).years == 3  # ended
        assert metrics.target_at(con, "cla_under12", dt.date(2025, 1, 1)).label == "Refreshed"
        assert metrics.target_at(con, "cla_under12", dt.date(2027, 1, 1)).label == "Refreshed"
    finally:
        con.close()


def test_every_measure_has_a_definition_and_runs_on_an_empty_area(con):
    for name, measure in metrics.MEASURES.items():
        assert len(measure.definition) > 40, name
        frame = metrics.series(con, name, [COUNT_DATE], ["E07000124"])
        assert list(frame["as_at"].dt.date) == [COUNT_DATE], name
