"""Statistical process control: XmR charts with NHS England "Making Data Count" rules.

Process limits are the mean plus and minus 2.66 times the mean moving range. Special-cause
variation is flagged for: a point outside the limits; a shift (a run of 7 or more points all
above or all below the mean); a trend (7 or more points each higher, or each lower, than the
one before); and two out of three points beyond two-thirds of the way to a limit, on the same
side. The latest point's variation is then improvement, concern or neither, given which
direction is better; otherwise it is common cause.

Rebasing (Making Data Count): after a change the council intended, the limits are worked out
again from that change on. Each segment has its own mean and mean moving range (the moving range
spanning the change belongs to neither), and the rules are tested within each segment. A segment
needs ``MIN_SEGMENT`` points (Making Data Count asks for at least 12 before limits are trusted):
a change nearer the start, the end or a later change is not rebased on, and the reading says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from fsdash.formatting import month

if TYPE_CHECKING:
    from fsdash.events import Event

LIMIT_FACTOR = 2.66
RUN_LENGTH = 7
MIN_SEGMENT = 12      # points from one recalculation of the limits to the next (or either end)
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
    """An XmR chart's lines and the special-cause rules each point breaks. ``mean``, ``upper``
    and ``lower`` are the latest segment's; ``means``, ``uppers`` and ``lowers`` each point's
    (stepped where the limits were recalculated, at the indices in ``breaks``)."""

    values: np.ndarray
    mean: float
    upper: float
    lower: float
    signals: list[set[str]] = field(repr=False)   # per point: outside, shift, trend, two_of_three
    better: str = "down"
    means: np.ndarray | None = field(default=None, repr=False)
    uppers: np.ndarray | None = field(default=None, repr=False)
    lowers: np.ndarray | None = field(default=None, repr=False)
    breaks: tuple[int, ...] = ()

    def side(self, i: int) -> str | None:
        """Whether a special-cause point is high or low."""
        if not self.signals[i]:
            return None
        if "trend" in self.signals[i] and i > 0:
            return "high" if self.values[i] > self.values[i - 1] else "low"
        return "high" if self.values[i] > self.means[i] else "low"

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


def xmr(values, better: str = "down", breaks=()) -> XmR:
    """Limits and special-cause signals for a series of at least two values, with the limits
    recalculated at each index in ``breaks`` (the first point from a change on) that leaves
    ``MIN_SEGMENT`` points on each side (see ``usable_breaks``)."""
    x = np.asarray(values, dtype=float)
    if len(x) < 2:
        raise ValueError("An XmR chart needs at least two points.")
    kept = usable_breaks(len(x), breaks)
    edges = [0, *kept, len(x)]
    means, uppers, lowers = (np.empty(len(x)) for _ in range(3))
    signals: list[set[str]] = [set() for _ in x]
    for start, stop in zip(edges, edges[1:]):
        segment = x[start:stop]
        mean = float(segment.mean())
        spread = LIMIT_FACTOR * float(np.abs(np.diff(segment)).mean()) if len(segment) > 1 else 0.0
        means[start:stop], uppers[start:stop], lowers[start:stop] = mean, mean + spread, mean - spread
        _mark(signals[start:stop], segment, mean, mean + spread, mean - spread)
    return XmR(values=x, mean=float(means[-1]), upper=float(uppers[-1]), lower=float(lowers[-1]),
               signals=signals, better=better, means=means, uppers=uppers, lowers=lowers,
               breaks=tuple(kept))


def usable_breaks(length: int, breaks) -> list[int]:
    """The breaks (indices, in order) that leave at least ``MIN_SEGMENT`` points in every
    segment; a break too near either end or the break before it is dropped."""
    kept: list[int] = []
    for b in sorted(set(breaks)):
        if b - (kept[-1] if kept else 0) >= MIN_SEGMENT and length - b >= MIN_SEGMENT:
            kept.append(b)
    return kept


def _mark(signals: list[set[str]], x: np.ndarray, mean: float, upper: float,
          lower: float) -> None:
    """The rules one segment's points break, against that segment's mean and limits."""
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


@dataclass(frozen=True)
class Rebasing:
    """Where a chart's limits are recalculated (indices of its points), and the sentence that
    says so (or why an intended change was not used), "" where no intended change falls in it."""

    breaks: tuple[int, ...]
    sentence: str


def rebasing(dates, events: list[Event]) -> Rebasing:
    """The breaks for a monthly chart (``dates``: its month ends, in order) at the changes the
    council intended that began after its first month, each at the first month end on or after
    the change began. Where two are too close, the later is kept: the limits in force now come
    from the latest change."""
    days = [pd.Timestamp(d).date() for d in dates]
    used: list[tuple[int, Event]] = []
    refused: list[tuple[int, Event]] = []
    for event in sorted((e for e in events if e.intended), key=lambda e: e.start, reverse=True):
        at = next((i for i, d in enumerate(days) if d >= event.start), None)
        if at is None or at == 0:
            continue                         # after the chart's end, or before its first month
        later = used[-1][0] if used else len(days)
        if at == later:
            continue                         # the same month as a later change: one step
        (used if at >= MIN_SEGMENT and later - at >= MIN_SEGMENT else refused).append((at, event))
    used.reverse()
    said = []
    if len(used) == 1:
        at, event = used[0]
        said.append(f"Limits recalculated from {month(days[at])}, when {event.title}, a change "
                    "the council intended.")
    elif used:
        said.append("Limits recalculated " + _listed(
            [f"from {month(days[at])} (when {e.title})" for at, e in used])
            + ": changes the council intended.")
    if refused:
        said.append("Not recalculated from " + _listed(
            [f"{month(e.start)} (when {e.title})" for _, e in refused[::-1]])
            + f": a recalculation needs {MIN_SEGMENT} months or more between changes and from "
            "either end of the chart.")
    return Rebasing(tuple(at for at, _ in used), " ".join(said))


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


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
