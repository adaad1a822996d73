"""At a glance: the monthly scan finds and ranks real changes and ignores noise; the heat map's
cells are the measures' own figures, rated by the configured thresholds, and compared with the
same published figures the other pages show."""

import dataclasses
import datetime as dt

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT
from fsdash import changes, metrics, store
from fsdash.access import Figures, Published
from fsdash.config import Rating, load_council
from fsdash.published_statistics.comparators import NEIGHBOURS_MEDIAN, comparators
from fsdash.views.care_compare import rate_block
from fsdash.views.glance import AREA_PAGES, COMPARED, HEAT_MEASURES, heat_block

MONTHS = pd.date_range("2023-01-31", periods=24, freq="ME")
WOBBLE = [3, -3, 2, -2, 1, -1] * 4         # steady ups and downs, no pattern


def _series(values):
    return pd.Series([float(v) for v in values], index=MONTHS)


def test_a_stable_series_gives_no_signal():
    assert changes.signal(_series([100 + w for w in WOBBLE]), "referrals", "all", "X") is None


def test_a_planted_jump_is_found_and_ranked_first():
    jump = _series([100 + w for w in WOBBLE[:-1]] + [140])
    shift = _series([100 + w for w in WOBBLE[:16]] + [108 + w for w in WOBBLE[16:]])
    found = changes.ranked([changes.signal(shift, "referrals", "E1", "Shiftshire"),
                            changes.signal(_series([100 + w for w in WOBBLE]), "referrals", "E2",
                                           "Steadyshire"),
                            changes.signal(jump, "referrals", "E3", "Jumpshire")])
    assert [s.area for s in found] == ["E3", "E1"]
    assert found[0].rule == "outside" and found[0].side == "high"
    assert found[0].sentence().startswith("Referrals in Jumpshire rose above the usual range in "
                                          "December 2024 (140;")
    assert found[1].rule == "shift" and found[1].run >= 7


def test_a_count_on_a_date_is_tested_by_its_monthly_change():
    # Children in care rising steadily by 2 a month is not news; a month's rise of 30 is.
    steady = [500 + 2 * i + w / 3 for i, w in enumerate(WOBBLE)]
    assert changes.signal(_series(steady), "cla", "all", "X") is None
    jump = changes.signal(_series(steady[:-1] + [steady[-2] + 30]), "cla", "all", "Lancashire")
    assert jump.rule == "outside" and jump.variation == "concern"
    assert "rose by 30, more than the usual monthly change" in jump.sentence()


def test_a_series_with_a_hidden_month_is_not_tested():
    values = _series([100 + w for w in WOBBLE[:-1]] + [140])
    values.iloc[5] = float("nan")
    assert changes.signal(values, "referrals", "all", "X") is None


def test_thresholds_from_configuration_rate_the_figures():
    lower_is_better = Rating("down", amber=70, red=80, source="test")
    assert [lower_is_better.rate(v) for v in (69.9, 70, 79.9, 80)] == [
        "Green", "Amber", "Amber", "Red"]
    higher_is_better = Rating("up", amber=85, red=75, source="test")
    assert [higher_is_better.rate(v) for v in (90, 85, 75)] == ["Green", "Amber", "Red"]


@pytest.fixture(scope="module")
def heat(demo_db):
    con = store.connect_readonly(demo_db)
    council = load_council()
    published = Published(con.cursor, council)
    yield con, council, published
    con.close()


def _cells(block) -> pd.DataFrame:
    return block.table.set_index(["Measure", "Area"])


def test_the_heat_maps_cells_are_the_measures_own_figures(heat):
    con, council, published = heat
    as_at = dt.date(2024, 3, 31)
    seen = _cells(heat_block(con, Figures(published, False), council, as_at)[0])
    hidden = _cells(heat_block(con, Figures(published, True), council, as_at)[0])
    for area, districts in council.areas().items():
        for name in HEAT_MEASURES:
            key = (metrics.MEASURES[name].title, council.area_label(area))
            own = metrics.value(con, name, as_at, districts if area != "all" else ())
            places = 0 if metrics.MEASURES[name].is_count else 1
            assert seen.loc[key, "Value"] == f"{own:,.{places}f}", key
            assert hidden.loc[key, "Value"] in ("c", seen.loc[key, "Value"]), key
    shown_cla = Figures(published, True).counts("cla", [as_at])
    for area in council.areas():
        key = ("Children looked after", council.area_label(area))
        assert (hidden.loc[key, "Value"] == "c") == pd.isna(shown_cla.loc[
            (pd.Timestamp(as_at), area, "all"), "shown"])


