"""Stock and flow: the identities that tie children looked after on a date to the starts and
ceases since an earlier date, and the joint decision that stops them giving a hidden figure away.

For every district, counted over all ages:

- a year: looked after on a date − on the same date a year earlier = starts − ceases in the 12
  months to the date (the app's 12-month totals);
- a month: looked after at a month end − at the month end before = starts − ceases in the month
  (the monthly series).

So a hidden figure among the four can come back from the other three, and a figure hidden on
one date can come back from another date's. Each date's figures are first decided family by
family (``fsdash.access.published``); then the date's three families are decided again together
with the figures they are tied to (the dates before, already decided, and the monthly series),
each identity a known row of zeros, hiding more on this date wherever a hidden figure anywhere
in the system could be worked out. Children moving district or counted twice in a day can make
an identity fail in the data; assuming it always holds only hides more.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.linalg import block_diag

from fsdash.access.suppression import protect, recoverable

YEAR = {"cla": 1, "cla_year_before": -1, "starts": -1, "ceases": 1}
MONTH = {"cla": 1, "cla_month_before": -1, "starts_in_month": -1, "ceases_in_month": 1}
DECIDED_HERE = ("cla", "starts", "ceases")
PAIRED = ("starts", "ceases")      # monthly series shown together for all ages, or neither


@dataclass(frozen=True)
class Block:
    """One family's figures on one date in the joint system: ``matrix`` its figures over its
    cells (district by age group), ``hidden`` the decisions so far, ``settled`` whether those
    decisions were made elsewhere and stay (a date before, a monthly series), ``kept_shown``
    figures this block must show (12-month totals whose monthly series is shown),
    ``unguarded`` hidden figures that may be worked out (a month of a hidden monthly series
    that is not itself small), ``first_to_hide`` figures to hide before any other where
    one more must be (the 12-month totals for all ages: hiding one closes an identity at the
    least cost to readers)."""

    matrix: np.ndarray
    values: np.ndarray
    level: np.ndarray
    hidden: np.ndarray
    settled: bool
    kept_shown: np.ndarray | None = None
    unguarded: np.ndarray | None = None
    first_to_hide: np.ndarray | None = None


def _district_totals(districts: int, groups: int) -> np.ndarray:
    """Rows adding each district's cells over its age groups (cells are district-major)."""
    return np.kron(np.eye(districts), np.ones(groups))


def identity_rows(blocks: dict[str, Block], districts: int, groups: int) -> np.ndarray:
    """The identities among ``blocks`` that have all their terms, one row a district, over the
    blocks' cells in the order given."""
    totals = _district_totals(districts, groups)
    rows = []
    for identity in (YEAR, MONTH):
        if all(name in blocks for name in identity):
            rows.append(np.hstack([identity.get(name, 0) * totals if name in identity
                                   else np.zeros((districts, block.matrix.shape[1]))
                                   for name, block in blocks.items()]))
    return np.vstack(rows) if rows else np.zeros((0, sum(b.matrix.shape[1]
                                                         for b in blocks.values())))


def decide_together(blocks: dict[str, Block], limit: int, districts: int,
                    groups: int) -> dict[str, np.ndarray]:
    """Whether each figure of the blocks decided here is hidden, once the identities are known:
    the decisions so far, and more where a hidden figure could otherwise be worked out."""
    identities = identity_rows(blocks, districts, groups)
    if not len(identities):
        return {name: block.hidden for name, block in blocks.items() if not block.settled}
    matrix = np.vstack([block_diag(*(b.matrix for b in blocks.values())), identities])
    ends = np.cumsum([b.matrix.shape[1] for b in blocks.values()])
    parts = [slice(end - b.matrix.shape[1], end) for b, end in zip(blocks.values(), ends)]
    count = len(identities)
    values = np.r_[np.concatenate([b.values for b in blocks.values()]), np.zeros(count)]
    level = np.r_[np.concatenate([
        b.level if b.first_to_hide is None else np.where(b.first_to_hide, -1, b.level)
        for b in blocks.values()]), np.zeros(count, int)]
    hidden = np.r_[np.concatenate([b.hidden for b in blocks.values()]), np.zeros(count, bool)]
    must_show = np.r_[np.concatenate([
        ~b.hidden if b.settled else
        (np.zeros(len(b.values), bool) if b.kept_shown is None else b.kept_shown)
        for b in blocks.values()]), np.ones(count, bool)]
    # A figure the settled ones already give away is no use hidden: never hide it to protect
    # another.
    must_show |= recoverable(matrix, ~must_show, parts) & ~hidden
    unguarded = np.r_[np.concatenate([
        np.zeros(len(b.values), bool) if b.unguarded is None else b.unguarded
        for b in blocks.values()]), np.zeros(count, bool)]
    try:
        decided = protect(matrix, values, limit, level, forced_hidden=hidden,
                          forced_shown=must_show, unguarded=unguarded, parts=parts)
    except RuntimeError:
        # Only figures decided on earlier dates could close it (a tiny store, where a month's
        # change is the whole of a small count): hide everything this date may hide.
        decided = hidden | ~must_show

    result, start = {}, 0
    for name, block in blocks.items():
        end = start + len(block.values)
        if not block.settled:
            result[name] = decided[start:end]
        start = end
    return result
