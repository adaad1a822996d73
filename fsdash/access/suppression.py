"""The one small-number rule, for any set of figures that are sums of the same cells.

Each figure the app may show is a row of a 0/1 matrix over the finest cells (for example a
locality's under-12s is the sum of its districts' cells for the age groups under 12). A figure
from 1 to the limit is hidden (primary suppression). A hidden figure must not be worked out from
the figures shown: it can be exactly when its row lies in the span of the shown rows (then it is a
sum and difference of shown figures, however roundabout). While any hidden figure can be, one
more figure that its working-out uses is hidden (secondary suppression): the least aggregated
first (a district's age band before a district, a district before a locality), and among those
the smallest, so the totals people need most stay shown. Zeros stay shown: 0 is not a small
number, and DfE practice shows it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.linalg

TOLERANCE = 1e-8


class _Shown:
    """The shown figures' rows, decomposed once (a rank-revealing QR of their transpose) to
    answer both questions asked of them: which hidden figures they determine, and which of them
    a figure's working-out uses."""

    def __init__(self, matrix: np.ndarray, hidden: np.ndarray):
        self.index = np.flatnonzero(~hidden)
        self.rows = matrix[self.index].astype(float)
        if not len(self.rows):
            self.free = np.eye(matrix.shape[1])
            return
        q, r, _ = scipy.linalg.qr(self.rows.T, pivoting=True)
        diagonal = np.abs(np.diag(r))
        rank = int((diagonal > TOLERANCE * max(diagonal.max(initial=0), 1) * 1e3).sum())
        self.free = q[:, rank:]

    def determines(self, rows: np.ndarray) -> np.ndarray:
        """Whether each row is a combination of the shown rows."""
        if not self.free.shape[1]:
            return np.ones(len(rows), bool)
        return np.abs(rows @ self.free).max(axis=1) < TOLERANCE * 1e3

    def used_by(self, row: np.ndarray) -> np.ndarray:
        """The shown figures (their positions in the full list) a combination for ``row`` uses:
        the combination with the smallest weights."""
        weights = np.linalg.lstsq(self.rows.T, row, rcond=None)[0]
        return self.index[np.abs(weights) > TOLERANCE * 1e3]


def recoverable(matrix: np.ndarray, hidden: np.ndarray) -> np.ndarray:
    """Which hidden figures the shown ones determine exactly (by sums and differences)."""
    return hidden & _Shown(matrix, hidden).determines(matrix)


def protect(matrix: np.ndarray, values: np.ndarray, limit: int, level: np.ndarray,
            forced_hidden: np.ndarray | None = None,
            forced_shown: np.ndarray | None = None,
            unguarded: np.ndarray | None = None) -> np.ndarray:
    """Which figures to hide. ``matrix``: figures by cells (0/1); ``values``: each figure;
    ``level``: how aggregated each figure is (0 the finest: hidden first in secondary
    suppression); ``forced_hidden`` and ``forced_shown``: decisions already made elsewhere
    (figures another family hides or shows), which this one keeps; ``unguarded``: hidden
    figures that may be worked out (not small, hidden only with a series that is)."""
    count = len(values)
    forced_hidden = np.zeros(count, bool) if forced_hidden is None else forced_hidden
    forced_shown = np.zeros(count, bool) if forced_shown is None else forced_shown
    hidden = (((values >= 1) & (values <= limit)) | forced_hidden) & ~forced_shown
    rank = np.empty(count, int)
    rank[np.lexsort((values, level))] = np.arange(count)   # least aggregated, then smallest
    eligible = (values > 0) & ~forced_shown
    while True:
        shown = _Shown(matrix, hidden)
        exposed = np.flatnonzero(hidden & shown.determines(matrix)
                                 & (True if unguarded is None else ~unguarded))
        if not len(exposed):
            return hidden
        target = exposed[np.argmin(values[exposed])]
        used = shown.used_by(matrix[target].astype(float))
        used = used[eligible[used]]
        if not len(used):
            raise RuntimeError("A hidden figure is given away by figures that must be shown: "
                               "the families' suppression decisions disagree.")
        hidden[used[np.argmin(rank[used])]] = True


def protect_named(cells: pd.Series, figures: dict[str, list], limit: int,
                  level: dict[str, int] | None = None,
                  forced_shown: tuple[str, ...] = ()) -> pd.Series:
    """``protect`` for figures named by the cells they add up: ``cells`` holds each cell's
    count, ``figures`` each figure's cells. Returns whether each figure is hidden."""
    names = list(figures)
    position = {key: i for i, key in enumerate(cells.index)}
    matrix = np.zeros((len(names), len(cells)), int)
    for row, name in enumerate(names):
        matrix[row, [position[key] for key in figures[name]]] = 1
    values = matrix @ cells.to_numpy(float)
    levels = np.array([(level or {}).get(name, 0) for name in names])
    hidden = protect(matrix, values, limit, levels,
                     forced_shown=np.array([name in forced_shown for name in names]))
    return pd.Series(hidden, index=names)
