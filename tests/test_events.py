"""Events (issue 28): kept in the store, from the council file's programme dates, from
events.csv and from the Data page; ``events_for`` picks those a chart's span, area and measure
concern."""

import datetime as dt

import duckdb
import pytest

from fsdash import events, store
from fsdash.config import WHOLE_COUNCIL, load_council

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