def test_configured_thresholds_change_the_heat_maps_ratings(heat):
    con, council, published = heat
    everything_amber = dataclasses.replace(council, ratings={
        "cla_rate": Rating("down", amber=0, red=10_000, source="test")})
    block, _ = heat_block(con, Figures(published, False), everything_amber, dt.date(2024, 3, 31))
    ratings = _cells(block).xs("Rate per 10,000 children", level="Measure")["Rating"]
    assert set(ratings) == {"◆ Amber"}
    assert set(_cells(block).xs("Caseload per social worker", level="Measure")["Rating"]) == {
        "Not rated"}


def test_the_heat_map_compares_with_england_the_region_and_the_neighbours_as_children_in_care(heat):
    con, council, published = heat
    as_at = dt.date(2025, 1, 31)
    table = _cells(heat_block(con, Figures(published, False), council, as_at)[0])
    assert COMPARED == ("cla_rate", "rereferral_pct", "caseload")
    for name in COMPARED:
        marks = comparators(con, council, name)
        marks = marks[marks["as_at"] <= pd.Timestamp(as_at)]
        latest = marks[marks["year"] == marks["year"].max()]
        for label, value, period in zip(latest["label"], latest["value"], latest["period"]):
            heading = "Against " + (label.lower() if label == NEIGHBOURS_MEDIAN else label)
            cell = table.loc[(metrics.MEASURES[name].title, "Lancashire"), heading]
            assert f" {value:,.1f} {period}" in cell, (name, label, cell)
    rates = pd.Series(67.0, index=pd.date_range("2024-01-31", "2025-01-31", freq="ME"))
    care = rate_block(con, rates, council, "all", True).table
    england = care.loc[care["Month end"] == "31 March 2024", "England, published"].iloc[0]
    assert f"than {england:.1f} at 31 March 2024" in table.loc[("Rate per 10,000 children",
                                                                "Lancashire"), "Against England"]
    counts = table.xs("Children looked after", level="Measure")
    assert (counts.filter(like="Against") == "").all().all()     # a count compares with nothing


@pytest.mark.parametrize("role", ["cabinet", "director", "team_manager:FS01", "analyst"])
def test_the_page_and_the_overviews_summary_render_for_each_role(demo_db, monkeypatch, role):
    monkeypatch.setenv("FSDASH_DB", str(demo_db))
    monkeypatch.setenv("FSDASH_DEV_ROLE", role)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.query_params["as_at"] = "2025-01"
    app.switch_page("pages/at_a_glance.py").run()
    assert not app.exception, app.exception
    assert [h.value for h in app.header] == ["What changed this month"]
    texts = " ".join(m.value for m in app.markdown)
    assert "## Every indicator by area" in texts and "rated figures are red" in texts
    _each_area_has_one_link_to_each_page_named_for_where_it_goes(app)
    overview = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    overview.query_params["as_at"] = "2025-01"
    overview.run()
    assert not overview.exception
    assert any("What changed this month" in m.value or "Nothing changed" in m.value
               for m in overview.markdown)


def _each_area_has_one_link_to_each_page_named_for_where_it_goes(app):
    """One link per area and page (not a row of "Open the page" per indicator), each name
    saying where it goes, and no name used for two places (WCAG 2.4.4)."""
    council = load_council()
    links = [(link.proto.label, link.proto.page, link.proto.query_string)
             for link in app.page_link if "area=" in link.proto.query_string]
    names = [name for name, *_ in links]
    assert len(names) == len(set(names)) == len(council.areas()) * len(AREA_PAGES)
    assert len(set(links)) == len(links)
    for area in council.areas():
        label = council.area_label(area)
        assert {f"{label}: {shows}" for _, shows in AREA_PAGES} <= set(names), label
