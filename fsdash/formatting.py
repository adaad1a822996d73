"""Plain-English formatting of figures, dates and changes for the interface (UK style)."""

from __future__ import annotations

import datetime as dt


def long_date(day: dt.date) -> str:
    """31 March 2024 (no leading zero)."""
    return f"{day.day} {day:%B %Y}"


def figure(value: float | None, unit: str) -> str:
    """A figure as shown on a card: whole numbers for counts, one decimal place otherwise."""
    if value is None:
        return "no data"
    if unit == "%":
        return f"{value:.1f}%"
    if unit in ("per 10,000", "per FTE"):
        return f"{value:,.1f}"
    return f"{value:,.0f}"


def change(now: float | None, before: float | None, unit: str) -> str | None:
    """The change on a year ago, signed, in the measure's own terms."""
    if now is None or before is None:
        return None
    difference = now - before
    if unit == "%":
        return f"{difference:+.1f} percentage points on a year ago"
    if unit in ("per 10,000", "per FTE"):
        return f"{difference:+.1f} on a year ago"
    percent = ""
    if before:
        share = 100 * difference / before
        percent = f" ({share:+.1f}%)" if abs(share) < 1 else f" ({share:+.0f}%)"
    return f"{difference:+,.0f}{percent} on a year ago"
