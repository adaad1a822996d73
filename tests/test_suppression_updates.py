"""The suppression rule's decomposition, updated as figures are hidden one at a time (and built
part by part for a joint system), answers as a fresh one would: which hidden figures the shown
ones determine (checked by matrix rank) and which shown figures the smallest working-out uses
(checked by a least-squares solution with the smallest weights)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from fsdash.access.published import count_layout
from fsdash.access.suppression import _Shown
from tests.test_suppression import given_away, small_council


def reference_used(matrix: np.ndarray, hidden: np.ndarray, row: np.ndarray) -> list[int]:
    shown = np.flatnonzero(~hidden)
    weights = np.linalg.lstsq(matrix[shown].T.astype(float), row, rcond=None)[0]
    return shown[np.abs(weights) > 1e-5].tolist()


def joint_system(localities: list[int], families: int) -> tuple[np.ndarray, list[slice]]:
    """Families' figures side by side (each over its own cells) and rows tying their district
    totals together, as ``fsdash.access.linked`` builds them."""
    layout = count_layout(small_council(localities), with_ages=True)
    rows, cells = layout.matrix.shape
    matrix = np.kron(np.eye(families, dtype=int), layout.matrix)
    districts = cells // 6
    ties = np.hstack([sign * np.kron(np.eye(districts), np.ones(6))
                      for sign in [1, -1, -1, 1][:families]])
    parts = [slice(cells * f, cells * (f + 1)) for f in range(families)]
    return np.vstack([matrix, ties]), parts


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 3), min_size=1, max_size=2), st.integers(1, 4), st.data())
def test_updated_decomposition_answers_as_a_fresh_one(localities, families, data):
    matrix, parts = joint_system(localities, families)
    hidden = np.array(data.draw(st.lists(st.booleans(), min_size=len(matrix),
                                         max_size=len(matrix))))
    hidden[len(matrix) - parts[0].stop // 6:] = False   # ties shown
    shown = _Shown(matrix, hidden, parts)
    for figure in data.draw(st.permutations(np.flatnonzero(~hidden).tolist()))[:8]:
        determined = np.flatnonzero(hidden & shown.determines()).tolist()
        assert determined == given_away(matrix, hidden)
        for target in determined[:3]:
            assert shown.used_by(matrix[target].astype(float)).tolist() == \
                reference_used(matrix, hidden, matrix[target].astype(float))
        hidden[figure] = True
        shown.hide(figure)
