"""Outcomes for the families worked with: hand-built cohorts with known answers, the demo's
known true effect recovered by the comparison (and overstated by a bare before and after), and
the page for each role."""

import dataclasses
import datetime as dt
import tomllib

import pandas as pd
import pytest

from conftest import ROOT, known_answer_rows
from extract_files import write_extracts
from fsdash import store
from fsdash.config import load_council
from fsdash.ingest import load_folder
from fsdash.metrics import outcomes
from fsdash.views.outcomes import (
    adult_estimates,
    change_words,
    money,
    outcomes_view,
    windows,
)
from fsdash.views.outcomes.common import GROUP_NAMES
from fsdash.views.outcomes.groups import trend_block

CALIBRATION = tomllib.loads((ROOT / "config" / "lancashire-demo.toml").read_text())
EVERYTHING = (dt.date(2015, 1, 1), dt.date(2030, 1, 1))


def _fs(family, start):
    return {"FAMILY_ID": family, "TEAM": "FS01", "START_DATE": start, "MENTAL_HEALTH": "N",
            "DOMESTIC_ABUSE": "Y", "SUBSTANCE_MISUSE": "N", "PSYCHOLOGIST": "N"}


def _adult(adult, family, relationship="MOTHER"):
    return {"ADULT_ID": adult, "FAMILY_ID": family, "SEX": "F", "BIRTH_YEAR": 1985,
            "RELATIONSHIP": relationship}


def _police(adult, day):
    return {"ADULT_ID": adult, "EVENT_DATE": day, "EVENT_TYPE": "POLICE", "SOURCE": "test"}


def outcome_rows() -> dict[str, list[dict]]:
    """The hand-built council (records from 1 January 2017 to 31 March 2020) with families for
    the outcome rules:

    - F1: work began 1 September 2018. A2 has a contact on that day (the year before) and one
      on 1 September 2019 (the last day of the year after).
    - F4: two starts, 1 February and 1 June 2019: counted once, from the first.
    - F5: began 1 June 2019, so its year after runs past the records: left out.
    - F6: the comparison group, an assessment finding domestic abuse authorised 1 March 2018;
      child K1 comes into care on day 365 after it, K2 on day 366.
    """
    rows = known_answer_rows()
    rows["families.csv"] += [{"FAMILY_ID": f, "DISTRICT": "E07000121"}
                             for f in ("F4", "F5", "F6")]
    rows["children.csv"] += [
        {"CHILD": c, "FAMILY_ID": "F6", "SEX": "M", "BIRTH_MONTH": "01/2015", "ETHNIC": "WBRI",
         "DISTRICT": "E07000121"} for c in ("K1", "K2")]
    rows["adults.csv"] = [_adult("A1", "F1"), _adult("A2", "F1", "FATHER"), _adult("A4", "F4"),
                          _adult("A5", "F5"), _adult("A6", "F6")]
    rows["fs_involvement.csv"] += [_fs("F4", "01/02/2019"), _fs("F4", "01/06/2019"),
                                   _fs("F5", "01/06/2019")]
    rows["adult_events.csv"] += [_police("A2", "01/09/2018"), _police("A2", "01/09/2019"),
                                 _police("A4", "15/03/2019"), _police("A6", "01/02/2018"),
                                 _police("A6", "01/04/2018")]
    rows["cin_referrals.csv"].append(
        {"REFERRAL_ID": "X9", "CHILD": "K1", "CINreferralDate": "01/02/2018",
         "ReferralSource": "6", "Route": "MASH", "ReferralNFA": "N"})
    rows["cin_assessments.csv"] = [
        {"ASSESSMENT_ID": "S9", "REFERRAL_ID": "X9", "CHILD": "K1",
         "AssessmentActualStartDate": "05/02/2018", "AssessmentAuthorisationDate": "01/03/2018",
         "AssessmentFactors": "3B"}]
    rows["header.csv"] += [{"CHILD": c, "SEX": "M", "DOB": "10/01/2015", "ETHNIC": "WBRI"}
                           for c in ("K1", "K2")]
    rows["episodes.csv"] += [
        {"CHILD": child, "DECOM": day, "RNE": "S", "LS": "C2", "CIN": "N1", "PLACE": "U6",
         "PLACE_PROVIDER": "PR1"} for child, day in (("K1", "01/03/2019"), ("K2", "02/03/2019"))]
    return rows


