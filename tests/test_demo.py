"""The demo council: calibrated to Lancashire's published figures, deterministic, and shown by
``fsdash summary`` from the same measures."""

import datetime as dt
import hashlib
import json
import re
import subprocess
import sys
import tomllib

import duckdb
import pytest

from conftest import ROOT
from fsdash import metrics
from fsdash.demo import build_demo

# Published counts of children looked after (shared/reference/published-figures.md).
PUBLISHED_CLA = {
    dt.date(2016, 3, 31): 1665, dt.date(2017, 3, 31): 1841, dt.date(2018, 3, 31): 1964,
    dt.date(2019, 3, 31): 2127, dt.date(2021, 3, 31): 2006, dt.date(2023, 11, 1): 1787,
    dt.date(2024, 10, 31): 1707, dt.date(2024, 11, 30): 1686, dt.date(2025, 3, 31): 1699,
}
CALIBRATION = tomllib.loads((ROOT / "config" / "lancashire-demo.toml").read_text())


@pytest.fixture(scope="module")
def con(demo_con):
    return demo_con


def test_children_looked_after_at_31_march_2020_within_2_percent(con):
    assert metrics.value(con, "cla", dt.date(2020, 3, 31)) == pytest.approx(2096, rel=0.02)


@pytest.mark.parametrize("day", PUBLISHED_CLA)
def test_children_looked_after_within_5_percent_of_each_published_count(con, day):
    assert metrics.value(con, "cla", day) == pytest.approx(PUBLISHED_CLA[day], rel=0.05)


@pytest.mark.parametrize("name", ["cla_starts_in_month", "cla_ceases_in_month"])
def test_no_month_has_a_step_in_starts_or_ceases(con, name):
    # Steering onto published counts once made November 2024 show 15 starts against about 50.
    months = metrics.series(con, name, metrics.month_ends(dt.date(2026, 10, 31), 127))["value"]
    assert months.min() >= 0.5 * months.median()
    assert months.max() <= 2 * months.median()


def test_no_monthly_step_in_children_looked_after(con):
    counts = metrics.series(con, "cla", metrics.month_ends(dt.date(2026, 10, 31), 127))["value"]
    assert counts.diff().abs().max() <= 0.02 * counts.median()


@pytest.mark.parametrize("day", [dt.date(2020, 3, 31), dt.date(2025, 3, 31)])
def test_legal_statuses_near_england_shares(con, day):
    mix = metrics.breakdown(con, "cla_by_legal_status", [day]).set_index("category")["value"]
    share = mix / mix.sum()
    for status, england in CALIBRATION["england_mix"]["legal_status"].items():
        assert share[status] == pytest.approx(england, abs=0.05), status


def test_placements_mostly_foster_care_and_adoptions_through_placement_orders(con):
    day = dt.date(2020, 3, 31)
    places = metrics.breakdown(con, "cla_by_placement", [day]).set_index("category")["value"]
    foster = places[["Foster care with relatives or friends", "Other foster care"]].sum()
    assert foster / places.sum() == pytest.approx(
        CALIBRATION["england_mix"]["placement"]["foster"], abs=0.07)
    assert places["Placed for adoption"] > 0
    adopted = metrics.breakdown(con, "ceases_by_reason", [day]).set_index("category")["value"]
    assert 40 <= adopted["Adopted"] <= 150     # England: about 4.5 adoptions a year per 100 in care


def test_rates_per_10000_near_the_published_ones(con):
    assert metrics.value(con, "cla_rate", dt.date(2020, 3, 31)) == pytest.approx(83, abs=2)
    assert metrics.value(con, "cla_rate", dt.date(2021, 3, 31)) == pytest.approx(79, abs=2)


def test_the_fall_since_2020_is_led_by_under_12s(con):
    before, after = dt.date(2020, 3, 31), dt.date(2024, 11, 30)
    under12 = [metrics.value(con, "cla_under12", d) for d in (before, after)]
    everyone = [metrics.value(con, "cla", d) for d in (before, after)]
    older = [e - u for e, u in zip(everyone, under12)]
    assert under12[1] / under12[0] < older[1] / older[0]
    assert under12[1] / under12[0] < 0.85


def test_front_door_and_plans_near_the_published_rates(con):
    year_end = dt.date(2022, 3, 31)
    referrals = metrics.value(con, "referrals", year_end)
    population = metrics.series(con, "cla_rate", [year_end])["under18"].iloc[0]
    assert 10000 * referrals / population == pytest.approx(253.9, rel=0.05)
    assert metrics.value(con, "rereferral_pct", year_end) == pytest.approx(19.1, abs=2)
    assert metrics.value(con, "cp_plans", dt.date(2019, 10, 31)) == pytest.approx(1194, rel=0.05)
    assert metrics.value(con, "cla_starts", dt.date(2021, 3, 31)) == pytest.approx(537, rel=0.05)


