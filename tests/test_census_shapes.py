"""Every children in need census year's shape (tests/fixtures/census, written for fsdash: see
its README): the sex as GenderCurrent or Sex in either year's codes, disabilities, children in
need plans, pre-proceedings, flags as true/false or 1/0, a header whose Year and ReferenceDate
disagree, elements the census does not define, and a census whose referrals are mostly dated
years ahead. And liiatools' public census sample, checked against a recount of its XML."""

import datetime as dt
import shutil
from pathlib import Path

import pytest
from lxml import etree

from fsdash import store
from fsdash.ingest import LoadError, load_paths

FIXTURES = Path(__file__).parent / "fixtures" / "census"
SHAPES = sorted(p.name for p in FIXTURES.glob("*.xml") if "future" not in p.name)

# Rows each shape gives, by census element: children, disabilities, referrals, assessments,
# children in need plans, enquiries, protection plans, pre-proceedings.
PARTS = ("Child", "Disability", "CINdetails", "Assessments", "CINPlanDates", "Section47",
         "ChildProtectionPlans", "PreProceedingsandFGDM")
ROWS = {
    "cin_2016-17_gendercurrent.xml": (3, 4, 3, 2, 2, 1, 1, 0),
    "cin_2021-22_unknown_element.xml": (2, 2, 2, 1, 0, 0, 0, 0),
    "cin_2022-23_gendercurrent_m_f.xml": (2, 2, 2, 1, 0, 1, 1, 0),
    "cin_2023-24_header_disagrees.xml": (3, 3, 3, 1, 1, 0, 0, 0),
    "cin_2024-25_sex.xml": (3, 5, 3, 1, 1, 1, 0, 0),
    "cin_2025-26_sex_1_2.xml": (2, 2, 2, 1, 0, 0, 0, 0),
    "cin_2026-27_pre_proceedings.xml": (2, 2, 2, 2, 0, 1, 1, 2),
}
YEARS = {"cin_2016-17_gendercurrent.xml": "2016-17", "cin_2021-22_unknown_element.xml": "2021-22",
         "cin_2022-23_gendercurrent_m_f.xml": "2022-23",
         "cin_2023-24_header_disagrees.xml": "2023-24", "cin_2024-25_sex.xml": "2024-25",
         "cin_2025-26_sex_1_2.xml": "2025-26", "cin_2026-27_pre_proceedings.xml": "2026-27"}


def _one(tmp_path, name):
    db = tmp_path / "store.duckdb"
    db.parent.mkdir(parents=True, exist_ok=True)
    return load_paths([FIXTURES / name], db), db


def test_every_shape_has_its_expected_rows():
    assert sorted(ROWS) == SHAPES


@pytest.mark.parametrize("name", SHAPES)
def test_each_shape_loads_alone_and_says_which_year_it_was_taken_as(tmp_path, name):
    report, db = _one(tmp_path, name)
    assert tuple(report.rows[f"{name} ({part})"] for part in PARTS) == ROWS[name]
    assert not report.quarantined
    assert any(note.startswith(f"{name} is taken as the {YEARS[name]} census")
               for note in report.notes), report.notes
    con = store.connect_readonly(db)
    assert con.execute("SELECT count(*) FROM cin_child").fetchone()[0] == ROWS[name][0]
    assert con.execute("SELECT count(*) FROM cin_disability").fetchone()[0] == ROWS[name][1]
    assert con.execute("SELECT count(*) FROM cin_plan").fetchone()[0] == ROWS[name][4]
    assert con.execute("SELECT count(*) FROM pre_proceedings").fetchone()[0] == ROWS[name][7]
    con.close()


@pytest.mark.parametrize("name, sexes, note", [
    ("cin_2016-17_gendercurrent.xml", ["1", "2", "9"], None),
    ("cin_2022-23_gendercurrent_m_f.xml", ["1", "2"],
     "writes the child's sex in the codes of later years: read as the 2022-23 codes, F as 2 "
     "(1 child), M as 1 (1 child)."),
    ("cin_2024-25_sex.xml", ["F", "M", "U"], None),
    ("cin_2025-26_sex_1_2.xml", ["F", "M"],
     "writes the child's sex in the codes of earlier years: read as the 2025-26 codes, 1 as M "
     "(1 child), 2 as F (1 child)."),
])
def test_the_sex_under_either_element_is_read_in_the_codes_of_the_census_year(
        tmp_path, name, sexes, note):
    report, db = _one(tmp_path, name)
    con = store.connect_readonly(db)
    assert [s for (s,) in con.execute("SELECT sex FROM cin_child ORDER BY sex").fetchall()] \
        == sexes
    con.close()
    said = [n for n in report.notes if "child's sex" in n]
    assert said == ([f"{name} {note}"] if note else [])


