"""Team caseloads: the measures on a hand-built council, team totals against the council's
figures on the demo, and the page for every team."""

import dataclasses
import datetime as dt

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, known_answer_rows
from extract_files import write_extracts
from fsdash import metrics, store
from fsdash.access import Scope
from fsdash.config import load_council
from fsdash.ingest import load_folder, load_paths
from fsdash.metrics.teams import PLAN_LENGTHS, children_by_holders, team_caseloads
from fsdash.published_statistics import SHIPPED
from fsdash.views.team import all_teams_view, team_view
from fsdash.views.team_workers import worker_caseloads
from fsdash.views.team_workforce import TITLE as WORKFORCE_TITLE
from fsdash.views.team_workforce import workforce_block

WORKFORCE_FILE = SHIPPED / "csww_indicators_2017_to_2025.csv"

COUNT_DATE = dt.date(2020, 3, 31)


@pytest.fixture()
def moves(tmp_path):
    """The hand-built council with a re-allocation mid-month, a case closed on the count date and
    one waiting for a worker: K1 (C1) moves from W1 to W2 on 15 March 2020; K6 (C7, child in
    need) opens with W1 on 2 March 2020 and closes on 31 March 2020; K7 (C2) has no worker."""
    rows = known_answer_rows()
    allocation = rows["allocations.csv"]
    k1 = next(a for a in allocation if a["CASE_ID"] == "K1")
    k1["CLOSE_DATE"] = "15/03/2020"
    allocation += [
        {**k1, "WORKER_ID": "W2", "OPEN_DATE": "15/03/2020", "CLOSE_DATE": ""},
        {"CASE_ID": "K7", "CHILD": "C2", "FAMILY_ID": "F1", "TEAM": "FS01", "WORKER_ID": "",
         "CASE_TYPE": "CIN", "OPEN_DATE": "20/03/2020", "CLOSE_DATE": ""},
        {"CASE_ID": "K6", "CHILD": "C7", "FAMILY_ID": "F2", "TEAM": "FS01", "WORKER_ID": "W1",
         "CASE_TYPE": "CIN", "OPEN_DATE": "02/03/2020", "CLOSE_DATE": "31/03/2020"}]
    db = tmp_path / "moves.duckdb"
    load_folder(write_extracts(tmp_path / "extracts", rows), db)
    con = store.connect_readonly(db)
    yield con
    con.close()


def test_team_measures_on_the_hand_built_council(moves):
    team = team_caseloads(moves, [COUNT_DATE]).set_index("team").loc["FS01"]
    # Case-holders in post: W1 (1.0) and W2 (senior practitioner, 0.5); W4 left on 1 January
    # 2020 and W3 is the team manager. Open: C1 (CLA with W2 after the move, CP with W2), C4
    # (CLA with W1). C7's case closed on the count date, so it is not open on it.
    assert team["social_worker_fte"] == 1.5
    assert (team["children"], team["families"]) == (2, 2)
    assert team["caseload"] == round(2 / 1.5, 1)
    assert (team["cin"], team["cp"], team["cla"]) == (0, 1, 2)
    # Opened 1 January 2019 (C4), or 15 March 2020 after the move (C1's CLA case) but C1 is also
    # on the older CP case: both children have a case open over 12 months, none over 18.
    assert (team["open_under_3_months"], team["open_3_to_12_months"], team["open_over_12_months"],
            team["open_over_18_months"]) == (0, 0, 2, 0)
    # In March: K1 closed with W1 and opened with W2; K6 opened and closed.
    assert (team["allocated_in_month"], team["closed_in_month"]) == (3, 2)   # K7 opened too
    assert team["unallocated"] == 1                                            # C2, in no caseload
    assert (team["mental_health_families"], team["domestic_abuse_families"],
            team["substance_misuse_families"]) == (1, 1, 0)
    other = team_caseloads(moves, [COUNT_DATE]).set_index("team").loc["FS02"]
    assert other["children"] == 0 and other["caseload"] != other["caseload"]   # no staff: none


COUNCIL_WIDE = """
    SELECT d.as_at,
        (SELECT count(*) FROM allocation WHERE open_date BETWEEN date_trunc('month', d.as_at)
            AND d.as_at) AS allocated_in_month,
        (SELECT count(*) FROM allocation WHERE close_date BETWEEN date_trunc('month', d.as_at)
            AND d.as_at) AS closed_in_month,
        (SELECT count(DISTINCT child_id) FROM allocation WHERE worker_id IS NULL
            AND open_date <= d.as_at AND (close_date IS NULL OR close_date > d.as_at))
            AS unallocated
    FROM (SELECT unnest(?::DATE[]) AS as_at) d ORDER BY 1"""


