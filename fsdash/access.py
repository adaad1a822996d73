"""Disclosure control: small numbers that could identify a family are not shown.

Counts from 1 to the configured maximum (DfE practice: 1 to 5) are shown as ``c``; so are
rates and percentages whose base count is that small. A true zero stays 0.
"""

from __future__ import annotations

SUPPRESSED = "c"
BASE_COLUMNS = ("children", "adults", "referrals")


def is_small(count: float | None, max_suppressed: int) -> bool:
    """True for a count from 1 to ``max_suppressed``."""
    return count is not None and 0 < count <= max_suppressed


def should_suppress(figure: dict, is_count: bool, max_suppressed: int) -> bool:
    """True when a figure, or the count it is based on, is a small number."""
    if is_count and is_small(figure.get("value"), max_suppressed):
        return True
    return any(is_small(figure.get(base), max_suppressed) for base in BASE_COLUMNS)
