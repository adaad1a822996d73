"""The children in need census as councils submit it (one XML file a year): read, checked with
the year's code lists, combined over years, and loaded without a local row for each child."""

import datetime as dt
import shutil

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import LANCASTER
from fsdash import metrics, store
from fsdash.config import NOT_KNOWN
from fsdash.demo import census_folder
from fsdash.ingest import LoadError, load_paths


def _census(year: int, children: str, namespace: str = "") -> str:
    space = f' xmlns="{namespace}"' if namespace else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Message{space}>
  <Header>
    <CollectionDetails><Collection>CIN</Collection><Year>{year}</Year>
      <ReferenceDate>{year}-03-31</ReferenceDate></CollectionDetails>
    <Source><SourceLevel>L</SourceLevel><LEA>888</LEA></Source>
  </Header>
  <Children>{children}
  </Children>
</Message>
"""


def _child(child: str, sex: str, details: str, born: str = "2015-06-14") -> str:
    return f"""
    <Child>
      <ChildIdentifiers>
        <LAchildID>{child}</LAchildID>
        <PersonBirthDate>{born}</PersonBirthDate>
        <GenderCurrent>{sex}</GenderCurrent>
      </ChildIdentifiers>
      <ChildCharacteristics>
        <Ethnicity>WBRI</Ethnicity>
        <Disabilities><Disability>NONE</Disability></Disabilities>
      </ChildCharacteristics>{details}
    </Child>"""


def _referral(referred: str, closed: str = "", plan: str = "", nfa: str = "false") -> str:
    closure = (f"<CINclosureDate>{closed}</CINclosureDate><ReasonForClosure>RC1"
               "</ReasonForClosure>") if closed else ""
    plans = (f"<ChildProtectionPlans><CPPstartDate>{plan}</CPPstartDate>"
             "<InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>"
             "<LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>"
             "<NumberOfPreviousCPP>0</NumberOfPreviousCPP></ChildProtectionPlans>") if plan else ""
    return f"""
      <CINdetails>
        <CINreferralDate>{referred}</CINreferralDate>
        <ReferralSource>2A</ReferralSource>
        <PrimaryNeedCode>N0</PrimaryNeedCode>{closure}
        <Assessments>
          <AssessmentActualStartDate>{referred}</AssessmentActualStartDate>
          <FactorsIdentifiedAtAssessment>
            <AssessmentFactors>3B</AssessmentFactors><AssessmentFactors>4B</AssessmentFactors>
          </FactorsIdentifiedAtAssessment>
        </Assessments>
        <Section47><S47ActualStartDate>{referred}</S47ActualStartDate>
          <ICPCnotRequired>0</ICPCnotRequired></Section47>
        <ReferralNFA>{nfa}</ReferralNFA>{plans}
      </CINdetails>"""


@pytest.fixture()
def two_years(tmp_path):
    """Two years' census: a referral open at the end of 2022-23 and closed in 2023-24, a child
    only in the first, and one only in the second, whose sex is coded the 2024-25 way."""
    folder = tmp_path / "census"
    folder.mkdir()
    (folder / "cin_2022-23.xml").write_text(_census(2023, _child(
        "K1", "1", _referral("2022-05-03", plan="2022-06-01")) + _child(
        "K2", "0", _referral("2022-09-12", closed="2022-11-30"))), encoding="utf-8")
    (folder / "CIN census 2025.xml").write_text(_census(2025, _child(
        "K1", "M", _referral("2022-05-03", closed="2024-05-20", plan="2022-06-01")) + _child(
        "K3", "F", _referral("2024-10-01"), born="2019-02-27")), encoding="utf-16")
    return folder


def test_a_census_loads_alone_with_identifiers_derived_and_the_latest_year_in_force(
        two_years, tmp_path):
    db = tmp_path / "store.duckdb"
    report = load_paths([two_years], db)
    assert report.rows["cin_2022-23.xml (CINdetails)"] == 2
    con = store.connect_readonly(db)
    referrals = con.execute("SELECT referral_id, child_id, closure_date, route, primary_need "
                            "FROM referral ORDER BY 1").fetchall()
    assert referrals == [
        ("K1/2022-05-03", "K1", dt.date(2024, 5, 20), None, "N0"),     # the 2024-25 census's
        ("K2/2022-09-12", "K2", dt.date(2022, 11, 30), None, "N0"),
        ("K3/2024-10-01", "K3", None, None, "N0")]
    assert con.execute("SELECT factors FROM assessment WHERE child_id = 'K1'").fetchone() == (
        "3B 4B",)
    assert con.execute("SELECT plan_id FROM cp_plan").fetchall() == [("K1/2022-06-01",)]
    children = con.execute("SELECT child_id, sex, birth_month, district_code, family_id "
                           "FROM child ORDER BY 1").fetchall()
    assert children == [("K1", "M", dt.date(2015, 6, 1), NOT_KNOWN, None),
                        ("K2", "0", dt.date(2015, 6, 1), NOT_KNOWN, None),
                        ("K3", "F", dt.date(2019, 2, 1), NOT_KNOWN, None)]
    assert metrics.value(con, "cp_plans", dt.date(2023, 3, 31)) == 1
    con.close()


def test_the_census_sex_codes_are_those_of_its_year(two_years, tmp_path):
    """A code of the other year's list is read as this year's (tests/test_census_shapes.py); a
    code of neither is refused with the year's."""
    late = two_years / "CIN census 2025.xml"
    late.write_text(late.read_text(encoding="utf-16").replace(
        "<GenderCurrent>F</GenderCurrent>", "<GenderCurrent>7</GenderCurrent>"),
        encoding="utf-8")
    with pytest.raises(LoadError) as error:
        load_paths([two_years], tmp_path / "store.duckdb", strict=True)
    line = next(n for n, text in enumerate(late.read_text().splitlines(), 1)
                if "<Child>" in text and "K3" in late.read_text().splitlines()[n + 1])
    assert (f"CIN census 2025.xml (Child), line {line}, field Sex: '7' is not a "
            "CENSUS_SEX code for 2024-25") in str(error.value)


