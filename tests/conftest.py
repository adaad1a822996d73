
"""Shared fixtures: a demo store built once per run, and a small hand-built store with known answers."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

from extract_files import write_extracts  # noqa: E402
from fsdash import store  # noqa: E402
from fsdash.demo import build_demo  # noqa: E402
from fsdash.ingest import load_folder  # noqa: E402

DEMO_UNTIL = "2026-10"   # fixed, so the demo store is the same whatever the day


@pytest.fixture(autouse=True)
def development_director(monkeypatch, tmp_path_factory):
    """Pages run as a development-mode director (small numbers hidden, as configured), and the
    audit log goes to a temporary file; tests of sign-in and roles change these."""
    monkeypatch.setenv("FSDASH_DEV_ROLE", "director")
    monkeypatch.setenv("FSDASH_AUDIT_LOG", str(tmp_path_factory.mktemp("audit") / "audit.jsonl"))


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """The demo council at scale 1, built through the real import path. For a quick local run,
    FSDASH_TEST_DEMO may name the folder an earlier run built (its demo.duckdb and extracts/),
    which is copied instead; CI always builds it."""
    folder = tmp_path_factory.mktemp("demo")
    db = folder / "demo.duckdb"
    if prebuilt := os.environ.get("FSDASH_TEST_DEMO"):
        shutil.copytree(prebuilt, folder, dirs_exist_ok=True)
        return db
    build_demo(db, until=DEMO_UNTIL, out_dir=folder / "extracts")
    return db


@pytest.fixture(scope="session")
def demo_con(demo_db):
    """A read-only connection to the demo store, shared by the run."""
    connection = store.connect_readonly(demo_db)
    yield connection
    connection.close()


def new_app(timeout: int = 120):
    """The whole app in Streamlit's AppTest (signed in as the development role)."""
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)


@pytest.fixture()
def demo_app(demo_db, monkeypatch):
    """The app over the demo store."""
    monkeypatch.setenv("FSDASH_DB", str(demo_db))
    return new_app()


LANCASTER, BURNLEY = "E07000121", "E07000117"


def small_adult_cohort(db: Path) -> tuple[str, str]:
    """A month (YYYY-MM) and district where only 1 to 5 adults had a year of Family
    Safeguarding work behind them, so the adult outcome cards must hide their figures."""
    import datetime as dt

    from fsdash import metrics
    con = store.connect_readonly(db)
    try:
        for district in ("E07000124", "E07000119", "E07000125"):
            for day in metrics.month_ends(dt.date(2021, 12, 31), 14):
                cohort = metrics.series(con, "police_change", [day], [district])["adults"]
                if 1 <= cohort.iloc[0] <= 5:
                    return day.strftime("%Y-%m"), district
    finally:
        con.close()
    raise AssertionError("the demo has no small adult cohort to test suppression with")


def _population():
    rows = []
    for district in (LANCASTER, BURNLEY):
        for year, people in ((2019, 100), (2020, 200)):
            rows += [{"DISTRICT": district, "YEAR": year, "AGE": age, "POPULATION": people}
                     for age in range(18)]
    return rows


def _child(child, family, birth_month, district=LANCASTER):
    return {"CHILD": child, "FAMILY_ID": family, "SEX": "M", "BIRTH_MONTH": birth_month,
            "ETHNIC": "WBRI", "DISTRICT": district}


def _header(child, dob):
    return {"CHILD": child, "SEX": "M", "DOB": dob, "ETHNIC": "WBRI"}


def _episode(child, decom, rne="S", ls="V2", dec="", rec="", place="U6"):
    return {"CHILD": child, "DECOM": decom, "RNE": rne, "LS": ls, "CIN": "N1", "PLACE": place,
            "PLACE_PROVIDER": "PR1", "DEC": dec, "REC": rec}


