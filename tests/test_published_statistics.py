"""The DfE's published statistics as a source (issue 26): loaded from the files the project
ships, checked, kept year by year; the council's statistical neighbours, how it compares and
the comparators the pages draw, checked against the published files read directly with pandas;
a store with none shows no comparison and says why."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from fsdash import store
from fsdash.access import Figures, Published
from fsdash.charts import wrapped
from fsdash.config import load_council
from fsdash.export.content import cursors
from fsdash.ingest import LoadError, load_paths
from fsdash.published_statistics import SHIPPED, shipped_files
from fsdash.published_statistics.comparators import NEIGHBOURS_MEDIAN, comparators
from fsdash.published_statistics.measures import MEASURES
from fsdash.published_statistics.neighbours import compare, neighbours
from fsdash.published_statistics.reconciliation import reconcile
from fsdash.views.care_compare import neighbours_block, rate_block

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


def _published(path: Path, column: str, breakdown: str) -> pd.DataFrame:
    """A published file's rows for one measure and breakdown, as numbers where published."""
    figures = _read(path)
    breakdown_column = "population_type" if "population_type" in figures else "category"
    figures = figures[figures[breakdown_column] == breakdown].copy()
    figures["number"] = pd.to_numeric(figures[column], errors="coerce")
    return figures


@pytest.mark.parametrize("measure, path, column, breakdown", [
    ("cla_rate", CLA, "rate_per_10000", "Children looked after on 31 March each year"),
    ("rereferral_pct", REFERRALS, "rereferral_percent", "Referrals and Re-referrals"),
])
def test_the_comparators_are_england_the_region_and_the_neighbours_median_of_the_published_file(
        published_db, measure, path, column, breakdown):
    figures = _published(path, column, breakdown)
    model = _read(MODEL).set_index("old_la_code").loc["888"]
    near = [model[f"SN_{r}"] for r in range(1, 11)]
    expected = []
    for label, rows in (
            ("England", figures[figures["geographic_level"] == "National"]),
            ("North West", figures[(figures["geographic_level"] == "Regional")
                                   & (figures["region_name"] == "North West")]),
            (NEIGHBOURS_MEDIAN, figures[figures["geographic_level"] == "Local authority"]
             .loc[lambda f: f["old_la_code"].isin(near)]
             .groupby("time_period", as_index=False)["number"].median())):
        expected += [(label, int(year), pd.Timestamp(int(year), 3, 31), value)
                     for year, value in sorted(zip(rows["time_period"], rows["number"]))]
    con = store.connect_readonly(published_db)
    found = comparators(con, load_council(), measure)
    con.close()
    assert list(found[["label", "year", "as_at", "value"]].itertuples(index=False, name=None)) \
        == expected
    assert set(found["period"].str[:-5]) == {MEASURES[measure].when}


def test_how_lancashire_compares_with_its_neighbours_reads_as_the_published_file(published_db):
    figures = _published(CLA, "rate_per_10000", "Children looked after on 31 March each year")
    latest = figures[figures["time_period"] == "2025"].set_index(
        ["geographic_level", "old_la_code", "region_name"])["number"]
    model = _read(MODEL).set_index("old_la_code").loc["888"]
    near = pd.Series({model[f"SN_{r}"]: latest.xs(("Local authority", model[f"SN_{r}"]),
                                                  level=(0, 1)).iloc[0] for r in range(1, 11)})
    own = latest.xs(("Local authority", "888"), level=(0, 1)).iloc[0]
    england = latest.xs("National", level=0).iloc[0]
    region = latest.xs(("Regional", "North West"), level=(0, 2)).iloc[0]
    con = store.connect_readonly(published_db)
    council = load_council()
    block = neighbours_block(con, council, dt.date(2026, 10, 31))
    con.close()
    assert block.reading.startswith(
        f"Lancashire had {own:g} children looked after per 10,000 children at 31 March 2025, "
        f"higher than {(near < own).sum()} of its 10 statistical neighbours (median "
        f"{near.median():g}), {'lower' if own < england else 'higher'} than England "
        f"({england:g}) and {'lower' if own < region else 'higher'} than North West ({region:g}).")
    table = block.table.set_index("Council")
    assert len(table) == 13 and set(table["At"]) == {"31 March 2025"}
    assert list(table["Closeness"].iloc[1:11]) == [model[f"SN_{r}P"].strip() for r in range(1, 11)]
    assert list(table["Per 10,000 children"]) == [own, *near, england, region]
    bars = {name: x for trace in block.figure.data if trace.type == "bar"
            for name, x in zip(trace.y, trace.x)}
    assert bars.pop("Lancashire (this council)") == own and len(bars) == 10
    council_bar = next(t for t in block.figure.data if t.name == "This council")
    assert council_bar.marker.pattern.shape == "/"      # told apart by pattern, not colour alone
    lines = {t.name for t in block.figure.data if t.type == "scatter"}
    assert lines == {f"England ({england:g})", f"North West ({region:g})"}


