"""The under-12s projection on series with known answers, and the XmR rules on a worked example."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from fsdash.projection import project
from fsdash.spc import xmr

BASELINE = 1000.0
START = dt.date(2021, 1, 31)
END = dt.date(2024, 1, 31)
TARGET = BASELINE * 0.9 ** 3


def _monthly(values, start=START):
    index = pd.date_range(start, periods=len(values), freq="ME").date
    return pd.Series(values, index=index)


def test_a_series_falling_ten_percent_a_year_is_projected_to_meet_the_target():
    months = np.arange(18)
    history = _monthly(BASELINE * 0.9 ** (months / 12))
    result = project(history, END, TARGET)
    assert result.central_at_end == pytest.approx(TARGET, rel=0.01)
    assert result.meets_target
    assert result.probability >= 0.5


def test_a_noisy_series_falling_ten_percent_a_year_is_about_on_target():
    months = np.arange(24)
    wobble = np.where(months % 2 == 0, 1.01, 0.99)
    result = project(_monthly(BASELINE * 0.9 ** (months / 12) * wobble), END, TARGET)
    assert result.central_at_end == pytest.approx(TARGET, rel=0.02)
    assert 0.2 < result.probability < 0.8
    low, high = result.path[["low95", "high95"]].iloc[-1]
    assert low < TARGET < high


def test_a_flat_series_is_not_projected_to_meet_the_target():
    wobble = np.where(np.arange(24) % 2 == 0, 1.01, 0.99)
    result = project(_monthly(BASELINE * wobble), END, TARGET)
    assert not result.meets_target
    assert result.probability < 0.01
    assert "very unlikely" in result.statement()


def test_a_steep_fall_is_very_likely_to_meet_it():
    months = np.arange(24)
    wobble = np.where(months % 2 == 0, 1.01, 0.99)
    result = project(_monthly(BASELINE * 0.8 ** (months / 12) * wobble), END, TARGET)
    assert result.meets_target and result.probability > 0.9
    assert "very likely" in result.statement()
    assert list(result.path["as_at"])[-1] == END


def test_too_little_history_is_refused():
    with pytest.raises(ValueError, match="at least 6"):
        project(_monthly([10, 9, 8]), END, TARGET)


# A worked example: 20 points alternating around 10 (moving range 2, limits 10 +/- 5.32),
# then a point far out, a shift and a trend. Signals worked out by hand.
STABLE = [9, 11] * 10


def test_stable_process_has_no_signals_and_the_textbook_limits():
    chart = xmr(STABLE)
    assert chart.mean == 10
    assert chart.upper == pytest.approx(10 + 2.66 * 2)
    assert chart.lower == pytest.approx(10 - 2.66 * 2)
    assert not any(chart.signals)
    assert chart.variation == "common"


def test_a_point_outside_the_limits():
    values = STABLE + [25]
    chart = xmr(values)
    # mean 10.714, mean moving range (19*2 + 14)/20 = 2.6, upper 17.63
    assert chart.upper == pytest.approx(np.mean(values) + 2.66 * 2.6)
    assert chart.signals[-1] == {"outside"}
    assert chart.variation == "concern"          # more starts is the wrong way


def test_a_shift_of_seven_points_below_the_mean():
    values = [10, 14] * 8 + [8] * 7     # mean 10.78: the alternation crosses it, the 8s do not
    chart = xmr(values, better="down")
    assert all("shift" in s for s in chart.signals[-7:])
    assert not any("shift" in s for s in chart.signals[:-7])
    assert chart.variation == "improvement"


def test_six_points_are_not_a_shift():
    values = [10, 14] * 8 + [9] * 6
    assert not any("shift" in s for s in xmr(values).signals)


def test_a_trend_of_seven_rising_points():
    values = [10, 12] * 8 + [9, 10, 11, 12, 13, 14, 15]
    chart = xmr(values, better="down")
    assert all("trend" in s for s in chart.signals[-7:])
    assert "trend" not in chart.signals[-8]
    assert chart.variation == "concern"


def test_two_out_of_three_near_a_limit():
    values = STABLE + [14.5, 10, 14.6]   # limits about 15.6; two-thirds of the way is 13.7
    chart = xmr(values, better="up")
    assert "two_of_three" in chart.signals[-1] and "two_of_three" in chart.signals[-3]
    assert "two_of_three" not in chart.signals[-2]
    assert chart.variation == "improvement"