def known_answer_rows() -> dict[str, list[dict]]:
    """A tiny council whose answers on 31 March 2020 are worked out by hand in test_metrics.py."""
    births = {"C1": ("05/2010", "14/05/2010"), "C2": ("07/2005", "02/07/2005"),
              "C3": ("01/2012", "20/01/2012"), "C4": ("02/2015", "11/02/2015"),
              "C5": ("03/2008", "25/03/2008"), "C6": ("01/2019", "03/01/2019"),
              "C7": ("06/2009", "09/06/2009")}
    children = [_child(c, "F1" if c in ("C1", "C2") else "F2", month,
                       BURNLEY if c == "C6" else LANCASTER) for c, (month, _) in births.items()]
    children += [_child(c, "F3", "01/2014") for c in ("R1", "R2", "R3")]
    return {
        "population.csv": _population(),
        "families.csv": [{"FAMILY_ID": f, "DISTRICT": LANCASTER} for f in ("F1", "F2", "F3")],
        "children.csv": children,
        "adults.csv": [{"ADULT_ID": a, "FAMILY_ID": "F1", "SEX": "2", "BIRTH_YEAR": 1985}
                       for a in ("A1", "A2")],
        "workers.csv": [
            {"WORKER_ID": "W1", "TEAM": "FS01", "ROLE": "SW", "FTE": "1.0", "START_DATE": "01/01/2015"},
            {"WORKER_ID": "W2", "TEAM": "FS01", "ROLE": "SP", "FTE": "0.5", "START_DATE": "01/01/2015"},
            {"WORKER_ID": "W3", "TEAM": "FS01", "ROLE": "TM", "FTE": "1.0", "START_DATE": "01/01/2015"},
            {"WORKER_ID": "W4", "TEAM": "FS01", "ROLE": "SW", "FTE": "1.0", "START_DATE": "01/01/2015",
             "END_DATE": "01/01/2020"},
        ],
        "cin_referrals.csv": [
            {"REFERRAL_ID": rid, "CHILD": child, "CINreferralDate": day, "ReferralSource": "6",
             "Route": "MASH", "ReferralNFA": "N"}
            for rid, child, day in (("X1", "R1", "01/01/2019"), ("X2", "R1", "01/06/2019"),
                                    ("X3", "R1", "01/03/2020"), ("X4", "R2", "01/05/2019"),
                                    ("X5", "R3", "01/01/2018"), ("X6", "R3", "15/04/2019"))],
        "cin_cp_plans.csv": [
            {"PLAN_ID": pid, "CHILD": "R1", "CPPstartDate": start, "CPPendDate": end,
             "InitialCategoryOfAbuse": "NEG", "LatestCategoryOfAbuse": "NEG"}
            for pid, start, end in (("P1", "01/10/2019", ""), ("P2", "01/06/2019", "31/03/2020"),
                                    ("P3", "01/04/2020", ""))],
        "header.csv": [_header(c, dob) for c, (_, dob) in births.items()],
        "episodes.csv": [
            _episode("C1", "10/01/2019"),
            _episode("C2", "01/07/2018", dec="31/03/2020", rec="E4A"),
            _episode("C3", "30/03/2020", ls="V3", dec="02/04/2020", rec="E13", place="K2"),
            _episode("C3", "01/06/2019", ls="V3", dec="04/06/2019", rec="E13", place="K2"),
            _episode("C4", "01/06/2019", dec="01/09/2019", rec="X1"),
            _episode("C4", "01/09/2019", rne="P", dec="01/12/2019", rec="X1", place="U4"),
            _episode("C4", "01/12/2019", rne="L", ls="C2", place="U4"),
            _episode("C5", "01/01/2017", ls="C2"),
            _episode("C6", "31/03/2020", ls="L2"),
            _episode("C7", "01/01/2018", dec="15/05/2019", rec="E4A"),
        ],
        "allocations.csv": [
            {"CASE_ID": case, "CHILD": child, "FAMILY_ID": family, "TEAM": "FS01",
             "WORKER_ID": worker, "CASE_TYPE": kind, "OPEN_DATE": "01/01/2019"}
            for case, child, family, worker, kind in (
                ("K1", "C1", "F1", "W1", "CLA"), ("K2", "C4", "F2", "W1", "CLA"),
                ("K3", "C1", "F1", "W2", "CP"), ("K4", "C5", "F2", "W3", "CLA"),
                ("K5", "C6", "F2", "W4", "CLA"))],
        "fs_involvement.csv": [
            {"FAMILY_ID": "F1", "TEAM": "FS01", "START_DATE": "01/09/2018", "MENTAL_HEALTH": "Y",
             "DOMESTIC_ABUSE": "Y", "SUBSTANCE_MISUSE": "N", "PSYCHOLOGIST": "N"}],
        "adult_events.csv": [
            {"ADULT_ID": adult, "EVENT_DATE": day, "EVENT_TYPE": kind, "SOURCE": "test"}
            for adult, day, kind in (
                ("A1", "01/01/2018", "POLICE"), ("A1", "01/05/2018", "POLICE"),
                ("A1", "31/08/2018", "POLICE"), ("A2", "01/01/2019", "POLICE"),
                ("A1", "02/09/2019", "POLICE"), ("A1", "01/10/2018", "EMERGENCY_ADMISSION"),
                ("A1", "01/01/2017", "POLICE"))],
    }


@pytest.fixture()
def known_store(tmp_path) -> Path:
    """The hand-built council, loaded through the importer."""
    folder = write_extracts(tmp_path / "extracts", known_answer_rows())
    db = tmp_path / "known.duckdb"
    load_folder(folder, db)
    return db


@pytest.fixture()
def known(known_store):
    """A read-only connection to the hand-built council."""
    con = store.connect_readonly(known_store)
    yield con
    con.close()


@pytest.fixture()
def known_folder(tmp_path) -> Path:
    return write_extracts(tmp_path / "extracts", known_answer_rows())


# Public sample files other projects publish, unpacked by `make test` (tools/public_samples.py):
# liiatools' Annex A workbook, children in need census and SSDA903 episodes (MIT licence).
PUBLIC_SAMPLES = ROOT / ".public-samples" / "liiatools" / "liiatools" / "spec"


@pytest.fixture(scope="session")
def public_samples() -> Path:
    """The folder of liiatools' samples (annex_a/, cin_census/, s903/, each with samples/)."""
    if not PUBLIC_SAMPLES.exists():
        import subprocess
        subprocess.run([sys.executable, str(ROOT / "tools" / "public_samples.py")], check=True)
    return PUBLIC_SAMPLES


def copy_of_store(db: Path, folder: Path) -> Path:
    """A copy of a store in ``folder``, so a load in one test changes nothing another reads."""
    copy = folder / db.name
    shutil.copy(db, copy)
    return copy
