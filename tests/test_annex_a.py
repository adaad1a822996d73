"""Ofsted's Annex A workbook: reading its lists whatever the sheets and headers look like, keeping
every snapshot, and the front door and team caseloads from Annex A alone."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import stat
from pathlib import Path

import duckdb
import openpyxl
import pytest

from fsdash import annex_a, annex_a_lists, annex_a_store, ingest, metrics, store
from fsdash.access.roles import Scope
from fsdash.config import AnnexA, load_council

FIXTURES = Path(__file__).parent / "fixtures" / "annex_a"
TEAM = "Family Safeguarding Lancaster North"     # mapped to FS01 in config/lancashire.toml

REFERRALS = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)",
             "Date of Referral", "Referral Source", "Referral NFA?",
             "Number of Referrals in Last 12 Months", "Allocated Team", "Allocated Worker"]
CIN = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)",
       "Does the Child have a Disability", "CIN Start Date", "Primary Need Code",
       "Date Child Was Last Seen", "CIN Closure Date", "Reason for Closure", "Case Status",
       "Allocated Team", "Allocated Worker"]
PLANS = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)",
         "Does the Child have a Disability", "Child Protection Plan Start Date",
         "Initial Category of Abuse", "Latest Category of Abuse",
         "Date of the Last Statutory Visit", "Was the Child Seen Alone?",
         "Date of latest review conference", "Child Protection Plan End Date",
         "Number of Previous Child Protection Plans", "Allocated Team", "Allocated Worker"]


@pytest.fixture(autouse=True)
def _secret_beside_the_store(monkeypatch):
    """Worker keys under the secret in the file beside each test's store, whatever the
    environment running the tests holds."""
    monkeypatch.delenv(annex_a_store.SECRET_ENV, raising=False)


def _key(db: Path, name: str) -> str:
    """The key the worker ``name`` has in the store ``db``."""
    return annex_a.worker_key(name, annex_a_store.worker_secret(db, create=False)[0])


def _workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def _referral(child, day, source="q) 6: Police", team=TEAM, worker="Ann Smith"):
    return [child, "a) Male", "a) WBRI", dt.datetime(2015, 5, 4), 10, day, source, "b) No", 0,
            team, worker]


def _cin(child, team=TEAM, worker="Ann Smith", status="c) Child in need plan"):
    return [child, "b) Female", "k) APKN", dt.datetime(2016, 2, 1), 9, "b) No",
            dt.datetime(2026, 3, 1), "N1 - Abuse or neglect", dt.datetime(2026, 9, 1), None,
            None, status, team, worker]


def _plan(child, team=TEAM, worker="Bob Jones"):
    return [child, "a) Male", "a) WBRI", dt.datetime(2019, 6, 1), 7, "b) No",
            dt.datetime(2026, 7, 1), "a) Neglect", "a) Neglect", dt.datetime(2026, 9, 20), "a) Yes",
            None, None, 0, team, worker]


def _snapshot(path: Path, cin_children, plan_children=(), referrals=(), titles=True,
              names=("List 3", "List 6", "List 7")) -> Path:
    title = [["Annex A: Lancashire County Council"], ["Produced for inspection"]] if titles else []
    return _workbook(path, {
        names[0]: title + [REFERRALS] + [_referral(c, d) for c, d in referrals],
        names[1]: title + [CIN] + [_cin(*c) if isinstance(c, tuple) else _cin(c)
                                   for c in cin_children],
        names[2]: title + [PLANS] + [_plan(c) for c in plan_children],
    })


def test_sheets_are_found_by_list_number_whatever_they_are_called():
    assert [annex_a.list_number(n) for n in ("List 3", "List_3", "List3", "list 3 - Referrals",
                                             "List-03", "List 10", "LIST 1 Contacts")] == \
        [3, 3, 3, 3, 3, 10, 1]
    assert annex_a.list_number("Sheet1") is None
    assert annex_a.list_number("Contents (lists 1 to 11)") is None


def test_labels_map_to_codes():
    assert annex_a.code_for("SEX", "a) Male") == "M"
    assert annex_a.code_for("SEX", "b) Female") == "F"
    assert annex_a.code_for("SEX", "Female") == "F"
    assert annex_a.code_for("SEX", "c) Not stated/recorded") == "U"
    assert annex_a.code_for("ETHNIC", "k) APKN") == "APKN"
    assert annex_a.code_for("ETHNIC", "White British") == "WBRI"
    assert annex_a.code_for("REFERRAL_SOURCE", "q) 6: Police") == "6"
    assert annex_a.code_for("REFERRAL_SOURCE", "j) 3D: Health services") == "3D"
    assert annex_a.code_for("REFERRAL_SOURCE", "u) 10: Unknown") == "10"
    assert annex_a.code_for("NEED", "N1 - Abuse or Neglect") == "N1"
    assert annex_a.code_for("ABUSE_CATEGORY", "Physical abuse") == "PHY"
    assert annex_a.code_for("CASE_STATUS", "b) Child Protection plan") == "CP"
    assert annex_a.code_for("REFERRAL_SOURCE", "a sunny day") is None
    assert annex_a.yes_no("a) Yes") is True and annex_a.yes_no("b) No") is False
    assert annex_a.yes_no("c) Unknown") is None


def test_header_is_found_under_title_rows_in_variant_sheets(tmp_path):
    path = _snapshot(tmp_path / "Annex A 2026-09-30.xlsx", ["C1", "C2"],
                     referrals=[("C1", dt.datetime(2026, 9, 2))],
                     names=("List_3", "List6", "List 7 - Child protection"))
    read = annex_a.read(path)
    assert read.extract_date == dt.date(2026, 9, 30)
    assert "file's name" in read.date_from
    assert read.lists[3].header_row == 3 and read.lists[6].name == "List6"
    row, values = read.lists[3].records[0]
    assert row == 4
    assert (values["sex"], values["ethnicity"], values["source"], values["nfa"]) == \
        ("M", "WBRI", "6", False)
    assert values["worker_key"].startswith("AW-") and "Ann" not in values["worker_key"]


def test_extract_date_from_a_title_row_else_the_latest_date(tmp_path):
    path = _workbook(tmp_path / "annex.xlsx", {
        "List 3": [["Annex A"], ["Extract date: 31/08/2026"], REFERRALS,
                   _referral("C1", dt.datetime(2026, 8, 3))]})
    assert annex_a.read(path).extract_date == dt.date(2026, 8, 31)
    path = _workbook(tmp_path / "annex2.xlsx", {
        "List 3": [REFERRALS, _referral("C1", dt.datetime(2026, 8, 3)),
                   _referral("C2", dt.datetime(2026, 8, 20))]})
    read = annex_a.read(path)
    assert read.extract_date == dt.date(2026, 8, 20) and "latest date" in read.date_from


def test_public_workbook_loads_alone(public_samples, tmp_path):
    """liiatools' sample Annex A (MIT) loads by itself; its referrals are the rows of its list
    3, counted here with openpyxl."""
    path = public_samples / "annex_a" / "samples" / "Annex_A.xlsx"
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = list(book["List 3"].iter_rows(values_only=True))
    referrals = {(r[0], r[5].date()) for r in rows[1:] if r[0] is not None}
    book.close()
    report = ingest.load_paths([path], tmp_path / "store.duckdb")
    assert report.rows["Annex_A.xlsx (List 3, referrals)"] == len(rows) - 1
    con = duckdb.connect(str(tmp_path / "store.duckdb"), read_only=True)
    stored = set(con.execute("SELECT CAST(child_id AS BIGINT), referral_date FROM referral"
                             ).fetchall())
    assert stored == referrals
    assert con.execute("SELECT count(*) FROM annex_a_snapshot").fetchone()[0] == 1
    for number in range(1, 10):
        assert con.execute(f"SELECT count(*) FROM {annex_a_lists.LISTS[number].table}").fetchone()[0]
    notes = " ".join(report.notes)
    assert "Annex_A.xlsx is an Annex A snapshot taken as at" in notes
    assert "'Care Leavers Team'" in notes          # its teams are not this council's
    assert "PSRMEM" in notes                       # a primary need that is no code, kept as such


def test_annex_a_alone_gives_front_door_and_team_caseloads(tmp_path):
    path = _snapshot(tmp_path / "Annex_A_2026-09-30.xlsx", ["C1", ("C2", "FS02", "Cy Lee")],
                     plan_children=["C3"], referrals=[("C1", dt.datetime(2026, 9, 2)),
                                                      ("C4", dt.datetime(2026, 8, 11))])
    db = tmp_path / "store.duckdb"
    report = ingest.load_paths([path], db)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM referral").fetchone()[0] == 2
    assert con.execute("SELECT source FROM referral WHERE child_id = 'C1'").fetchone()[0] == "6"
    teams = metrics.caseload_by_team(con, dt.date(2026, 9, 30)).set_index("team")
    assert teams.loc["FS01", "children"] == 2        # C1 (in need) and C3 (on a plan)
    assert teams.loc["FS02", "children"] == 1
    workers = metrics.caseload_by_worker(con, dt.date(2026, 9, 30), "FS01")
    assert sorted(workers["children"]) == [1, 1]
    assert all(w.startswith("AW-") for w in workers["worker"])
    assert not con.execute("SELECT count(*) FROM annex_a_worker_name").fetchone()[0]
    assert any("caseloads come from Annex A" in n for n in report.notes)
    assert "Annex A, which covers the six months before each snapshot: 01/04/2026 to 30/09/2026" \
        in " ".join(report.notes)


def test_unmapped_team_is_listed_never_guessed(tmp_path):
    path = _snapshot(tmp_path / "Annex_A_2026-09-30.xlsx",
                     ["C1", ("C2", "Lancaster North FS Team", "Cy Lee")])
    report = ingest.load_paths([path], tmp_path / "store.duckdb")
    note = next(n for n in report.notes if "mapped to no team code" in n)
    assert "'Lancaster North FS Team' (1 case)" in note
    con = duckdb.connect(str(tmp_path / "store.duckdb"), read_only=True)
    assert con.execute("SELECT list(child_id) FROM allocation").fetchone()[0] == ["C1"]


def test_two_snapshots_give_caseload_history(tmp_path):
    db = tmp_path / "store.duckdb"
    september = _snapshot(tmp_path / "Annex_A_2026-09-30.xlsx", ["C1", "C2"])
    october = _snapshot(tmp_path / "Annex_A_2026-10-31.xlsx", ["C1", ("C2", TEAM, "Di Pal"),
                                                                "C5"])
    ingest.load_paths([september], db)
    report = ingest.load_paths([october], db)       # a later load adds to what is held
    assert not report.kept or "Annex" not in " ".join(report.kept)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT list(extract_date ORDER BY extract_date) FROM annex_a_snapshot"
                       ).fetchone()[0] == [dt.date(2026, 9, 30), dt.date(2026, 10, 31)]
    by_date = {day: metrics.caseload_by_worker(con, day, "FS01").set_index("worker")["children"]
               for day in (dt.date(2026, 9, 30), dt.date(2026, 10, 31))}
    ann = _key(db, "Ann Smith")
    assert by_date[dt.date(2026, 9, 30)][ann] == 2
    assert by_date[dt.date(2026, 10, 31)][ann] == 2     # C1 and C5; C2 moved to Di Pal
    assert by_date[dt.date(2026, 10, 31)][_key(db, "Di Pal")] == 1
    assert _key(db, "Di Pal") not in by_date[dt.date(2026, 9, 30)]
    assert con.execute("SELECT count(*) FROM allocation WHERE child_id = 'C2'").fetchone()[0] == 2


def test_worker_names_kept_only_where_the_council_allows(tmp_path):
    council = load_council()
    allowing = dataclasses.replace(council, annex_a=AnnexA(council.annex_a.teams, True))
    path = _snapshot(tmp_path / "Annex_A_2026-09-30.xlsx", ["C1"])
    ingest.load_paths([path], tmp_path / "store.duckdb", council=allowing)
    con = duckdb.connect(str(tmp_path / "store.duckdb"), read_only=True)
    assert con.execute("SELECT worker_key, team_code, name FROM annex_a_worker_name"
                       ).fetchall() == [(_key(tmp_path / "store.duckdb", "Ann Smith"), "FS01",
                                         "Ann Smith")]
    own, other, director = (Scope("team_manager", ("FS01",)), Scope("team_manager", ("FS02",)),
                            Scope("director"))
    assert annex_a_store.worker_names(con, own, "FS01", allowing) == {
        _key(tmp_path / "store.duckdb", "Ann Smith"): "Ann Smith"}
    assert annex_a_store.worker_names(con, other, "FS01", allowing) == {}
    assert annex_a_store.worker_names(con, director, "FS01", allowing) == {}
    assert annex_a_store.worker_names(con, own, "FS01", council) == {}
    con.close()
    ingest.load_paths([path], tmp_path / "store.duckdb", council=council)   # no longer allowed
    con = duckdb.connect(str(tmp_path / "store.duckdb"), read_only=True)
    assert not con.execute("SELECT count(*) FROM annex_a_worker_name").fetchone()[0]
    names = con.execute("SELECT string_agg(CAST(columns(*) AS VARCHAR), ' ') FROM allocation"
                        ).fetchone()
    assert "Ann" not in " ".join(str(n) for n in names)


def test_bad_value_is_named_by_file_sheet_row_and_field_and_nothing_is_lost(tmp_path):
    db = tmp_path / "store.duckdb"
    ingest.load_paths([_snapshot(tmp_path / "Annex_A_2026-09-30.xlsx", ["C1"])], db)
    bad = _snapshot(tmp_path / "Annex_A_2026-10-31.xlsx", ["C1"],
                    referrals=[("C1", dt.datetime(2026, 10, 2)), ("C2", "31st of October")])
    with pytest.raises(ingest.LoadError) as error:
        ingest.load_paths([bad], db)
    message = str(error.value)
    assert ("Annex_A_2026-10-31.xlsx, sheet List 3, row 5, field Date of Referral: "
            "'31st of October' is not a date") in message
    assert "Traceback" not in message
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT list(extract_date) FROM annex_a_snapshot").fetchone()[0] == \
        [dt.date(2026, 9, 30)]


def test_a_missing_column_and_a_workbook_that_is_not_annex_a(tmp_path):
    path = _workbook(tmp_path / "Annex_A_2026-09-30.xlsx", {
        "List 3": [[c for c in REFERRALS if c != "Referral Source"],
                   _referral("C1", dt.datetime(2026, 9, 2))[:6]]})
    with pytest.raises(ingest.LoadError, match="sheet List 3, row 1, field Referral Source: "
                                               "is missing from the header"):
        ingest.load_paths([path], tmp_path / "store.duckdb")
    other = _workbook(tmp_path / "budget.xlsx", {"Sheet1": [["Cost centre", "Amount"]]})
    with pytest.raises(ingest.LoadError, match="budget.xlsx: has no sheet named for an Annex A"):
        ingest.load_paths([other], tmp_path / "store.duckdb")
    broken = tmp_path / "broken.xls"
    broken.write_bytes(b"not a workbook at all")
    with pytest.raises(ingest.LoadError, match="broken.xls: could not be opened as an Excel"):
        ingest.load_paths([broken], tmp_path / "store.duckdb")


def test_older_xls_workbook_loads(tmp_path):
    """A .xls (Excel 97-2003) workbook, written by tests/fixtures/annex_a/make_xls.py with
    xlwt: sheets List_3 and List6 under two title rows, labels for codes."""
    path = FIXTURES / "annex_a_2026-09-30.xls"
    read = annex_a.read(path)
    assert read.extract_date == dt.date(2026, 9, 30)
    assert read.lists[3].records[0][1]["referral_date"] == dt.date(2026, 9, 2)
    report = ingest.load_paths([path], tmp_path / "store.duckdb")
    assert report.rows["annex_a_2026-09-30.xls (List 3, referrals)"] == 2
    con = duckdb.connect(str(tmp_path / "store.duckdb"), read_only=True)
    assert con.execute("SELECT list(source ORDER BY child_id) FROM referral").fetchone()[0] == \
        ["6", "2A"]
    assert metrics.caseload_by_team(con, dt.date(2026, 9, 30)).set_index("team").loc[
        "FS01", "children"] == 2


def test_written_workbook_reads_back(tmp_path):
    """The demo's writer (``write_workbook``) writes what the reader reads."""
    path = annex_a.write_workbook(tmp_path / "Annex_A_2026-10-31.xlsx", dt.date(2026, 10, 31), {
        3: [{"child_id": "C1", "sex": "F", "ethnicity": "WBRI", "birth_month": dt.date(2016, 1, 1),
             "referral_date": dt.date(2026, 10, 3), "source": "2A", "nfa": False,
             "team_name": TEAM, "worker_key": "Ann Smith"}],
        7: [{"child_id": "C1", "sex": "F", "ethnicity": "WBRI", "start_date": dt.date(2026, 10, 9),
             "initial_category": "NEG", "latest_category": "EMO", "team_name": TEAM,
             "worker_key": "Ann Smith"}]}, council_name="Lancashire")
    read = annex_a.read(path, secret=b"a test secret")
    assert read.extract_date == dt.date(2026, 10, 31)
    values = read.lists[3].records[0][1]
    assert (values["sex"], values["source"], values["nfa"]) == ("F", "2A", False)
    assert read.lists[7].records[0][1]["latest_category"] == "EMO"
    assert values["worker_key"] == annex_a.worker_key("Ann Smith", b"a test secret")


