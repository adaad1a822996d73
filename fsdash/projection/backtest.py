"""How accurate each projection would have been: from each of a run of past month ends, fit
the flow model and the trend to the data up to then only, forecast a year ahead, and compare
with what happened."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from fsdash.formatting import month
from fsdash.projection import flows, trend

HORIZON = 12          # months ahead
ORIGINS = 24          # forecasts tested, one from each month end
REFERENCE = 24        # months each fit uses (the trend's window too)
METHODS = {"flow": "Flow model", "trend": "Trend"}
MEASURES = {"under12": ("Under-12s", (0, 11)), "all": ("All children", (0, 17))}


@dataclass(frozen=True)
class BackTest:
    """Forecast errors: one row per origin, measure and method, with the forecast, what
    happened and the error as a percentage of what happened."""

    errors: pd.DataFrame

    def mean_error(self, measure: str, method: str) -> float:
        """The mean absolute percentage error of a method's forecasts of a measure."""
        rows = self.errors[(self.errors["measure"] == measure) & (self.errors["method"] == method)]
        return float(rows["error_pct"].abs().mean())

    @property
    def origins(self) -> int:
        return self.errors["origin"].nunique()

    def sentence(self, measure: str = "under12") -> str:
        """Which method forecast a measure better a year ahead, and by how much."""
        flow, line = self.mean_error(measure, "flow"), self.mean_error(measure, "trend")
        first, last = self.errors["origin"].min(), self.errors["origin"].max()
        what = MEASURES[measure][0].lower()
        told = (f"Tested on {self.origins} forecasts of {what} made a year ahead (from "
                f"{month(first)} to {month(last)}), each using only the data before it, the flow "
                f"model was off by {flow:.1f}% on average and the trend by {line:.1f}%.")
        if round(flow, 1) == round(line, 1):
            return told + " Neither did better."
        better, worse = ("flow model", "trend") if flow < line else ("trend", "flow model")
        return (told + f" The {better} did better: its average error was "
                f"{abs(line - flow):.1f} percentage points smaller than the {worse}'s.")


def origin_indices(history: flows.History, origins: int = ORIGINS, horizon: int = HORIZON,
                   reference: int = REFERENCE) -> range:
    """The month ends (indices into the history) forecasts are made from: the last ``origins``
    with a full reference period before them and ``horizon`` months of data after them."""
    last = len(history.months) - 1 - horizon
    return range(max(reference, last - origins + 1), last + 1)


def back_test(history: flows.History, origins: int = ORIGINS, horizon: int = HORIZON,
              reference: int = REFERENCE, bands=flows.BANDS) -> BackTest | None:
    """Forecasts by the flow model (rates by ``bands``) and the trend from each of the last
    ``origins`` month ends with ``horizon`` months of data after them; None where the history
    is too short for even one."""
    chosen = origin_indices(history, origins, horizon, reference)
    if not chosen:
        return None
    rows = []
    for origin in chosen:
        rates = flows.estimate(history, origin, reference, bands=bands)
        path = flows.expected(history.stock[origin], [rates] * horizon,
                              history.population[origin])[-1]
        for measure, (_, (low, high)) in MEASURES.items():
            counts = history.counts((low, high))
            actual = float(counts.iloc[origin + horizon])
            end = history.months[origin + horizon]
            forecasts = {"flow": float(path[low:high + 1].sum()),
                         "trend": _trend(counts.iloc[:origin + 1], end, reference)}
            rows += [{"origin": history.months[origin], "measure": measure, "method": method,
                      "forecast": value, "actual": actual,
                      "error_pct": 100 * (value - actual) / actual}
                     for method, value in forecasts.items()]
    return BackTest(pd.DataFrame(rows))


def _trend(counts: pd.Series, end: dt.date, window: int) -> float:
    """The trend projection's central value at ``end`` from the counts to the origin."""
    return trend.project(counts, end, target=1.0, window=window).central_at_end


def mean_errors(test: BackTest) -> pd.DataFrame:
    """Each measure's mean absolute percentage error by method, as a table."""
    return pd.DataFrame([{"Measure": label, **{name: round(test.mean_error(m, key), 1)
                                                for key, name in METHODS.items()}}
                         for m, (label, _) in MEASURES.items()])

