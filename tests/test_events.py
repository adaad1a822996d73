"""Events (issue 28): kept in the store, from the council file's programme dates, from
events.csv and from the Data page; ``events_for`` picks those a chart's span, area and measure
concern."""

import csv
import dataclasses
import datetime as dt
import json
import re

import duckdb
import pytest

from fsdash import audit, events, store
from fsdash.access.roles import Identity, Scope
from fsdash.config import WHOLE_COUNCIL, load_council
from fsdash.ingest import LoadError, load_paths
from fsdash.views import events as event_view

COUNCIL = load_council()
PRESTON = "E07000123"          # a district of the Central locality
BURNLEY = "E07000117"          # a district of the East locality
FIRST, LAST = dt.date(2015, 1, 1), dt.date(2030, 1, 1)


def _titles(found):
    return [e.title for e in found]


def _add(db, *rows):
    """Events written straight into a store: (id, start, end, title, areas, measures, retired)."""
    with store.connect(db) as con:
        con.executemany(
            "INSERT INTO event (event_id, start_date, end_date, title, description, areas, "
            "measures, intended, origin, retired) VALUES (?, ?, ?, ?, '', ?, ?, false, 'file', ?)",
            rows)


def test_a_load_writes_the_programme_dates_as_events(known):
    found = events.events_for(known, COUNCIL, FIRST, LAST)
    assert [(e.event_id, e.start, e.title, e.intended, e.areas, e.measures, e.origin)
            for e in found] == [
        ("programme-phase_in", COUNCIL.phase_in, "Family Safeguarding principles phased in",
         True, (), (), "configuration"),
        ("programme-launch", COUNCIL.launch, "Teams restructured into Family Safeguarding teams",
         True, (), (), "configuration"),
        ("programme-go_live", dt.date(2021, 2, 11), "Family Safeguarding began",
         True, (), (), "configuration"),
    ]
    frame = events.all_events(known)
    assert list(frame.columns) == events.COLUMNS
    assert set(frame["origin"]) == {"configuration"}


def test_events_for_picks_the_span_area_and_measure(known_store):
    _add(known_store,
         ("everywhere", dt.date(2020, 3, 23), None, "Lockdown", None, None, False),
         ("preston", dt.date(2022, 1, 1), dt.date(2022, 6, 30), "Preston pilot", PRESTON,
          "referrals;cla_starts", False),
         ("east", dt.date(2023, 5, 1), None, "East front door", "EAST", "referrals", False),
         ("council", dt.date(2023, 6, 1), None, "Council-wide", COUNCIL.code, None, False),
         ("retired", dt.date(2022, 2, 1), None, "Withdrawn", None, None, True))
    con = store.connect_readonly(known_store)
    try:
        def ids(first=FIRST, last=LAST, **kwargs):
            return [e.event_id for e in events.events_for(con, COUNCIL, first, last, **kwargs)
                    if e.origin != "configuration"]

        # the whole council: every event, the district's and the locality's too
        assert ids() == ["everywhere", "preston", "east", "council"]
        assert ids(area=PRESTON) == ["everywhere", "preston", "council"]
        assert ids(area="CENTRAL") == ["everywhere", "preston", "council"]   # Preston lies in it
        assert ids(area=BURNLEY) == ["everywhere", "east", "council"]     # in the East locality
        assert ids(area="EAST") == ["everywhere", "east", "council"]
        assert ids(area="NORTH") == ["everywhere", "council"]
        assert ids(measure="cla_starts") == ["everywhere", "preston", "council"]
        assert ids(measure="cla") == ["everywhere", "council"]
        # a span overlapping the chart's counts; a day just outside does not
        assert ids(dt.date(2022, 6, 30), dt.date(2023, 5, 1)) == ["preston", "east"]
        assert ids(dt.date(2022, 7, 1), dt.date(2023, 4, 30)) == []
        preston = next(e for e in events.events_for(con, COUNCIL, FIRST, LAST, area=PRESTON)
                       if e.event_id == "preston")
        assert preston.areas == (PRESTON,) and preston.measures == ("referrals", "cla_starts")
        assert preston.end == dt.date(2022, 6, 30)
        assert events.all_events(con).set_index("event_id").loc["retired", "retired"]
    finally:
        con.close()


