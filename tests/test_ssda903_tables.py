"""Whole SSDA903 returns: every table of the return, each alone and all together, several years
together, with the quirks real files have (other columns, names in another case or with spaces
and a byte order mark, dates in either form, whole numbers written 1.0, blank trailing rows,
Windows line endings, no final newline).

The returns in tests/fixtures/ssda903/ are a made-up council's, written for these tests (not
copied from any other project's files): three collection years, 2021-22 to 2023-24.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import pytest

from fsdash import metrics, store
from fsdash.extracts import EXTRACT_BY_FILE, SSDA903_FILES
from fsdash.ingest import LoadError, load_folder, load_paths

FIXTURES = Path(__file__).parent / "fixtures" / "ssda903"
YEARS = {"2021-22": 2022, "2022-23": 2023, "2023-24": 2024}


def _rows(path: Path) -> list[dict[str, str]]:
    """A return file's records as a reader would take them: the names of the columns without a
    byte order mark, spaces or case, rows with nothing in them left out."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    names = [name.strip().upper() for name in rows[0]]
    return [dict(zip(names, row, strict=True)) for row in rows[1:]
            if any(value.strip() for value in row)]


def _date(text: str) -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    for form in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise ValueError(text)


def _recount(episodes: Path, day: dt.date) -> int:
    """Children looked after on a day, counted from one return's episodes: an episode started on
    or before the day and not ceased on or before it, short breaks (V3, V4) left out."""
    return len({row["CHILD"] for row in _rows(episodes)
                if _date(row["DECOM"]) <= day
                and (_date(row["DEC"]) is None or _date(row["DEC"]) > day)
                and row["LS"].strip() not in ("V3", "V4")})


@pytest.fixture(scope="module")
def every_table(tmp_path_factory):
    """A store loaded from the three years' returns, every table; and the load's report."""
    db = tmp_path_factory.mktemp("ssda903") / "store.duckdb"
    report = load_folder(FIXTURES, db)
    return db, report


def test_every_year_folder_holds_every_table_collected_that_year():
    for label, year in YEARS.items():
        held = {p.name for p in (FIXTURES / label).iterdir()}
        expected = {name for name in SSDA903_FILES
                    if (EXTRACT_BY_FILE[name].first_year or 0) <= year}
        assert held == expected, label


def test_children_looked_after_at_each_31_march_equal_a_recount_from_that_years_return(
        every_table):
    db, _ = every_table
    con = store.connect_readonly(db)
    try:
        for label, year in YEARS.items():
            day = dt.date(year, 3, 31)
            expected = _recount(FIXTURES / label / "episodes.csv", day)
            assert expected > 0
            assert metrics.value(con, "cla", day) == expected, label
    finally:
        con.close()


def test_the_whole_folder_loads_every_table_of_every_year(every_table):
    db, report = every_table
    con = store.connect_readonly(db)
    try:
        for name in SSDA903_FILES:
            files = sorted(FIXTURES.glob(f"*/{name}"))
            if not files:
                continue
            loaded = {k: v for k, v in report.rows.items()
                      if k == name or k.endswith(f"/{name}")}
            assert sum(loaded.values()) == sum(len(_rows(f)) for f in files), name
            assert con.execute(f"SELECT count(*) FROM {EXTRACT_BY_FILE[name].table}"
                               ).fetchone()[0] > 0, name
        # oc2 and oc3 are kept year by year; a care leaver (OC3) need not be in any header
        assert con.execute("SELECT collection_year, count(*) FROM cla_oc3 GROUP BY ALL "
                           "ORDER BY 1").fetchall() == [(2022, 1), (2023, 1), (2024, 2)]
        # a reviewed child's reviews from every year, each once
        assert con.execute("SELECT count(*) FROM cla_review WHERE child_id = 'C101'"
                           ).fetchone()[0] == 3
        # the quirks: 1.0 read as 1, a date in yyyy-mm-dd, a code with a space after it
        assert con.execute("SELECT sdq_score, health_check FROM cla_oc2 WHERE child_id = 'C101' "
                           "AND collection_year = 2023").fetchone() == (12, "1")
        assert con.execute("SELECT mis_end FROM cla_missing WHERE child_id = 'C103' AND "
                           "mis_start = DATE '2022-08-10'").fetchone()[0] == dt.date(2022, 8, 11)
        assert con.execute("SELECT sw_id, sw_reason FROM cla_sw_episode WHERE child_id = 'C101' "
                           "ORDER BY sw_decom").fetchall() == [("SW01", None), ("SW02", "LEFTRL")]
        # no pupil numbers or postcodes are kept, in any table
        columns = {c for (c,) in con.execute(
            "SELECT column_name FROM information_schema.columns").fetchall()}
        assert not columns & {"upn", "home_post", "pl_post", "postcode"}
    finally:
        con.close()
    assert any("2022-23/header.csv" in n and "LA, YEAR passed over" in n for n in report.notes)
    assert any("2023-24/oc3.csv" in n and "LA passed over" in n for n in report.notes)
    assert not any("has no" in n for n in report.notes)
    assert report.quarantined == {} and report.queries == 0


@pytest.mark.parametrize("name", [n for n in SSDA903_FILES if n != "header.csv"])
def test_each_table_loads_alone_beside_the_header_it_names_children_from(name, tmp_path):
    year = "2023-24" if name == "sw_episodes.csv" else "2022-23"
    if not (FIXTURES / year / name).exists():
        pytest.skip(f"{name} is not collected in these years")
    folder = tmp_path / year
    folder.mkdir()
    shutil.copy(FIXTURES / year / "header.csv", folder)
    shutil.copy(FIXTURES / year / name, folder)
    report = load_folder(folder, tmp_path / "store.duckdb", dry_run=True)
    assert report.rows[name] == len(_rows(FIXTURES / year / name))
    if name != "episodes.csv":
        assert any("no episodes.csv" in n for n in report.notes)


