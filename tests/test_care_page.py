"""The Children in care page: its measures on the hand-built council, and the page itself for
every filter it offers, in AppTest and in the view behind it."""

import datetime as dt
import itertools
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT
from fsdash import metrics, store
from fsdash.access import Figures, Published
from fsdash.config import load_council
from fsdash.ui import area_options
from fsdash.views.care import AGE_BANDS, PERIODS, care_view, target_section

COUNT_DATE = dt.date(2020, 3, 31)


def _by_category(frame, as_at=COUNT_DATE):
    rows = frame[frame["as_at"].dt.date == as_at]
    return dict(zip(rows["category"], rows["value"]))


def test_breakdowns_of_the_hand_built_council(known):
    # Looked after on 31 March 2020: C1 (9, V2, U6), C4 (5, C2, U4), C5 (12, C2, U6),
    # C6 (1, L2, U6; Burnley).
    assert _by_category(metrics.breakdown(known, "cla_by_age_band", [COUNT_DATE])) == {
        "1 to 4": 1, "5 to 9": 2, "10 to 15": 1}
    assert _by_category(metrics.breakdown(known, "cla_by_legal_status", [COUNT_DATE])) == {
        "Care order": 2, "Accommodated (section 20)": 1, "Emergency and police protection": 1}
    assert _by_category(metrics.breakdown(known, "cla_by_placement", [COUNT_DATE])) == {
        "Other foster care": 4}
    assert _by_category(metrics.breakdown(known, "cla_by_district", [COUNT_DATE])) == {
        "Lancaster": 3, "Burnley": 1}
    # Ceased in the year: C2 and C7, both returned home (E4A).
    assert _by_category(metrics.breakdown(known, "ceases_by_reason", [COUNT_DATE])) == {
        "Returned home": 2}


def test_age_ranges_use_age_on_the_day(known):
    # C4 was born in February 2015: 4 on 1 June 2019 when she started, 5 on the count date.
    assert metrics.value(known, "cla", COUNT_DATE, ages=(5, 9)) == 2            # C1, C4
    assert metrics.value(known, "cla_starts", COUNT_DATE, ages=(1, 4)) == 2     # C4, C6
    # C5 turns 12 in March 2020: under 12 at the end of February, not at the end of March.
    assert metrics.value(known, "cla", dt.date(2020, 2, 29), ages=(0, 11)) == 3
    assert metrics.value(known, "cla", COUNT_DATE, ages=(0, 11)) == 3           # C1, C4, C6
    # Rate for under-12s uses the under-12 population only: 12 ages x 100 x 2 districts.
    assert metrics.value(known, "cla_rate", COUNT_DATE, ages=(0, 11)) == round(3 / 2400 * 1e4, 1)


def test_monthly_starts_and_ceases_count_the_calendar_month(known):
    march = metrics.series(known, "cla_starts_in_month", [COUNT_DATE, dt.date(2019, 6, 30)])
    assert list(march["value"]) == [1, 1]      # C6 on 31 March 2020; C4 on 1 June 2019
    ceases = metrics.series(known, "cla_ceases_in_month", [COUNT_DATE, dt.date(2019, 5, 31)])
    assert list(ceases["value"]) == [1, 1]     # C2 on 31 March 2020; C7 on 15 May 2019


def test_episodes_spanning_the_period_ends_count_only_where_open(known):
    # C4's three episodes span June 2019 to now: counted once on each date, started once.
    dates = [dt.date(2019, 6, 30), dt.date(2019, 9, 30), dt.date(2019, 12, 31)]
    frame = metrics.series(known, "cla", dates, ["E07000121"], ages=(4, 5))
    assert list(frame["value"]) == [1, 1, 1]
    assert metrics.value(known, "cla_starts_in_month", dt.date(2019, 9, 30)) == 0