def test_21_teams_with_caseloads_near_the_national_average_and_some_stretched(con):
    teams = metrics.caseload_by_team(con, dt.date(2024, 3, 31))
    assert len(teams) == 21
    overall = metrics.value(con, "caseload", dt.date(2024, 3, 31))
    assert 14 <= overall <= 19
    assert (teams["value"] > 1.2 * overall).sum() >= 2


def test_adults_contacts_fall_after_family_safeguarding_begins(con):
    for name in ("police_change", "emergency_admission_change"):
        change = metrics.value(con, name, dt.date(2024, 3, 31))
        assert -70 < change < -20, name


def test_summary_json_prints_the_same_figures(demo_db, con):
    result = subprocess.run(
        [sys.executable, "-m", "fsdash", "summary", "--as-at", "2020-03-31", "--db", str(demo_db),
         "--json"], capture_output=True, text=True, check=True, cwd=ROOT)
    printed = json.loads(result.stdout)
    assert printed["as_at"] == "2020-03-31"
    assert set(printed["measures"]) == set(metrics.HEADLINE)
    assert printed["measures"]["cla"]["value"] == metrics.value(con, "cla", dt.date(2020, 3, 31))
    assert printed["measures"]["cla"]["definition"] == metrics.MEASURES["cla"].definition


def test_the_demo_is_deterministic_for_a_seed(tmp_path):
    def extracts(folder, seed):
        build_demo(folder / "db.duckdb", scale=0.05, seed=seed, until="2016-09",
                   out_dir=folder / "extracts")
        return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted((folder / "extracts").rglob("*.csv"))}

    first = extracts(tmp_path / "a", 7)
    assert extracts(tmp_path / "b", 7) == first
    assert extracts(tmp_path / "c", 8) != first


def test_each_census_year_is_in_its_own_shape(demo_db):
    # Sex as GenderCurrent 1/2 before 2024-25 and Sex M/F from then; disabilities and children
    # in need plans every year; pre-proceedings from 2026-27.
    from fsdash.demo import census_folder
    files = sorted(census_folder(demo_db.parent / "extracts").glob("*.xml"))
    assert len(files) == 12
    for path in files:
        year = int(path.stem[-7:-3]) + 1
        text = path.read_text(encoding="utf-8")
        sexes = set(re.findall(r"<(Sex|GenderCurrent)>(\w)<", text))
        assert sexes == ({("Sex", "M"), ("Sex", "F")} if year >= 2025
                         else {("GenderCurrent", "1"), ("GenderCurrent", "2")}), path.name
        assert text.count("<Disabilities>") == text.count("<Child>")
        assert 0.05 < 1 - text.count("<Disability>NONE<") / text.count("<Child>") < 0.2
        assert text.count("<CINPlanDates>") > 1000, path.name
        assert ("<PreProceedingsandFGDM>" in text) == (year >= 2027), path.name


def test_the_census_of_each_year_loads_alone(demo_db, tmp_path):
    from fsdash.demo import census_folder
    from fsdash.ingest import load_folder
    load_folder(census_folder(demo_db.parent / "extracts"), tmp_path / "census.duckdb")
    with duckdb.connect(str(tmp_path / "census.duckdb"), read_only=True) as census:
        for table in ("cin_disability", "cin_plan", "pre_proceedings"):
            assert census.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 100, table
        assert census.execute("SELECT count(*) FROM load_query").fetchone()[0] == 0


def test_monthly_annex_a_workbooks_load_alone_with_every_teams_children(demo_db, demo_con,
                                                                         tmp_path):
    from fsdash.demo import annex_a_folder
    from fsdash.ingest import load_paths
    books = sorted(annex_a_folder(demo_db.parent / "extracts").glob("Annex_A_*.xlsx"))
    assert [p.stem for p in books] == ["Annex_A_2026-08-31", "Annex_A_2026-09-30",
                                       "Annex_A_2026-10-31"]
    report = load_paths(books, tmp_path / "annex.duckdb")
    assert not any("mapped to no team" in note for note in report.notes)
    with duckdb.connect(str(tmp_path / "annex.duckdb"), read_only=True) as annex:
        day = dt.date(2026, 10, 31)
        demo, alone = (metrics.caseload_by_team(con, day).set_index("team")["children"].to_dict()
                       for con in (demo_con, annex))
        assert alone == demo and len(demo) == 21
