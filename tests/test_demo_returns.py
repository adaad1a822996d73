"""The demo's SSDA903 files carry what a council's return carries, in valid formats."""

import re
import subprocess

import pandas as pd
import pytest

from conftest import ROOT
from fsdash.demo.identifiers import synthetic_upns, upn_check_letter

UPN_FORMAT = re.compile(r"^(?![IOS])[A-Z]\d{12}$")       # DfE rule 168


def test_upn_check_letter_matches_a_worked_example():
    # 999 2000 00 001: 9*2 + 9*3 + 9*4 + 2*5 + 1*13 = 104; 104 mod 23 = 12, the letter N.
    assert upn_check_letter("999200000001") == "N"


def test_synthetic_upns_are_distinct_and_valid():
    upns = synthetic_upns(25000)
    assert len(set(upns)) == len(upns)
    assert all(UPN_FORMAT.match(u) for u in upns)
    assert all(upn_check_letter(u[1:]) == u[0] for u in upns)
    assert all(u[1:4] == "999" for u in upns)


def uasc_children(extracts) -> set:
    return set(extracts[2]["CHILD"])


@pytest.fixture(scope="module")
def extracts(demo_db):
    """Every year's header, episodes and UASC returns, one after another."""
    returns = sorted((demo_db.parent / "extracts" / "ssda903").iterdir())
    return tuple(pd.concat([pd.read_csv(folder / name, dtype=str) for folder in returns])
                 for name in ("header.csv", "episodes.csv", "uasc.csv"))


def test_header_and_episodes_carry_upns_postcodes_and_ofsted_numbers(extracts):
    header, episodes, _ = extracts
    assert header["UPN"].notna().all()
    counted = ~episodes["LS"].isin(["V3", "V4"])
    assert episodes.loc[counted, "PL_POST"].notna().all()
    # Unaccompanied asylum-seeking children have no home postcode (DfE rule 406).
    unaccompanied = episodes["CHILD"].isin(uasc_children(extracts))
    assert episodes.loc[counted & ~unaccompanied, "HOME_POST"].notna().all()
    assert episodes.loc[unaccompanied, "HOME_POST"].isna().all()
    assert episodes.loc[unaccompanied, "LS"].eq("V2").mean() > 0.9   # section 20 on arrival
    away = counted & ~episodes["PLACE"].eq("P1")
    assert (episodes.loc[away, "HOME_POST"] != episodes.loc[away, "PL_POST"]).all()
    homes = episodes["PLACE"].isin(["K1", "K2", "K3", "S1"])
    assert episodes.loc[homes, "URN"].str.match(r"^SC\d{6}$").all()


def test_the_store_keeps_no_upn_or_postcode(demo_db):
    from fsdash import store
    con = store.connect_readonly(demo_db)
    columns = {c for (c,) in con.execute(
        "SELECT column_name FROM information_schema.columns").fetchall()}
    con.close()
    assert not columns & {"upn", "home_post", "pl_post", "postcode"}


def test_no_demo_date_is_after_its_last_month(demo_db):
    # Cases that wait for a worker once ran past the last month (and failed to load at scale 40).
    folder = demo_db.parent / "extracts"
    last = pd.Timestamp("2026-10-31")
    for path in folder.rglob("*.csv"):
        frame = pd.read_csv(path, dtype=str)
        # A deadline, and the 18th birthday on which UASC status will cease.
        for column in frame.columns.drop(["InitialCPCtarget", "DUC"], errors="ignore"):
            dates = pd.to_datetime(frame[column], format="%d/%m/%Y", errors="coerce")
            if dates.notna().any():
                assert dates.max() <= last, (path.name, column)


# Every year's return: the tables of the DfE's return (social worker episodes from 2023-24).
TABLES = ("header.csv", "episodes.csv", "uasc.csv", "ad1.csv", "placed_for_adoption.csv",
          "missing.csv", "reviews.csv", "previous_permanence.csv", "oc2.csv", "oc3.csv")
VALIDATOR = ROOT / ".venv-903" / "bin" / "python"


