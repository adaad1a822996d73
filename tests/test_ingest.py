"""The strict importer: every class of bad input is named by file, row and field, and the
store on disk is left exactly as it was."""

import csv
import datetime as dt
import hashlib
import shutil
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fsdash import metrics, store
from fsdash.extracts import CSV_EXTRACTS
from fsdash.ingest import LoadError, load_folder, load_paths


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _edit(folder, file, change):
    """Rewrite one extract: ``change`` gets and returns the rows (header first)."""
    path = folder / file
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows(change(rows))


@pytest.fixture()
def loaded(known_folder, tmp_path):
    """A store loaded from the good extracts, and a copy of those extracts to spoil."""
    db = tmp_path / "store.duckdb"
    load_folder(known_folder, db)
    spoilt = tmp_path / "spoilt"
    shutil.copytree(known_folder, spoilt)
    return db, spoilt


def _set(file_rows, row, column, value):
    header = file_rows[0]
    file_rows[row - 1][header.index(column)] = value
    return file_rows


def _bytes(folder, file, change):
    """Rewrite one extract's bytes."""
    path = folder / file
    path.write_bytes(change(path.read_bytes()))


def _windows_ending_on_row(data: bytes, row: int) -> bytes:
    """A Unix file (LF) with one Windows line ending (CR LF) at the end of ``row``."""
    lines = data.replace(b"\r\n", b"\n").split(b"\n")
    lines[row - 1] += b"\r"
    return b"\n".join(lines)


def _append(file_rows, values: dict):
    header = file_rows[0]
    return file_rows + [[values.get(column, "") for column in header]]


def _children_without(folder, child: str) -> None:
    """A batch of only families and children, leaving out a child whom kept referrals name."""
    for path in folder.iterdir():
        if path.name not in ("children.csv", "families.csv"):
            path.unlink()
    _edit(folder, "children.csv", lambda r: [x for x in r if x[0] != child])


