"""Several years of SSDA903 returns: which year a file is for, and the rule for combining them:
for any date, the return whose collection year covers it is the authority."""

import csv
import datetime as dt
import shutil

import pandas as pd
import pytest

from conftest import _episode, _header, known_answer_rows
from extract_files import write_extracts
from fsdash import metrics, store, yearly
from fsdash.extracts import EXTRACT_BY_FILE
from fsdash.ingest import load_folder
from fsdash.views import data


@pytest.mark.parametrize("name, year", [
    ("ssda903/2023-24/episodes.csv", 2024), ("SSDA903_2023_24_Episodes.csv", 2024),
    ("903 returns 202324/header.csv", 2024), ("returns/2024/episodes.csv", 2024),
    ("2019-2020/episodes.csv", 2020), ("archive 2020/2022-23/episodes.csv", 2023),
    ("episodes.csv", None), ("episodes-v2.csv", None)])
def test_the_collection_year_comes_from_the_name_nearest_the_file(name, year):
    assert yearly.year_from_name(name) == year


def _count_on_31_march(return_episodes: pd.DataFrame, year: int) -> int:
    """Children looked after at the end of a return's year, from the return alone."""
    day = pd.Timestamp(year, 3, 31)
    decom = pd.to_datetime(return_episodes["DECOM"], format="%d/%m/%Y")
    dec = pd.to_datetime(return_episodes["DEC"], format="%d/%m/%Y")
    open_then = (decom <= day) & (dec.isna() | (dec > day)) & ~return_episodes["LS"].isin(
        ["V3", "V4"])
    return return_episodes.loc[open_then, "CHILD"].nunique()


def test_the_demos_returns_combine_so_each_31_march_is_that_years_own_count(demo_db):
    folders = sorted((demo_db.parent / "extracts" / "ssda903").iterdir())
    assert len(folders) >= 10
    con = store.connect_readonly(demo_db)
    for folder in folders[:-1]:                     # the last is the year in progress
        year = yearly.year_from_name(folder.name)
        episodes = pd.read_csv(folder / "episodes.csv", dtype=str)
        expected = _count_on_31_march(episodes, year)
        assert metrics.value(con, "cla", dt.date(year, 3, 31)) == expected, folder.name
    assert con.execute("SELECT count(*) FROM load_query").fetchone()[0] == 0
    con.close()


def _write_return(folder, rows: dict[str, list[dict]]) -> None:
    folder.mkdir(parents=True)
    for name, records in rows.items():
        with (folder / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=EXTRACT_BY_FILE[name].columns)
            writer.writeheader()
            writer.writerows(records)


@pytest.fixture()
def three_returns(tmp_path):
    """The hand-built council's local files, and three years of returns that disagree."""
    local = {k: v for k, v in known_answer_rows().items() if k not in ("header.csv",
                                                                       "episodes.csv")}
    folder = write_extracts(tmp_path / "batch", local)
    for name in ("header.csv", "episodes.csv"):
        (folder / name).unlink()
    heads = [_header(c, "14/05/2010") for c in ("C1", "C2", "C3", "C4", "C5")]
    _write_return(folder / "2018-19", {"header.csv": heads[:4], "episodes.csv": [
        _episode("C1", "10/01/2018"),                                      # open at the end
        _episode("C2", "01/07/2018"),                                      # open, then stale
        _episode("C3", "01/06/2018", dec="01/09/2018", rec="E4A"),
        _episode("C4", "01/02/2019", place="U4")]})
    _write_return(folder / "2019-20", {"header.csv": [heads[0], heads[3], heads[4]],
                                       "episodes.csv": [
        _episode("C1", "10/01/2018", dec="01/06/2019", rec="E11"),         # ends this year
        _episode("C4", "01/02/2019", place="U4"),                          # still open
        _episode("C4", "01/03/2020", rne="P", place="K2"),                 # overlaps the one above
        _episode("C5", "01/01/2019")]})                                    # missing from 2018-19
    _write_return(folder / "2020-21", {"header.csv": [heads[3]], "episodes.csv": [
        _episode("C4", "01/02/2019", dec="01/05/2020", rec="E4A", place="U4")]})
    return folder


def test_hand_made_returns_combine_by_the_rule_and_say_what_they_settled(three_returns,
                                                                          tmp_path):
    db = tmp_path / "store.duckdb"
    report = load_folder(three_returns, db)
    assert report.rows["2019-20/episodes.csv"] == 4
    con = store.connect_readonly(db)
    for year in (2019, 2020, 2021):
        episodes = pd.read_csv(three_returns / yearly.label(year) / "episodes.csv", dtype=str)
        assert metrics.value(con, "cla", dt.date(year, 3, 31)) == \
            _count_on_31_march(episodes, year), year
    combined = {(child, str(decom)): (str(dec) if dec else None, rec) for child, decom, dec, rec
                in con.execute("SELECT child_id, decom, dec, rec FROM cla_episode").fetchall()}
    assert combined[("C1", "2018-01-10")] == ("2019-06-01", "E11")
    assert combined[("C2", "2018-07-01")] == ("2019-04-01", None)        # ended by the rule
    assert combined[("C5", "2019-04-01")] == ("2020-04-01", None)  # from 1 April, then stale
    assert combined[("C4", "2019-02-01")] == ("2020-05-01", "E4A")
    queries = con.execute("SELECT file, row_number, field, message FROM load_query "
                          "ORDER BY file, row_number").fetchall()
    assert report.queries == len(queries) == len(data.latest_queries(con))
    fresh = data.freshness(con).set_index("Extract")
    assert fresh.loc["episodes.csv", "From the file"] == "3 files (one a year)"
    assert fresh.loc["episodes.csv", "Rows loaded"] == "9"
    con.close()
    stale = [q[:3] for q in queries if "but not in the next return" in q[3]]
    late = [q for q in queries if "the return for that year does not have it" in q[3]]
    overlaps = [q for q in queries if "overlaps another episode" in q[3]]
    assert len(queries) == len(stale) + len(late) + len(overlaps)
    assert stale == [("2018-19/episodes.csv", 3, "DEC"),       # C2
                     ("2019-20/episodes.csv", 4, "DEC"),       # C4 in K2
                     ("2019-20/episodes.csv", 5, "DEC")]       # C5
    assert [q[:3] for q in late] == [("2019-20/episodes.csv", 5, "DECOM")]
    assert "counted from 01/04/2019" in late[0][3]
    assert [q[:3] for q in overlaps] == [("2019-20/episodes.csv", 4, "DECOM")]
    assert "(DECOM 01/02/2019)" in overlaps[0][3]


def test_loading_the_same_returns_twice_changes_nothing_but_the_audit(three_returns, tmp_path):
    db = tmp_path / "store.duckdb"
    load_folder(three_returns, db)
    con = store.connect_readonly(db)
    first = con.execute("SELECT * FROM cla_episode ORDER BY ALL").fetchall()
    con.close()
    load_folder(three_returns, db)
    con = store.connect_readonly(db)
    assert con.execute("SELECT * FROM cla_episode ORDER BY ALL").fetchall() == first
    assert con.execute("SELECT count(DISTINCT load_id) FROM load_query").fetchone()[0] == 2
    con.close()


def test_one_return_alone_loads_as_it_is(three_returns, tmp_path):
    for year in ("2018-19", "2020-21"):
        shutil.rmtree(three_returns / year)
    db = tmp_path / "store.duckdb"
    report = load_folder(three_returns, db)
    assert report.rows["episodes.csv"] == 4