def test_team_totals_add_up_to_the_councils_figures_every_month(demo_db):
    # One team per child in the demo, so children are not counted in two teams.
    con = store.connect_readonly(demo_db)
    dates = metrics.month_ends(dt.date(2026, 10, 31), 24)
    teams = team_caseloads(con, dates).groupby("as_at").sum(numeric_only=True)
    council = metrics.series(con, "caseload", dates).set_index("as_at")
    wide = con.execute(COUNCIL_WIDE, [dates]).df().set_index("as_at")
    con.close()
    assert (teams["children"] == council["children"]).all()
    assert (teams["social_worker_fte"].round(2) == council["fte"].astype(float).round(2)).all()
    for measure in wide.columns:
        assert (teams[measure] == wide[measure]).all(), measure
    assert (wide["unallocated"] > 0).all()
    ages = teams[["open_under_3_months", "open_3_to_12_months", "open_over_12_months"]].sum(axis=1)
    assert (ages == teams["children"]).all()          # each child in one age of case


@pytest.mark.parametrize("team", [t.code for t in load_council().teams])
def test_the_team_page_renders_for_every_team(demo_db, monkeypatch, team):
    monkeypatch.setenv("FSDASH_DB", str(demo_db))
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    app.query_params["team"], app.query_params["as_at"] = team, "2025-03"
    app.switch_page("pages/team.py").run()
    assert not app.exception
    names = {t.code: t.name for t in load_council().teams}
    assert [h.value for h in app.header] == ["All teams", f"{names[team]} team"]
    assert "### Caseloads worker by worker, highest first" in [m.value for m in app.markdown]
    assert f"## {WORKFORCE_TITLE}" in [m.value for m in app.markdown]
    assert len(app.dataframe) == 7 and len(app.get("plotly_chart")) == 4


def test_the_published_workforce_figures_are_the_whole_councils_beside_others(tmp_path):
    db = tmp_path / "workforce.duckdb"
    load_paths([WORKFORCE_FILE, SHIPPED / "sn_model_2025_wide.csv"], db)
    con = store.connect_readonly(db)
    block = workforce_block(con, load_council())
    con.close()
    raw = pd.read_csv(WORKFORCE_FILE, dtype=str, keep_default_na=False)
    latest = raw[raw["time_period"] == raw["time_period"].max()]
    model = pd.read_csv(SHIPPED / "sn_model_2025_wide.csv", dtype=str).set_index("old_la_code")
    near = [model.loc["888", f"SN_{rank}"] for rank in range(1, 11)]
    table = block.table.set_index("Measure")
    for column, row in (("caseload_fte", 0), ("turnover_rate_fte", 1), ("agency_rate_fte", 2),
                        ("vacancy_rate_fte", 3)):
        shown = table.iloc[row]
        assert table.index[row].endswith(f"{latest['time_period'].iloc[0]} "
                                         f"({'cases per FTE' if row == 0 else '%'})")
        figures = pd.to_numeric(latest[column], errors="coerce")
        councils = latest["geographic_level"] == "Local authority"
        assert shown["Lancashire (whole council)"] == figures[
            councils & (latest["old_la_code"] == "888")].iloc[0]
        assert shown["England"] == figures[latest["geographic_level"] == "National"].iloc[0]
        assert shown["North West"] == figures[latest["region_name"] == "North West"].iloc[0]
        theirs = figures[councils & latest["old_la_code"].isin(near)].dropna()
        assert shown["Statistical neighbours (median)"] == pytest.approx(theirs.median())
        assert (shown["Neighbours' lowest"], shown["Neighbours' highest"]) == (
            theirs.min(), theirs.max())
    # Council-wide and at 30 September, said so, and set beside no team's figure.
    assert "for the whole council at 30 September" in block.reading
    assert "whole council" in block.figure.layout.title.text
    assert not any("team" in str(c).lower() for c in block.table.columns)