CASES = {
    "a file with most of an extract's columns but not all": (
        lambda f: (f / "notes.csv").write_text("CHILD,FAMILY_ID,SEX,ETHNIC\nC1,F1,1,WBRI\n"),
        ["notes.csv", "match no extract", "closest is children.csv"]),
    "two files for one extract": (
        lambda f: shutil.copy(f / "cin_referrals.csv", f / "referrals-2025.csv"),
        ["referrals-2025.csv", "is a second cin_referrals.csv"]),
    "two returns for one collection year": (
        lambda f: [shutil.copy(f / "episodes.csv", f / name)
                   for name in ("episodes 2024-25.csv", "SSDA903_202425_episodes.csv")],
        ["SSDA903_202425_episodes.csv", "is a second episodes.csv for 2024-25"]),
    "several returns, one of no known year": (
        lambda f: [(f / "2024-25").mkdir(), (f / "misc").mkdir(),
                   shutil.copy(f / "header.csv", f / "2024-25"),
                   (f / "header.csv").rename(f / "misc" / "old header.csv")],
        ["misc/old header.csv", "which collection year it is for cannot be told"]),
    "a file that is not CSV": (lambda f: (f / "cin-2025.json").write_text("{}"),
                               ["cin-2025.json", "is not a CSV or XML file"]),
    "kept rows naming a child the new children file lacks": (
        lambda f: _children_without(f, "R1"),
        ["cin_referrals.csv", "kept from the previous load", "'R1'"]),
    "a column twice": (lambda f: _edit(f, "workers.csv", lambda r: [r[0] + ["team "]] +
                                       [x + ["x"] for x in r[1:]]),
                       ["workers.csv", "row 1", "field TEAM", "more than once"]),
    "missing column": (lambda f: _edit(f, "families.csv", lambda r: [x[:1] for x in r]),
                       ["families.csv", "row 1", "field DISTRICT", "is missing from the header"]),
    "malformed row": (lambda f: _edit(f, "episodes.csv", lambda r: r[:3] + [r[3][:4]] + r[4:]),
                      ["episodes.csv", "row 4", "fewer fields"]),
    "bad date": (lambda f: _edit(f, "episodes.csv", lambda r: _set(r, 3, "DECOM", "31/02/2020")),
                 ["episodes.csv", "row 3", "field DECOM", "'31/02/2020' is not a date"]),
    "date in the future": (lambda f: _edit(f, "workers.csv",
                                           lambda r: _set(r, 2, "START_DATE", "01/01/2999")),
                           ["workers.csv", "row 2", "field START_DATE", "in the future"]),
    "unknown code": (lambda f: _edit(f, "episodes.csv", lambda r: _set(r, 2, "LS", "ZZ")),
                     ["episodes.csv", "row 2", "field LS", "'ZZ' is not a LS code"]),
    "unknown child": (lambda f: _edit(f, "cin_referrals.csv", lambda r: _set(r, 5, "CHILD", "NOBODY")),
                      ["cin_referrals.csv", "row 5", "field CHILD", "is not in children.csv"]),
    "unknown team": (lambda f: _edit(f, "workers.csv", lambda r: _set(r, 2, "TEAM", "FS99")),
                     ["workers.csv", "row 2", "field TEAM", "council configuration"]),
    "not a number": (lambda f: _edit(f, "workers.csv", lambda r: _set(r, 3, "FTE", "half")),
                     ["workers.csv", "row 3", "field FTE", "'half' is not a number"]),
    "empty required field": (lambda f: _edit(f, "children.csv", lambda r: _set(r, 2, "SEX", "")),
                             ["children.csv", "row 2", "field SEX", "is empty"]),
    "repeated key": (lambda f: _edit(f, "episodes.csv", lambda r: r + [r[1]]),
                     ["episodes.csv", "row 12", "repeats the key (CHILD, DECOM) of row 2"]),
    "dates out of order": (lambda f: _edit(f, "episodes.csv",
                                           lambda r: _set(r, 3, "DEC", "01/01/2018")),
                           ["episodes.csv", "row 3", "field DEC", "is before DECOM"]),
    "UTF-16 text": (lambda f: _bytes(f, "workers.csv", lambda b: b.decode().encode("utf-16")),
                    ["workers.csv", "is UTF-16 text", "UTF-8"]),
    "binary data": (lambda f: _bytes(f, "episodes.csv", lambda b: bytes(range(256)) * 8),
                    ["episodes.csv", "binary data"]),
    "one Windows line ending": (lambda f: _bytes(f, "episodes.csv",
                                                 lambda b: _windows_ending_on_row(b, 3)),
                                ["episodes.csv", "row 3", "mixes line endings"]),
    "old Mac line endings": (lambda f: _bytes(f, "families.csv",
                                              lambda b: b.replace(b"\r\n", b"\r")),
                             ["families.csv", "carriage return alone"]),
    "neither UTF-8 nor Windows-1252": (lambda f: _bytes(f, "children.csv",
                                                        lambda b: b.replace(b"WBRI", b"WB\x81I", 1)),
                                       ["children.csv", "neither UTF-8 nor Windows-1252"]),
    "episodes with a header and no rows": (lambda f: _edit(f, "episodes.csv", lambda r: r[:1]),
                                           ["episodes.csv", "would remove most",
                                            "--allow-shrink"]),
    "empty file": (lambda f: _bytes(f, "workers.csv", lambda b: b""),
                   ["workers.csv", "is empty"]),
    "not Y or N": (lambda f: _edit(f, "cin_referrals.csv", lambda r: _set(r, 2, "ReferralNFA", "maybe")),
                   ["cin_referrals.csv", "row 2", "field ReferralNFA", "is not Y or N"]),
    "bad month": (lambda f: _edit(f, "children.csv", lambda r: _set(r, 2, "BIRTH_MONTH", "13/2015")),
                  ["children.csv", "row 2", "field BIRTH_MONTH", "is not a month"]),
    "date before 1900": (lambda f: _edit(f, "workers.csv",
                                         lambda r: _set(r, 2, "START_DATE", "01/01/1850")),
                         ["workers.csv", "row 2", "field START_DATE", "before 1900"]),
    "repeated column": (lambda f: _edit(f, "families.csv", lambda r: [x + x[:1] for x in r]),
                        ["families.csv", "row 1", "field FAMILY_ID", "appears more than once"]),
    "unclosed quote": (lambda f: _bytes(f, "families.csv", lambda b: b.replace(b"F2", b'"F2', 1)),
                       ["families.csv", "quote that is not closed"]),
    "too many fields": (lambda f: _edit(f, "families.csv", lambda r: r[:2] + [r[2] + ["x"]] + r[3:]),
                        ["families.csv", "row 3", "more fields than the header"]),
    "unknown district": (lambda f: _edit(f, "families.csv", lambda r: _set(r, 2, "DISTRICT", "E99")),
                         ["families.csv", "row 2", "field DISTRICT", "council configuration"]),
    "FTE above 1": (lambda f: _edit(f, "workers.csv", lambda r: _set(r, 2, "FTE", "1.5")),
                    ["workers.csv", "row 2", "field FTE", "at most 1"]),
    "negative population": (lambda f: _edit(f, "population.csv",
                                            lambda r: _set(r, 2, "POPULATION", "-3")),
                            ["population.csv", "row 2", "field POPULATION", "must not be negative"]),
    "age 18 in the population": (lambda f: _edit(f, "population.csv", lambda r: _set(r, 2, "AGE", "18")),
                                 ["population.csv", "row 2", "field AGE", "from 0 to 17"]),
    "conference before its enquiry": (
        lambda f: _edit(f, "cin_s47.csv", lambda r: _append(r, {
            "S47_ID": "Q1", "REFERRAL_ID": "X1", "CHILD": "R1", "S47ActualStartDate": "01/02/2019",
            "DateOfInitialCPC": "01/01/2019", "ICPCnotRequired": "N"})),
        ["cin_s47.csv", "row 2", "field DateOfInitialCPC", "is before S47ActualStartDate"]),
    "unknown relationship": (lambda f: _edit(f, "adults.csv",
                                             lambda r: _set(r, 2, "RELATIONSHIP", "AUNT")),
                             ["adults.csv", "row 2", "field RELATIONSHIP", "'AUNT' is not"]),
    "closed before referred": (lambda f: _edit(f, "cin_referrals.csv",
                                               lambda r: _set(r, 2, "CINclosureDate", "01/01/2000")),
                               ["cin_referrals.csv", "row 2", "is before CINreferralDate"]),
    "not a folder": (lambda f: shutil.rmtree(f), ["is not a folder"]),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_named_and_leaves_the_store_unchanged(loaded, case):
    db, spoilt = loaded
    spoil, expected = CASES[case]
    before = _digest(db)
    spoil(spoilt)
    with pytest.raises(LoadError) as raised:
        load_folder(spoilt, db)
    message = str(raised.value)
    for part in expected:
        assert part in message, message
    assert "store left unchanged" in message
    assert _digest(db) == before
    assert not list(db.parent.glob(".*building*"))


def test_many_problems_are_counted_and_the_first_ones_listed(loaded):
    db, spoilt = loaded
    _edit(spoilt, "adult_events.csv",
          lambda r: [r[0]] + [x[:2] + ["BURGLARY"] + x[3:] for x in r[1:]])
    with pytest.raises(LoadError) as raised:
        load_folder(spoilt, db)
    assert raised.value.total == 7
    assert "'BURGLARY' is not a EVENT_TYPE code" in str(raised.value)


def test_loading_the_same_files_twice_changes_nothing_but_the_audit(known_folder, tmp_path):
    db = tmp_path / "twice.duckdb"
    first = load_folder(known_folder, db)

    def contents():
        con = store.connect_readonly(db)
        counts = {e.file: con.execute(f"SELECT count(*) FROM {e.table}" + (
                      " WHERE origin <> 'configuration'" if e.table == "event" else "")
                      ).fetchone()[0]          # the council file's events are no file's rows
                  for e in CSV_EXTRACTS}
        loads = con.execute("SELECT count(DISTINCT load_id), count(*) FROM load_audit").fetchone()
        con.close()
        return counts, loads

    counts, loads = contents()
    assert counts == first.rows
    load_folder(known_folder, db)
    again, loads_again = contents()
    assert again == counts
    assert loads_again == (2, 2 * len(CSV_EXTRACTS))


def test_a_load_reaches_a_store_the_app_has_open(known_folder, tmp_path):
    db = tmp_path / "open.duckdb"
    load_folder(known_folder, db)
    reader = store.connect_readonly(db)
    load_folder(known_folder, db)   # swapped in beside the open reader
    assert reader.execute("SELECT count(DISTINCT load_id) FROM load_audit").fetchone()[0] == 1
    reader.close()
    assert store.connect_readonly(db).execute(
        "SELECT count(DISTINCT load_id) FROM load_audit").fetchone()[0] == 2


def test_the_data_formats_page_is_generated_from_the_declared_extracts():
    from conftest import ROOT
    from fsdash.formats import markdown

    assert (ROOT / "docs" / "data-formats.md").read_text() == markdown(), (
        "run: python -m fsdash formats > docs/data-formats.md")


def test_windows_1252_with_windows_line_endings_and_a_byte_order_mark_load_alike(known_folder,
                                                                                tmp_path):
    expected = tmp_path / "utf8.duckdb"
    load_folder(known_folder, expected)
    other = tmp_path / "other"
    shutil.copytree(known_folder, other)
    # The extracts are written with CR LF endings (Python's csv module): make some Unix ones.
    _bytes(other, "workers.csv", lambda b: b.decode().encode("cp1252"))
    _bytes(other, "families.csv", lambda b: b"\xef\xbb\xbf" + b.replace(b"\r\n", b"\n"))
    _bytes(other, "adults.csv", lambda b: b.replace(b"\r\n", b"\n"))
    db = tmp_path / "other.duckdb"
    load_folder(other, db)
    for table in ("worker", "family", "adult"):
        query = f"SELECT * FROM {table} ORDER BY ALL"
        assert (store.connect_readonly(db).execute(query).fetchall()
                == store.connect_readonly(expected).execute(query).fetchall())


def test_a_shrinking_load_goes_ahead_when_meant_and_a_dry_run_changes_nothing(loaded):
    db, spoilt = loaded
    _edit(spoilt, "episodes.csv", lambda r: r[:1])
    before = _digest(db)
    load_folder(spoilt, db, allow_shrink=True, dry_run=True)
    assert _digest(db) == before
    load_folder(spoilt, db, allow_shrink=True)
    assert store.connect_readonly(db).execute("SELECT count(*) FROM cla_episode").fetchone() == (0,)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 10_000), st.binary(min_size=0, max_size=3)),
                min_size=1, max_size=4), st.sampled_from([e.file for e in CSV_EXTRACTS]))