@pytest.fixture()
def app(demo_db, monkeypatch):
    monkeypatch.setenv("FSDASH_DB", str(demo_db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    return at


def _open_care(app, **params):
    for name, value in params.items():
        app.query_params[name] = value
    app.switch_page("pages/children_in_care.py")
    app.run()
    assert not app.exception, app.exception
    return app


AREAS = list(area_options(load_council()))


@pytest.mark.parametrize("area", AREAS)
def test_the_page_renders_for_every_area(app, area):
    _open_care(app, area=area, as_at="2023-03")
    headers = [h.value for h in app.header]
    assert headers[:4] == ["Numbers and rates", "Under-12s and the target",
                           "Starting and leaving care", "Is this change unusual?"]
    assert len(app.get("plotly_chart")) >= 4
    assert app.query_params["area"] == area
    assert_no_small_counts(app)


@pytest.mark.parametrize("age,period", itertools.product(AGE_BANDS, PERIODS))
def test_the_page_renders_for_every_age_group_and_period_in_the_smallest_district(app, age, period):
    _open_care(app, area="E07000124", age=age, period=period)
    assert app.query_params["age"] == age and app.query_params["period"] == period
    assert_no_small_counts(app)


COUNT_COLUMNS = ("Children looked after", "Started", "Stopped", "A year earlier", "Now",
                 "Under-12s looked after")


def assert_no_small_counts(app):
    """Every count in every table on the page is 0, more than 5, or suppressed ("c")."""
    checked = 0
    for table in app.dataframe:
        frame = table.value
        for column in set(COUNT_COLUMNS) & set(frame.columns):
            for cell in frame[column].dropna():
                number = str(cell).replace(",", "")
                assert number == "c" or not 1 <= float(number) <= 5, (column, cell)
                checked += 1
    assert checked > 20


def test_the_projection_shows_while_the_target_period_runs(app):
    _open_care(app, as_at="2023-03")
    texts = " ".join(m.value for m in app.markdown)
    assert "If the trend of the last" in texts and "chance of meeting the target" in texts
    assert "### How we compare with similar councils" in texts
    assert ("Lancashire had 74 children looked after per 10,000 children at 31 March 2023, "
            "higher than ") in texts
    assert "0% chance" not in texts
    assert any("steady percentage change" in c.value for c in app.caption)


def _target_section(demo_db, as_at: dt.date) -> dict:
    """The whole council's target section on a date, with small numbers hidden."""
    con = store.connect_readonly(demo_db)
    council = load_council()
    section = target_section(con, Figures(Published(con.cursor, council), True), council, as_at,
                             "all")
    con.close()
    return section


def test_an_ended_target_says_whether_it_was_met_and_draws_no_flat_line(demo_db):
    section = _target_section(demo_db, dt.date(2026, 10, 31))
    reading = section["target"].reading
    assert "ended on 4 January 2024" in reading and ("was met" in reading or "missed by" in reading)
    target_line = next(t for t in section["target"].figure.data if t.name == "Target path")
    last_target = max(x for x, y in zip(target_line.x, target_line.y) if y is not None
                      and y == y)
    assert pd.Timestamp(last_target) <= pd.Timestamp("2024-01-04")


def test_one_rounding_rule_for_the_target(demo_db):
    # The end figure once read 892 in one sentence and 894 in the next, and 1214.0 in the CSV.
    section = _target_section(demo_db, dt.date(2022, 6, 30))
    block = section["target"]
    end_figures = set(re.findall(r"target (?:of|is) ([\d,]+)", block.reading + " ".join(
        section["target_notes"])))
    assert len(end_figures) == 1, end_figures
    assert ".0" not in block.table.to_csv(index=False)


def test_every_filter_combination_builds_a_view_with_no_empty_or_one_bar_chart(demo_db):
    con = store.connect_readonly(demo_db)
    council = load_council()
    published = Figures(Published(con.cursor, council), True)
    as_at = dt.date(2023, 3, 31)
    for area, age, period in itertools.product(AREAS, AGE_BANDS, PERIODS):
        view = care_view(con, published, council, as_at, area, age, period)
        assert view.trend.reading, (area, age, period)
        for block in (*view.breakdowns, view.reasons):
            if block.figure is not None:
                bars = block.figure.data[-1].x
                assert sum(1 for x in bars if x == x and x > 0) >= 2, (area, age, block.title)
            else:
                assert "no chart" in block.reading, (area, age, block.title)
        titles = [b.title for b in view.breakdowns]
        assert ("By district" in titles) == (area not in {d.code for d in council.districts})
        assert ("By age" in titles) == (age == "all")
    con.close()


def test_the_projection_shows_the_targets_end_point(demo_db):
    section = _target_section(demo_db, dt.date(2022, 6, 30))
    figure = section["target"].figure
    end = next(t for t in figure.data if t.name == "Target at the end")
    assert pd.Timestamp(end.x[0]) == pd.Timestamp("2024-01-04")
    assert pd.Timestamp(figure.layout.xaxis.range[1]) > pd.Timestamp("2024-01-04")
    assert re.search(r"(very unlikely: under 5%|about \d+%|over 95%)", section["target"].reading)
