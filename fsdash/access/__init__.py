"""Who may see what, and which figures are hidden: one small-number rule for every page, export
and the command line, applied by role (``roles``).

Counts from 1 to the configured maximum (DfE practice: 1 to 5) are shown as ``c``, with as
many others hidden as stop them being worked out from figures shown anywhere in the app
(``published``, ``suppression``). Rates and percentages are hidden with the count they rest on.
A true zero stays 0.
"""

from __future__ import annotations

import pandas as pd

from fsdash.access.published import AGE_CHOICES, Figures, Published
from fsdash.access.roles import ROLE_NAMES, ROLES, Access, AccessError, Scope

SUPPRESSED = "c"
BASE_COLUMNS = ("children", "adults", "referrals", "plans")
# The count family whose decision hides each headline measure (a rate with its count); the
# measures not listed (caseload, adults' outcomes) rest on counts that are not sums over
# districts, and are hidden by their own base alone.
FAMILY_OF_MEASURE = {"cla": ("cla", "all"), "cla_rate": ("cla", "all"),
                     "cla_under12": ("cla", "under12"), "cla_starts": ("starts", "all"),
                     "cla_ceases": ("ceases", "all"), "referrals": ("referrals", "all"),
                     "rereferral_pct": ("referrals", "all"), "referral_rate": ("referrals", "all"),
                     "cp_plans": ("cp_plans", "all")}

__all__ = ["AGE_CHOICES", "FAMILY_OF_MEASURE", "ROLES", "ROLE_NAMES", "SUPPRESSED", "Access",
           "AccessError", "Figures", "Published", "Scope", "base_too_small"]


def base_too_small(frame: pd.DataFrame, max_suppressed: int) -> pd.Series:
    """For measures outside the families: whether each row's base count (children, adults or
    referrals) is from 1 to the limit."""
    hidden = pd.Series(False, index=frame.index)
    for column in (c for c in BASE_COLUMNS if c in frame):
        hidden |= frame[column].between(1, max_suppressed)
    return hidden
