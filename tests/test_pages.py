"""The app's pages in Streamlit's AppTest, over the demo store."""

import datetime as dt
import re

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, small_adult_cohort
from fsdash import metrics, store
from fsdash.access import Figures, Published
from fsdash.config import load_council
from fsdash.formatting import figure


@pytest.fixture()
def app(demo_db, monkeypatch):
    monkeypatch.setenv("FSDASH_DB", str(demo_db))
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)


def _cards(at):
    return {m.label: m for m in at.metric}


def _texts(at) -> str:
    return " ".join([m.value for m in at.markdown] + [c.value for c in at.caption])


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
        if metrics.MEASURES[name].reference is None:
            assert cards[fig["title"]].value == figure(fig["value"], fig["unit"]), name
    assert app.query_params["as_at"] == as_at.strftime("%Y-%m")


def test_a_one_line_summary_says_what_changed_and_whether_it_is_good(app):
    app.query_params["as_at"] = "2021-03"
    app.run()
    summary = app.markdown[0].value
    assert summary.startswith("**At the end of March 2021,")
    assert "fewer than a year earlier: the direction the council aims for" in summary


def test_starts_agree_between_the_overview_and_children_in_care(app):
    # June 2025 for the council, and October 2026 for Ribble Valley: the Overview once showed
    # a 12-month total the Children in care page said it could not give.
    for as_at, area in (("2025-06", "all"), ("2026-10", "E07000124")):
        app.query_params["as_at"], app.query_params["area"] = as_at, area
        app.switch_page("pages/overview.py").run()
        started = _cards(app)["Starting care (12 months)"].value
        app.switch_page("pages/children_in_care.py").run()
        assert not app.exception
        reading = next(m.value for m in app.markdown if m.value.startswith("In the 12 months"))
        if started == "c":
            assert "too small to show" in reading
        else:
            assert f", {started} children" in reading, (started, reading)


def test_filters_are_kept_between_pages(app):
    app.query_params["as_at"], app.query_params["area"] = "2024-06", "E07000120"
    app.switch_page("pages/children_in_care.py").run()
    assert "Hyndburn" in app.caption[0].value
    app.query_params.clear()
    app.switch_page("pages/overview.py").run()
    assert not app.exception
    assert "Hyndburn" in app.caption[0].value and "30 June 2024" in app.caption[0].value
    assert (app.query_params["as_at"], app.query_params["area"]) == ("2024-06", "E07000120")


def test_a_bad_value_in_the_address_gets_a_visible_note(app):
    app.query_params["area"] = "NOWHERE"
    app.run()
    assert not app.exception
    assert any("NOWHERE" in w.value and "not one of the choices" in w.value for w in app.warning)
    assert app.query_params["area"] == "all"


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


def test_the_first_month_says_so_and_adult_cards_say_why_there_is_no_figure(app):
    app.query_params["as_at"] = "2016-03"
    app.run()
    cards = _cards(app)
    assert cards["Children looked after"].delta == "First month of data: no change to show yet"
    for title in ("Adults' police contacts", "Adults' emergency admissions"):
        assert (cards[title].value, cards[title].delta) == (
            "Not yet", "Before Family Safeguarding began")


def test_adult_cards_say_how_many_fewer_beside_hertfordshire(app):
    app.query_params["as_at"] = "2024-03"
    app.run()
    police = _cards(app)["Adults' police contacts"]
    assert re.fullmatch(r"\d+% fewer", police.value)
    assert police.delta == "Hertfordshire saw 66% fewer"


def test_no_change_is_neutral_and_wording_is_one_way(app, demo_db):
    app.run()
    for card in app.metric:
        if card.delta == "No change":
            assert "color: GRAY" in str(card.proto), card.label
    texts = _texts(app)
    for stale in ("Year before", "on a year ago", "+0 ", "did not change in the year"):
        assert stale not in texts, stale
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", texts)


def test_small_numbers_are_suppressed_with_their_changes(app, demo_db):
    # Early on, only a handful of a small district's adults had a year of Family Safeguarding
    # behind them: the adult outcome cards must not show figures built on them.
    month, district = small_adult_cohort(demo_db)
    app.query_params["as_at"] = month
    app.query_params["area"] = district
    app.run()
    assert not app.exception
    cards = _cards(app)
    for name in ("police_change", "emergency_admission_change"):
        card = cards[metrics.MEASURES[name].title]
        assert card.value == "c" and not card.delta, name


def test_every_card_hidden_where_the_published_figures_hide_it(app, demo_db):
    app.query_params["as_at"], app.query_params["area"] = "2026-10", "E07000124"
    app.run()
    con = store.connect_readonly(demo_db)
    published = Figures(Published(con.cursor, load_council()), True)
    day = dt.date(2026, 10, 31)
    for title, family, age in (("Children looked after", "cla", "all"),
                               ("Under-12s looked after", "cla", "under12"),
                               ("Starting care (12 months)", "starts", "all"),
                               ("Leaving care (12 months)", "ceases", "all")):
        shown = published.count(family, day, "E07000124", age)
        card = _cards(app)[title].value
        assert (card == "c") == (shown is None), title
        if shown is not None:
            assert card == f"{shown:,.0f}"
    con.close()


def test_children_in_care_reads_plainly_with_one_heading_per_thing(app):
    app.switch_page("pages/children_in_care.py").run()
    assert not app.exception
    sections = [h.value for h in app.header]
    blocks = [m.value.removeprefix("### ") for m in app.markdown if m.value.startswith("### ")]
    assert not set(sections) & set(blocks)
    assert len(blocks) == len(set(blocks))
    assert "Is this change unusual?" in sections
    assert "Monthly starts against their usual range" in blocks     # shown at the latest month
    glossary_start = next(i for i, m in enumerate(app.markdown) if m.value.startswith("**Looked"))
    readings = " ".join(m.value for m in app.markdown[:glossary_start])
    for code in ("SSDA903", "V3", "V4", "XmR", "X1", "CINreferralDate", "Special cause"):
        assert code not in readings, code


def test_the_overview_note_describes_only_its_own_filters(app):
    app.run()
    note = next(c.value for c in app.caption if c.value.startswith("Each card"))
    assert "age" not in note.lower().replace("page", "")