def test_an_older_store_gives_the_council_files_events_without_an_error(tmp_path):
    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    store.migrate(con, upto=20)
    assert events.all_events(con).empty
    assert _titles(events.events_for(con, COUNCIL, FIRST, LAST)) == [
        "Family Safeguarding principles phased in",
        "Teams restructured into Family Safeguarding teams", "Family Safeguarding began"]
    assert events.events_for(con, COUNCIL, dt.date(2015, 1, 1), dt.date(2016, 1, 1)) == []
    assert list(event_view.table(con, COUNCIL, programme=True)["Where it came from"]) == [
        "The council file"] * 3
    assert event_view.table(con, COUNCIL, programme=False).empty
    con.close()


def test_an_event_for_every_area_concerns_an_area_the_council_does_not_list():
    event = events.Event("x", dt.date(2021, 1, 1), None, "x", "", areas=(PRESTON,))
    assert events.concerns_area(event, WHOLE_COUNCIL, COUNCIL)
    assert not events.concerns_area(event, "not known", COUNCIL)
    assert events.concerns_area(events.Event("y", dt.date(2021, 1, 1), None, "y", ""),
                                "not known", COUNCIL)


@pytest.mark.parametrize("codes, expected", [(None, ()), ("", ()), (" a ;b;;a ", ("a", "b"))])
def test_split(codes, expected):
    assert events.split(codes) == expected


EVENTS_HEADER = ["EVENT_ID", "START_DATE", "END_DATE", "TITLE", "DESCRIPTION", "AREAS",
                 "MEASURES", "INTENDED", "RETIRED"]


def _events_csv(folder, *rows):
    path = folder / "events.csv"
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows(   # RETIRED left empty where a row does not give it
            [EVENTS_HEADER, *(row + [""] * (len(EVENTS_HEADER) - len(row)) for row in rows)])
    return path


def test_events_csv_loads_with_the_extracts_and_a_batch_without_it_keeps_them(known_folder,
                                                                                tmp_path):
    db = tmp_path / "store.duckdb"
    _events_csv(known_folder,
                ["LOCK", "23/03/2020", "03/07/2020", "First national lockdown", "Schools shut",
                 "", "", "N"],
                ["HUB", "2024-04-02", "", "Hub opened", "", f" {PRESTON} ; CENTRAL",
                 "referrals; referral_rate", "y"],
                ["OLD", "01/06/2019", "", "Retired event", "", "", "", "N", "Y"])
    report = load_paths([known_folder], db)
    assert report.rows["events.csv"] == 3
    con = store.connect_readonly(db)
    try:
        found = {e.event_id: e for e in events.events_for(con, COUNCIL, FIRST, LAST)}
    finally:
        con.close()
    assert found["LOCK"] == events.Event("LOCK", dt.date(2020, 3, 23), dt.date(2020, 7, 3),
                                         "First national lockdown", "Schools shut",
                                         intended=False, origin="file")
    assert found["HUB"].areas == (PRESTON, "CENTRAL")
    assert found["HUB"].measures == ("referrals", "referral_rate")
    assert found["HUB"].intended and found["HUB"].description == ""
    assert "programme-go_live" in found and "OLD" not in found     # kept, not drawn
    (known_folder / "events.csv").unlink()
    report = load_paths([known_folder], db)
    assert "events.csv" in report.kept
    con = store.connect_readonly(db)
    try:
        frame = events.all_events(con)
    finally:
        con.close()
    assert sorted(frame["event_id"]) == ["HUB", "LOCK", "OLD", "programme-go_live",
                                         "programme-launch", "programme-phase_in"]  # programme once
    assert list(frame.set_index("event_id")["retired"][["HUB", "LOCK", "OLD"]]) == [
        False, False, True]


