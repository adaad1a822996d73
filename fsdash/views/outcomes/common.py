"""What the Outcomes page's parts share: the groups' names, the start window, whether a
group's count in an area may be shown, and how hidden and whole figures are written."""

from __future__ import annotations

import pandas as pd

from fsdash.access import SUPPRESSED
from fsdash.access.cohorts import hidden_by_area
from fsdash.config import Council
from fsdash.metrics.outcomes import COMPARISON, MODEL, Window  # noqa: F401  (Window for the page)

ADULT_MEASURES = {"police": ("Police contacts", "police contacts"),
                  "emergency_admission": ("Emergency hospital admissions",
                                          "emergency hospital admissions")}
GROUP_NAMES = {MODEL: "Worked with under Family Safeguarding",
               COMPARISON: "Worked with before the model"}
GROUP_PHRASES = {MODEL: "worked with under Family Safeguarding",
                 COMPARISON: "worked with before the model"}


def area_count_hidden(council: Council, rows: pd.DataFrame, area: str, limit: int) -> bool:
    """Whether the number of rows in ``area`` is hidden (decided across every area)."""
    by_district = rows.groupby("district_code").size()
    return bool(hidden_by_area(council, by_district, limit)[area])


def whole(value: float) -> str:
    return SUPPRESSED if pd.isna(value) else f"{int(value):,}"


def one_decimal(value: float, signed: bool = False) -> str:
    if pd.isna(value):
        return SUPPRESSED
    return f"{value:+.1f}" if signed else f"{value:.1f}"
