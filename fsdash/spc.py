"""Statistical process control: XmR charts with NHS England "Making Data Count" rules.

Process limits are the mean plus and minus 2.66 times the mean moving range. Special-cause
variation is flagged for: a point outside the limits; a shift (a run of 7 or more points all
above or all below the mean); a trend (7 or more points each higher, or each lower, than the
one before); and two out of three points beyond two-thirds of the way to a limit, on the same
side. The latest point's variation is then improvement, concern or neither, given which
direction is better; otherwise it is common cause.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

LIMIT_FACTOR = 2.66
RUN_LENGTH = 7
# The variation badge's plain wording and colour (Making Data Count's special and common cause
# variation, with its colours: blue, orange, grey); the method's terms are in the glossary.
ICONS = {
    "improvement": ("Unusual, and better: a real improvement", "blue"),
    "concern": ("Unusual, and worse: a cause for concern", "orange"),
    "neither": ("Unusual: more than chance", "gray"),
    "common": ("Within the usual range", "gray"),
}


@dataclass(frozen=True)
class XmR:
    """An XmR chart's lines and the special-cause rules each point breaks."""

    values: np.ndarray
    mean: float
    upper: float
    lower: float
    signals: list[set[str]] = field(repr=False)   # per point: outside, shift, trend, two_of_three
    better: str = "down"

    def side(self, i: int) -> str | None:
        """Whether a special-cause point is high or low."""
        if not self.signals[i]:
            return None
        if "trend" in self.signals[i] and i > 0:
            return "high" if self.values[i] > self.values[i - 1] else "low"
        return "high" if self.values[i] > self.mean else "low"

    def point_variation(self, i: int) -> str:
        """A point's variation: improvement, concern, neither (no better direction) or common."""
        side = self.side(i)
        if side is None:
            return "common"
        if self.better == "neither":
            return "neither"
        good = "low" if self.better == "down" else "high"
        return "improvement" if side == good else "concern"

    @property
    def variation(self) -> str:
        """The latest point's variation."""
        return self.point_variation(len(self.values) - 1)


def xmr(values, better: str = "down") -> XmR:
    """Limits and special-cause signals for a series of at least two values."""
    x = np.asarray(values, dtype=float)
    if len(x) < 2:
        raise ValueError("An XmR chart needs at least two points.")
    mean = float(x.mean())
    moving_range = float(np.abs(np.diff(x)).mean())
    upper, lower = mean + LIMIT_FACTOR * moving_range, mean - LIMIT_FACTOR * moving_range
    signals: list[set[str]] = [set() for _ in x]
    for i in np.flatnonzero((x > upper) | (x < lower)):
        signals[i].add("outside")
    _mark_runs(signals, np.sign(x - mean), "shift", RUN_LENGTH)
    _mark_runs(signals, np.r_[0, np.sign(np.diff(x))], "trend", RUN_LENGTH - 1, include_previous=True)
    near = (upper - mean) * 2 / 3
    for high in (True, False):
        beyond = x > mean + near if high else x < mean - near
        for i in range(len(x) - 2):
            if beyond[i:i + 3].sum() >= 2:
                for j in range(i, i + 3):
                    if beyond[j]:
                        signals[j].add("two_of_three")
    return XmR(values=x, mean=mean, upper=upper, lower=lower, signals=signals, better=better)


def _mark_runs(signals, direction: np.ndarray, name: str, length: int,
               include_previous: bool = False) -> None:
    """Mark each run of ``length`` or more equal non-zero directions."""
    start = 0
    for i in range(1, len(direction) + 1):
        if i == len(direction) or direction[i] != direction[start]:
            if direction[start] != 0 and i - start >= length:
                first = start - 1 if include_previous else start
                for j in range(max(first, 0), i):
                    signals[j].add(name)
            start = i
