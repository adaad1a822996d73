"""Events: the dated things that explain a line's turns (issue 28).

A go-live, a restructure, a new case management system, a lockdown, a change to the front
door's thresholds: each kept in the store as a source of its own (table ``event``), loaded from
``events.csv``, from the council file's programme dates, and added, edited or retired by an
analyst on the Data page. Charts draw the events in their span; the "Is this change unusual?"
charts recalculate their limits from a change the council intended (``Event.intended``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Event:
    """One event: a day (``end`` None) or a span, the areas and measures it concerns (empty:
    every area, every measure) and whether the council meant it to change the measures."""

    event_id: str
    start: dt.date
    end: dt.date | None
    title: str
    description: str
    areas: tuple[str, ...] = ()
    measures: tuple[str, ...] = ()
    intended: bool = False
    origin: str = "file"     # "file" (events.csv), "configuration" or "page" (the Data page)

    def concerns_measure(self, measure: str | None) -> bool:
        """Whether the event is about a measure (every event is about no measure in particular)."""
        return not self.measures or measure is None or measure in self.measures

    def within(self, first: dt.date, last: dt.date) -> bool:
        """Whether any of the event's days lies from ``first`` to ``last``."""
        return self.start <= last and (self.end or self.start) >= first
