"""Team caseloads: every team side by side (directors and analysts), and a team's own caseloads
worker by worker (its team managers too). Refused, in the data layer, outside the user's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from fsdash import charts, metrics
from fsdash.access import SUPPRESSED, Scope
from fsdash.access.suppression import protect
from fsdash.config import Council
from fsdash.events import live_events
from fsdash.formatting import long_date, month
from fsdash.metrics.teams import SPECIALISMS, children_by_holders, children_by_worker, team_caseloads
from fsdash.views import event_marks
from fsdash.views.care import ChartBlock
from fsdash.views.team_mix import team_mix
from fsdash.views.team_workers import rating, worker_caseloads

TREND_MONTHS = 12
NEEDS = ("allocation", "worker")     # the store tables the page's figures come from
# Red, amber and green read without colour too: a word and a shape.
RATINGS = {"Red": "▲ Red", "Amber": "■ Amber", "Green": "● Green"}
COUNTS = {"children": "Children", "families": "Families", "unallocated": "Unallocated",
          "cin": "Child in need",
          "cp": "Child protection", "cla": "Looked after",
          "open_over_12_months": "Open over 12 months", "open_over_18_months": "Open over 18 months",
          "allocated_in_month": "Allocated in the month", "closed_in_month": "Closed in the month"}


class TeamRefused(PermissionError):
    """The user's scope does not include the team."""


@dataclass(frozen=True)
class TeamView:
    title: str
    reading: str
    workers: pd.DataFrame                # ranked by caseload, then all workers and the team
    flows: ChartBlock | None = None      # allocations and closures by month
    mix: pd.DataFrame | None = None      # case mix, case age and adult practitioners' families
    workers_heading: str = ""
    workers_reading: str = ""            # who holds the most and the fewest, against thresholds


@dataclass(frozen=True)
class AllTeamsView:
    ranked: ChartBlock          # caseload per social-worker FTE, teams ranked by pressure
    heatmap: ChartBlock         # teams by months
    teams: pd.DataFrame         # every measure, team by team, with locality and council rows


def all_teams_view(con: duckdb.DuckDBPyConnection, council: Council, scope: Scope,
                   as_at: dt.date) -> AllTeamsView:
    """Every team on a date, ranked by caseload against the thresholds, with a year's trend."""
    if not scope.all_teams:
        raise TeamRefused("all teams")
    dates = metrics.month_ends(as_at, TREND_MONTHS)
    frame = team_caseloads(con, dates)
    now = frame[frame["as_at"] == pd.Timestamp(as_at)].copy()
    now["rating"] = [RATINGS[rating(c, council).split(":")[0]] if pd.notna(c) else ""
                     for c in now["caseload"]]
    now = now.sort_values("caseload", ascending=False)
    workers = children_by_worker(con, as_at)
    red_workers = workers["children"] / workers["fte"] >= council.caseload_red
    at_red = red_workers.groupby(workers["team"]).sum().reindex(now["team"], fill_value=0)
    in_post = workers.groupby("team").size().reindex(now["team"], fill_value=0)
    red = now[now["caseload"] >= council.caseload_red]
    amber = now[(now["caseload"] >= council.caseload_amber) & (now["caseload"] < council.caseload_red)]
    reading = (f"On {long_date(as_at)}, {len(red)} of {len(now)} teams had caseloads at or above "
               f"the red threshold of {council.caseload_red:g} children per social worker and "
               f"{len(amber)} at amber ({council.caseload_amber:g} or more). The most stretched "
               f"was {now.iloc[0]['name']}, at {now.iloc[0]['caseload']:.1f}. Counted as each "
               "worker's own cases (a child shared by two workers counts for each), "
               f"{int(at_red.sum())} of the {int(in_post.sum())} case-holding workers were at red."
               if now["caseload"].notna().any() else
               f"On {long_date(as_at)} no team had a case-holding social worker in post in the "
               "records loaded, so there is no caseload to show.")
    ranked = ChartBlock(
        "Caseload per social worker, team by team", reading,
        charts.team_bars(now, council.caseload_amber, council.caseload_red,
                         f"Children per full-time social worker, {long_date(as_at)}"),
        pd.DataFrame({"Team": now["name"], "Caseload": now["caseload"], "Rating": now["rating"],
                      "Workers at red on their own cases": [
                          f"{r} of {n}" for r, n in zip(at_red, in_post)]}),
        "team-caseloads")
    grid = frame.pivot_table(index="name", columns="as_at", values="caseload", sort=False)
    grid = grid.reindex(now["name"])
    rising = (grid.iloc[:, -1] - grid.iloc[:, 0]).dropna().sort_values(ascending=False) \
        if grid.shape[1] else pd.Series(dtype=float)
    heat_reading = (f"Over the 12 months to {month(as_at)}, caseloads rose most in "
                    f"{rising.index[0]} ({rising.iloc[0]:+.1f}) and fell most in "
                    f"{rising.index[-1]} ({rising.iloc[-1]:+.1f})." if len(rising) else
                    f"There are no caseloads over the 12 months to {month(as_at)} to compare "
                    "month by month.")
    heat_table = grid.copy()
    heat_table.columns = [month(pd.Timestamp(c).date()) for c in grid.columns]
    heatmap = ChartBlock("Caseloads month by month", heat_reading,
                         charts.heatmap(grid, "Children per full-time social worker, by team "
                                        "and month"),
                         heat_table.reset_index(names="Team"), "team-caseloads-by-month")
    return AllTeamsView(ranked, heatmap, _teams_table(now, council, scope))