def test_damaged_files_are_refused_by_name_or_loaded_never_a_crash(loaded, edits, file):
    db, spoilt = loaded
    original = (spoilt / file).read_bytes()

    def damage(data: bytes) -> bytes:
        for at, replacement in edits:
            at = at % (len(data) + 1)
            data = data[:at] + replacement + data[at + len(replacement):]
        return data

    before = _digest(db)
    try:
        _bytes(spoilt, file, damage)
        try:
            load_folder(spoilt, db)
        except LoadError as error:
            assert any(e.file in str(error) for e in CSV_EXTRACTS), str(error)
            assert _digest(db) == before
    finally:
        (spoilt / file).write_bytes(original)


def test_a_batch_of_files_under_any_names_and_in_a_zip_loads_like_the_folder(known_folder,
                                                                              tmp_path):
    expected = tmp_path / "folder.duckdb"
    load_folder(known_folder, expected)
    renamed = tmp_path / "renamed"
    renamed.mkdir()
    files = sorted(known_folder.iterdir())
    for number, path in enumerate(files[:6]):
        shutil.copy(path, renamed / f"return-{number}.csv")
    with zipfile.ZipFile(tmp_path / "rest.zip", "w") as archive:
        for path in files[6:]:
            archive.write(path, f"2025/{path.stem.upper()}_EXPORT.csv")
    db = tmp_path / "batch.duckdb"
    report = load_paths([renamed, tmp_path / "rest.zip"], db)
    assert set(report.rows) == {e.file for e in CSV_EXTRACTS} and not report.kept
    for extract in CSV_EXTRACTS:
        query = f"SELECT * FROM {extract.table} ORDER BY ALL"
        assert (store.connect_readonly(db).execute(query).fetchall()
                == store.connect_readonly(expected).execute(query).fetchall()), extract.table