def _returns(demo_db) -> dict[int, dict[str, pd.DataFrame]]:
    """Each year's return (by the year it ends), every table, dates as dates."""
    returns = {}
    for folder in sorted((demo_db.parent / "extracts" / "ssda903").iterdir()):
        year = int(folder.name[:4]) + 1
        returns[year] = {}
        for path in folder.glob("*.csv"):
            frame = pd.read_csv(path, dtype=str)
            for column in frame.columns:
                if column in DATES:
                    frame[column] = pd.to_datetime(frame[column], format="%d/%m/%Y")
            returns[year][path.name] = frame
    return returns


DATES = {"DOB", "DECOM", "DEC", "REVIEW", "DATE_INT", "DATE_MATCH", "DATE_PLACED", "MIS_START",
         "MIS_END", "SW_DECOM", "SW_DEC", "DUC", "DATE_PLACED_CEASED", "DATE_PERM"}


@pytest.fixture(scope="module")
def returns(demo_db):
    return _returns(demo_db)


def test_every_table_is_written_for_every_year(returns):
    assert min(returns) == 2016 and max(returns) == 2027
    for year, tables in returns.items():
        expected = set(TABLES) | ({"sw_episodes.csv"} if year >= 2024 else set())
        assert expected <= set(tables), year
        assert ("sw_episodes.csv" in tables) == (year >= 2024), year
        assert ("dolo.csv" in tables) == (year >= 2027), year
        for name in ("header.csv", "episodes.csv", "reviews.csv", "oc2.csv", "oc3.csv", "uasc.csv",
                     "missing.csv", "previous_permanence.csv", "placed_for_adoption.csv"):
            assert len(tables[name]), (year, name)
        if 2018 <= year < 2027:    # adoptions take over a year: none begun before 2015-16
            assert len(tables["ad1.csv"]), year


def test_each_year_has_its_own_codes(returns):
    for year, tables in returns.items():
        sexes = set(tables["header.csv"]["SEX"])
        assert sexes == ({"1", "2"} if year < 2025 else {"M", "F"}), year
        places = set(tables["episodes.csv"]["PLACE"])
        if year < 2026:
            assert not places & {"K3", "Z11", "Z12", "Z13", "Z14"}, year
        else:
            assert not places & {"H5", "Z1"}, year
        activities = set(tables["oc3.csv"]["ACTIV"].dropna())
        assert not activities & ({"F4", "P4"} if year <= 2021 else {"F3", "P3"}), year


def test_tables_agree_with_the_episodes(returns):
    for year, tables in returns.items():
        episodes, header = tables["episodes.csv"], tables["header.csv"]
        begins = pd.Timestamp(year - 1, 4, 1)
        # AD1: exactly the children adopted in the year; matched before placed with adopters.
        adopted = set(episodes.loc[episodes["REC"].isin(["E11", "E12"]), "CHILD"])
        ad1 = tables["ad1.csv"]
        assert set(ad1["CHILD"]) == adopted, year
        assert (ad1["DATE_INT"] <= ad1["DATE_MATCH"]).all()
        # A decision to place for adoption for every child under a placement order or placed.
        adoption = episodes["LS"].eq("E1") | episodes["PLACE"].str.startswith("A")
        assert set(episodes.loc[adoption, "CHILD"]) <= set(tables["placed_for_adoption.csv"]
                                                           ["CHILD"]), year
        # Previous permanence for every child starting care in the year, once.
        starters = set(episodes.loc[episodes["RNE"].eq("S") & (episodes["DECOM"] >= begins),
                                    "CHILD"])
        permanence = tables["previous_permanence.csv"]
        assert set(permanence["CHILD"]) == starters and permanence["CHILD"].is_unique, year
        # Every child in every other table is in the header, with the same date of birth.
        dob = header.set_index("CHILD")["DOB"]
        for name, frame in tables.items():
            if name != "header.csv" and len(frame):
                assert frame["CHILD"].isin(dob.index).all(), (year, name)
                if "DOB" in frame:
                    assert (frame["DOB"].to_numpy() == dob[frame["CHILD"]].to_numpy()).all()


