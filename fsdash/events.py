"""Events: the dated things that explain a line's turns (issue 28).

A go-live, a restructure, a new case management system, a lockdown, a change to the front
door's thresholds: each kept in the store as a source of its own (table ``event``), loaded from
``events.csv``, from the council file's programme dates, and added, edited or retired by an
analyst on the Data page. Charts draw the events in their span; the "Is this change unusual?"
charts recalculate their limits from a change the council intended (``Event.intended``).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, replace

import duckdb
import pandas as pd

from fsdash import store
from fsdash.config import WHOLE_COUNCIL, Council
from fsdash.extracts import (
    DATE_FORMAT,
    EVENT_DESCRIPTION_LENGTH,
    EVENT_TITLE_LENGTH,
    EXTRACT_BY_FILE,
)
from fsdash.metrics import MEASURES


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


def area_codes(council: Council) -> list[str]:
    """The codes an event's AREAS may name: the council's, its localities' and districts'."""
    return [council.code, *council.localities, *(d.code for d in council.districts)]


def measure_names() -> list[str]:
    """The names an event's MEASURES may give: every measure fsdash counts."""
    return list(MEASURES)


def prepare_checks(con: duckdb.DuckDBPyConnection, council: Council) -> None:
    """The macros events.csv's rules use (``fsdash.extracts``): the codes of AREAS and names of
    MEASURES that the council file and fsdash do not know, each in quotes."""
    for name, known in (("areas", area_codes(council)), ("measures", measure_names())):
        listed = ", ".join(_sql_text(k) for k in known)
        con.execute(
            f"CREATE OR REPLACE TEMP MACRO event_unknown_{name}(codes) AS list_transform("
            f"list_filter(list_transform(string_split(coalesce(codes, ''), '{SEPARATOR}'), "
            f"lambda c: trim(c)), lambda c: c <> '' AND NOT list_contains([{listed}], c)), "
            "lambda c: chr(39) || c || chr(39))")


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


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
            "coalesce(measures, '') AS measures, intended, origin, "
            "coalesce(retired, false) AS retired "
            "FROM event ORDER BY start_date, event_id").df()
    except duckdb.CatalogException:
        return pd.DataFrame(columns=COLUMNS)
    for column in ("start", "end"):
        frame[column] = [None if pd.isna(d) else pd.Timestamp(d).date() for d in frame[column]]
    return frame


def from_row(row) -> Event:
    """The event an ``all_events`` row (from ``itertuples``) holds."""
    return Event(row.event_id, row.start, row.end, row.title, row.description,
                 split(row.areas), split(row.measures), bool(row.intended), row.origin)


def every_event(con: duckdb.DuckDBPyConnection, council: Council) -> pd.DataFrame:
    """``all_events``, with the council file's programme dates where the store has none (a
    store loaded before events were kept), by start date."""
    frame = all_events(con)
    if (frame["origin"] == CONFIGURATION).any():
        return frame
    programme = pd.DataFrame(
        [(e.event_id, e.start, e.end, e.title, e.description, "", "", e.intended, e.origin, False)
         for e in configuration_events(council)], columns=COLUMNS)
    return (pd.concat([frame, programme]) if len(frame) else programme).sort_values(
        ["start", "event_id"], ignore_index=True)


def live_events(con: duckdb.DuckDBPyConnection, council: Council) -> list[Event]:
    """The events not retired (``every_event``), by start date."""
    return [from_row(row) for row in every_event(con, council).itertuples() if not row.retired]


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


# The Data page's changes: each made on a copy of the store swapped in (``store.copy_then_swap``),
# so readers keep the file they opened and the measures are not counted again.
PAGE = "page"
LABELS = {"start": "Start date", "end": "End date", "title": "Title",
          "description": "Description", "areas": "Areas", "measures": "Measures",
          "intended": "Intended"}


class EventRefused(ValueError):
    """An event the Data page cannot keep; the message names the field."""


def clean_text(text: str | None) -> str:
    """Text as an event keeps it: control and formatting characters gone, spaces single."""
    kept = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c
                   for c in str(text or "") if unicodedata.category(c) != "Cf")
    return " ".join(kept.split())