def test_a_batch_with_some_sources_replaces_them_and_keeps_the_rest(loaded, tmp_path):
    db, spoilt = loaded
    episodes_before = store.connect_readonly(db).execute(
        "SELECT count(*) FROM cla_episode").fetchone()
    only = tmp_path / "only-adults"
    only.mkdir()
    shutil.copy(spoilt / "adults.csv", only / "adults.csv")
    _edit(only, "adults.csv", lambda r: r + [[r[1][0].replace("A1", "A9"), *r[1][1:]]])
    report = load_paths([only], db)
    assert list(report.rows) == ["adults.csv"] and "episodes.csv" in report.kept
    con = store.connect_readonly(db)
    assert con.execute("SELECT count(*) FROM adult").fetchone() == (3,)
    assert con.execute("SELECT count(*) FROM cla_episode").fetchone() == episodes_before


def test_a_few_unusable_rows_are_set_aside_with_why_and_the_rest_loads(loaded):
    import dataclasses

    from fsdash.config import load_council

    db, spoilt = loaded
    lenient = dataclasses.replace(load_council(), quarantine_share=0.2)
    _edit(spoilt, "episodes.csv", lambda r: _set(r, 3, "DECOM", "31/02/2020"))
    report = load_folder(spoilt, db, council=lenient)
    assert report.quarantined == {"episodes.csv": 1} and report.rows["episodes.csv"] == 9
    con = store.connect_readonly(db)
    assert con.execute("SELECT file, row_number, field, value, reason FROM quarantine"
                       ).fetchall() == [("episodes.csv", 3, "DECOM", "31/02/2020",
                                         "'31/02/2020' is not a date in the form dd/mm/yyyy")]
    con.close()
    load_folder(spoilt, db, council=lenient)          # history is kept, load by load
    assert store.connect_readonly(db).execute(
        "SELECT count(DISTINCT load_id), count(*) FROM quarantine").fetchone() == (2, 2)
    with pytest.raises(LoadError, match="episodes.csv, row 3, field DECOM"):
        load_paths([spoilt], db, council=lenient, strict=True)


