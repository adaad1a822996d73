"""Projection of a monthly count to a target date, with an uncertainty band and the chance of
meeting a target.

Method: a straight line fitted by least squares (statsmodels OLS) to the logarithm of the
monthly counts over the recent past, so the trend is a steady percentage change; extended to
the target date with prediction intervals. The chance that the count on the target date is at
or below the target comes from the same model's predictive distribution (Student's t on the log
scale). Monthly counts of children in care are autocorrelated, so the band is, if anything,
narrower than the real uncertainty: the page says so.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

# Not statsmodels.api, which takes four times as long to import.
from statsmodels.regression.linear_model import OLS
from statsmodels.tools import add_constant

from fsdash.formatting import long_date, round_half_up

DEFAULT_WINDOW = 24        # months of history the trend is fitted to
MIN_POINTS = 6
METHOD = ("The projection fits a steady percentage change to the last {window} months of "
          "counts and extends it to {end}. The darker band shows where the count would be "
          "8 times in 10, and the lighter band 19 times in 20, if the past {window} months' "
          "ups and downs carried on; both are likely to be too narrow rather than too wide.")
LIKELIHOOD = ((0.9, "very likely"), (0.66, "likely"), (0.33, "about as likely as not"),
              (0.1, "unlikely"), (0.0, "very unlikely"))


def chance_in_words(probability: float) -> str:
    """A chance in words and a rounded number, never "0%" or "100%": a model's tail is not a
    certainty."""
    word = next(word for floor, word in LIKELIHOOD if probability >= floor)
    if probability < 0.05:
        return f"{word}: under 5%"
    if probability > 0.95:
        return f"{word}: over 95%"
    return f"{word}: about {round_half_up(20 * probability) * 5}%"


@dataclass(frozen=True)
class Projection:
    """A projected path with its bands, and the chance of being at or below the target at the end."""

    path: pd.DataFrame          # as_at, central, low80, high80, low95, high95
    end: dt.date
    target: float
    probability: float
    window: int

    @property
    def central_at_end(self) -> float:
        return float(self.path["central"].iloc[-1])

    @property
    def meets_target(self) -> bool:
        """Whether the central projection is at or below the target, in whole children."""
        return round_half_up(self.central_at_end) <= round_half_up(self.target)

    @property
    def likelihood(self) -> str:
        return chance_in_words(self.probability)

    def statement(self) -> str:
        """The projection in one plain sentence."""
        return (f"If the trend of the last {self.window} months continues, there will be about "
                f"{round_half_up(self.central_at_end):,} on {long_date(self.end)} against a "
                f"target of {round_half_up(self.target):,}. The chance of meeting the target on "
                f"this estimate is {self.likelihood}.")

    def method(self) -> str:
        return METHOD.format(window=self.window, end=long_date(self.end))


def project(history: pd.Series, end: dt.date, target: float,
            window: int = DEFAULT_WINDOW) -> Projection:
    """Project monthly counts (indexed by month-end date) to ``end`` and compare with ``target``."""
    recent = history.dropna().sort_index().iloc[-window:]
    if len(recent) < MIN_POINTS or (recent <= 0).any():
        raise ValueError(f"A projection needs at least {MIN_POINTS} positive monthly counts.")
    last = pd.Timestamp(recent.index[-1])
    future = pd.date_range(last, pd.Timestamp(end) + pd.offsets.MonthEnd(0), freq="ME")
    x_past = np.arange(len(recent), dtype=float)
    x_future = len(recent) - 1 + np.arange(len(future), dtype=float)
    model = OLS(np.log(recent.to_numpy(float)), add_constant(x_past)).fit()
    exog = add_constant(x_future, has_constant="add")
    bands = {}
    for level in (80, 95):
        frame = model.get_prediction(exog).summary_frame(alpha=1 - level / 100)
        bands[f"low{level}"] = np.exp(frame["obs_ci_lower"].to_numpy())
        bands[f"high{level}"] = np.exp(frame["obs_ci_upper"].to_numpy())
    prediction = model.get_prediction(exog[-1:])
    mean = float(prediction.predicted_mean[0])
    spread = math.sqrt(float(prediction.var_pred_mean[0]) + model.scale)
    log_target = math.log(target)
    if spread < 1e-9:
        probability = 1.0 if round(math.exp(mean)) <= round(target) else 0.0
    else:
        probability = float(stats.t.cdf((log_target - mean) / spread, model.df_resid))
    path = pd.DataFrame({"as_at": future.date, "central": np.exp(model.predict(exog)), **bands})
    return Projection(path=path, end=end, target=target, probability=probability, window=len(recent))