@pytest.fixture(scope="module")
def cohort_store(tmp_path_factory):
    folder = write_extracts(tmp_path_factory.mktemp("outcomes") / "extracts", outcome_rows())
    db = folder.parent / "outcomes.duckdb"
    load_folder(folder, db)
    return db


@pytest.fixture(scope="module")
def cohort(cohort_store):
    con = store.connect_readonly(cohort_store)
    council = load_council()
    yield (outcomes.cohort_adults(con, council, *EVERYTHING).set_index("adult_id"),
           outcomes.cohort_children(con, council, *EVERYTHING).set_index("child_id"))
    con.close()


def test_the_start_day_belongs_to_the_year_before_and_a_year_later_to_the_year_after(cohort):
    adults, _ = cohort
    a1, a2 = adults.loc["A1"], adults.loc["A2"]
    assert (a1["grp"], a1["start_date"].date()) == ("model", dt.date(2018, 9, 1))
    # A1: 1 Jan, 1 May and 31 Aug 2018 before; 1 Jan 2017 and 2 Sep 2019 outside the years.
    assert (a1["police_before"], a1["police_after"]) == (3, 0)
    assert (a1["emergency_admission_before"], a1["emergency_admission_after"]) == (0, 1)
    # A2: the start day itself is the year before; 1 Jan 2019 and 1 Sep 2019 the year after.
    assert (a2["police_before"], a2["police_after"]) == (1, 2)
    assert a1["followed_up"] and a2["followed_up"] and a2["relationship"] == "FATHER"


def test_a_family_with_two_starts_counts_once_from_the_first(cohort):
    adults, _ = cohort
    a4 = adults.loc[["A4"]]
    assert len(a4) == 1
    assert a4.iloc[0]["start_date"].date() == dt.date(2019, 2, 1)
    assert a4.iloc[0]["police_after"] == 1 and a4.iloc[0]["followed_up"]   # to February 2020


def test_follow_up_is_cut_off_at_the_end_of_the_records(cohort):
    adults, _ = cohort
    assert not adults.loc["A5", "followed_up"]      # June 2019 + 12 months > 31 March 2020
    assert adults.loc["A1", "followed_up"]          # September 2019 <= 31 March 2020


def test_the_comparison_group_is_found_by_its_assessment(cohort):
    adults, _ = cohort
    a6 = adults.loc["A6"]
    assert (a6["grp"], a6["start_date"].date()) == ("comparison", dt.date(2018, 3, 1))
    assert (a6["police_before"], a6["police_after"]) == (1, 1)


def test_a_child_entering_care_on_day_365_is_within_12_months_and_day_366_is_not(cohort):
    _, children = cohort
    assert children.loc["K1", "care_12"] and not children.loc["K2", "care_12"]
    assert children.loc["K1", "care_24"] and children.loc["K2", "care_24"]
    # C1 came into care on 10 January 2019, after F1's start; C2 was in care at the start.
    assert children.loc["C1", "care_12"] and "C2" not in children.index


def test_the_comparison_recovers_the_demos_true_effect_and_before_and_after_does_not(demo_db):
    con = store.connect_readonly(demo_db)
    council = load_council()
    window = windows(council, dt.date(2026, 10, 31))["all"]
    adults = outcomes.cohort_adults(con, council, window.start, window.end)
    con.close()
    followed = adults[adults["followed_up"]]
    for kind, effect in (("police", "police_effect"),
                         ("emergency_admission", "admissions_effect")):
        truth = 1 - CALIBRATION["rates"][effect]
        result = adult_estimates(followed, kind)
        assert result.effect.covers(truth), (kind, result.effect, truth)
        assert not result.model.covers(truth), (kind, result.model, truth)
        assert result.model.high < truth     # the bare before and after overstates the fall


def test_changes_and_costs_are_worded_plainly():
    from fsdash.estimates import Estimate
    assert change_words(Estimate(0.7, 0.65, 0.75)) == "fell by 30% (95% interval: 25% to 35%)"
    assert change_words(Estimate(0.9, 0.7, 1.1)).startswith("showed no clear change (-10%")
    assert (money(2_046_698), money(443_339), money(0)) == ("£2.0 million", "£440,000", "£0")


@pytest.fixture()
def page(demo_app):
    return demo_app