def test_annex_a_beside_a_census_the_census_gives_the_front_door(tmp_path):
    """The batch is not refused; the census wins for what it gives, and a note says so, while
    Annex A still gives the caseloads the census does not."""
    census = Path(__file__).parent / "fixtures" / "census" / "cin_2024-25_sex.xml"
    path = _snapshot(tmp_path / "Annex_A_2025-03-31.xlsx", ["C1"],
                     referrals=[("C1", dt.datetime(2025, 3, 2)), ("C9", dt.datetime(2025, 2, 1))])
    alone = tmp_path / "census.duckdb"
    ingest.load_paths([census], alone)
    db = tmp_path / "store.duckdb"
    report = ingest.load_paths([census, path], db)
    assert any("Referrals, assessments and section 47 enquiries come from" in n and
               "census" in n for n in report.notes)
    both, census_only = (duckdb.connect(str(d), read_only=True) for d in (db, alone))
    count = "SELECT count(*) FROM referral"
    assert both.execute(count).fetchone() == census_only.execute(count).fetchone()
    assert not both.execute("SELECT count(*) FROM referral WHERE referral_id LIKE 'AA/%'"
                            ).fetchone()[0]
    assert both.execute("SELECT list(child_id) FROM allocation").fetchone()[0] == ["C1"]
    assert both.execute("SELECT count(*) FROM annex_a_referral").fetchone()[0] == 2


