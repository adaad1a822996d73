"""The app's pages in Streamlit's AppTest, over the demo store."""

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT
from fsdash import metrics, store
from fsdash.formatting import figure


@pytest.fixture()
def app(demo_db, monkeypatch):
    monkeypatch.setenv("FSDASH_DB", str(demo_db))
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)


def _cards(at):
    return {m.label: m.value for m in at.metric}


def test_overview_shows_the_measures_figures_for_the_latest_month(app, demo_db):
    app.run()
    assert not app.exception
    con = store.connect_readonly(demo_db)
    as_at = metrics.latest_month_end(con)
    expected = metrics.summary(con, as_at)
    con.close()
    cards = _cards(app)
    assert len(cards) == len(metrics.HEADLINE)
    for name, fig in expected.items():
        assert cards[fig["title"]] == figure(fig["value"], fig["unit"]), name
    assert app.query_params["as_at"] == as_at.strftime("%Y-%m")
    assert any("under 12 in care" in m.value for m in app.markdown)


def test_a_link_with_a_month_and_area_reproduces_the_view(app, demo_db):
    app.query_params["as_at"] = "2020-03"
    app.query_params["area"] = "EAST"
    app.run()
    assert not app.exception
    assert "East" in app.caption[0].value and "31 March 2020" in app.caption[0].value
    con = store.connect_readonly(demo_db)
    east = [d for (d,) in con.execute(
        "SELECT district_code FROM district WHERE locality_code = 'EAST'").fetchall()]
    expected = metrics.value(con, "cla", dt.date(2020, 3, 31), east)
    con.close()
    assert _cards(app)["Children looked after"] == f"{expected:,.0f}"


@pytest.mark.parametrize("area", ["all", "NORTH", "CENTRAL", "E07000124"])
@pytest.mark.parametrize("month", ["2016-03", "2021-03"])
def test_changing_the_filters_updates_the_page_and_the_address(app, area, month):
    app.run()
    app.selectbox(key="area").set_value(area).run()
    app.selectbox(key="as_at").set_value(month).run()
    assert not app.exception
    assert app.query_params["area"] == area
    assert app.query_params["as_at"] == month
    assert len(app.metric) == len(metrics.HEADLINE)


def test_small_numbers_are_suppressed_with_their_changes(app, demo_db):
    # In November 2020 only a handful of Ribble Valley adults had a year of Family
    # Safeguarding behind them: the adult outcome cards must not show figures built on them.
    con = store.connect_readonly(demo_db)
    adults = metrics.series(con, "police_change", [dt.date(2020, 11, 30)], ["E07000124"])["adults"]
    con.close()
    assert 1 <= adults.iloc[0] <= 5
    app.query_params["as_at"] = "2020-11"
    app.query_params["area"] = "E07000124"
    app.run()
    assert not app.exception
    cards = {m.label: m for m in app.metric}
    for name in ("police_change", "emergency_admission_change"):
        card = cards[metrics.MEASURES[name].title]
        assert card.value == "c" and not card.delta, name
