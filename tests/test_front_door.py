"""The front door: working days, the demo against the published 2021-22 figures, and the page."""

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, known_answer_rows
from extract_files import write_extracts
from fsdash import metrics, store
from fsdash.ingest import load_folder
from fsdash.metrics.front_door import (
    JOURNEY,
    assessments_on_time,
    conferences_on_time,
    working_days_after,
)


def test_working_days_leave_out_weekends_and_english_bank_holidays():
    # Thursday 1 April 2021 to Thursday 8 April: Good Friday (2nd) and Easter Monday (5th) are
    # bank holidays, the 3rd and 4th a weekend: 6th, 7th and 8th are working days.
    assert list(working_days_after([dt.date(2021, 4, 1)], [dt.date(2021, 4, 8)])) == [3]
    # A referral on Saturday 6 March 2021: Monday 8th is the first working day after it.
    assert list(working_days_after([dt.date(2021, 3, 6)], [dt.date(2021, 3, 8)])) == [1]
    # 45 working days from Monday 1 March 2021 end on 6 May, past Good Friday, Easter Monday and
    # the early May bank holiday (3 May); 7 May is the 46th.
    assert list(working_days_after([dt.date(2021, 3, 1)] * 2,
                                   [dt.date(2021, 5, 6), dt.date(2021, 5, 7)])) == [45, 46]


def test_the_demos_2021_22_front_door_is_near_the_published_figures(demo_db):
    con = store.connect_readonly(demo_db)
    year_end = dt.date(2022, 3, 31)
    rate = metrics.value(con, "referral_rate", year_end)
    on_time = assessments_on_time(con, [year_end])["value"].iloc[0]
    rereferrals = metrics.value(con, "rereferral_pct", year_end)
    con.close()
    assert rate == pytest.approx(253.9, rel=0.05)            # per 10,000
    assert on_time == pytest.approx(90, abs=4)               # per cent
    assert rereferrals == pytest.approx(19.1, abs=2)         # per cent (published: 19.1)


@pytest.mark.parametrize("role", ["cabinet", "director", "team_manager:FS01", "analyst"])
@pytest.mark.parametrize("area", ["all", "E07000124"])
def test_the_page_renders_for_each_role(demo_db, monkeypatch, role, area):
    monkeypatch.setenv("FSDASH_DB", str(demo_db))
    monkeypatch.setenv("FSDASH_DEV_ROLE", role)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    app.query_params["as_at"], app.query_params["area"] = "2022-03", area
    app.switch_page("pages/front_door.py").run()
    assert not app.exception
    assert [h.value for h in app.header] == ["Referrals", "Is the change in referrals unusual?",
                                             "Where referrals come from", "What happened next",
                                             "Referred again, and assessed in time"]
    texts = " ".join(m.value for m in app.markdown)
    assert ("Published figures in the year to 31 March 2022, shown as points once a year: "
            "England 21.5%, North West 22%, statistical neighbours' median 21.55%.") in texts
    assert ("Published by the DfE for the whole council: Lancashire had 6,422 referrals in the "
            "year to 31 March 2022, more than 8 of its 10 statistical neighbours") in texts
    assert ("No comparison with England, the region or statistical neighbours is shown: the DfE "
            "publishes assessments within 45 working days in a file not loaded here.") in texts
    assert len(app.get("plotly_chart")) >= 5


def test_a_re_referral_counts_on_day_365_and_not_on_day_366(tmp_path, known_store):
    # Two more children: one referred again exactly a year later (2019-01-01, then 2020-01-01),
    # one a day after that (2019-01-01, then 2020-01-02). Only the first second referral is a
    # re-referral within 12 months (DfE children in need definition).
    rows = known_answer_rows()
    rows["children.csv"] += [{**rows["children.csv"][-1], "CHILD": child} for child in ("D1", "D2")]
    rows["cin_referrals.csv"] += [
        {**rows["cin_referrals.csv"][0], "REFERRAL_ID": rid, "CHILD": child, "CINreferralDate": day}
        for rid, child, day in (("Y1", "D1", "01/01/2019"), ("Y2", "D1", "01/01/2020"),
                                ("Y3", "D2", "01/01/2019"), ("Y4", "D2", "02/01/2020"))]
    db = tmp_path / "rereferrals.duckdb"
    load_folder(write_extracts(tmp_path / "extracts", rows), db)
    year_end = dt.date(2020, 3, 31)

    def flagged(path) -> tuple[float, float]:
        con = store.connect_readonly(path)
        row = metrics.series(con, "rereferral_pct", [year_end]).iloc[0]
        con.close()
        return round(row["value"] * row["referrals"] / 100), row["referrals"]

    before, after = flagged(known_store), flagged(db)
    assert after[1] == before[1] + 2              # both second referrals are in the year
    assert after[0] == before[0] + 1              # only the one on day 365 is a re-referral