def test_every_declared_column_has_its_place_in_the_store():
    con = duckdb.connect(":memory:")
    store.migrate(con)
    for annex_list in annex_a_lists.LISTS.values():
        held = {r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?",
            [annex_list.table]).fetchall()}
        assert {c.target for c in annex_list.columns} - {"age"} <= held, annex_list.table
        for column in annex_list.columns:
            if column.kind.startswith("code:"):
                assert column.kind[5:] in annex_a_lists.CODES
    assert "List 8: children looked after" in annex_a.markdown()


def test_a_workbook_in_another_councils_style(tmp_path):
    """Sheets named after their contents, headers in other words and case, dates as text,
    identifiers as numbers, codes without Ofsted's lettering, blank and #N/A cells, a contents
    sheet and blank rows at the end."""
    path = _workbook(tmp_path / "Annex A October 2026.xlsx", {
        "Contents": [["Lists 1 to 11"], ["List 3: referrals"]],
        "Referrals (List 3)": [
            ["ANNEX A - REFERRALS"], [], [],
            ["Person ID", "sex", "ethnicity", "DOB", "age", "referral date", "source of referral",
             "nfa", "referrals in last 12 months", "team", "worker"],
            [1234.0, "Female", "White British", "04/05/2015", 11, "02/10/2026", "Police", "N", 1,
             "FS01", "#N/A"],
            [5678, "M", "WBRI", None, "7", "2026-10-14", "5A", "Y", 0, "#N/A", None],
            [None, None, None, None, None, None, None, None, None, None, None],
        ],
        "CIN (List 6)": [
            ["Child ID", "Gender", "Ethnicity", "Date of birth", "Disabled?", "CIN start date",
             "Primary need", "Case status", "Allocated team", "Allocated social worker"],
            [1234, "b) Female", "a) WBRI", dt.datetime(2015, 5, 4), "No", "02/10/2026",
             "N4", "Child in need", "family safeguarding  LANCASTER north", "Ann Smith"],
        ],
    })
    read = annex_a.read(path)
    assert read.extract_date == dt.date(2026, 10, 31)       # the month in the file's name
    rows = [values for _, values in read.lists[3].records]
    assert [(v["child_id"], v["sex"], v["ethnicity"], v["source"], v["nfa"], v["team_name"])
            for v in rows] == [("1234", "F", "WBRI", "6", False, "FS01"),
                               ("5678", "M", "WBRI", "5A", True, None)]
    assert rows[1]["birth_month"] is None and rows[1]["age"] == 7
    report = ingest.load_paths([path], tmp_path / "store.duckdb")
    con = duckdb.connect(str(tmp_path / "store.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM referral").fetchone()[0] == 2
    assert con.execute("SELECT birth_month FROM child WHERE child_id = '5678'").fetchone()[0] \
        == dt.date(2019, 10, 1)                           # from the age, 7, on 31/10/2026
    assert con.execute("SELECT team_code, worker_id FROM allocation").fetchall() == \
        [("FS01", _key(tmp_path / "store.duckdb", "Ann Smith"))]
    assert not any("mapped to no team" in n for n in report.notes)


def test_a_store_written_as_annex_a_and_loaded_alone_gives_the_same_front_door_and_caseloads(
        known, tmp_path):
    """snapshot_lists and write_workbook (what the demo uses) write what a council holding the
    records would: loaded alone, the referrals of the six months, the plans open and each
    team's children on the extract date are the same."""
    day = dt.date(2020, 3, 31)
    lists = annex_a_store.snapshot_lists(known, day, worker_name=lambda w: f"Worker {w}")
    assert sorted(lists) == [3, 4, 5, 6, 7, 8]
    path = annex_a.write_workbook(tmp_path / f"Annex_A_{day}.xlsx", day, lists)
    db = tmp_path / "annex.duckdb"
    ingest.load_paths([path], db)
    annex = duckdb.connect(str(db), read_only=True)
    in_window = ("SELECT count(*) FROM referral WHERE referral_date > DATE '2019-09-30' "
                 "AND referral_date <= DATE '2020-03-31'")
    open_plans = ("SELECT count(*) FROM cp_plan WHERE start_date <= DATE '2020-03-31' "
                  "AND (end_date IS NULL OR end_date > DATE '2020-03-31')")
    for sql in (in_window, open_plans):
        assert annex.execute(sql).fetchone() == known.execute(sql).fetchone(), sql
    children = [metrics.caseload_by_team(con, day).set_index("team")["children"].to_dict()
                for con in (known, annex)]
    assert children[0] == children[1] and children[0]["FS01"] == 2


def test_an_extract_date_in_the_future_is_refused(tmp_path):
    path = _snapshot(tmp_path / "Annex_A_2099-01-31.xlsx", ["C1"])
    with pytest.raises(ingest.LoadError, match="Annex_A_2099-01-31.xlsx: has the extract date "
                                               "31/01/2099 .* which is in the future"):
        ingest.load_paths([path], tmp_path / "store.duckdb")


def test_the_demo_council_written_as_annex_a_gives_every_teams_children(demo_con, tmp_path):
    """Lists 6 to 8 of the demo council on a month end, with its team names as the council
    configuration maps them and its workers by name: loaded alone, every team has the same
    children on that date as the demo's own allocations give."""
    names = {t.code: t.name for t in load_council().teams}
    day = dt.date(2026, 9, 30)
    lists = annex_a_store.snapshot_lists(
        demo_con, day, team_name=lambda code: f"Family Safeguarding {names[code]}",
        worker_name=lambda worker: f"Worker {worker}")
    path = annex_a.write_workbook(tmp_path / "Annex_A_2026-09-30.xlsx", day,
                                  {n: lists[n] for n in (6, 7, 8)}, "Lancashire")
    report = ingest.load_paths([path], tmp_path / "annex.duckdb")
    assert not any("mapped to no team" in n for n in report.notes)
    annex = duckdb.connect(str(tmp_path / "annex.duckdb"), read_only=True)
    demo, alone = (metrics.caseload_by_team(con, day).set_index("team")["children"].to_dict()
                   for con in (demo_con, annex))
    assert alone == demo and len(demo) == 21


def test_local_allocations_loaded_later_take_over_the_caseloads(known_folder, tmp_path):
    """Annex A's caseloads stand until a local allocations file comes: then its workers (each
    counted as one full-time social worker) go, and a note says the snapshots are kept."""
    db = tmp_path / "store.duckdb"
    ingest.load_paths([_snapshot(tmp_path / "Annex_A_2020-03-31.xlsx", ["C1"])], db)
    report = ingest.load_paths([known_folder], db)
    con = duckdb.connect(str(db), read_only=True)
    assert not con.execute("SELECT count(*) FROM worker WHERE worker_id LIKE 'AW-%'"
                           ).fetchone()[0]
    assert not con.execute("SELECT count(*) FROM allocation WHERE case_id LIKE 'AA/%'"
                           ).fetchone()[0]
    assert con.execute("SELECT count(*) FROM annex_a_snapshot").fetchone()[0] == 1
    assert any("Team caseloads come from allocations.csv" in n for n in report.notes)


def test_a_snapshot_of_a_date_held_replaces_it_and_two_in_one_batch_are_refused(tmp_path):
    db = tmp_path / "store.duckdb"
    first = _snapshot(tmp_path / "Annex_A_2026-09-30.xlsx", ["C1", "C2"])
    ingest.load_paths([first], db)
    again = tmp_path / "again"
    again.mkdir()
    second = _snapshot(again / "Annex_A_2026-09-30.xlsx", ["C1"])
    report = ingest.load_paths([second], db)
    assert any("replaces the Annex A snapshot of 30/09/2026" in n for n in report.notes)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM annex_a_cin").fetchone()[0] == 1
    con.close()
    with pytest.raises(ingest.LoadError, match="is a second Annex A workbook for 30/09/2026"):
        ingest.load_paths([first, second], db)


# --- worker keys: keyed digests under a secret beside the store, never the names ---------------

WORKERS = ("Ann Smith", "Bob Jones", "Cy Lee", "Di Pal")


def _with_every_worker(path: Path) -> Path:
    """A snapshot naming every worker of ``WORKERS`` (lists 3, 6 and 7)."""
    return _snapshot(path, ["C1", ("C2", TEAM, "Di Pal"), ("C5", "FS02", "Cy Lee")],
                     plan_children=["C3"], referrals=[("C1", dt.datetime(2026, 9, 2))])


def _names_in_store(con: duckdb.DuckDBPyConnection, names) -> set[tuple[str, str, str]]:
    """(table, column, name) for every name of ``names`` (whole, or its surname) that any text
    column of any table a load writes holds, in any case. The reference tables every store is
    made with are left out: council names hold surnames ("Hammersmith", "Leeds")."""
    found = set()
    for table, column in con.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE data_type LIKE 'VARCHAR%' AND table_name NOT IN ('council_code')").fetchall():
        for name in names:
            for part in (name, name.split()[-1]):
                if con.execute(f'SELECT count(*) FROM "{table}" WHERE CAST("{column}" AS '
                               'VARCHAR) ILIKE ?', [f"%{part}%"]).fetchone()[0]:
                    found.add((table, column, name))
    return found


def test_a_worker_key_is_keyed_not_a_hash_of_the_name(tmp_path):
    db = tmp_path / "store.duckdb"
    ingest.load_paths([_with_every_worker(tmp_path / "Annex_A_2026-09-30.xlsx")], db)
    con = duckdb.connect(str(db), read_only=True)
    keys = {r[0] for r in con.execute("SELECT worker_key FROM annex_a_cin UNION "
                                      "SELECT worker_key FROM annex_a_cp").fetchall()}
    assert keys == {_key(db, name) for name in ("Ann Smith", "Bob Jones", "Cy Lee", "Di Pal")}
    for name in WORKERS:          # no digest of the name alone gives its key
        key = _key(db, name)[3:]
        for text in (name, name.lower(), f"\n{name}", f"\n{name.lower()}"):
            for digest in (hashlib.sha256, hashlib.sha1, hashlib.md5, hashlib.blake2b):
                assert key not in digest(text.encode()).hexdigest(), (name, text)


def test_two_loads_into_a_store_give_a_worker_the_same_key_under_a_secret_beside_it(tmp_path):
    db = tmp_path / "store.duckdb"
    ingest.load_paths([_with_every_worker(tmp_path / "Annex_A_2026-09-30.xlsx")], db)
    secret = tmp_path / "store.duckdb.worker-key"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert len(bytes.fromhex(secret.read_text())) == 32
    held = secret.read_text()
    october = _with_every_worker(tmp_path / "Annex_A_2026-10-31.xlsx")
    report = ingest.load_paths([october], db)
    assert secret.read_text() == held
    assert sorted(p.name for p in tmp_path.iterdir() if "worker-key" in p.name) == \
        ["store.duckdb.worker-key"]       # none for the file built beside the store
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT list(DISTINCT worker_key), count(DISTINCT extract_date) "
                       "FROM annex_a_cin WHERE child_id = 'C1'").fetchone() == \
        ([_key(db, "Ann Smith")], 2)
    assert metrics.caseload_by_worker(con, dt.date(2026, 10, 31), "FS01").set_index(
        "worker")["children"][_key(db, "Ann Smith")] == 1
    assert not any("worker key secret" in n for n in report.notes)
    found = con.execute("SELECT table_name, column_name FROM information_schema.columns "
                        "WHERE data_type LIKE 'VARCHAR%'").fetchall()
    assert not [f for f in found if con.execute(
        f'SELECT count(*) FROM "{f[0]}" WHERE CAST("{f[1]}" AS VARCHAR) ILIKE ?',
        [f"%{held.strip()[:16]}%"]).fetchone()[0]]          # the secret is not in the store
    con.close()
    secret.unlink()               # lost: the next load's keys do not join, and it says so
    report = ingest.load_paths([october], db)
    assert any("do not join the workers of the 1 Annex A snapshot(s) loaded before" in n
               for n in report.notes)
    assert secret.read_text() != held
    dry = tmp_path / "dry.duckdb"           # a dry run makes no secret
    ingest.load_paths([october], dry, dry_run=True)
    assert not annex_a_store.worker_key_file(dry).exists()


