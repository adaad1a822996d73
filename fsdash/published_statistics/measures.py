"""The published figures fsdash compares, each named once: where it is in the published files
(data set, measure column, breakdown) and what it is. Where the council's own store counts the
same thing, the name is that measure's in ``fsdash.metrics`` (``cla``, ``rereferral_pct``), so
the two are set side by side by name; the others are published only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

CLA_31_MARCH = "Children looked after on 31 March each year"
CIN = "Children in Need"
REFERRALS = "Referrals and Re-referrals"
SUBSEQUENT = "Child Protection Plans which are a second or subsequent plan"
PLANS = "Child Protection Plans by length of time"


@dataclass(frozen=True)
class PublishedMeasure:
    """One published figure for every council, region and England, year by year."""

    name: str
    title: str
    dataset: str
    column: str
    breakdown: str
    when: str                  # the date or period it is for, in words
    local: bool = False        # the store counts the same thing (a measure of ``fsdash.metrics``)

    def as_at(self, year: int) -> dt.date:
        """The date a year's figure is for: 30 September for the workforce, else 31 March."""
        return dt.date(year, 9, 30) if "30 September" in self.when else dt.date(year, 3, 31)


MEASURES: dict[str, PublishedMeasure] = {m.name: m for m in (
    PublishedMeasure("cla", "Children looked after", "cla_number_and_rate", "children_count",
                     CLA_31_MARCH, "at 31 March", local=True),
    PublishedMeasure("cla_rate", "Children looked after per 10,000 children",
                     "cla_number_and_rate", "rate_per_10000", CLA_31_MARCH, "at 31 March",
                     local=True),
    PublishedMeasure("cla_starts", "Children who started to be looked after",
                     "cla_number_and_rate", "children_count",
                     "Children starting to be looked after each year", "in the year to 31 March",
                     local=True),
    PublishedMeasure("cla_ceases", "Children who ceased to be looked after",
                     "cla_number_and_rate", "children_count",
                     "Children ceasing to be looked after each year", "in the year to 31 March",
                     local=True),
    PublishedMeasure("referrals", "Referrals", "c1_referrals", "referral_count", REFERRALS,
                     "in the year to 31 March", local=True),
    PublishedMeasure("rereferral_pct", "Re-referrals within 12 months", "c1_referrals",
                     "rereferral_percent", REFERRALS, "in the year to 31 March", local=True),
    PublishedMeasure("children_in_need", "Children in need", "b1_children_in_need",
                     "At31_episodes", CIN, "at 31 March"),
    PublishedMeasure("cp_plans", "Child protection plans", "d5_plans_by_duration", "CPP_At31",
                     PLANS, "at 31 March", local=True),
    PublishedMeasure("cp_plan_starts", "Child protection plans started", "d3_subsequent_plans",
                     "CPP_start", SUBSEQUENT, "in the year to 31 March"),
    PublishedMeasure("repeat_cp_plan_pct", "Second or later child protection plans",
                     "d3_subsequent_plans", "CPP_subsequent_percent", SUBSEQUENT,
                     "in the year to 31 March", local=True),
    PublishedMeasure("caseload", "Caseload per social worker", "csww_workforce", "caseload_fte",
                     "", "at 30 September", local=True),
    PublishedMeasure("social_worker_turnover_pct", "Social worker turnover", "csww_workforce",
                     "turnover_rate_fte", "", "in the year to 30 September"),
    PublishedMeasure("agency_worker_pct", "Agency social workers", "csww_workforce",
                     "agency_rate_fte", "", "at 30 September"),
    PublishedMeasure("vacancy_pct", "Social worker vacancies", "csww_workforce",
                     "vacancy_rate_fte", "", "at 30 September"),
)}