def checked(event: Event, council: Council) -> Event:
    """The event with its texts cleaned, or ``EventRefused`` naming the first field wrong."""
    event = replace(event, title=clean_text(event.title),
                    description=clean_text(event.description))
    unknown_areas = [a for a in event.areas if a not in area_codes(council)]
    unknown_measures = [m for m in event.measures if m not in MEASURES]
    problems = [
        ("start", not isinstance(event.start, dt.date), "is not a date"),
        ("end", isinstance(event.start, dt.date) and event.end is not None
         and event.end < event.start, "is before the start date"),
        ("title", not event.title, "is empty"),
        ("title", len(event.title) > EVENT_TITLE_LENGTH,
         f"is longer than {EVENT_TITLE_LENGTH} characters"),
        ("description", len(event.description) > EVENT_DESCRIPTION_LENGTH,
         f"is longer than {EVENT_DESCRIPTION_LENGTH} characters"),
        ("areas", unknown_areas, f"names {', '.join(unknown_areas)}, not the council, a "
                                 "locality or a district of the council file"),
        ("measures", unknown_measures, f"names {', '.join(unknown_measures)}, not a measure"),
    ]
    for name, wrong, message in problems:
        if wrong:
            raise EventRefused(f"{LABELS[name]} {message}.")
    return event


def _stored(con: duckdb.DuckDBPyConnection, event_id: str) -> tuple[Event, bool]:
    """An event in the store and whether it is retired; refused for the council file's own."""
    row = next((r for r in all_events(con).itertuples() if r.event_id == event_id), None)
    if row is None:
        raise EventRefused(f"There is no event {event_id!r}: it may have been replaced by a load.")
    if row.origin == CONFIGURATION:
        raise EventRefused("The programme's dates are changed in the council file "
                           "([programme]), not here.")
    return from_row(row), bool(row.retired)


def _insert(con: duckdb.DuckDBPyConnection, event: Event, retired: bool = False) -> None:
    con.execute("DELETE FROM event WHERE event_id = ?", [event.event_id])
    con.execute("INSERT INTO event VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [event.event_id, event.start, event.end, event.title, event.description or None,
                 SEPARATOR.join(event.areas) or None, SEPARATOR.join(event.measures) or None,
                 event.intended, event.origin, retired])


def add_event(db, council: Council, event: Event) -> Event:
    """Keep a new event from the Data page, under the next free id ``page-<n>``."""
    event = checked(event, council)
    with store.copy_then_swap(db) as con:
        number = con.execute(
            "SELECT coalesce(max(TRY_CAST(substr(event_id, 6) AS INTEGER)), 0) + 1 FROM event "
            "WHERE event_id LIKE 'page-%'").fetchone()[0]
        event = replace(event, event_id=f"page-{number}", origin=PAGE)
        _insert(con, event)
    return event


def edit_event(db, council: Council, event: Event) -> list[str]:
    """Change an event (found by its id) as the Data page gives it: the names of the fields
    changed (none: the store is left as it was)."""
    event = checked(replace(event, origin=PAGE), council)
    with store.copy_then_swap(db) as con:
        before, retired = _stored(con, event.event_id)
        changed = [name for name in LABELS if getattr(before, name) != getattr(event, name)]
        if changed:
            _insert(con, event, retired)
    return changed


def retire_event(db, event_id: str, retired: bool = True) -> Event:
    """Retire an event (kept, not drawn), or with ``retired`` False bring it back."""
    with store.copy_then_swap(db) as con:
        event, _ = _stored(con, event_id)
        con.execute("UPDATE event SET retired = ? WHERE event_id = ?", [retired, event_id])
    return event


def events_file(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The events from files and the Data page, retired ones too, as events.csv writes them
    (the council file's own are not in it: each load writes them)."""
    frame = all_events(con)
    frame = frame[frame["origin"] != CONFIGURATION]
    columns = EXTRACT_BY_FILE["events.csv"].columns
    return pd.DataFrame({
        columns[0]: frame["event_id"],
        columns[1]: [d.strftime(DATE_FORMAT) for d in frame["start"]],
        columns[2]: [d.strftime(DATE_FORMAT) if d else "" for d in frame["end"]],
        columns[3]: frame["title"], columns[4]: frame["description"],
        columns[5]: frame["areas"], columns[6]: frame["measures"],
        columns[7]: ["Y" if i else "N" for i in frame["intended"]],
        columns[8]: ["Y" if r else "N" for r in frame["retired"]],
    })
