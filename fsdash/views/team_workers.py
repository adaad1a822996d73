"""A team's caseloads worker by worker, ranked against the council's thresholds, reconciled with
the team's own figure: a child whose cases are held by two or more workers counts for each
worker and once for the team."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from fsdash.access import SUPPRESSED, Scope
from fsdash.access.suppression import protect
from fsdash.config import Council

ROLES = {"SW": "Social worker", "SP": "Senior practitioner"}
COUNTING_RULE = (
    "How a child counts: a worker's children are every child whose open case they hold. A child "
    "whose cases are held by two or more workers (a child in need case with one and a child "
    "protection case with another, say) counts for each of them, and is shown under \"Shared "
    "with another worker\". The team's figure counts each child once, as the council's caseload "
    "measure, the other pages and the board pack do, so the workers' children add up to the "
    "team's children plus the shared children's extra counts. Each worker and the team are rated "
    "against the same thresholds.")


def rating(caseload: float, council: Council) -> str:
    """Caseload against the council's thresholds, in words (never colour alone)."""
    if caseload >= council.caseload_red:
        return f"Red: {council.caseload_red:g} or more"
    if caseload >= council.caseload_amber:
        return f"Amber: {council.caseload_amber:g} or more"
    return f"Green: under {council.caseload_amber:g}"


@dataclass(frozen=True)
class WorkerCaseloads:
    heading: str
    reading: str         # who holds the most and the fewest, and how many are over the thresholds
    reconciled: str      # the workers' cases against the team's children, and their ratings
    table: pd.DataFrame  # workers ranked by caseload, then all workers and the team


@dataclass(frozen=True)
class _Figures:
    """Each figure shown, as text, or SUPPRESSED: per worker (in ``workers`` order) and the
    totals."""

    children: list[str]
    alone: list[str]
    shared: list[str]
    totals: dict[str, str]


def worker_caseloads(workers: pd.DataFrame, holders: pd.DataFrame, team_children: int,
                     council: Council, scope: Scope) -> WorkerCaseloads:
    """``workers``: the team's case-holding workers in post (worker, role, fte); ``holders``:
    its children by the workers holding their cases (``metrics.teams.children_by_holders``),
    whose rows add up to ``team_children``."""
    matrix, level = _figure_rows(list(workers["worker"]), list(holders["holders"]))
    values = matrix @ holders["children"].to_numpy(float)
    if int(values[-2]) != team_children:
        raise ValueError(f"the workers' children ({values[-2]:.0f}) are not the team's "
                         f"({team_children})")
    hidden = (protect(matrix, values, council.max_suppressed, level) if scope.suppress
              else np.zeros(len(values), bool))
    shown = [SUPPRESSED if h else f"{v:,.0f}" for v, h in zip(values, hidden)]
    count = len(workers)
    figures = _Figures(shown[:count], shown[count:2 * count], shown[2 * count:3 * count],
                       dict(zip(("cases", "alone", "shared cases", "children", "shared children"),
                                shown[3 * count:])))
    table = _ranked_table(workers, values[:count], figures, council)
    total_fte = float(workers["fte"].sum())
    table = pd.concat([table, _total_rows(count, total_fte, values[3 * count:], figures,
                                          council)], ignore_index=True)
    return WorkerCaseloads("Caseloads worker by worker, highest first",
                           _ranking_reading(table.iloc[:count], hidden[:count].sum(), council),
                           _reconciled(total_fte, values[3 * count:], figures,
                                       table.iloc[:count], council),
                           table)


def _figure_rows(workers: list[str], holder_sets: list) -> tuple[np.ndarray, np.ndarray]:
    """Every figure as a row over the cells (children by their set of holders): each worker's
    children, children held alone and children shared; then all workers' cases, children held
    alone and shared cases; the team's children and its shared children. With each row's level
    (workers 0, totals 1) for suppression."""
    sets = [tuple(s) for s in holder_sets]
    held = np.array([[w in s for s in sets] for w in workers], int).reshape(len(workers), len(sets))
    single = np.array([len(s) == 1 for s in sets], int)
    size = np.array([len(s) for s in sets], int)
    rows = np.vstack([held, held * single, held * (1 - single),
                      size, single, size * (1 - single), np.ones(len(sets), int), 1 - single])
    return rows, np.r_[np.zeros(3 * len(workers), int), np.ones(5, int)]


def _ranked_table(workers: pd.DataFrame, children: np.ndarray, figures: _Figures,
                  council: Council) -> pd.DataFrame:
    """One row a worker, highest caseload first; workers whose figures are hidden come last,
    in worker order, so their place gives nothing away."""
    per_fte = children / workers["fte"].to_numpy(float)
    frame = pd.DataFrame({
        "worker": workers["worker"], "role": workers["role"].map(ROLES), "fte": workers["fte"],
        "children": figures.children, "alone": figures.alone, "shared": figures.shared,
        "per_fte": per_fte, "held": children, "hidden": [c == SUPPRESSED for c in figures.children]})
    frame = pd.concat([
        frame[~frame["hidden"]].sort_values(["per_fte", "held", "worker"],
                                            ascending=[False, False, True]),
        frame[frame["hidden"]]])
    shown_count = int((~frame["hidden"]).sum())
    return pd.DataFrame({
        "Rank": [str(i + 1) for i in range(shown_count)] + [""] * (len(frame) - shown_count),
        "Worker": frame["worker"], "Role": frame["role"],
        "Full-time equivalent": [f"{f:.2f}" for f in frame["fte"]],
        "Children": frame["children"], "Held by this worker alone": frame["alone"],
        "Shared with another worker": frame["shared"],
        "Children per full-time equivalent": [SUPPRESSED if h else f"{v:.1f}"
                                              for v, h in zip(frame["per_fte"], frame["hidden"])],
        "Against thresholds": [SUPPRESSED if h else rating(v, council)
                               for v, h in zip(frame["per_fte"], frame["hidden"])]})


