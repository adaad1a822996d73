"""The needs Family Safeguarding exists for, and our figures reconciled with the DfE's (issue 26):
the published shares of assessments finding each need, worked out again from the DfE's file with
pandas; the council's own shares from its assessments, and hidden where they rest on a small
number; the reconciliation's differences in percentage points for a percentage, and the note on
a measure's definition where it differs by more than 1%."""

from __future__ import annotations

import datetime as dt
import shutil
import statistics

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from test_wording import (
    A_BEFORE_VOWEL,
    CODE_NAME,
    OTHER_DATES,
    REPEATED,
    SOUNDED_AS_CONSONANT,
    block_texts,
)

from conftest import ROOT
from fsdash import metrics, store
from fsdash.access import SUPPRESSED, Figures, Published
from fsdash.config import load_council
from fsdash.export.content import cursors
from fsdash.ingest import load_paths
from fsdash.metrics.needs import NEEDS
from fsdash.published_statistics import SHIPPED
from fsdash.published_statistics import reconciliation as rec
from fsdash.views import needs
from fsdash.views.team_workforce import workforce_block

FACTORS = SHIPPED / "c3_factors_identified_at_end_of_assessment_2018_to_2025.csv"
MODEL = SHIPPED / "sn_model_2025_wide.csv"


@pytest.fixture(scope="module")
def factors_db(tmp_path_factory):
    """A store holding the DfE's assessment factors and neighbour model alone."""
    db = tmp_path_factory.mktemp("factors") / "factors.duckdb"
    load_paths([FACTORS, MODEL], db)
    con = store.connect_readonly(db)
    yield con
    con.close()


def _share(rows: pd.DataFrame, column: str) -> pd.Series:
    """Each row's share as the DfE's own figures divide, NaN where either is not published."""
    numerator = pd.to_numeric(rows[column], errors="coerce")
    denominator = pd.to_numeric(rows["Episodes_with_assessment_factor"], errors="coerce")
    return (100 * numerator / denominator).round(1)