def _teams_table(now: pd.DataFrame, council: Council, scope: Scope) -> pd.DataFrame:
    """Every measure for each team, its locality and the council, with small counts hidden for
    roles that have them hidden (so none can be worked out from the subtotals)."""
    localities = list(council.localities)
    order = now.sort_values(["locality", "caseload"], ascending=[True, False])
    members = np.array([[loc == team_loc for team_loc in order["locality"]] for loc in localities],
                       int)
    matrix = np.vstack([np.eye(len(order), dtype=int), members, np.ones(len(order), int)])
    level = np.r_[np.zeros(len(order), int), np.ones(len(localities), int), 2]
    rows = {"Team": list(order["name"]) + [f"{council.localities[loc]} (locality)"
                                            for loc in localities] + [f"All of {council.short_name}"]}
    fte = matrix @ order["social_worker_fte"].to_numpy(float)
    children = matrix @ order["children"].to_numpy(float)
    hidden_children = None
    for column, label in COUNTS.items():
        values = matrix @ order[column].to_numpy(float)
        hidden = (protect(matrix, values, council.max_suppressed, level) if scope.suppress
                  else np.zeros(len(values), bool))
        hidden_children = hidden if column == "children" else hidden_children
        rows[label] = [SUPPRESSED if h else f"{v:,.0f}" for v, h in zip(values, hidden)]
    rows["Social worker FTE"] = [f"{v:.1f}" for v in fte]
    caseload = children / np.where(fte > 0, fte, np.nan)
    rows["Caseload"] = [SUPPRESSED if h else f"{c:.1f}" for c, h in zip(caseload, hidden_children)]
    rows["Rating"] = [RATINGS[rating(c, council).split(":")[0]] if pd.notna(c) else ""
                      for c in caseload]
    for name, (_, label) in SPECIALISMS.items():
        families = matrix @ order[f"{name}_families"].to_numpy(float)
        spec_fte = matrix @ order[f"{name}_fte"].to_numpy(float)
        hidden = (protect(matrix, families, council.max_suppressed, level) if scope.suppress
                  else np.zeros(len(families), bool))
        rows[f"{label}: families per FTE"] = [
            SUPPRESSED if h else (f"{f / s:.1f}" if s else "no practitioner")
            for f, s, h in zip(families, spec_fte, hidden)]
    return pd.DataFrame(rows)