def _total_rows(count: int, fte: float, totals: np.ndarray, figures: _Figures,
                council: Council) -> pd.DataFrame:
    """All workers' cases (a shared child once for each worker) and the team's children (each
    child once), each split into children held alone and shared."""
    cases, _, _, children, _ = totals
    shown = figures.totals
    rows = []
    for name, total, key, shared in ((f"All {count} workers", cases, "cases", "shared cases"),
                                     ("The team, each child once", children, "children",
                                      "shared children")):
        hidden = shown[key] == SUPPRESSED
        per_fte = total / fte if fte else np.nan
        rows.append({"Rank": "", "Worker": name, "Role": "", "Full-time equivalent": f"{fte:.2f}",
                     "Children": shown[key], "Held by this worker alone": shown["alone"],
                     "Shared with another worker": shown[shared],
                     "Children per full-time equivalent": SUPPRESSED if hidden else
                     f"{per_fte:.1f}",
                     "Against thresholds": SUPPRESSED if hidden else rating(per_fte, council)})
    return pd.DataFrame(rows)


def _bands(ranked: pd.DataFrame) -> dict[str, int]:
    words = ranked["Against thresholds"].str.split(":").str[0]
    return {band: int((words == band).sum()) for band in ("Red", "Amber", "Green")}


def _ranking_reading(ranked: pd.DataFrame, hidden: int, council: Council) -> str:
    """Who holds the most and the fewest, and whether that is where the council wants it."""
    shown = ranked[ranked["Rank"] != ""]
    if shown.empty:
        return "Every worker's figures are hidden to protect small numbers."
    top, bottom = shown.iloc[0], shown.iloc[-1]
    bands = _bands(shown)
    spread = (f"{top['Worker']} holds the most, {top['Children per full-time equivalent']} "
              f"children per full-time equivalent ({top['Against thresholds'].split(':')[0].lower()}), "
              f"and {bottom['Worker']} the fewest, {bottom['Children per full-time equivalent']} "
              f"({bottom['Against thresholds'].split(':')[0].lower()}).")
    if bands["Red"]:
        verdict = (f"{bands['Red']} of the {len(ranked)} workers are at or above the red threshold "
                   f"of {council.caseload_red:g}, more than the council thinks a worker should "
                   f"hold" + (f", and {bands['Amber']} more at amber." if bands["Amber"] else "."))
    elif bands["Amber"]:
        verdict = (f"None is at red, but {bands['Amber']} of the {len(ranked)} are at or above the "
                   f"amber threshold of {council.caseload_amber:g}.")
    else:
        verdict = ("Every worker shown is under the amber threshold of "
                   f"{council.caseload_amber:g}, where the council wants caseloads to be.")
    note = (f" {hidden} workers' figures are hidden to protect small numbers and are listed "
            "last." if hidden else "")
    return f"{spread} {verdict}{note}"


def _reconciled(fte: float, totals: np.ndarray, figures: _Figures, ranked: pd.DataFrame,
                council: Council) -> str:
    """The workers' cases against the team's children, and the workers' ratings beside the
    team's."""
    cases, _, _, children, _ = totals
    count = len(ranked)
    shown = figures.totals
    if SUPPRESSED in (shown["cases"], shown["children"], shown["shared children"]):
        sums = ("Some of the workers' and the team's totals are hidden to protect small numbers, "
                "so they are not set against each other here.")
    elif cases == children:
        sums = (f"No child's cases are held by more than one worker, so the {count} workers' "
                f"children add up to the team's {shown['children']}.")
    else:
        sums = (f"The {count} workers hold {shown['cases']} cases between them: "
                f"{shown['children']} children, {shown['shared children']} of them with cases "
                f"held by two or more workers and counted for each ({cases - children:,.0f} "
                "counts more than children).")
    bands = _bands(ranked[ranked["Rank"] != ""])
    hidden = count - sum(bands.values())
    rated = (f"Rated on their own cases against the same thresholds, {bands['Red']} of the "
             f"{count} workers are red, {bands['Amber']} amber and {bands['Green']} green"
             + (f", and {hidden} hidden to protect small numbers." if hidden else "."))
    if cases > children and SUPPRESSED not in (shown["cases"], shown["children"]):
        rated += (" The team's figure is lower because it counts each shared child once; "
                  f"counted as the workers are, the team holds {cases / fte:.1f} cases per "
                  f"full-time worker ({rating(cases / fte, council).split(':')[0].lower()}).")
    return f"{sums} {rated}"
