"""The Data page's events, for analysts (issue 28): every event with where it came from, and
adding, changing, retiring or bringing back one, each change in the audit log (its id, its
title cleaned, the fields changed; no other text)."""

from __future__ import annotations

import duckdb
import pandas as pd

from fsdash import audit, events
from fsdash.access.roles import Scope
from fsdash.config import Council
from fsdash.formatting import long_date
from fsdash.metrics import MEASURES

PAGE = "Data"
ORIGINS = {"file": "events.csv", events.CONFIGURATION: "The council file",
           events.PAGE: "The Data page"}
ACTIONS = ("added", "changed", "retired", "brought back")


def area_options(council: Council) -> dict[str, str]:
    """Each code an event may name, with its name: the council, its localities, its districts."""
    return {code: (f"{council.short_name} (the whole council)" if code == council.code
                   else council.area_label(code)) for code in events.area_codes(council)}


def measure_options() -> dict[str, str]:
    """Each measure an event may concern, with its title."""
    return {name: measure.title for name, measure in MEASURES.items()}


def table(con: duckdb.DuckDBPyConnection, council: Council, programme: bool) -> pd.DataFrame:
    """The council file's programme dates (``programme``), or every other event, retired ones
    too (as events.csv holds them), for the page's tables."""
    frame = events.every_event(con, council)
    frame = frame[(frame["origin"] == events.CONFIGURATION) == programme]
    areas, measures = area_options(council), measure_options()

    def named(codes, names, every):
        return "; ".join(names.get(c, c) for c in events.split(codes)) or every

    return pd.DataFrame({
        "Event": frame["event_id"],
        "Starts": [long_date(d) for d in frame["start"]],
        "Ends": [long_date(d) if d else "" for d in frame["end"]],
        "Title": frame["title"],
        "Areas": [named(a, areas, "Every area") for a in frame["areas"]],
        "Measures": [named(m, measures, "Every measure") for m in frame["measures"]],
        "Intended": ["Yes" if i else "No" for i in frame["intended"]],
        "Where it came from": [ORIGINS.get(o, o) for o in frame["origin"]],
        "Shown on charts": ["No (retired)" if r else "Yes" for r in frame["retired"]],
    })


def changeable(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[events.Event, bool]]:
    """The events the page may change (not the council file's), by id, with whether retired."""
    frame = events.all_events(con)
    return {row.event_id: (events.from_row(row), bool(row.retired))
            for row in frame.itertuples() if row.origin != events.CONFIGURATION}


def save(db, council: Council, scope: Scope, action: str, event: events.Event) -> str:
    """Make one change (``ACTIONS``) in the store and record it in the audit log: a sentence
    saying what was done. ``events.EventRefused`` where the event cannot be kept."""
    changed = []
    if action == "added":
        event = events.add_event(db, council, event)
    elif action == "changed":
        changed = events.edit_event(db, council, event)
        if not changed:
            return f"Nothing was changed in event {event.event_id}."
    else:
        event = events.retire_event(db, event.event_id, retired=action == "retired")
    details = {"event": event.event_id, "title": audit.clean(events.clean_text(event.title))}
    if changed:
        details["changed"] = ", ".join(events.LABELS[name] for name in changed)
    audit.record(scope, PAGE, f"event {action}", details)
    done = f": {details['changed'].lower()}" if changed else ""
    drawn = "no longer draw it" if action == "retired" else "draw it as it is now"
    return f"Event {event.event_id} {action}{done}. The charts {drawn}."
