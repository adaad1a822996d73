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

# Not statsmodels.api, which takes twice as long to import.
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM

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
    return all(pd.Series(clusters[g]).nunique() >= MIN_FAMILIES for g in groups)


def _fit(y: np.ndarray, columns: dict[str, np.ndarray], clusters: np.ndarray, family,
         exposure: np.ndarray | None = None):
    design = pd.DataFrame({"constant": 1.0, **columns})
    groups = pd.factorize(clusters)[0]
    return GLM(y, design, family=family, exposure=exposure).fit(
        cov_type="cluster", cov_kwds={"groups": groups})


def _term(result, weights: list[float], transform=np.exp) -> Estimate:
    """A linear combination of the coefficients (``weights``), with its interval."""
    test = result.t_test(np.array([weights]))
    low, high = test.conf_int(alpha=1 - LEVEL)[0]
    return Estimate(float(transform(test.effect[0])), float(transform(low)),
                    float(transform(high)))


@dataclass(frozen=True)
class BeforeAndAfter:
    """Rate ratios (the year after over the year before): the treated group's, the comparison
    group's, and the treated group's over the comparison's (the difference in differences)."""

    treated: Estimate
    comparison: Estimate
    effect: Estimate


def before_and_after(before: np.ndarray, after: np.ndarray, treated: np.ndarray,
                     clusters: np.ndarray) -> BeforeAndAfter | None:
    """Each person's count in the year before and the year after, in a treated or comparison
    group, clustered (by family). One Poisson model of log rate = group + period + group by
    period, fitted to each cluster's totals with its people as exposure (the same estimates and
    cluster-robust errors as one row a person, in a fraction of the time)."""
    for group in (treated, ~treated):
        if before[group].sum() == 0 or after[group].sum() == 0:
            return None
    if not _enough(clusters, treated, ~treated):
        return None
    people = pd.DataFrame({"cluster": clusters, "treated": treated.astype(float),
                           "before": before, "after": after})
    totals = people.groupby(["cluster", "treated"], as_index=False).agg(
        people=("before", "size"), before=("before", "sum"), after=("after", "sum"))
    n, group = len(totals), totals["treated"].to_numpy()
    period = np.r_[np.zeros(n), np.ones(n)]
    result = _fit(np.r_[totals["before"], totals["after"]],
                  {"after": period, "treated": np.r_[group, group],
                   "after_treated": period * np.r_[group, group]},
                  np.r_[totals["cluster"], totals["cluster"]], families.Poisson(),
                  exposure=np.r_[totals["people"], totals["people"]].astype(float))
    return BeforeAndAfter(treated=_term(result, [0, 1, 0, 1]),
                          comparison=_term(result, [0, 1, 0, 0]),
                          effect=_term(result, [0, 0, 0, 1]))


def difference(values: np.ndarray, treated: np.ndarray, clusters: np.ndarray) -> Estimate | None:
    """The treated group's mean minus the comparison group's (for a share: in proportions)."""
    if np.ptp(values) == 0 or not _enough(clusters, treated, ~treated):
        return None
    result = _fit(values.astype(float), {"treated": treated.astype(float)}, clusters,
                  families.Gaussian())
    return _term(result, [0, 1], transform=lambda v: v)