def test_the_data_page_shows_freshness_and_what_was_set_aside(loaded, monkeypatch, tmp_path):
    import dataclasses

    from streamlit.testing.v1 import AppTest

    from conftest import ROOT
    from fsdash.config import load_council
    from fsdash.views import data

    db, spoilt = loaded
    only = tmp_path / "episodes-only"
    only.mkdir()
    shutil.copy(spoilt / "episodes.csv", only / "903-episodes-2025.csv")
    _edit(only, "903-episodes-2025.csv", lambda r: _set(r, 3, "DECOM", "31/02/2020"))
    lenient = dataclasses.replace(load_council(), quarantine_share=0.2)
    load_paths([only], db, council=lenient)
    con = store.connect_readonly(db)
    fresh = data.freshness(con).set_index("Extract")
    assert fresh.loc["episodes.csv", "From the file"] == "903-episodes-2025.csv"
    assert fresh.loc["episodes.csv", "Rows set aside"] == "1"
    assert fresh.loc["workers.csv", "Rows set aside"] == "0"      # from the first load, kept
    assert list(data.latest_quarantine(con)["Value"]) == ["31/02/2020"]
    con.close()
    monkeypatch.setenv("FSDASH_DB", str(db))
    for role, allowed in (("analyst", True), ("director", False)):
        monkeypatch.setenv("FSDASH_DEV_ROLE", role)
        page = AppTest.from_file(str(ROOT / "pages" / "data.py"), default_timeout=60)
        page.run()
        assert not page.exception, page.exception
        assert bool(page.dataframe) == allowed
        assert any("Only analysts" in e.value for e in page.error) != allowed


