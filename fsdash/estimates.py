"""Estimates with 95% confidence intervals for the Outcomes page, from statsmodels.

Counts of contacts are modelled as Poisson with standard errors robust to clustering by family
(a quasi-Poisson, cluster-robust "sandwich" estimate): adults in one family, and one adult's year
before and year after, are not independent, and contacts vary more than a Poisson count would.
Every estimate needs ``MIN_FAMILIES`` families in each group and some events in each group and
period (a difference, some variation); where there are not, there is no estimate rather than
an infinite, undefined or falsely certain one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm

LEVEL = 0.95
# A cluster-robust interval needs a fair number of families in each group; with fewer there is
# no estimate (with one family it cannot be computed at all).
MIN_FAMILIES = 10


@dataclass(frozen=True)
class Estimate:
    """A ratio or difference with its 95% confidence interval."""

    value: float
    low: float
    high: float

    def covers(self, truth: float) -> bool:
        return self.low <= truth <= self.high

    def excludes(self, value: float) -> bool:
        """Whether the interval lies wholly on one side of ``value`` (1 for a ratio, 0 for a
        difference): the estimate is then unlikely to be chance alone."""
        return not self.covers(value)


def _enough(clusters: np.ndarray, *groups: np.ndarray) -> bool:
    """Whether each group has at least ``MIN_FAMILIES`` families."""
    return all(len(np.unique(clusters[g])) >= MIN_FAMILIES for g in groups)


def _fit(y: np.ndarray, columns: dict[str, np.ndarray], clusters: np.ndarray, family):
    design = pd.DataFrame({"constant": 1.0, **columns})
    groups = pd.factorize(clusters)[0]
    return sm.GLM(y, design, family=family).fit(cov_type="cluster", cov_kwds={"groups": groups})


def _term(result, name: str, transform=np.exp) -> Estimate:
    low, high = result.conf_int(alpha=1 - LEVEL).loc[name]
    return Estimate(float(transform(result.params[name])), float(transform(low)),
                    float(transform(high)))


def rate_ratio(before: np.ndarray, after: np.ndarray, clusters: np.ndarray) -> Estimate | None:
    """The rate after over the rate before, each person followed for the same time either side."""
    if before.sum() == 0 or after.sum() == 0 or not _enough(clusters, np.ones(len(before), bool)):
        return None
    n = len(before)
    result = _fit(np.r_[before, after], {"after": np.r_[np.zeros(n), np.ones(n)]},
                  np.r_[clusters, clusters], sm.families.Poisson())
    return _term(result, "after")


def ratio_of_rate_ratios(before: np.ndarray, after: np.ndarray, treated: np.ndarray,
                         clusters: np.ndarray) -> Estimate | None:
    """Difference in differences on the ratio scale: the treated group's rate ratio (after over
    before) divided by the comparison group's."""
    for group in (treated, ~treated):
        if before[group].sum() == 0 or after[group].sum() == 0:
            return None
    if not _enough(clusters, treated, ~treated):
        return None
    n, treated = len(before), treated.astype(float)
    period = np.r_[np.zeros(n), np.ones(n)]
    group = np.r_[treated, treated]
    result = _fit(np.r_[before, after], {"after": period, "treated": group,
                                         "after_treated": period * group},
                  np.r_[clusters, clusters], sm.families.Poisson())
    return _term(result, "after_treated")


def difference(values: np.ndarray, treated: np.ndarray, clusters: np.ndarray) -> Estimate | None:
    """The treated group's mean minus the comparison group's (for a share: in proportions)."""
    if np.ptp(values) == 0 or not _enough(clusters, treated, ~treated):
        return None
    result = _fit(values.astype(float), {"treated": treated.astype(float)}, clusters,
                  sm.families.Gaussian())
    return _term(result, "treated", transform=lambda v: v)
