"""A team's caseloads: the team against the council's thresholds, and each case-holding social
worker's children, for the people whose scope includes the team (their own team managers,
directors and analysts). Refused, in the data layer, for anyone else."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from fsdash import metrics
from fsdash.access import SUPPRESSED, Scope
from fsdash.access.suppression import protect
from fsdash.config import Council
from fsdash.formatting import long_date


class TeamRefused(PermissionError):
    """The user's scope does not include the team."""


@dataclass(frozen=True)
class TeamView:
    title: str
    reading: str
    workers: pd.DataFrame


def rating(caseload: float, council: Council) -> str:
    """Caseload against the council's thresholds, in words (never colour alone)."""
    if caseload >= council.caseload_red:
        return f"Red: {council.caseload_red:g} or more"
    if caseload >= council.caseload_amber:
        return f"Amber: {council.caseload_amber:g} or more"
    return f"Green: under {council.caseload_amber:g}"


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
    counts = _children_as_seen(workers["children"].to_numpy(), int(row["children"]), scope,
                               council.max_suppressed)
    reading = (f"On {long_date(as_at)} the team's {len(workers)} case-holding social workers "
               f"({row['fte']:.1f} full-time equivalent) held the cases of "
               f"{counts[-1]} children: {row['value']:.1f} per full-time worker "
               f"({rating(row['value'], council).split(':')[0].lower()} against the council's "
               f"thresholds of {council.caseload_amber:g} and {council.caseload_red:g}).")
    per_fte = workers["children"] / workers["fte"]
    table = pd.DataFrame({
        "Worker": workers["worker"], "Role": workers["role"].map(
            {"SW": "Social worker", "SP": "Senior practitioner"}),
        "Full-time equivalent": workers["fte"].round(2), "Children": counts[:-1],
        "Children per full-time equivalent": np.where(
            [c == SUPPRESSED for c in counts[:-1]], SUPPRESSED, per_fte.round(1).astype(str)),
        "Against thresholds": [SUPPRESSED if c == SUPPRESSED else rating(v, council)
                               for c, v in zip(counts[:-1], per_fte)]})
    return TeamView(title, reading, table)


def _children_as_seen(children: np.ndarray, total: int, scope: Scope, limit: int) -> list[str]:
    """Each worker's children and the team total, as text: with small numbers hidden (and one
    more where needed, so none can be worked out from the total) for roles that have them
    hidden."""
    values = np.r_[children, total].astype(float)
    if not scope.suppress:
        return [f"{v:,.0f}" for v in values]
    matrix = np.vstack([np.eye(len(children), dtype=int), np.ones(len(children), int)])
    hidden = protect(matrix, values, limit, np.r_[np.zeros(len(children), int), 1])
    return [SUPPRESSED if h else f"{v:,.0f}" for v, h in zip(values, hidden)]