def test_the_rate_chart_draws_the_published_figures_as_yearly_points_never_joined(published_db):
    months = pd.date_range("2023-01-31", "2025-06-30", freq="ME")
    rates = pd.Series(70.0, index=months)
    con = store.connect_readonly(published_db)
    council = load_council()
    block = rate_block(con, rates, council, "all", True)
    found = comparators(con, council, "cla_rate")
    con.close()
    points = [t for t in block.figure.data if t.name != "Lancashire"]
    assert [t.name for t in points] == [wrapped(f"{label} (published, at 31 March each year)")
                                        for label
                                        in ("England", "North West", NEIGHBOURS_MEDIAN)]
    for trace in points:
        assert trace.mode == "markers"
        assert [pd.Timestamp(x) for x in trace.x] == [pd.Timestamp(y, 3, 31) for y in (2023, 2024,
                                                                                        2025)]
    in_2025 = found[found["year"] == 2025].set_index("label")["value"]
    assert (f"Published figures at 31 March 2025, shown as points once a year: England "
            f"{in_2025['England']:g}, North West {in_2025['North West']:g}, statistical "
            f"neighbours' median {in_2025[NEIGHBOURS_MEDIAN]:g}.") in block.reading
    march = block.table[block.table["Month end"] == "31 March 2025"].iloc[0]
    assert march["England, published"] == in_2025["England"]


@pytest.fixture(scope="module")
def empty_store(tmp_path_factory):
    """A store with no published files (nor anything else): a version 19 store (with the
    hand-typed benchmarks' table) upgraded to the latest."""
    con = duckdb.connect(str(tmp_path_factory.mktemp("empty") / "empty.duckdb"))
    store.migrate(con, upto=19)
    had_benchmarks = con.execute("SELECT count(*) FROM information_schema.tables "
                                 "WHERE table_name = 'benchmark'").fetchone()[0]
    store.migrate(con)
    yield con, had_benchmarks
    con.close()


def test_a_store_with_no_published_files_shows_no_comparison_and_says_why(empty_store):
    con, _ = empty_store
    council = load_council()
    assert comparators(con, council, "cla_rate").empty
    block = neighbours_block(con, council, dt.date(2020, 3, 31))
    assert block.figure is None
    assert block.reading.startswith("No comparison with England, the region or statistical "
                                    "neighbours is shown: the store holds no published figures "
                                    "for children looked after per 10,000 children")
    rates = pd.Series([60.0, 61.0], index=pd.to_datetime(["2020-02-29", "2020-03-31"]))
    rate = rate_block(con, rates, council, "all", True)
    assert "holds no published figures" in rate.reading
    assert [t.name for t in rate.figure.data] == ["Lancashire"]
    assert list(rate.table.columns) == ["Month end", "Per 10,000 children"]


def test_the_council_file_without_benchmarks_loads_and_the_stores_table_of_them_goes(
        empty_store):
    con, had_benchmarks = empty_store
    council = load_council()
    assert "[benchmarks" not in council.path.read_text(encoding="utf-8")
    assert (council.code, council.dfe_code) == ("E10000017", "888")
    tables = {name for (name,) in con.execute(
        "SELECT table_name FROM information_schema.tables").fetchall()}
    assert had_benchmarks == 1
    assert "benchmark" not in tables and "published_value" in tables