def test_the_published_shares_are_the_dfes_figures_divided(factors_db):
    council = load_council()
    found = needs.published_shares(factors_db, council).set_index(["year", "need"])
    raw = pd.read_csv(FACTORS, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    raw = raw.drop_duplicates(["time_period", "geographic_level", "region_code", "old_la_code"])
    model = pd.read_csv(MODEL, dtype=str).set_index("old_la_code").loc["888"]
    near = [model[f"SN_{rank}"] for rank in range(1, 11)]
    councils = raw[raw["geographic_level"] == "Local authority"]
    for year in ("2019", "2022", "2025"):
        some = raw[raw["time_period"] == year]
        for need in NEEDS:
            got = found.loc[(int(year), need.label)]
            own = _share(councils[(councils["time_period"] == year)
                                  & (councils["old_la_code"] == "888")], need.column)
            england = _share(some[some["geographic_level"] == "National"], need.column)
            region = _share(some[(some["geographic_level"] == "Regional")
                                 & (some["region_name"] == "North West")], need.column)
            theirs = _share(councils[(councils["time_period"] == year)
                                     & councils["old_la_code"].isin(near)], need.column).dropna()
            assert got["council"] == own.iloc[0], (year, need)
            assert got["england"] == england.iloc[0], (year, need)
            assert got["region"] == region.iloc[0] and got["region_name"] == "North West"
            assert got["median"] == round(statistics.median(theirs), 1), (year, need)
            assert (got["lowest"], got["highest"]) == (theirs.min(), theirs.max())
    # Lancashire, 2024-25: 2,043 of 7,485 assessments found domestic abuse about a parent.
    assert found.loc[(2025, "Domestic abuse"), "council"] == round(100 * 2043 / 7485, 1)


def test_our_shares_are_the_assessments_finding_each_parents_need(demo_con):
    council = load_council()
    figures = Figures(Published(cursors(demo_con), council), suppress=False)
    ours = needs.local_shares(demo_con, figures, council, [2024, 2025]).set_index(["year", "need"])
    assessments = demo_con.execute("SELECT authorised_date, factors FROM assessment").df()
    for year in (2024, 2025):
        done = assessments[
            (assessments["authorised_date"] > pd.Timestamp(year - 1, 3, 31))
            & (assessments["authorised_date"] <= pd.Timestamp(year, 3, 31))
            & assessments["factors"].fillna("").str.strip().ne("")]
        codes = done["factors"].str.split()
        for need in NEEDS:
            expected = round(100 * codes.map(lambda c, code=need.code: code in c).mean(), 1)
            assert ours.loc[(year, need.label), "value"] == expected, (year, need)
            assert not ours.loc[(year, need.label), "hidden"]


def test_a_share_resting_on_a_small_number_is_hidden(demo_db, tmp_path):
    # Leave 3 assessments finding drug misuse in the year to 31 March 2025: its share is hidden
    # for a role hiding small numbers, shown in full to one that sees them.
    db = tmp_path / "few.duckdb"
    shutil.copy(demo_db, db)
    con = duckdb.connect(str(db))
    con.execute("""UPDATE assessment SET factors = trim(replace(factors, '2B', ''))
        WHERE authorised_date BETWEEN DATE '2024-04-01' AND DATE '2025-03-31'
          AND assessment_id NOT IN (
              SELECT assessment_id FROM assessment WHERE factors LIKE '%2B%'
                AND authorised_date BETWEEN DATE '2024-04-01' AND DATE '2025-03-31'
              ORDER BY assessment_id LIMIT 3)""")
    con.execute("DELETE FROM kept_result WHERE name = 'grid_assessment_factors'")  # counted again
    council = load_council()
    drug = NEEDS[3].label
    shown = {}
    for suppress in (True, False):
        figures = Figures(Published(cursors(con), council), suppress=suppress)
        shown[suppress] = needs.local_shares(con, figures, council, [2025]).set_index("need")
    con.close()
    assert shown[True].loc[drug, "hidden"] and pd.isna(shown[True].loc[drug, "value"])
    assert not shown[False].loc[drug, "hidden"] and 0 < shown[False].loc[drug, "value"] < 1


def test_a_store_without_assessment_factors_shows_the_published_shares_alone(factors_db):
    council = load_council()
    figures = Figures(Published(cursors(factors_db), council), suppress=True)
    block = needs.needs_block(factors_db, figures, council)
    assert needs.NEEDS_FACTORS in block.reading
    assert block.figure is not None and set(block.table[f"{needs.OURS} (%)"]) == {""}
    assert list(block.table["Year to 31 March"][:4]) == ["2024-25"] * 4


def _row(name: str, ours: float, theirs: float) -> dict:
    return rec._row(name, 2024, ours, theirs, "")


def test_a_percentages_difference_is_in_percentage_points():
    row = _row("rereferral_pct", 19.0, 16.6)
    assert (row["difference"], row["difference_unit"], row["difference_pct"]) == (
        2.4, rec.POINTS, None)
    assert row["apart"] and row["note"] == "Differs by more than 1 percentage point"
    # 0.9 points is close, though 5% of the published figure.
    close = _row("rereferral_pct", 18.9, 18.0)
    assert not close["apart"] and close["note"] == ""
    count = _row("cla", 1753, 1750)
    assert (count["difference"], count["difference_unit"], count["difference_pct"]) == (
        3, "children", 0.2)
    assert not count["apart"]


def test_a_measure_more_than_1_percent_apart_gets_a_note_on_its_definition():
    found = pd.DataFrame([
        rec._row("cla", 2024, 1753, 1750, ""), rec._row("cla", 2025, 1697, 1699, ""),
        rec._row("cla_starts", 2025, 442, 517, ""), rec._row("cla_starts", 2024, 420, 477, ""),
        rec._row("rereferral_pct", 2024, 19.0, 16.6, ""),
        rec._row("rereferral_pct", 2025, 16.5, 16.3, "")], columns=list(rec.COLUMNS))
    notes = rec.definition_notes(found)
    assert set(notes) == {"cla_starts", "rereferral_pct"}      # children looked after: close
    assert notes["cla_starts"].startswith(
        "Our figure differs from the DfE's published one by more than 1% in 2 years "
        "(2024-25 -75, -14.5%; 2023-24 -57, -11.9%).")
    assert "each child once in the year" in notes["cla_starts"]
    assert notes["rereferral_pct"].startswith(
        "Our figure differs from the DfE's published one by more than 1 percentage point in "
        "1 year (2023-24 +2.4 points). The store cannot tell why")


def test_the_demos_reconciliation_counts_children_in_need_and_rereferrals_in_points(demo_con):
    council = load_council()
    figures = Figures(Published(cursors(demo_con), council), suppress=False)
    found = rec.reconcile(demo_con, figures, council)
    year_end = dt.date(2025, 3, 31)
    in_need = found[(found["measure"] == "children_in_need") & (found["year"] == 2025)].iloc[0]
    assert in_need["ours"] == metrics.value(demo_con, "children_in_need", year_end)
    assert in_need["published"] == 8327 and in_need["difference_unit"] == "children"
    rereferrals = found[(found["measure"] == "rereferral_pct") & found["ours"].notna()]
    assert (rereferrals["difference_unit"] == rec.POINTS).all()
    assert rereferrals["difference_pct"].isna().all()
    assert (rereferrals["difference"] == (rereferrals["ours"] - rereferrals["published"])
            .round(1)).all()
    table = rec.table(found)
    assert {"Difference is in", "Difference (% of published)"} <= set(table.columns)


def _page(demo_db, monkeypatch, page: str, role: str, **params) -> AppTest:
    monkeypatch.setenv("FSDASH_DB", str(demo_db))
    monkeypatch.setenv("FSDASH_DEV_ROLE", role)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for name, value in params.items():
        app.query_params[name] = value
    app.switch_page(page).run()
    assert not app.exception
    return app


def test_the_front_door_shows_the_needs_beside_the_published_shares(demo_db, monkeypatch):
    app = _page(demo_db, monkeypatch, "pages/front_door.py", "cabinet", as_at="2025-03")
    assert f"## {needs.TITLE}" in [m.value for m in app.markdown]
    table = next(t.value for t in app.dataframe if "Need (parent or carer)" in t.value.columns)
    assert list(table["Year to 31 March"][:4]) == ["2024-25"] * 4
    assert SUPPRESSED not in set(table[f"{needs.OURS} (%)"][:4])   # council-wide: not small
    notes = " ".join(c.value for c in app.caption)
    assert "differs from the DfE's published one by more than 1 percentage point" in notes


def test_the_data_page_notes_each_definition_that_differs(demo_db, monkeypatch):
    app = _page(demo_db, monkeypatch, "pages/data.py", "analyst")
    table = next(t.value for t in app.dataframe if "Difference is in" in t.value.columns)
    assert rec.POINTS in set(table["Difference is in"])
    notes = " ".join(c.value for c in app.caption)
    assert "Our figure differs from the DfE's published one by more than" in notes


def test_the_blocks_read_plainly(demo_con):
    council = load_council()
    texts = []
    for suppress in (True, False):
        figures = Figures(Published(cursors(demo_con), council), suppress=suppress)
        texts += block_texts(needs.needs_block(demo_con, figures, council))
        found = rec.reconcile(demo_con, figures, council)
        texts += [*rec.table(found).columns, *rec.table(found)["Note"],
                  *rec.definition_notes(found).values()]
    texts += block_texts(workforce_block(demo_con, council))
    assert len(texts) > 30
    for rule in (REPEATED, CODE_NAME, OTHER_DATES):
        assert not [t for t in texts if rule.search(t)], rule
    assert not [t for t in texts if "per cent" in t.lower()]
    assert not [t for t in texts for word in A_BEFORE_VOWEL.findall(t)
                if not word.lower().startswith(SOUNDED_AS_CONSONANT)]


def test_a_store_with_nothing_to_reconcile_has_no_definition_notes():
    # A store with no published files reconciles nothing: an empty table, no notes (the Data
    # page once failed here).
    nothing = pd.DataFrame([], columns=list(rec.COLUMNS))
    assert rec.definition_notes(nothing) == {}
    assert rec.definitions(nothing, ("referrals",))[0][2] == ""
