"""Plain-English formatting of figures, dates and changes for the interface (UK style).

One way for each idea: dates as "31 October 2026" (or "October 2026" for a month), whole
children rounded half up, and changes compared with "a year earlier"."""

from __future__ import annotations

import datetime as dt
import math

YEAR_EARLIER = "a year earlier"


def round_half_up(value: float) -> int:
    """Whole children: halves round up (Python's round() would take 892.5 to 892). The one
    rounding rule for counts of people in text, tables and downloads."""
    return int(math.floor(value + 0.5))


def with_article(noun: str) -> str:
    """'an analyst', 'a director' (by the first letter: no noun used here starts with a silent
    or sounded-as-consonant vowel)."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def long_date(day: dt.date) -> str:
    """31 March 2024 (no leading zero)."""
    return f"{day.day} {day:%B %Y}"


def month(day: dt.date) -> str:
    """March 2024."""
    return f"{day:%B %Y}"


def figure(value: float | None, unit: str) -> str:
    """A figure as shown on a card: whole numbers for counts, one decimal place otherwise."""
    if value is None:
        return "no data"
    if unit == "%":
        return f"{value:.1f}%"
    if unit in ("per 10,000", "per FTE"):
        return f"{value:,.1f}"
    return f"{round_half_up(value):,}"


def change(now: float | None, before: float | None, unit: str) -> str | None:
    """The change since a year earlier, signed and short enough for a card ("+19 (1% more)",
    "-0.1 percentage points"); "No change" when the figures are the same as shown. Cards say
    what it is compared with beside it."""
    if now is None or before is None:
        return None
    if figure(now, unit) == figure(before, unit):
        return "No change"
    difference = now - before
    if unit == "%":
        return f"{difference:+.1f} percentage points"
    if unit in ("per 10,000", "per FTE"):
        return f"{difference:+.1f}"
    sign = "+" if difference > 0 else "-"
    words = "more" if difference > 0 else "fewer"
    percent = abs(100 * difference / before) if before else 0
    share = f" ({percent:.0f}% {words})" if round_half_up(percent) else ""
    return f"{sign}{round_half_up(abs(difference)):,}{share}"