def test_a_reader_during_a_load_sees_the_old_store_or_the_new_never_a_mix(known_folder,
                                                                          tmp_path):
    import threading

    db = tmp_path / "live.duckdb"
    load_folder(known_folder, db)
    bigger = tmp_path / "bigger"
    shutil.copytree(known_folder, bigger)
    _edit(bigger, "families.csv", lambda r: r + [["F9", r[1][1]]])
    _edit(bigger, "children.csv", lambda r: r + [["C9", "F9", *r[1][2:]]])

    def counts():
        con = store.connect_readonly(db)
        try:
            return con.execute("SELECT (SELECT count(*) FROM family), "
                               "(SELECT count(*) FROM child)").fetchone()
        finally:
            con.close()

    old = counts()
    seen = set()
    loading = threading.Thread(target=load_folder, args=(bigger, db))
    loading.start()
    while loading.is_alive():
        seen.add(counts())
    loading.join()
    new = counts()
    assert new == (old[0] + 1, old[1] + 1)
    assert seen and seen <= {old, new}      # readings were taken, and none was a mix


def test_columns_in_another_order_load_by_their_names(known_folder, tmp_path):
    # The CSV reader once took the columns in the order the extract declares them, so a file
    # with the same columns in another order loaded each value under the wrong name.
    in_order = load_folder(known_folder, tmp_path / "a.duckdb").db
    _edit(known_folder, "episodes.csv", lambda rows: [row[::-1] for row in rows])
    reordered = load_folder(known_folder, tmp_path / "b.duckdb").db
    tables = []
    for db in (in_order, reordered):
        con = store.connect_readonly(db)
        tables.append(con.execute("SELECT * FROM cla_episode ORDER BY ALL").fetchall())
        con.close()
    assert tables[0] == tables[1] and len(tables[0]) > 5


def test_rows_breaking_a_dfe_rule_load_as_the_rule_allows_and_are_queried(known_folder,
                                                                           tmp_path):
    # Row 2: C1's open episode given a reason but no end (rule 148: loaded as open, no reason).
    # Row 9: C5 (born March 2008) leaving to independent living at 12 (rule 387).
    _edit(known_folder, "episodes.csv", lambda r: _set(_set(_set(
        r, 2, "REC", "E4A"), 9, "DEC", "01/06/2020"), 9, "REC", "E5"))
    report = load_folder(known_folder, tmp_path / "store.duckdb")
    con = store.connect_readonly(report.db)
    queries = con.execute("SELECT file, row_number, field, value, rule, message FROM load_query "
                          "ORDER BY row_number").fetchall()
    c1 = con.execute("SELECT dec, rec FROM cla_episode WHERE child_id = 'C1'").fetchall()
    c5 = con.execute("SELECT dec, rec FROM cla_episode WHERE child_id = 'C5'").fetchall()
    con.close()
    assert report.queries == 2 and not report.quarantined
    assert [q[:5] for q in queries] == [("episodes.csv", 2, "REC", "E4A", "148"),
                                        ("episodes.csv", 9, "REC", "E5", "387")]
    assert queries[0][5] == ("is given but DEC is blank: loaded as an open episode, without its "
                             "reason (DfE rule 148)")
    assert c1 == [(None, None)]
    assert c5 == [(dt.date(2020, 6, 1), "E5")]