@pytest.mark.parametrize("role", ["cabinet", "director", "analyst", "team_manager:FS01"])
def test_the_page_renders_for_each_role(page, monkeypatch, role):
    monkeypatch.setenv("FSDASH_DEV_ROLE", role)
    page.query_params["began"] = "2022-23"
    page.switch_page("pages/outcomes.py").run()
    assert not page.exception, page.exception
    assert [h.value for h in page.header][:2] == ["Adults in the families",
                                                 "Where the fall was largest"]
    assert len(page.get("plotly_chart")) >= 6
    text = " ".join(m.value for m in page.markdown)
    assert "## Children in the families" in text and "## Cost avoided" in text
    assert "Allowing for that fall, the model's own effect" in text
    assert "Hertfordshire reported a fall of 66%" in text


def test_small_groups_are_hidden_where_small_numbers_are_hidden(cohort_store):
    # The hand-built council with the model in place from June 2018: a handful of adults.
    council = dataclasses.replace(load_council(), phase_in=dt.date(2018, 4, 1),
                                  launch=dt.date(2018, 6, 1))
    con = store.connect_readonly(cohort_store)
    hidden = outcomes_view(con, council, True, "all", "all")
    shown = outcomes_view(con, council, False, "all", "all")
    con.close()
    assert hidden.adults[0].figure is None and "Too few adults" in hidden.adults[0].reading
    assert "c" in set(hidden.children.table.iloc[0])
    assert "c" not in set(shown.children.table.iloc[0])
    # Shown, but a handful of families is too few for an interval.
    assert "too few families (fewer than 10)" in shown.adults[0].reading


def test_the_trend_starts_with_the_chosen_dates_and_says_why_the_comparison_comes_first(demo_con):
    council = load_council()
    _, data_end = outcomes.data_span(demo_con)
    everyone = outcomes.cohort_adults(demo_con, council, council.phase_in, data_end)
    for key, window in windows(council, data_end).items():
        block = trend_block(everyone, council.max_suppressed, council.launch, window)
        began = pd.to_datetime(block.table["Quarter began"], format="%B %Y")
        model = block.table["Group"] == GROUP_NAMES[outcomes.MODEL]
        first_quarter = pd.Timestamp(window.start).to_period("Q").start_time
        assert began[model].min() >= first_quarter, key
        assert began[model].max() <= pd.Timestamp(window.end), key
        assert set(block.table["Group"][began < first_quarter]) == {
            GROUP_NAMES[outcomes.COMPARISON]}, key
        assert "so their line comes first whatever dates are chosen" in block.reading, key


# Every chart's words (tick labels, axis titles, notes, legend and bar labels) that run past the
# chart's edge: each as [text, px past the left edge, px past the right edge].
WORDS_PAST_THE_EDGE = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
  .flatMap(chart => {
    const box = chart.querySelector('svg.main-svg').getBoundingClientRect();
    return [...chart.querySelectorAll('.xtick text, .ytick text, .g-xtitle text, .g-ytitle text,'
                                      + ' .annotation-text, .legendtext, .bartext')]
      .map(t => [t.textContent, t.getBoundingClientRect()])
      .filter(([, r]) => r.width && (r.left < box.left - 1 || r.right > box.right + 1))
      .map(([text, r]) => [text, Math.round(box.left - r.left), Math.round(r.right - box.right)]);
  })"""


@pytest.mark.browser
def test_no_chart_label_runs_past_the_charts_edge_on_a_desktop_or_a_phone(demo_db, tmp_path):
    from streamlit_server import READY, launched_chromium, streamlit_server

    with streamlit_server(ROOT / "app.py", demo_db,
                          env={"FSDASH_AUDIT_LOG": str(tmp_path / "audit.jsonl")}) as (_, url):
        with launched_chromium() as browser:
            warm = browser.new_page()       # a server's first session: open the main page first
            warm.goto(url)
            warm.wait_for_selector(READY, timeout=180_000)
            warm.close()
            for path in ("/outcomes", "/outcomes?began=2022-23", "/front-door"):
                for width in (1280, 390):
                    page = browser.new_page(viewport={"width": width, "height": 900})
                    page.goto(url + path)
                    page.wait_for_selector('[data-testid="stPlotlyChart"] svg.main-svg',
                                           timeout=600_000)
                    page.wait_for_selector(READY, timeout=600_000)
                    page.wait_for_timeout(1_000)             # Plotly's last resize
                    assert page.locator('[data-testid="stPlotlyChart"]').count() >= 6, path
                    assert page.evaluate(WORDS_PAST_THE_EDGE) == [], (path, width)
                    page.close()