@pytest.mark.parametrize("row, field, message", [
    (["X", "01/01/2021", "", "Bad area", "", "CENTRAL;E07999999", "", "N"], "AREAS",
     "names 'E07999999', not the council, a locality or a district of the council file"),
    (["X", "01/01/2021", "", "Bad measure", "", "", "referrals;starts", "N"], "MEASURES",
     "names 'starts', not a measure fsdash has"),
    (["X", "01/02/2021", "01/01/2021", "Ends first", "", "", "", "N"], "END_DATE",
     "is before START_DATE"),
    (["X", "01/01/2021", "", " ", "", "", "", "N"], "TITLE", "is empty"),
    (["X", "01/01/2021", "", "T" * 81, "", "", "", "N"], "TITLE",
     "is longer than 80 characters"),
    (["programme-go_live", "01/01/2021", "", "Mine", "", "", "", "N"], "EVENT_ID",
     "must not begin with programme- (the council file's programme dates do)"),
    (["X", "31/02/2021", "", "No such day", "", "", "", "N"], "START_DATE",
     "'31/02/2021' is not a date in the form dd/mm/yyyy"),
    (["X", "01/01/2021", "", "Maybe", "", "", "", "perhaps"], "INTENDED",
     "'perhaps' is not Y or N"),
    (["X", "01/01/2021", "", "Gone?", "", "", "", "N", "gone"], "RETIRED",
     "'gone' is not Y or N"),
])
def test_a_bad_event_row_stops_the_load_naming_file_row_and_field(known_folder, tmp_path, row,
                                                                  field, message):
    db = tmp_path / "store.duckdb"
    _events_csv(known_folder, ["OK", "01/01/2021", "", "Fine", "", "", "", "N"], row)
    with pytest.raises(LoadError) as raised:
        load_paths([known_folder], db)
    assert [str(p) for p in raised.value.problems] == [
        f"events.csv, row 3, field {field}: {message}"]
    assert not db.exists()


def _audit_lines():
    path = audit.log_path()
    return [json.loads(line) for line in (path.read_text() if path.exists() else "").splitlines()
            if '"event ' in line]


def _stored(db):
    con = store.connect_readonly(db)
    try:
        return events.all_events(con).set_index("event_id")
    finally:
        con.close()


ANALYST = Scope("analyst", suppress=False, identity=Identity("ana@example.org"))


def test_add_change_retire_and_bring_back_change_the_store_each_with_one_audit_line(known_store):
    db = known_store
    reader = store.connect_snapshot(db)       # a reader that opened the store before
    before = reader.execute("SELECT count(*) FROM event").fetchone()[0]
    said = event_view.save(db, COUNCIL, ANALYST, "added", events.Event(
        "", dt.date(2022, 9, 1), None, " Front door\nthresholds\u202e revised ", "New guidance",
        (PRESTON,), ("referrals",), True))
    assert said == "Event page-1 added. The charts draw it as it is now."
    stored = _stored(db)
    assert stored.loc["page-1", "title"] == "Front door thresholds revised"    # cleaned
    assert (stored.loc["page-1", "origin"], stored.loc["page-1", "areas"]) == ("page", PRESTON)
    assert reader.execute("SELECT count(*) FROM event").fetchone()[0] == before   # its own file
    reader.close()
    audited = _audit_lines()
    assert [(a["action"], a["details"]) for a in audited] == [
        ("event added", {"event": "page-1", "title": "Front door thresholds revised"})]
    assert audited[0]["who"] == "ana@example.org" and audited[0]["page"] == "Data"

    edited = events.Event("page-1", dt.date(2022, 10, 3), dt.date(2022, 10, 31),
                          "Front door thresholds revised", "New guidance", (PRESTON, "EAST"),
                          ("referrals",), True)
    assert event_view.save(db, COUNCIL, ANALYST, "changed", edited) == (
        "Event page-1 changed: start date, end date, areas. The charts draw it as it is now.")
    assert event_view.save(db, COUNCIL, ANALYST, "changed", edited) == (
        "Nothing was changed in event page-1.")
    con = store.connect_readonly(db)
    try:
        assert events.events_for(con, COUNCIL, FIRST, LAST, area=BURNLEY)[-1] == \
            dataclasses.replace(edited, origin="page")
    finally:
        con.close()
    event_view.save(db, COUNCIL, ANALYST, "retired", edited)
    assert _stored(db).loc["page-1", "retired"]
    con = store.connect_readonly(db)
    try:
        assert "page-1" not in [e.event_id for e in events.events_for(con, COUNCIL, FIRST, LAST)]
        assert list(events.events_file(con)["RETIRED"]) == ["Y"]   # kept in the file, not drawn
    finally:
        con.close()
    event_view.save(db, COUNCIL, ANALYST, "brought back", edited)
    assert not _stored(db).loc["page-1", "retired"]
    assert [(a["action"], a["details"].get("changed")) for a in _audit_lines()] == [
        ("event added", None), ("event changed", "Start date, End date, Areas"),
        ("event retired", None), ("event brought back", None)]