def test_a_table_fsdash_does_not_know_is_left_out_and_noted(tmp_path):
    folder = tmp_path / "2023-24"
    shutil.copytree(FIXTURES / "2023-24", folder)
    (folder / "placement_stability.csv").write_text("CHILD,DOB,MOVES\nC101,14/05/2012,2\n")
    (folder / "return.xml").write_text("<?xml version='1.0'?><EXPSSDA903><CHILD><HEADER>"
                                       "<CHILDID>C101</CHILDID></HEADER></CHILD></EXPSSDA903>")
    report = load_folder(folder, tmp_path / "store.duckdb", dry_run=True)
    assert any("placement_stability.csv was left out" in n and "CHILD, DOB, MOVES" in n
               for n in report.notes)
    assert any("return.xml was left out: it is the SSDA903 return written as XML" in n
               for n in report.notes)
    assert report.rows["episodes.csv"] == 6
    # alone, the XML return is no batch at all, and the problem says why
    with pytest.raises(LoadError, match="holds no extract files. return.xml was left out"):
        load_paths([folder / "return.xml"], tmp_path / "store.duckdb", dry_run=True)


def test_a_file_meant_as_a_table_but_broken_is_still_a_problem(tmp_path):
    folder = tmp_path / "2023-24"
    shutil.copytree(FIXTURES / "2023-24", folder)
    (folder / "missing.csv").rename(folder / "missing episodes.csv")
    rows = (folder / "missing episodes.csv").read_text().splitlines()
    (folder / "missing episodes.csv").write_text(
        "\n".join(",".join(r.split(",")[:4]) for r in rows) + "\n")
    with pytest.raises(LoadError) as error:
        load_folder(folder, tmp_path / "store.duckdb", dry_run=True)
    assert "missing episodes.csv" in str(error.value)
    assert "closest is missing.csv, which also needs MIS_END" in str(error.value)


def test_a_year_whose_return_lacks_a_table_the_others_have_is_named(tmp_path):
    shutil.copytree(FIXTURES, tmp_path / "returns")
    (tmp_path / "returns" / "2021-22" / "reviews.csv").unlink()
    (tmp_path / "returns" / "2022-23" / "episodes.csv").unlink()
    report = load_folder(tmp_path / "returns", tmp_path / "store.duckdb", dry_run=True)
    notes = " ".join(report.notes)
    assert "The 2021-22 return has no reviews.csv" in notes
    assert "The 2022-23 return has no episodes.csv" in notes
    assert "2023-24 return has no" not in notes      # sw_episodes begins in 2023-24


def test_a_bad_value_is_named_by_file_row_and_field(tmp_path):
    folder = tmp_path / "returns" / "2023-24"
    shutil.copytree(FIXTURES / "2023-24", folder)
    path = folder / "sw_episodes.csv"
    path.write_bytes(path.read_bytes().replace(b"SW03,01/04/2021,,", b"SW03,01/04/2021,,XXX"))
    with pytest.raises(LoadError) as error:
        load_paths([tmp_path / "returns"], tmp_path / "store.duckdb", dry_run=True, strict=True)
    assert ("2023-24/sw_episodes.csv, row 4, field SW_REASON: 'XXX' is not a SW_REASON code "
            "for 2023-24") in str(error.value)
    # a code the DfE retired: F3 (training or employment) was split in 2021-22
    shutil.copy(FIXTURES / "2023-24" / "sw_episodes.csv", folder)
    path = folder / "oc3.csv"
    path.write_text(path.read_text().replace("YES,P5,U1", "YES,F3,U1"))
    with pytest.raises(LoadError) as error:
        load_paths([tmp_path / "returns"], tmp_path / "store.duckdb", dry_run=True, strict=True)
    assert ("2023-24/oc3.csv, row 2, field ACTIV: 'F3' is not a ACTIV code for 2023-24"
            in str(error.value))


def test_liiatools_public_episodes_sample_loads_with_a_header_for_its_children(
        public_samples, tmp_path):
    """liiatools' SSDA903_2020_episodes.csv (MIT licence; fetched by make test, never
    committed): five episodes of two children, with overlapping and short-break episodes."""
    sample = public_samples / "s903" / "samples" / "SSDA903_2020_episodes.csv"
    folder = tmp_path / "2019-20"
    folder.mkdir()
    shutil.copy(sample, folder)
    children = sorted({row["CHILD"] for row in _rows(sample)})
    assert children == ["249901", "689661"]
    (folder / "header.csv").write_text(
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
        "689661,1,04/03/2004,WBRI,,,\n249901,2,17/09/2003,BAFR,,,\n")
    db = tmp_path / "store.duckdb"
    report = load_folder(folder, db)
    assert report.rows["episodes.csv"] == 5
    con = store.connect_readonly(db)
    try:
        for day in (dt.date(2019, 3, 31), dt.date(2019, 4, 30), dt.date(2019, 8, 31)):
            assert metrics.value(con, "cla", day) == _recount(sample, day), day
        # the sample's short breaks (V3, V4) are not counted: one child on 30 April 2019
        assert metrics.value(con, "cla", dt.date(2019, 4, 30)) == 1
    finally:
        con.close()