def test_reviews_keep_to_statutory_timescales(returns):
    # First review within 20 working days of coming into care (28 days at most), the second
    # within three months of it, then every six months at most.
    reviews = pd.concat(t["reviews.csv"] for t in returns.values()).drop_duplicates()
    episodes = pd.concat(t["episodes.csv"] for t in returns.values())
    starts = episodes[episodes["RNE"].eq("S") & ~episodes["LS"].isin(["V3", "V4"])
                      & (episodes["DECOM"] >= "2015-04-01")].drop_duplicates(["CHILD", "DECOM"])
    first = starts.merge(reviews, on="CHILD")
    first = first[first["REVIEW"] >= first["DECOM"]].groupby(["CHILD", "DECOM"])["REVIEW"].min()
    days = (first - first.index.get_level_values("DECOM")).dt.days
    assert days.between(1, 28).mean() > 0.97    # the rest left care before a first review
    every_start = episodes[episodes["RNE"].eq("S")].drop_duplicates(["CHILD", "DECOM"])
    by_period = pd.merge_asof(reviews.sort_values("REVIEW"),
                              every_start[["CHILD", "DECOM"]].sort_values("DECOM"),
                              left_on="REVIEW", right_on="DECOM", by="CHILD")
    gaps = by_period.sort_values("REVIEW").groupby(["CHILD", "DECOM"])["REVIEW"].diff().dt.days
    assert gaps.dropna().max() <= 184


def test_unaccompanied_children_are_older_and_cease_at_18(returns):
    for year, tables in returns.items():
        uasc, header = tables["uasc.csv"], tables["header.csv"].set_index("CHILD")
        assert len(uasc) and uasc["CHILD"].isin(tables["episodes.csv"]["CHILD"]).all(), year
        assert (uasc["DUC"] == uasc["DOB"] + pd.DateOffset(years=18)).all()
        assert (uasc["SEX"].to_numpy() == header.loc[uasc["CHILD"], "SEX"].to_numpy()).all()
        assert not header.loc[uasc["CHILD"], "ETHNIC"].eq("WBRI").any()


def test_care_leavers_and_twelve_month_outcomes(returns):
    for year, tables in returns.items():
        header, oc3, oc2 = tables["header.csv"], tables["oc3.csv"], tables["oc2.csv"]
        ends = pd.Timestamp(year, 3, 31)
        ages = (ends - header.set_index("CHILD")["DOB"][oc3["CHILD"]]).dt.days / 365.25
        assert ages.between(17, 22.1).all(), year                 # their 17th to 21st birthday
        assert not set(oc3["CHILD"]) & set(oc2["CHILD"]), year
        leavers_in_care = set(oc3["CHILD"]) & set(tables["episodes.csv"]["CHILD"])
        if year >= 2018:                # care leavers from before 2015-16 are not simulated
            assert len(leavers_in_care) < 0.5 * len(oc3), year    # most left in earlier years
        assert oc2["CHILD"].is_unique and len(oc2) > 0.4 * len(tables["episodes.csv"]
                                                                ["CHILD"].unique()), year


@pytest.mark.skipif(not VALIDATOR.exists(), reason="the validator's environment is made by "
                    "make .venv-903/.installed")
def test_every_year_passes_its_dfe_validation_rules(demo_db):
    # Data to Insight's csc-validator-be-903: every year it has rules for (2022-23 on).
    result = subprocess.run([str(VALIDATOR), str(ROOT / "tools" / "validate_903.py"),
                             str(demo_db.parent / "extracts"), "all"],
                            capture_output=True, text=True, timeout=900)
    years = re.findall(r"^SSDA903 (\d{4}-\d\d)", result.stdout, re.MULTILINE)
    assert years == ["2022-23", "2023-24", "2024-25", "2025-26", "2026-27"], result.stdout
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": 0 rules fail") == 5


def test_every_table_loads(demo_con):
    from fsdash.extracts import EXTRACT_BY_FILE
    for name in TABLES + ("sw_episodes.csv", "dolo.csv"):
        table = EXTRACT_BY_FILE[name].table
        count = demo_con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        assert count > (5 if name == "dolo.csv" else 50), name
    for table in (EXTRACT_BY_FILE["oc2.csv"].table, EXTRACT_BY_FILE["oc3.csv"].table):
        years = demo_con.execute(f"SELECT count(DISTINCT collection_year) FROM {table}").fetchone()
        assert years[0] == 12, table