def test_a_team_that_splits_is_counted_as_it_was(tmp_path):
    # FS01 stops on 15 March 2020 and FS22 takes on Lancaster that day, with W1 moving to it
    # as W5 and K2 (C4) going with them. February is counted against FS01, March against FS22.
    council = load_council()
    first = next(t for t in council.teams if t.code == "FS01")
    teams = tuple(dataclasses.replace(t, end=dt.date(2020, 3, 15)) if t.code == "FS01" else t
                  for t in council.teams)
    teams += (dataclasses.replace(first, code="FS22", name="Lancaster", start=dt.date(2020, 3, 15),
                                  end=None),)
    rows = known_answer_rows()
    rows["workers.csv"].append({"WORKER_ID": "W5", "TEAM": "FS22", "ROLE": "SW", "FTE": "1.0",
                                "START_DATE": "15/03/2020"})
    w1 = next(w for w in rows["workers.csv"] if w["WORKER_ID"] == "W1")
    w1["END_DATE"] = "15/03/2020"
    k2 = next(a for a in rows["allocations.csv"] if a["CASE_ID"] == "K2")
    k2["CLOSE_DATE"] = "15/03/2020"
    rows["allocations.csv"].append({**k2, "TEAM": "FS22", "WORKER_ID": "W5",
                                    "OPEN_DATE": "15/03/2020", "CLOSE_DATE": ""})
    db = tmp_path / "split.duckdb"
    load_folder(write_extracts(tmp_path / "extracts", rows), db,
                dataclasses.replace(council, teams=teams))
    con = store.connect_readonly(db)
    february, march = dt.date(2020, 2, 29), dt.date(2020, 3, 31)
    frame = team_caseloads(con, [february, march]).set_index(["as_at", "team"])
    lancaster = metrics.series(con, "caseload", [february, march], ["E07000121"])
    con.close()
    assert ("FS01" in frame.loc[pd.Timestamp(february)].index
            and "FS22" not in frame.loc[pd.Timestamp(february)].index)
    assert ("FS22" in frame.loc[pd.Timestamp(march)].index
            and "FS01" not in frame.loc[pd.Timestamp(march)].index)
    assert frame.loc[(pd.Timestamp(february), "FS01"), "children"] == 2     # C1 and C4
    assert frame.loc[(pd.Timestamp(march), "FS22"), "children"] == 1        # C4 with W5
    # Lancaster's caseload follows the teams serving it on each date: FS01 (W1, W2), then FS22 (W5)
    assert list(lancaster["fte"].astype(float)) == [1.5, 1.0]



def test_a_child_held_by_two_workers_counts_for_each_and_once_for_the_team(known):
    # On 31 March 2020 W1 (1.0 FTE) holds C1 (looked after) and C4; W2 (0.5 FTE) holds C1's
    # child protection case. C1 counts for both workers and once for the team.
    council, analyst = load_council(), Scope("analyst", suppress=False)
    holders = children_by_holders(known, COUNT_DATE, "FS01")
    assert {tuple(h): c for h, c in zip(holders["holders"], holders["children"])} == {
        ("W1",): 1, ("W1", "W2"): 1}
    workers = metrics.caseload_by_worker(known, COUNT_DATE, "FS01")
    table = worker_caseloads(workers, holders, 2, council, analyst).table
    assert table[["Rank", "Worker", "Children", "Held by this worker alone",
                  "Shared with another worker", "Children per full-time equivalent"]
                 ].values.tolist() == [["1", "W1", "2", "1", "1", "2.0"],
                                       ["2", "W2", "1", "0", "1", "2.0"],
                                       ["", "All 2 workers", "3", "1", "2", "2.0"],
                                       ["", "The team, each child once", "2", "1", "1", "1.3"]]
    view = team_view(known, council, analyst, "FS01", COUNT_DATE)
    assert ("The 2 workers hold 3 cases between them: 2 children, 1 of them with cases held by "
            "two or more workers and counted for each (1 counts more than children).") in view.reading
    with pytest.raises(ValueError, match="not the team's"):
        worker_caseloads(workers, holders, 3, council, analyst)


HOLDINGS = """
    SELECT count(DISTINCT (a.child_id, w.worker_id)) AS cases, count(DISTINCT a.child_id) AS children
    FROM worker w JOIN allocation a ON a.worker_id = w.worker_id AND a.open_date <= $day
     AND (a.close_date IS NULL OR a.close_date > $day)
    WHERE w.team_code = $team AND w.role IN ('SW', 'SP') AND w.start_date <= $day
      AND (w.end_date IS NULL OR w.end_date > $day)"""