def test_second_or_later_child_protection_plans(known):
    # R1's plans: 1 June 2019 (first), 1 October 2019 (second), 1 April 2020 (third). In the year
    # to 31 March 2020 two started, one of them a second plan.
    row = metrics.series(known, "repeat_cp_plan_pct", [dt.date(2020, 3, 31)]).iloc[0]
    assert (row["value"], row["plans"]) == (50.0, 2)
    row = metrics.series(known, "repeat_cp_plan_pct", [dt.date(2020, 4, 30)]).iloc[0]
    assert (row["value"], row["plans"]) == (round(200 / 3, 1), 3)


def _journey_store(tmp_path):
    """The hand-built council with one referral ending at each step in the year to 31 March
    2020, and two conferences after a strategy discussion on Friday 13 December 2019: the 15th
    working day after it is 8 January 2020 (Christmas Day, Boxing Day and New Year's Day are
    bank holidays)."""
    rows = known_answer_rows()
    base = {"ReferralSource": "6", "Route": "MASH", "ReferralNFA": "N"}
    rows["cin_referrals.csv"] += [
        {**base, "REFERRAL_ID": rid, "CHILD": child, "CINreferralDate": day, **extra}
        for rid, child, day, extra in (
            ("Z1", "R2", "01/07/2019", {"ReferralNFA": "Y"}),
            ("Z2", "R2", "01/08/2019", {"CINclosureDate": "01/10/2019", "ReasonForClosure": "RC8"}),
            ("Z3", "R3", "01/08/2019", {}), ("Z4", "R3", "01/11/2019", {}),
            ("Z5", "R2", "01/03/2020", {}), ("Z6", "R1", "01/09/2019", {}),
            ("Z7", "R3", "10/12/2019", {}))]
    rows["cin_assessments.csv"] = [
        {"ASSESSMENT_ID": f"S{rid}", "REFERRAL_ID": rid, "CHILD": child,
         "AssessmentActualStartDate": start, "AssessmentAuthorisationDate": done}
        for rid, child, start, done in (("Z2", "R2", "02/08/2019", "20/09/2019"),
                                        ("Z3", "R3", "02/08/2019", "20/09/2019"))]
    rows["cin_s47.csv"] = [
        {"S47_ID": sid, "REFERRAL_ID": rid, "CHILD": child, "S47ActualStartDate": start,
         "DateOfInitialCPC": conference, "ICPCnotRequired": "N" if conference else "Y"}
        for sid, rid, child, start, conference in (
            ("Q4", "Z4", "R3", "05/11/2019", ""), ("Q5", "Z5", "R2", "02/03/2020", "10/03/2020"),
            ("Q6", "Z6", "R1", "20/09/2019", "01/10/2019"),
            ("Q7", "Z7", "R3", "13/12/2019", "08/01/2020"),
            ("Q8", "Z7", "R3", "13/12/2019", "09/01/2020"))]
    db = tmp_path / "journey.duckdb"
    load_folder(write_extracts(tmp_path / "extracts", rows), db)
    return db


def test_each_referral_counts_once_at_the_furthest_step_it_reached(tmp_path):
    con = store.connect_readonly(_journey_store(tmp_path))
    found = metrics.breakdown(con, "referrals_by_outcome", [dt.date(2020, 3, 31)])
    con.close()
    counts = dict(zip(found["category"], found["value"]))
    # X2, X3, X4 and X6 of the hand-built council have no assessment; Z7's conferences led to
    # no plan; Z6's conference on 1 October 2019 is the day R1's plan P1 started.
    assert counts == {"No further action at referral": 1, "Not yet assessed": 4,
                      "Assessed: not in need": 1, "In need: no section 47 enquiry": 1,
                      "Section 47 enquiry: no conference": 1, "Initial conference: no plan": 2,
                      "Child protection plan": 1}
    assert list(found["category"]) == list(JOURNEY)


def test_conferences_within_15_working_days_leave_out_bank_holidays(tmp_path):
    con = store.connect_readonly(_journey_store(tmp_path))
    row = conferences_on_time(con, [dt.date(2020, 3, 31)]).iloc[0]
    con.close()
    # Q5 (6 working days), Q6 (7) and Q7 (15) on time; Q8 (16) late.
    assert (row["conferences"], row["value"]) == (4, 75.0)
