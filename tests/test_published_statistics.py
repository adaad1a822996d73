"""The DfE's published statistics as a source (issue 26): loaded from the files the project
ships, checked, kept year by year; the council's statistical neighbours and how it compares,
checked against the published files read directly with pandas."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from fsdash import store
from fsdash.access import Figures, Published
from fsdash.config import load_council
from fsdash.export.content import cursors
from fsdash.ingest import LoadError, load_paths
from fsdash.published_statistics import SHIPPED, shipped_files
from fsdash.published_statistics.neighbours import compare, neighbours
from fsdash.published_statistics.reconciliation import reconcile

CLA = SHIPPED / "cla_number_and_rate_per_10k_children.csv"
REFERRALS = SHIPPED / "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
MODEL = SHIPPED / "sn_model_2025_wide.csv"


def _read(path: Path) -> pd.DataFrame:
    """A published file as text, as written."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _write(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_csv(path, index=False)
    return path


def _stored(db: Path) -> list[tuple]:
    """Every published figure in a store, without the file and load it came from."""
    con = store.connect_readonly(db)
    try:
        return con.execute("SELECT * EXCLUDE (file, load_id) FROM published_value "
                           "ORDER BY ALL").fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def published_db(tmp_path_factory) -> Path:
    """A store holding only the published statistics the project ships."""
    db = tmp_path_factory.mktemp("published") / "published.duckdb"
    load_paths(shipped_files(), db)
    return db


def test_a_second_years_file_adds_that_year_and_changes_nothing_else(tmp_path):
    cla = _read(CLA)
    earlier = _write(cla[cla["time_period"] != "2025"], tmp_path / "cla-2021-to-2024.csv")
    latest = _write(cla[cla["time_period"] == "2025"], tmp_path / "looked-after-2025.csv")
    db = tmp_path / "store.duckdb"
    load_paths([earlier, REFERRALS], db)
    before = _stored(db)
    load_paths([latest], db)
    after = _stored(db)
    added = [row for row in after if row[:2] == ("cla_number_and_rate", 2025)]
    assert [row for row in after if row not in added] == before
    assert len(added) == 3 * (cla["time_period"] == "2025").sum()   # three measure columns
    whole = tmp_path / "whole.duckdb"
    load_paths([CLA, REFERRALS], whole)
    assert after == _stored(whole)
    load_paths([latest], db)        # the same year again replaces it: nothing doubles
    assert _stored(db) == after


def test_figures_not_published_are_kept_as_the_dfe_code_never_as_nought(published_db):
    cla = _read(CLA)
    hidden = cla[cla["children_count"].isin(["c", "x", "z"])]
    con = store.connect_readonly(published_db)
    stored = con.execute(
        "SELECT time_period, coalesce(old_la_code, ''), breakdown, not_published "
        "FROM published_value WHERE dataset = 'cla_number_and_rate' "
        "AND measure = 'children_count' AND value IS NULL ORDER BY ALL").fetchall()
    con.close()
    assert len(hidden) > 0
    assert stored == sorted((int(r.time_period), r.old_la_code, r.population_type,
                             r.children_count) for r in hidden.itertuples())


@pytest.mark.parametrize("spoil, problem", [
    (lambda f: f.drop(columns="rate_per_10000"),
     "row 1, field rate_per_10000: is missing from the header"),
    (lambda f: f.assign(old_la_code=f["old_la_code"].where(f["old_la_code"] != "888", "999")),
     "row {row}, field old_la_code: is not the DfE number of any council in England"),
    (lambda f: f.assign(children_count=f["children_count"].where(f["old_la_code"] != "888",
                                                                 "1,699")),
     "row {row}, field children_count: is not a number"),
])
def test_a_spoilt_file_is_refused_naming_the_file_row_and_field(tmp_path, spoil, problem):
    db = tmp_path / "store.duckdb"
    load_paths([REFERRALS], db)
    before = _stored(db)
    cla = _read(CLA)
    spoilt = _write(spoil(cla), tmp_path / "spoilt.csv")
    with pytest.raises(LoadError) as refused:
        load_paths([spoilt], db)
    row = cla.index[cla["old_la_code"] == "888"][0] + 2       # the header is row 1
    assert f"spoilt.csv (cla_number_and_rate), {problem.format(row=row)}" in str(refused.value)
    assert _stored(db) == before