@pytest.mark.parametrize("change, message", [
    ({"title": " \t"}, "Title is empty."),
    ({"title": "x" * 81}, "Title is longer than 80 characters."),
    ({"end": dt.date(2020, 1, 1)}, "End date is before the start date."),
    ({"areas": ("E07999999",)}, "Areas names E07999999, not the council, a locality or a "
                                "district of the council file."),
    ({"measures": ("starts",)}, "Measures names starts, not a measure."),
    ({"description": "d" * 501}, "Description is longer than 500 characters."),
])
def test_a_bad_event_on_the_page_is_refused_naming_the_field(tmp_path, change, message):
    event = dataclasses.replace(events.Event("", dt.date(2021, 1, 1), None, "Fine", ""),
                                **change)
    with pytest.raises(events.EventRefused, match=re.escape(message)):
        event_view.save(tmp_path / "store.duckdb", COUNCIL, ANALYST, "added", event)
    assert not (tmp_path / "store.duckdb").exists() and not _audit_lines()   # checked first


def test_the_council_files_events_are_not_changed_on_the_page(known_store):
    programme = events.Event("programme-go_live", dt.date(2021, 3, 1), None, "Moved", "")
    for action in ("changed", "retired"):
        with pytest.raises(events.EventRefused, match="changed in the council file"):
            event_view.save(known_store, COUNCIL, ANALYST, action, programme)
    assert not _audit_lines()


def test_the_events_file_downloaded_loads_back_as_it_was(known_folder, tmp_path):
    db = tmp_path / "store.duckdb"
    _events_csv(known_folder, ["LOCK", "23/03/2020", "03/07/2020", "First national lockdown",
                               "Schools shut", "", "", "N"])
    load_paths([known_folder], db)
    event_view.save(db, COUNCIL, ANALYST, "added", events.Event(
        "", dt.date(2024, 4, 2), None, "Hub opened", "", ("CENTRAL",), ("referrals",), True))
    con = store.connect_readonly(db)
    try:
        written = events.events_file(con)
        wanted = events.events_for(con, COUNCIL, FIRST, LAST)
    finally:
        con.close()
    assert list(written.columns) == EVENTS_HEADER
    written.to_csv(known_folder / "events.csv", index=False)
    load_paths([known_folder], db)
    con = store.connect_readonly(db)
    try:
        again = events.events_for(con, COUNCIL, FIRST, LAST)
    finally:
        con.close()
    assert [dataclasses.replace(e, origin="") for e in wanted] == [
        dataclasses.replace(e, origin="") for e in again]


def test_the_data_page_lists_the_events_and_adds_one(known_store, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from conftest import ROOT
    from fsdash.escaping import plain

    monkeypatch.setenv("FSDASH_DB", str(known_store))
    monkeypatch.setenv("FSDASH_DEV_ROLE", "analyst")
    page = AppTest.from_file(str(ROOT / "pages" / "data.py"), default_timeout=120)
    page.run()
    assert not page.exception, page.exception
    listed = next(d.value for d in page.dataframe if "Where it came from" in d.value.columns)
    assert list(listed["Where it came from"]) == ["The council file"] * 3
    title = next(t for t in page.text_input if t.label == "Title")
    title.set_value("   ")
    next(b for b in page.button if b.label == "Add an event").click().run()
    assert [e.value for e in page.error] == [plain("Title is empty.")]
    next(t for t in page.text_input if t.label == "Title").set_value("Hub opened")
    next(b for b in page.button if b.label == "Add an event").click().run()
    assert not page.exception, page.exception
    assert [s.value for s in page.success] == [
        plain("Event page-1 added. The charts draw it as it is now.")]
    programme, listed = (d.value for d in page.dataframe
                         if "Where it came from" in d.value.columns)
    assert list(programme["Where it came from"]) == ["The council file"] * 3
    assert list(listed["Title"]) == ["Hub opened"]
    assert list(listed["Where it came from"]) == ["The Data page"]
    assert page.get("download_button"), "the events as events.csv, once there is one"
    assert [a["details"]["event"] for a in _audit_lines()] == ["page-1"]


def test_a_change_made_while_a_load_swaps_in_a_new_store_is_refused_not_lost(known_store):
    import os
    import shutil

    loaded = known_store.with_name("loaded.duckdb")
    shutil.copyfile(known_store, loaded)
    with pytest.raises(store.StoreChanged, match="Make the change again"):
        with store.copy_then_swap(known_store) as con:
            con.execute("UPDATE event SET retired = true")
            os.replace(loaded, known_store)          # a load swaps in its store meanwhile
    assert not _stored(known_store)["retired"].any()
    assert not known_store.with_name(f".{known_store.name}.changing").exists()
