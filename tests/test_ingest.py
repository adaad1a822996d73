"""The strict importer: every class of bad input is named by file, row and field, and the
store on disk is left exactly as it was."""

import csv
import hashlib
import shutil

import pytest

from fsdash import store
from fsdash.extracts import EXTRACTS
from fsdash.ingest import LoadError, load_folder


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


CASES = {
    "missing file": (lambda f: (f / "episodes.csv").unlink(),
                     ["episodes.csv", "is missing"]),
    "unknown column": (lambda f: _edit(f, "workers.csv", lambda r: [r[0] + ["GRADE"]] +
                                       [x + ["x"] for x in r[1:]]),
                       ["workers.csv", "row 1", "field GRADE", "is not a column"]),
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
        counts = {e.file: con.execute(f"SELECT count(*) FROM {e.table}").fetchone()[0]
                  for e in EXTRACTS}
        loads = con.execute("SELECT count(DISTINCT load_id), count(*) FROM load_audit").fetchone()
        con.close()
        return counts, loads

    counts, loads = contents()
    assert counts == first.rows
    load_folder(known_folder, db)
    again, loads_again = contents()
    assert again == counts
    assert loads_again == (2, 2 * len(EXTRACTS))


def test_a_load_reaches_a_store_the_app_has_open(known_folder, tmp_path):
    db = tmp_path / "open.duckdb"
    load_folder(known_folder, db)
    reader = store.connect_readonly(db)
    load_folder(known_folder, db)   # swapped in beside the open reader
    assert reader.execute("SELECT count(DISTINCT load_id) FROM load_audit").fetchone()[0] == 1
    reader.close()
    assert store.connect_readonly(db).execute(
        "SELECT count(DISTINCT load_id) FROM load_audit").fetchone()[0] == 2


def test_every_extract_column_is_documented():
    from conftest import ROOT

    docs = (ROOT / "docs" / "data-formats.md").read_text()
    for extract in EXTRACTS:
        section = docs.split(f"## `{extract.file}`")[1].split("\n## ")[0]
        for column in extract.columns:
            assert f"| `{column}` |" in section, (extract.file, column)