def test_a_code_of_neither_year_is_refused_naming_the_line_and_year(tmp_path):
    text = (FIXTURES / "cin_2024-25_sex.xml").read_text().replace("<Sex>U</Sex>", "<Sex>X</Sex>")
    (tmp_path / "cin.xml").write_text(text)
    with pytest.raises(LoadError) as error:
        load_paths([tmp_path / "cin.xml"], tmp_path / "store.duckdb", strict=True)
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "<Child>" in t
                and "X503" in text.splitlines()[n + 1])
    assert (f"cin.xml (Child), line {line}, field Sex: 'X' is not a CENSUS_SEX code for 2024-25"
            in str(error.value))


def test_flags_as_true_or_false_and_as_1_or_0_read_alike(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("cin_2016-17_gendercurrent.xml", "cin_2024-25_sex.xml",
                 "cin_2026-27_pre_proceedings.xml"):
        shutil.copy(FIXTURES / name, folder / name)
    db = tmp_path / "store.duckdb"
    load_paths([folder], db)
    con = store.connect_readonly(db)
    nfa = dict(con.execute("SELECT child_id, nfa FROM referral").fetchall())
    assert nfa == {"S101": False, "S102": True, "S103": False, "X501": False, "X502": True,
                   "X503": False, "P701": False, "P702": False}
    assert dict(con.execute("SELECT child_id, icpc_not_required FROM s47_enquiry").fetchall()) \
        == {"S101": False, "X501": True, "P701": False}
    assert con.execute("SELECT child_id, fgdm_offered, fgdm_facilitated FROM pre_proceedings "
                       "ORDER BY 1").fetchall() == [("P701", True, False), ("P702", True, True)]
    con.close()


def test_disabilities_plans_and_pre_proceedings_are_kept(tmp_path):
    _, db = _one(tmp_path, "cin_2026-27_pre_proceedings.xml")
    con = store.connect_readonly(db)
    assert con.execute("SELECT * FROM pre_proceedings ORDER BY 1").fetchall()[0] == (
        "P701/2026-04-08/2026-06-01", "P701/2026-04-08", "P701", dt.date(2026, 6, 1),
        dt.date(2026, 6, 3), True, False, dt.date(2026, 6, 15), 2, dt.date(2026, 9, 14), "A",
        None, None)
    con.close()
    _, db = _one(tmp_path / "a", "cin_2016-17_gendercurrent.xml")
    con = store.connect_readonly(db)
    assert con.execute("SELECT child_id, disability FROM cin_disability ORDER BY 1, 2"
                       ).fetchall() == [("S101", "HAND"), ("S101", "LD"), ("S102", "NONE"),
                                        ("S103", "AUT")]
    assert con.execute("SELECT cin_plan_id, referral_id, start_date, end_date FROM cin_plan "
                       "ORDER BY 1").fetchall() == [
        ("S101/2016-05-09/2016-07-01", "S101/2016-05-09", dt.date(2016, 7, 1),
         dt.date(2016, 12, 15)),
        ("S103/2015-11-02/2015-12-01", "S103/2015-11-02", dt.date(2015, 12, 1), None)]
    con.close()


def test_a_plan_listed_twice_word_for_word_is_read_once_and_said(tmp_path):
    report, db = _one(tmp_path, "cin_2016-17_gendercurrent.xml")
    text = (FIXTURES / "cin_2016-17_gendercurrent.xml").read_text().splitlines()
    plans = [n for n, t in enumerate(text, 1) if "<ChildProtectionPlans>" in t]
    assert (f"cin_2016-17_gendercurrent.xml repeats 1 element word for word within a child, "
            f"each read once: ChildProtectionPlans at line {plans[1]} (as at line {plans[0]})."
            ) in report.notes


def test_a_census_written_on_one_line_reads_alike(tmp_path):
    text = (FIXTURES / "cin_2016-17_gendercurrent.xml").read_text()
    (tmp_path / "cin_2016-17.xml").write_text("".join(line.strip() for line in
                                                      text.splitlines()))
    report = load_paths([tmp_path / "cin_2016-17.xml"], tmp_path / "store.duckdb")
    name = "cin_2016-17_gendercurrent.xml"
    assert tuple(report.rows[f"cin_2016-17.xml ({part})"] for part in PARTS) == ROWS[name]
    assert ("cin_2016-17.xml repeats 1 element word for word within a child, each read once: "
            "ChildProtectionPlans at line 1 (as at line 1).") in report.notes


def test_a_header_whose_year_and_reference_date_disagree_is_taken_as_its_referrals_year(
        tmp_path):
    report, _ = _one(tmp_path, "cin_2023-24_header_disagrees.xml")
    assert ("cin_2023-24_header_disagrees.xml is taken as the 2023-24 census, as its header's "
            "ReferenceDate (31 March 2024) says: its Year (2023) would make it the 2022-23 "
            "census, but it has 3 referrals dated in 2023-24 against 0 in 2022-23.") \
        in report.notes


@pytest.mark.parametrize("year, reference, expected", [
    ("2024", "2024-07-21", "is taken as the 2023-24 census, as its header's Year (2024) says; "
                           "its ReferenceDate (21 July 2024) is not a 31 March, so was not used."),
    ("2024", "", "is taken as the 2023-24 census, as its header's Year (2024) says; it has no "
                 "ReferenceDate."),
    ("", "2024-03-31", "is taken as the 2023-24 census, the year its header's ReferenceDate "
                       "(31 March 2024) falls in; it has no Year."),
    ("2023", "2024-03-31", "is taken as the 2023-24 census, as its header's ReferenceDate"),
    ("2024", "2023-03-31", "is taken as the 2023-24 census, as its header's Year (2024) says: "
                           "its ReferenceDate (31 March 2023) would make it the 2022-23 census"),
    ("2023-24", "2024-03-31", "is taken as the 2023-24 census: its header's Year (2023-24) and "
                              "ReferenceDate (31 March 2024) agree."),
    ("2023/24", "", "is taken as the 2023-24 census, as its header's Year (2023/24) says; it has "
                    "no ReferenceDate."),
])
def test_the_year_taken_from_the_header_and_why(tmp_path, year, reference, expected):
    text = (FIXTURES / "cin_2023-24_header_disagrees.xml").read_text()
    text = text.replace("<Year>2023</Year>", f"<Year>{year}</Year>").replace(
        "<ReferenceDate>2024-03-31</ReferenceDate>", f"<ReferenceDate>{reference}</ReferenceDate>")
    (tmp_path / "census.xml").write_text(text)
    report = load_paths([tmp_path / "census.xml"], tmp_path / "store.duckdb")
    assert any(n.startswith(f"census.xml {expected}") for n in report.notes), report.notes


def test_elements_the_census_does_not_define_are_passed_over_and_listed(tmp_path):
    report, db = _one(tmp_path, "cin_2021-22_unknown_element.xml")
    text = (FIXTURES / "cin_2021-22_unknown_element.xml").read_text().splitlines()
    language = next(n for n, t in enumerate(text, 1) if "<FirstLanguage>" in t)
    team = next(n for n, t in enumerate(text, 1) if "<AllocatedTeam>" in t)
    assert ("cin_2021-22_unknown_element.xml has elements in its children that the census does "
            f"not define, passed over: ChildCharacteristics/FirstLanguage (1 time, first at line "
            f"{language}); CINdetails/AllocatedTeam (2 times, first at line {team}).") \
        in report.notes


def test_a_census_with_most_referrals_dated_years_ahead_is_refused_saying_so(tmp_path):
    name = "cin_2023-24_future_referrals.xml"
    text = (FIXTURES / name).read_text().splitlines()
    lines = [n for n, t in enumerate(text, 1) if "<CINdetails>" in t
             and "<CINreferralDate>203" in text[n]]
    db = tmp_path / "store.duckdb"
    load_paths([FIXTURES / "cin_2024-25_sex.xml"], db)
    before = db.read_bytes()
    with pytest.raises(LoadError) as error:
        load_paths([FIXTURES / name], db)
    message = str(error.value)
    assert (f"{name}, line {lines[0]}: has most of its referrals dated after its year ended: 3 "
            "of 4 are after 31 March 2024, the end of the 2023-24 census, 3 of them in years "
            "still to come. Nothing from it was loaded. The first: "
            f"line {lines[0]}, field CINreferralDate: '2032-05-02'; line {lines[1]}, field "
            f"CINreferralDate: '2032-06-11'; line {lines[2]}, field CINreferralDate: "
            "'2033-01-23'.") in message, message
    assert db.read_bytes() == before


def test_a_few_referrals_dated_after_the_year_load_as_given_and_are_listed(tmp_path):
    text = (FIXTURES / "cin_2024-25_sex.xml").read_text().replace(
        "<CINreferralDate>2025-01-13<", "<CINreferralDate>2025-05-01<")
    (tmp_path / "cin.xml").write_text(text)
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "<CINdetails>" in t
                and "2025-05-01" in text.splitlines()[n])
    report = load_paths([tmp_path / "cin.xml"], tmp_path / "store.duckdb")
    assert report.rows["cin.xml (CINdetails)"] == 3
    assert (f"cin.xml has 1 referral dated after its year ended (31 March 2025), loaded as "
            f"given: line {line}, CINreferralDate '2025-05-01'.") in report.notes


