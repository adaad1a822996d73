"""The demo's SSDA903 files carry what a council's return carries, in valid formats."""

import re

import pandas as pd
import pytest

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


@pytest.fixture(scope="module")
def extracts(demo_db):
    """Every year's header and episodes returns, one after another."""
    returns = sorted((demo_db.parent / "extracts" / "ssda903").iterdir())
    return tuple(pd.concat([pd.read_csv(folder / name, dtype=str) for folder in returns])
                 for name in ("header.csv", "episodes.csv"))


def test_header_and_episodes_carry_upns_postcodes_and_ofsted_numbers(extracts):
    header, episodes = extracts
    assert header["UPN"].notna().all()
    counted = ~episodes["LS"].isin(["V3", "V4"])
    assert episodes.loc[counted, ["HOME_POST", "PL_POST"]].notna().all().all()
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
        for column in frame.columns.drop("InitialCPCtarget", errors="ignore"):  # a deadline
            dates = pd.to_datetime(frame[column], format="%d/%m/%Y", errors="coerce")
            if dates.notna().any():
                assert dates.max() <= last, (path.name, column)