def team_view(con: duckdb.DuckDBPyConnection, council: Council, scope: Scope, team: str,
              as_at: dt.date) -> TeamView:
    """The team's caseloads on a date; raises TeamRefused outside the user's scope."""
    names = {t.code: t.name for t in council.teams}
    if team not in names or not scope.may_see_team(team):
        raise TeamRefused(team)
    teams = metrics.caseload_by_team(con, as_at).set_index("team")
    workers = metrics.caseload_by_worker(con, as_at, team)
    title = f"{names[team]} team"
    if team not in teams.index or workers.empty:
        return TeamView(title, f"The team had no case-holding social workers in post on "
                               f"{long_date(as_at)}.", pd.DataFrame())
    row = teams.loc[team]
    caseloads = worker_caseloads(workers, children_by_holders(con, as_at, team),
                                 int(row["children"]), council, scope)
    team_row = caseloads.table.iloc[-1]
    held = (f"held the cases of {team_row['Children']} children: {row['value']:.1f} per "
            f"full-time worker, {rating(row['value'], council).split(':')[0].lower()} against the "
            f"council's thresholds of {council.caseload_amber:g} and {council.caseload_red:g}"
            if team_row["Children"] != SUPPRESSED else
            "held the cases of a number of children too small to show")
    reading = (f"On {long_date(as_at)} the team's {len(workers)} case-holding social workers "
               f"({row['fte']:.1f} full-time equivalent) {held}. {caseloads.reconciled}")
    view = TeamView(title, reading, caseloads.table, *_team_history(con, council, scope, team, as_at),
                    workers_heading=caseloads.heading, workers_reading=caseloads.reading)
    districts = next(t.districts for t in council.teams if t.code == team)
    return event_marks.mark_view(view, event_marks.team_events(live_events(con, council), council,
                                                           districts),
                                 {"flows": ("caseload",)})


def _team_history(con, council: Council, scope: Scope, team: str, as_at: dt.date):
    """The team's allocations and closures each month for a year, and its case mix, case age
    and adult practitioners' families on the date (small numbers hidden where the role has
    them hidden)."""
    frame = team_caseloads(con, metrics.month_ends(as_at, TREND_MONTHS))
    mine = frame[frame["team"] == team].reset_index(drop=True)
    limit = council.max_suppressed

    def seen(values) -> list:
        return [np.nan if scope.suppress and 1 <= v <= limit else v for v in values]
    flows = pd.DataFrame({"as_at": mine["as_at"], "allocated": seen(mine["allocated_in_month"]),
                          "closed": seen(mine["closed_in_month"])})
    year = mine[["allocated_in_month", "closed_in_month"]].sum()
    reading = (f"In the 12 months to {month(as_at)} the team took on {year.iloc[0]:,.0f} cases and "
               f"closed {year.iloc[1]:,.0f}: "
               + ("more in than out." if year.iloc[0] > year.iloc[1] else
                  "more closed than taken on." if year.iloc[0] < year.iloc[1] else "as many in as out."))
    block = ChartBlock("Cases allocated and closed each month", reading,
                       charts.monthly_lines(flows, [("allocated", "Allocated", "blue", "solid"),
                                                    ("closed", "Closed", "orange", "dash")],
                                            "Cases allocated to and closed by the team, by month",
                                            "Cases"),
                       pd.DataFrame({"Month end": [long_date(d.date()) for d in flows["as_at"]],
                                     "Allocated": [_count(v) for v in flows["allocated"]],
                                     "Closed": [_count(v) for v in flows["closed"]]}),
                       f"team-{team}-allocations")
    mix = team_mix(mine.iloc[-1], limit, scope.suppress)
    return block, mix


def _count(value) -> str:
    return SUPPRESSED if pd.isna(value) else f"{value:,.0f}"