@pytest.mark.parametrize("team", ["FS01", "FS12"])
def test_workers_cases_are_the_teams_children_and_the_shared_ones_again(demo_con, team):
    day, council = dt.date(2026, 10, 31), load_council()
    view = team_view(demo_con, council, Scope("analyst", suppress=False), team, day)
    cases, children = demo_con.execute(HOLDINGS, {"day": day, "team": team}).fetchone()
    measure = metrics.caseload_by_team(demo_con, day).set_index("team").loc[team]
    table = view.workers
    rows, everyone, whole = table.iloc[:-2], table.iloc[-2], table.iloc[-1]
    number = lambda column: column.str.replace(",", "").astype(int)   # noqa: E731
    assert number(rows["Children"]).sum() == int(everyone["Children"]) == cases
    assert int(whole["Children"]) == measure["children"] == children < cases
    for row in (rows, table.iloc[-2:]):           # held alone and shared add up on every row
        assert (number(row["Held by this worker alone"]) + number(row["Shared with another worker"])
                == number(row["Children"])).all()
    # The double counts: all workers' shared cases less the team's shared children.
    assert (int(everyone["Shared with another worker"]) - int(whole["Shared with another worker"])
            == cases - children)
    held = metrics.caseload_by_worker(demo_con, day, team).set_index("worker")["children"]
    assert dict(zip(rows["Worker"], number(rows["Children"]))) == held.to_dict()
    per_fte = rows["Children per full-time equivalent"].astype(float)
    assert per_fte.is_monotonic_decreasing and list(rows["Rank"]) == [
        str(i) for i in range(1, len(rows) + 1)]
    assert float(whole["Children per full-time equivalent"]) == measure["value"]
    top = rows.iloc[0]
    assert view.workers_reading.startswith(f"{top['Worker']} holds the most, {per_fte.iloc[0]:.1f}")
    assert view.workers_heading == "Caseloads worker by worker, highest first"
    reds = int((rows["Against thresholds"].str.startswith("Red")).sum())
    assert (f"held the cases of {children:,} children: {measure['value']:.1f} per full-time worker"
            in view.reading)
    assert (f"The {len(rows)} workers hold {cases:,} cases between them: {children:,} children, "
            f"{whole['Shared with another worker']} of them") in view.reading
    assert f"{reds} of the {len(rows)} workers are red" in view.reading


def test_a_director_sees_worker_figures_with_small_numbers_hidden_and_no_rank(demo_con):
    view = team_view(demo_con, load_council(), Scope("director"), "FS02", dt.date(2022, 6, 30))
    counts = view.workers[["Children", "Held by this worker alone",
                           "Shared with another worker"]].to_numpy().ravel()
    assert "c" in counts and all(c == "c" or c == "0" or int(c.replace(",", "")) > 5
                                 for c in counts)
    hidden = view.workers[view.workers["Children"] == "c"]
    assert (hidden["Rank"] == "").all() and (hidden["Against thresholds"] == "c").all()
    assert "hidden to protect small numbers and are listed last" in view.workers_reading


def test_plan_lengths_add_up_to_the_child_protection_children(demo_con):
    dates = metrics.month_ends(dt.date(2026, 10, 31), 24)
    frame = team_caseloads.counted(demo_con, dates)
    assert (frame[list(PLAN_LENGTHS)].sum(axis=1) == frame["cp"]).all()
    # The demo has children with a second plan opened before the first ended: each counts once.
    assert demo_con.execute("""SELECT count(*) FROM cp_plan a JOIN cp_plan b
        ON a.child_id = b.child_id AND a.plan_id < b.plan_id
        AND b.start_date >= a.start_date AND a.end_date IS NULL""").fetchone()[0] > 0
    mix = team_view(demo_con, load_council(), Scope("analyst", suppress=False), "FS01",
                    dt.date(2026, 10, 31)).mix.set_index("Measure")["Children, families or cases"]
    plans = mix[mix.index.str.startswith("Child protection: ")].astype(int)
    assert plans.sum() == int(mix["Child protection"])
    ages = mix[["Open under 3 months", "Open 3 to 12 months", "Open over 12 months"]].astype(int)
    assert ages.sum() == int(mix["Children"].replace(",", ""))


def test_all_teams_say_how_many_workers_are_at_red_on_their_own_cases(demo_con):
    day, council = dt.date(2026, 10, 31), load_council()
    ranked = all_teams_view(demo_con, council, Scope("director"), day).ranked
    team = ranked.table.set_index("Team").loc["Lancaster North"]
    workers = team_view(demo_con, council, Scope("analyst", suppress=False), "FS01",
                        day).workers.iloc[:-2]
    reds = int(workers["Against thresholds"].str.startswith("Red").sum())
    assert team["Workers at red on their own cases"] == f"{reds} of {len(workers)}"
    in_post = metrics.caseload_by_worker(demo_con, day, "FS01")
    assert len(workers) == len(in_post)
    assert "case-holding workers were at red" in ranked.reading
    caseloads = team_caseloads(demo_con, [day]).set_index("team")["caseload"]
    by_team = metrics.caseload_by_team(demo_con, day).set_index("team")["value"]
    assert caseloads.loc[by_team.index].tolist() == by_team.tolist()   # one figure on each page