def test_every_shape_loads_together_each_record_from_its_latest_census(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in SHAPES:
        shutil.copy(FIXTURES / name, folder / name)
    db = tmp_path / "store.duckdb"
    report = load_paths([folder], db)
    assert len([n for n in report.notes if " is taken as the " in n]) == len(SHAPES)
    con = store.connect_readonly(db)
    assert con.execute("SELECT count(*) FROM cin_child").fetchone()[0] == \
        sum(rows[0] for rows in ROWS.values())
    assert con.execute("SELECT count(*) FROM referral").fetchone()[0] == \
        sum(rows[2] for rows in ROWS.values())
    assert con.execute("SELECT count(*) FROM cin_plan").fetchone()[0] == 4
    assert con.execute("SELECT count(*) FROM pre_proceedings").fetchone()[0] == 2
    con.close()


def _count(tree, path: str) -> int:
    return len(tree.findall(path))


def test_liiatools_public_census_sample_loads_and_recounts(public_samples, tmp_path):
    """liiatools' cin-2022.xml (MIT): every record recounted from the XML with lxml."""
    sample = public_samples / "cin_census" / "samples" / "cin-2022.xml"
    report = load_paths([sample], tmp_path / "store.duckdb")
    tree = etree.parse(str(sample)).getroot()
    children = tree.find("Children")
    con = store.connect_readonly(tmp_path / "store.duckdb")
    for table, path in (("cin_child", "Child"),
                        ("cin_disability", "Child/ChildCharacteristics/Disabilities/Disability"),
                        ("referral", "Child/CINdetails"),
                        ("assessment", "Child/CINdetails/Assessments"),
                        ("cin_plan", "Child/CINdetails/CINPlanDates"),
                        ("s47_enquiry", "Child/CINdetails/Section47"),
                        ("cp_plan", "Child/CINdetails/ChildProtectionPlans")):
        assert con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == \
            _count(children, path), table
    referral_dates = sorted(dt.date.fromisoformat(e.text) for e in
                            children.findall("Child/CINdetails/CINreferralDate"))
    assert [d for (d,) in con.execute("SELECT referral_date FROM referral ORDER BY 1")
            .fetchall()] == referral_dates
    disabilities = sorted(e.text for e in children.iter("Disability"))
    assert [d for (d,) in con.execute("SELECT disability FROM cin_disability ORDER BY 1")
            .fetchall()] == disabilities
    con.close()
    year = tree.findtext("Header/CollectionDetails/Year")
    assert any(n.startswith(f"cin-2022.xml is taken as the {int(year) - 1}-{int(year) % 100}")
               for n in report.notes), report.notes