def test_lancashires_neighbours_are_the_dfe_models(published_db):
    con = store.connect_readonly(published_db)
    found = neighbours(con, load_council())
    con.close()
    model = _read(MODEL).set_index("old_la_code").loc["888"]
    assert list(found["code"]) == [model[f"SN_{r}"] for r in range(1, 11)]
    assert list(found["closeness"]) == [model[f"SN_{r}P"].strip() for r in range(1, 11)]
    assert found["name"].iloc[0] == "Lincolnshire"


@pytest.mark.parametrize("measure, path, column, breakdown, year", [
    ("cla", CLA, "children_count", "Children looked after on 31 March each year", 2025),
    ("cla_rate", CLA, "rate_per_10000", "Children looked after on 31 March each year", 2023),
    ("rereferral_pct", REFERRALS, "rereferral_percent", "Referrals and Re-referrals", 2019),
])
def test_the_neighbours_median_and_range_are_those_of_the_published_file(
        published_db, measure, path, column, breakdown, year):
    figures = _read(path)
    breakdown_column = "population_type" if "population_type" in figures else "category"
    figures = figures[(figures["time_period"] == str(year))
                      & (figures[breakdown_column] == breakdown)]
    by_council = figures[figures["geographic_level"] == "Local authority"].set_index(
        "old_la_code")[column]
    model = _read(MODEL).set_index("old_la_code").loc["888"]
    near = pd.to_numeric(by_council.loc[[model[f"SN_{r}"] for r in range(1, 11)]],
                         errors="coerce").dropna()
    every = pd.to_numeric(by_council, errors="coerce").dropna()
    own = float(by_council.loc["888"])
    con = store.connect_readonly(published_db)
    found = compare(con, load_council(), measure, year)
    con.close()
    assert found.council == own
    assert found.england == float(figures.loc[figures["geographic_level"] == "National",
                                              column].iloc[0])
    assert (found.region_name, found.region) == ("North West", float(figures.loc[
        figures["region_name"].eq("North West") & figures["geographic_level"].eq("Regional"),
        column].iloc[0]))
    assert (found.median, found.lowest, found.highest) == (near.median(), near.min(), near.max())
    assert list(found.neighbours["value"].dropna()) == list(near)
    assert found.higher_than == (near < own).sum()
    assert found.rank_among_neighbours == (near > own).sum() + 1
    assert (found.rank_among_councils, found.councils) == ((every > own).sum() + 1, len(every))


def test_a_neighbour_list_in_the_council_file_replaces_the_models(published_db, tmp_path):
    config = tmp_path / "council.toml"
    text = load_council().path.read_text(encoding="utf-8")
    config.write_text(text.replace('dfe_code = "888"', 'dfe_code = "888"\nneighbours = '
                                   '["359", "351"]', 1), encoding="utf-8")
    con = store.connect_readonly(published_db)
    found = neighbours(con, load_council(config))
    con.close()
    assert list(found["name"]) == ["Wigan", "Bury"]


def test_the_demos_31_march_counts_are_within_1_percent_of_lancashires_published(demo_con):
    council = load_council()
    published = _read(CLA)
    published = published[(published["old_la_code"] == "888") & (
        published["population_type"] == "Children looked after on 31 March each year")]
    for suppress in (False, True):    # an analyst's figures, and a role hiding small numbers
        figures = Figures(Published(cursors(demo_con), council), suppress=suppress)
        found = reconcile(demo_con, figures, council)
        looked_after = found[found["measure"] == "cla"].set_index("year")
        assert looked_after["published"].to_dict() == {
            int(year): float(count) for year, count in zip(published["time_period"],
                                                           published["children_count"])}
        for year, row in looked_after.iterrows():
            assert abs(row["ours"] - row["published"]) <= 0.01 * row["published"], (year, row)
            assert row["note"] == ""