def test_a_store_with_some_sources_answers_what_it_can_and_says_what_waits(tmp_path,
                                                                          monkeypatch):
    from streamlit.testing.v1 import AppTest

    from conftest import ROOT, known_answer_rows
    from extract_files import write_extracts
    from fsdash.cli import main
    from fsdash.metrics import sources

    folder = write_extracts(tmp_path / "no-adults", known_answer_rows())
    for name in ("adults.csv", "adult_events.csv", "fs_involvement.csv"):
        (folder / name).unlink()
    db = load_folder(folder, tmp_path / "store.duckdb").db
    con = store.connect_readonly(db)
    waits = sources.waiting(con, metrics.HEADLINE)
    con.close()
    lacking = ("adults.csv", "fs_involvement.csv", "adult_events.csv")
    assert waits == {"police_change": lacking, "emergency_admission_change": lacking}
    monkeypatch.setattr("sys.argv", ["fsdash"])
    printed = []
    monkeypatch.setattr("builtins.print", lambda *a, **k: printed.append(" ".join(map(str, a))))
    assert main(["summary", "--db", str(db), "--as-at", "2020-03-31", "--role", "analyst"]) == 0
    assert any("Adults' police contacts" in line and "waits for adults.csv, "
               "fs_involvement.csv and adult_events.csv" in line for line in printed)
    assert any("Children looked after" in line and " 4.0 children" in line for line in printed)
    assert printed[0].endswith("as an Analyst sees them")
    monkeypatch.setenv("FSDASH_DB", str(db))
    for page in ("pages/overview.py", "pages/outcomes.py", "pages/scenarios.py"):
        app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        app.query_params["as_at"] = "2020-02"
        app.switch_page(page).run()
        assert not app.exception, (page, app.exception)
        if page == "pages/overview.py":
            cards = {m.label: (m.value, m.delta) for m in app.metric}
            assert cards["Adults' police contacts"] == (
                "Not loaded", "Waits for adults.csv, fs_involvement.csv and adult_events.csv")


def test_rows_set_aside_are_counted_for_their_own_file_only(tmp_path):
    """sw_episodes.csv's rows set aside are not episodes.csv's, in a year folder or named by
    the extract in brackets; a census element's are its own."""
    from fsdash import store
    from fsdash.views import data

    con = store.connect(tmp_path / "store.duckdb")
    con.executemany("INSERT INTO load_audit VALUES (1, TIMESTAMP '2026-11-01 09:00', ?, ?, '', "
                    "10, 'council.toml')",
                    [("2023-24/episodes.csv", "episodes.csv"),
                     ("2023-24/sw_episodes.csv", "sw_episodes.csv"),
                     ("cin.xml", "census_referrals.csv")])
    con.executemany("INSERT INTO quarantine VALUES (1, ?, 2, 'F', 'x', 'why')",
                    [("2023-24/sw_episodes.csv",), ("2023-24/sw_episodes.csv",),
                     ("2023-24/episodes.csv",), ("export.csv (sw_episodes.csv)",),
                     ("cin.xml (CINdetails)",)])
    fresh = data.freshness(con).set_index("Extract")
    con.close()
    assert fresh.loc["episodes.csv", "Rows set aside"] == "1"
    assert fresh.loc["sw_episodes.csv", "Rows set aside"] == "3"
    assert fresh.loc["Census: CINdetails", "Rows set aside"] == "1"