def test_a_problem_names_the_line_of_the_element_and_the_row_is_set_aside(two_years, tmp_path):
    early = two_years / "cin_2022-23.xml"
    text = early.read_text().replace("<CINreferralDate>2022-09-12",
                                     "<CINreferralDate>2022-09-31")
    early.write_text(text)
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "<CINdetails>" in t
                and "2022-09-31" in text.splitlines()[n])
    with pytest.raises(LoadError) as error:
        load_paths([two_years], tmp_path / "strict.duckdb", strict=True)
    assert (f"cin_2022-23.xml (CINdetails), line {line}, field CINreferralDate: '2022-09-31' "
            "is not a date in the form yyyy-mm-dd") in str(error.value)


@pytest.mark.parametrize("text, message", [
    ("<Message><Header></Message>", "is not well-formed XML"),
    ("<Pupils><Pupil/></Pupils>", "is XML but not a children in need census (it starts with "
                                  "Pupils)"),
    ("\x00\x01garbage", "is not well-formed XML"),
])
def test_a_file_that_is_not_a_sound_census_is_refused_by_name(tmp_path, text, message):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "census.xml").write_text(text)
    with pytest.raises(LoadError) as error:
        load_paths([tmp_path / "in"], tmp_path / "store.duckdb")
    assert "census.xml" in str(error.value) and message in str(error.value)


def test_a_namespaced_census_reads_as_a_plain_one(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "cin.xml").write_text(_census(
        2024, _child("K9", "2", _referral("2023-07-01")), namespace="http://example.org/cin"))
    load_paths([tmp_path / "in"], tmp_path / "store.duckdb")
    con = duckdb.connect(str(tmp_path / "store.duckdb"), read_only=True)
    assert con.execute("SELECT referral_id FROM referral").fetchall() == [("K9/2023-07-01",)]
    con.close()


def test_the_census_and_local_referrals_together_are_refused(known_folder, two_years, tmp_path):
    with pytest.raises(LoadError) as error:
        load_paths([known_folder, two_years], tmp_path / "store.duckdb")
    assert "gives the same records as" in str(error.value)
    assert "load one of them" in str(error.value)


def test_the_demos_census_gives_the_front_door_figures_its_local_extracts_give(
        demo_db, tmp_path):
    """Loading the demo's census in place of its local children in need files changes no
    front-door count (the census has no route into the front door)."""
    extracts = demo_db.parent / "extracts"
    local = tmp_path / "local"
    shutil.copytree(extracts, local, ignore=shutil.ignore_patterns("cin_*.csv"))
    db = tmp_path / "census.duckdb"
    load_paths([local, census_folder(extracts)], db)
    ours, theirs = store.connect_readonly(demo_db), store.connect_readonly(db)
    days = [dt.date(2020, 3, 31), dt.date(2024, 3, 31), dt.date(2026, 9, 30)]
    for name in ("referrals", "rereferral_pct", "cp_plans", "cp_plan_rate", "s47_enquiries"):
        if name in metrics.MEASURES:
            assert metrics.series(ours, name, days)["value"].tolist() == \
                metrics.series(theirs, name, days)["value"].tolist(), name
    assert theirs.execute("SELECT count(*) FROM referral WHERE route IS NOT NULL").fetchone()[0] \
        == 0
    ours.close()
    theirs.close()