def test_another_secret_gives_other_keys(tmp_path, monkeypatch):
    assert annex_a.worker_key("Ann Smith", b"one") != annex_a.worker_key("Ann Smith", b"two")
    assert annex_a.worker_key("Ann Smith", b"one") == annex_a.worker_key(" ann  SMITH", b"one")
    path = _with_every_worker(tmp_path / "Annex_A_2026-09-30.xlsx")
    beside, given = tmp_path / "beside.duckdb", tmp_path / "given.duckdb"
    ingest.load_paths([path], beside)
    monkeypatch.setenv(annex_a_store.SECRET_ENV, "a secret from the environment")
    ingest.load_paths([path], given)
    assert not annex_a_store.worker_key_file(given).exists()
    workers = [set(duckdb.connect(str(db), read_only=True).execute(
        "SELECT worker_id FROM worker").fetchall()) for db in (beside, given)]
    assert workers[1] == {(annex_a.worker_key(n, b"a secret from the environment"),)
                          for n in WORKERS}
    assert len(workers[0]) == len(workers[1]) == 4 and not workers[0] & workers[1]


def test_worker_names_are_nowhere_in_the_store_unless_the_council_allows(tmp_path):
    path = _with_every_worker(tmp_path / "Annex_A_2026-09-30.xlsx")
    council = load_council()
    ingest.load_paths([path], tmp_path / "store.duckdb", council=council)
    con = duckdb.connect(str(tmp_path / "store.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM worker").fetchone()[0] == 4
    assert _names_in_store(con, WORKERS) == set()
    con.close()
    allowing = dataclasses.replace(council, annex_a=AnnexA(council.annex_a.teams, True))
    ingest.load_paths([path], tmp_path / "named.duckdb", council=allowing)
    con = duckdb.connect(str(tmp_path / "named.duckdb"), read_only=True)
    assert _names_in_store(con, WORKERS) == {("annex_a_worker_name", "name", n) for n in WORKERS}
