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

import duckdb
import pandas as pd

from fsdash.config import WHOLE_COUNCIL, Council


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


# The council file's programme dates (``[programme]``), each an event every load writes.
PROGRAMME = (
    ("phase_in", "Family Safeguarding principles phased in"),
    ("launch", "Teams restructured into Family Safeguarding teams"),
    ("go_live", "Family Safeguarding began"),
)
CONFIGURATION = "configuration"
CONFIGURATION_PREFIX = "programme-"    # the event_id of a programme date: programme-go_live
COLUMNS = ["event_id", "start", "end", "title", "description", "areas", "measures", "intended",
           "origin", "retired"]
SEPARATOR = ";"                        # between the codes of AREAS and the names of MEASURES


def configuration_events(council: Council) -> list[Event]:
    """The council file's programme dates as events: intended, every area, every measure."""
    return [Event(f"{CONFIGURATION_PREFIX}{name}", day, None, title,
                  f"From the council file ([programme] {name}).", intended=True,
                  origin=CONFIGURATION)
            for name, title in PROGRAMME if (day := getattr(council, name, None))]


def write_configuration(con: duckdb.DuckDBPyConnection, council: Council) -> None:
    """Replace the store's configuration events with the council file's programme dates."""
    con.execute("DELETE FROM event WHERE origin = ?", [CONFIGURATION])
    con.executemany(
        "INSERT INTO event (event_id, start_date, end_date, title, description, areas, "
        "measures, intended, origin) VALUES (?, ?, ?, ?, ?, NULL, NULL, ?, ?)",
        [(e.event_id, e.start, e.end, e.title, e.description, e.intended, e.origin)
         for e in configuration_events(council)])


def split(codes: str | None) -> tuple[str, ...]:
    """The codes or names of an AREAS or MEASURES value, in order, each once, blanks dropped."""
    return tuple(dict.fromkeys(c.strip() for c in (codes or "").split(SEPARATOR) if c.strip()))


def all_events(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every event in the store, retired ones too, by start date (``COLUMNS``); an older store
    without events gives none."""
    try:
        frame = con.execute(
            "SELECT event_id, start_date AS start, end_date AS \"end\", title, "
            "coalesce(description, '') AS description, coalesce(areas, '') AS areas, "
            "coalesce(measures, '') AS measures, intended, origin, retired "
            "FROM event ORDER BY start_date, event_id").df()
    except duckdb.CatalogException:
        return pd.DataFrame(columns=COLUMNS)
    for column in ("start", "end"):
        frame[column] = [None if pd.isna(d) else pd.Timestamp(d).date() for d in frame[column]]
    return frame


def _event(row) -> Event:
    return Event(row.event_id, row.start, row.end, row.title, row.description,
                 split(row.areas), split(row.measures), bool(row.intended), row.origin)


def live_events(con: duckdb.DuckDBPyConnection, council: Council) -> list[Event]:
    """The events not retired, by start date; the council file's programme dates where the
    store has none (a store loaded before events were kept)."""
    frame = all_events(con)
    found = [_event(row) for row in frame.itertuples() if not row.retired]
    if not (frame["origin"] == CONFIGURATION).any():
        found += configuration_events(council)
    return sorted(found, key=lambda e: (e.start, e.event_id))


def concerns_area(event: Event, area: str, council: Council) -> bool:
    """Whether an event concerns an area: it names no area, the council, that area, a district
    inside it, or the locality the area's district lies in."""
    named = set(event.areas)
    if not named or named & {council.code, WHOLE_COUNCIL} or area == WHOLE_COUNCIL:
        return True
    inside = set(council.areas().get(area, ()))
    localities = {d.locality for d in council.districts if d.code in inside}
    return bool(named & ({area} | inside | localities))


def events_for(con: duckdb.DuckDBPyConnection, council: Council, first: dt.date,
               last: dt.date, area: str = WHOLE_COUNCIL,
               measure: str | None = None) -> list[Event]:
    """The live events from ``first`` to ``last`` that concern ``area`` and ``measure`` (None:
    any measure), by start date."""
    return [e for e in live_events(con, council)
            if e.within(first, last) and concerns_area(e, area, council)
            and e.concerns_measure(measure)]
