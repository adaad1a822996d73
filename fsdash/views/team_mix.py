"""A team's case mix, case age and adult practitioners' work on a date, each breakdown beside
the total it adds up to or saying why it does not, with small numbers hidden for roles that
have them hidden (and one more where a hidden part could be worked out from its total)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fsdash.access import SUPPRESSED
from fsdash.access.suppression import protect
from fsdash.metrics.teams import PLAN_LENGTHS, SPECIALISMS

AGES = {"open_under_3_months": "Open under 3 months", "open_3_to_12_months": "Open 3 to 12 months",
        "open_over_12_months": "Open over 12 months"}
BY_AGE = "Each child by their oldest open case with the team: these three add up to Children."
BY_PLAN = ("Each child on a child protection case by their oldest open plan (a second plan can "
           "open before the first ends): these add up to Child protection.")
BY_KIND = ("A child with cases of two kinds (in need and protection, say) counts under each, so "
           "these three add up to more than Children.")


def team_mix(now: pd.Series, limit: int, suppress: bool) -> pd.DataFrame:
    """``now``: the team's row of ``metrics.teams.team_caseloads`` on the date."""
    rows: list[tuple[str, float, str]] = [
        ("Children", now["children"], "Children held by the team's social workers, each once."),
        ("Families", now["families"], "A family with several children counts once."),
        ("Waiting for a worker", now["unallocated"],
         "Not among Children: no worker holds their case yet."),
        ("Child in need", now["cin"], BY_KIND), ("Child protection", now["cp"], BY_KIND),
        *((f"Child protection: {label[0].lower()}{label[1:]}", now[column], BY_PLAN)
          for column, label in PLAN_LENGTHS.items()),
        ("Looked after", now["cla"], BY_KIND),
        *((label, now[column], BY_AGE) for column, label in AGES.items()),
        ("Open over 18 months", now["open_over_18_months"], "Part of Open over 12 months."),
        ("Allocated in the month", now["allocated_in_month"],
         "Cases opened with the team in the month; a child can have more than one."),
        ("Closed in the month", now["closed_in_month"], "Cases closed in the month."),
        ("Stepped down to early help in the month", now["stepped_down_in_month"],
         "Children whose child in need case closed with a referral to early help."),
        *((f"Families with {label.lower()} work", now[f"{name}_families"],
           "A family can have more than one kind of adult practitioners' work.")
          for name, (_, label) in SPECIALISMS.items())]
    values = np.array([float(v) for _, v, _ in rows])
    hidden = _hidden(rows, values, limit) if suppress else np.zeros(len(rows), bool)
    return pd.DataFrame({"Measure": [m for m, _, _ in rows],
                         "Children, families or cases": [SUPPRESSED if h else f"{v:,.0f}"
                                                         for v, h in zip(values, hidden)],
                         "How it adds up": [n for _, _, n in rows]})


def _hidden(rows: list[tuple[str, float, str]], values: np.ndarray, limit: int) -> np.ndarray:
    """Small figures hidden, and in the two breakdowns that add up to a total (case age, plan
    length) one more where a hidden part would otherwise follow from the others."""
    hidden = (values >= 1) & (values <= limit)
    names = [m for m, _, _ in rows]
    for total, parts, within in (("Children", list(AGES.values()), "Open over 18 months"),
                                 ("Child protection",
                                  [m for m, _, n in rows if n == BY_PLAN], None)):
        group = [names.index(p) for p in parts] + [names.index(total)]
        cells = len(parts) + (within is not None)
        matrix = np.vstack([np.eye(len(parts), cells, dtype=int), np.ones(cells, int)])
        if within is not None:      # over 12 months is 12 to 18 months and over 18 months
            matrix[len(parts) - 1, -1] = 1
            matrix = np.vstack([matrix, np.eye(1, cells, cells - 1, dtype=int)])
            group.append(names.index(within))
        level = np.r_[np.zeros(len(parts), int), 1, np.zeros(len(group) - len(parts) - 1, int)]
        decided = protect(matrix, values[group], limit, level)
        hidden[group] |= decided
    return hidden