def test_children_only_in_the_returns_take_their_district_from_the_home_postcode(
        known_folder, tmp_path):
    """A looked-after child with no local row: the district of the outward code of the home
    postcode of their latest episode; a postcode outside the council gives 'not known'."""
    import csv

    def rewrite(name, change):
        path = known_folder / name
        rows = list(csv.DictReader(path.open(encoding="utf-8")))
        rows = change(rows)
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        return rows

    episodes = rewrite("episodes.csv", lambda rows: rows)
    referred = {r["CHILD"] for name in ("cin_referrals.csv", "allocations.csv")
                for r in csv.DictReader((known_folder / name).open(encoding="utf-8"))}
    first, second = sorted({r["CHILD"] for r in episodes} - referred)[:2]
    rewrite("episodes.csv", lambda rows: [
        r | {"HOME_POST": "LA1 4" if r["CHILD"] == first else "M1 1"
             if r["CHILD"] == second else r["HOME_POST"]} for r in rows])
    rewrite("children.csv", lambda rows: [r for r in rows if r["CHILD"] not in (first, second)])
    db = tmp_path / "store.duckdb"
    load_paths([known_folder], db)
    con = store.connect_readonly(db)
    districts = dict(con.execute("SELECT child_id, district_code FROM child WHERE child_id IN "
                                 "(?, ?)", [first, second]).fetchall())
    assert districts == {first: LANCASTER, second: NOT_KNOWN}
    con.close()


def test_a_store_of_the_census_alone_shows_the_front_door_and_says_what_else_waits(
        demo_db, tmp_path, monkeypatch):
    """A council starting with its census: the Front door draws; Children in care and
    Outcomes say which sources they wait for; the Overview's cards say it card by card."""
    from conftest import new_app

    db = tmp_path / "census.duckdb"
    load_paths([census_folder(demo_db.parent / "extracts")], db)
    monkeypatch.setenv("FSDASH_DB", str(db))
    app = new_app()
    app.run()
    assert not app.exception
    cards = {m.label: m.value for m in app.metric}
    assert cards["Children looked after"] == "Not loaded"
    app.switch_page("pages/front_door.py").run()
    assert not app.exception and not app.info
    assert any("referrals" in m.value for m in app.markdown)
    for page, waits in (("children_in_care", "header.csv and episodes.csv"),
                        ("outcomes", "fs_involvement.csv, adults.csv and "
                                     "adult_events.csv")):
        app.switch_page(f"pages/{page}.py").run()
        assert not app.exception, page
        assert waits in app.info[0].value, page
    for page in ("at_a_glance", "scenarios", "team"):
        app.switch_page(f"pages/{page}.py").run()
        assert not app.exception, page


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 100_000), st.binary(min_size=0, max_size=4)),
                min_size=1, max_size=4))
def test_a_damaged_census_is_refused_by_name_or_loaded_never_a_crash(two_years, tmp_path,
                                                                     edits):
    """Bytes changed anywhere in a census: the load either refuses it naming the file, leaving
    the store as it was, or loads it with every child it read accounted for."""
    db = tmp_path / "fuzz.duckdb"
    if not db.exists():
        load_paths([two_years], db)
    census = two_years / "cin_2022-23.xml"
    original = census.read_bytes()
    data = original
    for at, replacement in edits:
        at = at % (len(data) + 1)
        data = data[:at] + replacement + data[at + len(replacement):]
    before = db.read_bytes()
    try:
        census.write_bytes(data)
        try:
            report = load_paths([two_years], db)
        except LoadError as error:
            assert "cin_2022-23.xml" in str(error) or "CIN census 2025.xml" in str(error), \
                str(error)
            assert db.read_bytes() == before
        else:
            children = etree.fromstring(data).find("Children")
            written = 0 if children is None else len(children)
            loaded = report.rows.get("cin_2022-23.xml (Child)", 0)
            assert loaded + report.quarantined.get("cin_2022-23.xml (Child)", 0) == written
    finally:
        census.write_bytes(original)


def test_a_referral_open_in_one_census_and_missing_from_a_later_one_is_listed(two_years,
                                                                            tmp_path):
    early = two_years / "cin_2022-23.xml"
    early.write_text(early.read_text().replace("</Children>", _child(
        "K4", "2", _referral("2023-01-09")) + "\n  </Children>"))
    db = tmp_path / "store.duckdb"
    load_paths([two_years], db)
    con = store.connect_readonly(db)
    queries = con.execute("SELECT file, field, rule, message FROM load_query").fetchall()
    assert con.execute("SELECT closure_date FROM referral WHERE child_id = 'K4'").fetchone() \
        == (None,)
    con.close()
    assert queries == [("cin_2022-23.xml (CINdetails)", "CINclosureDate", "reconciliation",
                        "open at the end of this return (31 March 2023) but not in a later "
                        "one: kept open, as last seen")]
