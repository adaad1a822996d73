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

TOLERANCE = 1e-8
RANK_TOLERANCE = 1e-10      # an eigenvalue of the shown rows' Gram matrix this small is zero


class _Shown:
    """The shown figures, decomposed once and updated as figures are hidden one at a time.

    With G the shown rows' Gram matrix over the cells and F an orthonormal basis of its null
    space (the combinations of cells no shown figure sees), ``inverse`` is the inverse of
    G + F Fᵀ: on any sum of shown rows it acts as G's pseudo-inverse. ``distance`` is each
    figure's squared distance from the span of the shown rows (its row's length on F): zero
    exactly when the shown figures determine it. Hiding a figure changes G by one row, so it
    costs products of a matrix and a vector, not a new decomposition.

    ``parts``: slices of the cells that most rows stay within (a family's cells in a joint
    system); G is decomposed part by part, and the few rows across parts are added after."""

    def __init__(self, matrix: np.ndarray, hidden: np.ndarray,
                 parts: list[slice] | None = None):
        self.matrix = np.asarray(matrix, float)
        self.shown = ~hidden
        self.parts = parts or [slice(0, matrix.shape[1])]
        touched = np.column_stack([(self.matrix[:, part] != 0).sum(axis=1)
                                   for part in self.parts])
        inside = touched == touched.sum(axis=1, keepdims=True)
        self.blocks, free_vectors, projected = [], [], []
        for number, part in enumerate(self.parts):
            block = self.matrix[inside[:, number] & self.shown, part]
            eigenvalues, vectors = np.linalg.eigh(block.T @ block)
            free = eigenvalues <= RANK_TOLERANCE * max(eigenvalues.max(initial=0), 1)
            self.blocks.append((np.where(free, 1, eigenvalues), vectors))
            free_vectors.append(vectors[:, free])
            projected.append(np.zeros((len(matrix), free.sum())))
            seeing = touched[:, number] > 0
            projected[-1][seeing] = self.matrix[seeing, part] @ vectors[:, free]
        projected = np.hstack(projected)
        self.distance = (projected ** 2).sum(axis=1)
        self.coupling = self.matrix[self.shown & ~inside.any(axis=1)]
        self.seen = np.zeros((matrix.shape[1], 0))
        if len(self.coupling) and projected.shape[1]:
            # The rows across parts see some of the parts' free combinations: those leave F.
            _, singular, right = np.linalg.svd(np.hstack([
                self.coupling[:, part] @ free for part, free in zip(self.parts, free_vectors)]))
            seen = right[:int((singular > np.sqrt(RANK_TOLERANCE)
                               * max(singular.max(initial=0), 1)).sum())].T
            self.distance -= ((projected @ seen) ** 2).sum(axis=1)
            self.seen = np.zeros((matrix.shape[1], seen.shape[1]))
            first = 0
            for part, free in zip(self.parts, free_vectors):
                self.seen[part] = free @ seen[first:first + free.shape[1]]
                first += free.shape[1]
        self._inverse = None

    @property
    def inverse(self) -> np.ndarray:
        """The inverse of G + F Fᵀ: the parts' own, changed (Woodbury) by the rows across parts
        and the combinations they take out of F; made when first asked for."""
        if self._inverse is None:
            self._inverse = np.zeros((self.matrix.shape[1],) * 2)
            change = np.hstack([self.coupling.T, self.seen])
            spread = np.zeros(change.shape)
            for part, (eigenvalues, vectors) in zip(self.parts, self.blocks):
                self._inverse[part, part] = (vectors / eigenvalues) @ vectors.T
                spread[part] = self._inverse[part, part] @ change[part]
            if change.shape[1]:
                signs = np.r_[np.ones(len(self.coupling)), -np.ones(self.seen.shape[1])]
                self._inverse -= spread @ np.linalg.solve(np.diag(signs) + change.T @ spread,
                                                          spread.T)
        return self._inverse

    def determines(self) -> np.ndarray:
        """Whether each figure is a combination of the shown figures."""
        return self.distance < (TOLERANCE * 1e3) ** 2

    def used_by(self, row: np.ndarray) -> np.ndarray:
        """The shown figures (their positions in the full list) a combination for ``row`` uses:
        the combination with the smallest weights (the shown rows times G's pseudo-inverse
        applied to ``row``)."""
        index = np.flatnonzero(self.shown)
        weights = self.matrix[index] @ (self.inverse @ row)
        return index[np.abs(weights) > TOLERANCE * 1e3]

    def hide(self, figure: int) -> None:
        """Take one figure out of the shown ones."""
        row = self.matrix[figure]
        self.shown[figure] = False
        solved = self.inverse @ row
        if row @ solved > 1 - TOLERANCE * 1e2:
            # (1 exactly when no other shown figure gives this row's direction: it joins F.)
            direction = solved / np.linalg.norm(solved)
            self.distance += (self.matrix @ direction) ** 2
            moved = self.inverse @ direction
            self._inverse -= np.outer(moved, moved) / (1 + direction @ moved)
            solved = self.inverse @ row
        self._inverse += np.outer(solved, solved) / (1 - row @ solved)


def recoverable(matrix: np.ndarray, hidden: np.ndarray,
                parts: list[slice] | None = None) -> np.ndarray:
    """Which hidden figures the shown ones determine exactly (by sums and differences)."""
    return hidden & _Shown(matrix, hidden, parts).determines()


def protect(matrix: np.ndarray, values: np.ndarray, limit: int, level: np.ndarray,
            forced_hidden: np.ndarray | None = None,
            forced_shown: np.ndarray | None = None,
            unguarded: np.ndarray | None = None,
            parts: list[slice] | None = None) -> np.ndarray:
    """Which figures to hide. ``matrix``: figures by cells (0/1); ``values``: each figure;
    ``level``: how aggregated each figure is (0 the finest: hidden first in secondary
    suppression); ``forced_hidden`` and ``forced_shown``: decisions already made elsewhere
    (figures another family hides or shows), which this one keeps; ``unguarded``: hidden
    figures that may be worked out (not small, hidden only with a series that is); ``parts``:
    see ``_Shown``."""
    count = len(values)
    forced_hidden = np.zeros(count, bool) if forced_hidden is None else forced_hidden
    forced_shown = np.zeros(count, bool) if forced_shown is None else forced_shown
    guarded = np.ones(count, bool) if unguarded is None else ~unguarded
    hidden = (((values >= 1) & (values <= limit)) | forced_hidden) & ~forced_shown
    rank = np.empty(count, int)
    rank[np.lexsort((values, level))] = np.arange(count)   # least aggregated, then smallest
    eligible = (values > 0) & ~forced_shown
    shown = _Shown(matrix, hidden, parts)
    while True:
        exposed = np.flatnonzero(hidden & shown.determines() & guarded)
        if not len(exposed):
            return hidden
        target = exposed[np.argmin(values[exposed])]
        used = shown.used_by(shown.matrix[target])
        used = used[eligible[used]]
        if not len(used):
            raise RuntimeError("A hidden figure is given away by figures that must be shown: "
                               "the families' suppression decisions disagree.")
        chosen = used[np.argmin(rank[used])]
        hidden[chosen] = True
        shown.hide(chosen)


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
