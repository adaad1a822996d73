"""Events on the charts (issue 28): XmR limits recalculated from a change the council intended
(worked out by hand), an event drawn, tabled and read on every time chart whose span and area it
concerns and on no other, and a signal just after an event naming it in At a glance's sentence
and the board pack's "what changed"."""

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from conftest import copy_of_store
from fsdash import changes, charts, spc, store
from fsdash.access import Figures, Published, Scope
from fsdash.config import WHOLE_COUNCIL, load_council
from fsdash.escaping import csv_text
from fsdash.events import Event
from fsdash.export.content import build_pack
from fsdash.extracts import EXTRACT_BY_FILE
from fsdash.ingest import load_paths
from fsdash.views import event_marks, glance
from fsdash.views.blocks import ChartBlock, dates_column, spc_block
from fsdash.views.care import care_view, target_section
from fsdash.views.front_door import front_door_view
from fsdash.views.team import team_view

BEFORE = [9, 11] * 6                                        # 12 months alternating around 10
AFTER = [20, 23, 21, 24, 22, 20, 23, 21, 22, 24, 20, 22]    # 12 months after the change
BEGAN = Event("go-live", dt.date(2021, 2, 11), None, "Family Safeguarding began", "",
              intended=True)


def _months(n: int, first: str = "2020-02-29") -> pd.DatetimeIndex:
    return pd.date_range(first, periods=n, freq="ME")


def test_limits_recalculated_from_a_change_match_the_hand_calculation():
    chart = spc.xmr(BEFORE + AFTER, breaks=[12])
    # Before: mean (6*9 + 6*11)/12 = 10; moving ranges all 2, mean 2; 10 +/- 2.66*2 = 10 +/- 5.32.
    assert chart.means[0] == 10 and chart.uppers[0] == pytest.approx(15.32)
    assert chart.lowers[11] == pytest.approx(4.68)
    # After: mean 262/12 = 21.8333; moving ranges 3,2,3,2,2,3,2,1,2,4,2 sum 26 over 11 = 2.3636
    # (the range from 11 to 20, spanning the change, belongs to neither segment);
    # 2.66 * 2.3636 = 6.2873, so 15.5461 to 28.1206.
    assert chart.mean == pytest.approx(21.8333, abs=1e-4)
    assert chart.upper == pytest.approx(28.1206, abs=1e-4)
    assert chart.lower == pytest.approx(15.5461, abs=1e-4)
    assert chart.breaks == (12,) and not any(chart.signals)
    # Without the recalculation: one mean of 15.92 and limits widened by the jump, and every
    # point beyond two-thirds of the way to a limit or in a run of 7 on one side.
    whole = spc.xmr(BEFORE + AFTER)
    assert whole.mean == pytest.approx(382 / 24)
    assert whole.upper == pytest.approx(382 / 24 + 2.66 * (22 + 26 + 9) / 23)
    assert whole.signals[-1]


def test_a_change_too_near_either_end_or_a_later_change_is_not_rebased_on():
    assert spc.usable_breaks(24, [5]) == [] and spc.usable_breaks(24, [13]) == []
    assert spc.xmr(BEFORE + AFTER, breaks=[5]).breaks == ()
    dates = _months(30, "2019-09-30")              # September 2019 to February 2022
    restructure = Event("launch", dt.date(2021, 1, 4), None, "Teams were restructured", "",
                        intended=True)
    lockdown = Event("lockdown", dt.date(2020, 3, 23), None, "Lockdown", "")   # not intended
    found = spc.rebasing(dates, [restructure, BEGAN, lockdown])
    assert found.breaks == (17,)                   # February 2021: the later of the two is kept
    assert found.sentence.startswith("Limits recalculated from February 2021, when Family "
                                     "Safeguarding began, a change the council intended.")
    assert "Not recalculated from January 2021 (when Teams were restructured)" in found.sentence
    assert "12 months or more" in found.sentence
    assert spc.rebasing(dates[:20], [BEGAN]).breaks == ()    # only 3 months after it


def test_the_unusual_change_chart_draws_stepped_limits_and_says_so():
    starts = pd.Series(BEFORE + AFTER, index=_months(24))   # February 2020 to January 2022
    block, badge = spc_block(starts, [BEGAN], "down", "Starts",
                             ("Starts", "Starts each month", "Children", "Started"), "starts")
    assert "Since February 2021, starts averaged 22 a month; a month from 16 to 28" in block.reading
    assert ("Limits recalculated from February 2021, when Family Safeguarding began, a change "
            "the council intended.") in block.reading
    assert list(block.table["Usual range"].iloc[[0, -1]]) == ["5 to 15", "16 to 28"]
    average = next(t for t in block.figure.data if t.name == "Average")
    assert list(average.y) == [10, 10, None, pytest.approx(21.8333, abs=1e-4),
                               pytest.approx(21.8333, abs=1e-4)]
    assert badge[0] == spc.ICONS["common"][0]


def test_at_a_glance_uses_the_same_rebased_limits():
    values = pd.Series([float(v) for v in BEFORE + AFTER], index=_months(24))
    assert changes.signal(values, "referrals", "all", "X").rule in {"shift", "two_of_three"}
    assert changes.signal(values, "referrals", "all", "X", [BEGAN]) is None


def test_a_signal_just_after_an_event_names_it():
    wobble = [100 + w for w in [3, -3, 2, -2, 1, -1] * 4]
    values = pd.Series([float(v) for v in wobble[:-1] + [60]], index=_months(24, "2019-04-30"))
    began = dataclasses.replace(BEGAN, intended=False)          # March 2021 is the last month
    found = changes.signal(values, "starts", "all", "Lancashire", [began])
    assert found.sentence().startswith("Children starting care in Lancashire fell below the "
                                       "usual range in March 2021 (60; usual range")
    assert found.sentence().endswith("), a month after Family Safeguarding began. That is better.")
    long_ago = dataclasses.replace(began, start=dt.date(2020, 9, 1))
    assert "after" not in changes.signal(values, "starts", "all", "X", [long_ago]).sentence()


def test_a_span_is_shaded_labels_stay_inside_and_a_quarterly_table_names_the_quarter():
    months = _months(24)                                    # February 2020 to January 2022
    frame = pd.DataFrame({"as_at": months, "value": range(24)})
    block = ChartBlock("Starts", "Starts rose.", charts.monthly_lines(
        frame, [("value", "Starts", "blue", "solid")], "Starts", "Children"),
        pd.DataFrame({"Month end": dates_column(months), "Starts": range(24)}), "starts")
    lockdown = Event("lockdown", dt.date(2020, 3, 23), dt.date(2020, 7, 4), "Lockdown", "")
    late = Event("late", dt.date(2022, 1, 20), None, "New system", "", measures=("referrals",))
    marked = event_marks.marked(block, [lockdown, BEGAN, late], ("cla_starts",))
    assert marked.reading == ("Starts rose. Events in this period, numbered on the chart: (1) "
                              "Lockdown, from 23 March 2020 to 4 July 2020; (2) Family "
                              "Safeguarding began, 11 February 2021.")      # not the referrals'
    assert [shape.type for shape in marked.figure.layout.shapes] == ["rect", "line", "line"]
    assert list(marked.table.loc[marked.table["Event"] != "", "Month end"]) == [
        "31 March 2020", "28 February 2021"]
    assert block.figure.layout.shapes == ()                       # the block given is unchanged
    right = event_marks.marked(block, [late])
    assert right.figure.layout.annotations[0].xanchor == "right"  # near the right-hand edge
    bare = event_marks.marked(dataclasses.replace(block, figure=None), [BEGAN])
    assert bare.reading.endswith("Events in this period: (1) Family Safeguarding began, "
                                 "11 February 2021.")
    quarters = pd.DataFrame({"Quarter began": ["October 2020", "January 2021", "April 2021"]})
    by_quarter = event_marks.marked(dataclasses.replace(block, figure=None, table=quarters),
                                    [BEGAN, late])
    assert list(by_quarter.table["Event"]) == ["", "(1) Family Safeguarding began", ""]


def test_a_change_intended_for_part_of_an_area_does_not_recalculate_the_whole_area_s_limits():
    council = load_council()
    hub = dataclasses.replace(BEGAN, areas=(NORTH_DISTRICT,))
    north = dataclasses.replace(BEGAN, areas=("NORTH",))
    assert event_marks.covers(hub, NORTH_DISTRICT, council)
    assert not event_marks.covers(hub, "NORTH", council)
    assert not event_marks.covers(hub, WHOLE_COUNCIL, council)
    assert event_marks.covers(north, NORTH_DISTRICT, council)
    assert event_marks.covers(north, "NORTH", council)
    assert not event_marks.covers(north, WHOLE_COUNCIL, council)
    assert event_marks.covers(BEGAN, EAST_DISTRICT, council)       # names no area: every one


# --- On the demo store, with events the Data page would add ------------------------------------

AS_AT = dt.date(2026, 9, 30)
EAST_DISTRICT, NORTH_DISTRICT = "E07000117", "E07000121"
THRESHOLDS = "Front door thresholds changed"
HUB = "Referral hub opened"


@pytest.fixture(scope="module")
def with_events(demo_db, tmp_path_factory):
    """A copy of the demo store loaded with an events.csv (as a council loads one): an event in
    one district (every measure), one for a signal (children on plans in E07000126, a month
    before July 2026's) and a change intended for referrals in another district."""
    folder = tmp_path_factory.mktemp("events")
    db = copy_of_store(demo_db, folder)
    rows = [("thresholds", "15/06/2024", THRESHOLDS, EAST_DISTRICT, "", "N"),
            ("plans", "10/06/2026", "Conference chairs changed", "E07000126", "cp_plans", "N"),
            ("hub", "10/05/2024", HUB, NORTH_DISTRICT, "referrals", "Y")]
    pd.DataFrame([(i, start, "", title, "", areas, measures, intended, "")
                  for i, start, title, areas, measures, intended in rows],
                 columns=EXTRACT_BY_FILE["events.csv"].columns).to_csv(folder / "events.csv",
                                                                        index=False)
    assert load_paths([folder / "events.csv"], db).rows["events.csv"] == 3
    con = store.connect_readonly(db)
    yield con
    con.close()


def _over_dates(figure) -> bool:
    """Whether a figure's x axis is dates."""
    for trace in figure.data:
        xs = [x for x in (trace.x if trace.x is not None else ()) if x is not None]
        if xs:
            return isinstance(xs[0], (dt.date, np.datetime64))
    return False


def _time_blocks(view) -> dict[str, ChartBlock]:
    """A view's charts over dates, with a table of dates."""
    return {f.name: getattr(view, f.name) for f in dataclasses.fields(view)
            if isinstance(getattr(view, f.name), ChartBlock)
            and getattr(view, f.name).figure is not None
            and _over_dates(getattr(view, f.name).figure)
            and event_marks.dates(getattr(view, f.name).table) is not None}


def _shows(block: ChartBlock, title: str) -> bool:
    """Whether a chart's reading, table (so its CSV), and figure all name the event."""
    named = [title in block.reading, "Event" in block.table and title in csv_text(block.table),
             any(title in (a.hovertext or "") for a in block.figure.layout.annotations)]
    assert all(named) or not any(named), named
    return all(named)


def test_an_event_is_on_every_chart_whose_span_and_area_it_concerns(with_events):
    council = load_council()
    figures = Figures(Published(with_events.cursor, council), True)
    for area, period, as_at, expected in (
            (EAST_DISTRICT, "all", AS_AT, True), ("EAST", "5y", AS_AT, True),
            (WHOLE_COUNCIL, "5y", AS_AT, True), (NORTH_DISTRICT, "all", AS_AT, False),
            (EAST_DISTRICT, "2y", dt.date(2024, 3, 31), False)):
        blocks = {**_time_blocks(care_view(with_events, figures, council, as_at, area,
                                           period_key=period)),
                  **{f"front door {k}": b for k, b in _time_blocks(
                      front_door_view(with_events, figures, council, as_at, area)).items()}}
        assert len(blocks) >= 6, blocks.keys()
        for name, block in blocks.items():
            assert _shows(block, THRESHOLDS) == expected, (area, as_at, name)
    # The target chart as the Overview and the board pack take it (not through care_view).
    assert _shows(target_section(with_events, figures, council, AS_AT, EAST_DISTRICT)["target"],
                  THRESHOLDS)
    team = next(t.code for t in council.teams if EAST_DISTRICT in t.districts)
    other = next(t.code for t in council.teams if EAST_DISTRICT not in t.districts)
    director, in_year = Scope("director"), dt.date(2025, 3, 31)   # the team's chart: 12 months
    assert _shows(team_view(with_events, council, director, team, in_year).flows, THRESHOLDS)
    assert not _shows(team_view(with_events, council, director, other, in_year).flows, THRESHOLDS)
    assert not _shows(team_view(with_events, council, director, team, AS_AT).flows, THRESHOLDS)
    trend = care_view(with_events, figures, council, AS_AT, EAST_DISTRICT, period_key="all").trend
    row = trend.table[trend.table["Event"].str.contains(THRESHOLDS)]
    assert list(row["Month end"]) == ["30 June 2024"] and "15 June 2024" in trend.reading
    numbered = trend.table["Event"].str.count(r"\(\d+\)").sum()
    lines = [s for s in trend.figure.layout.shapes if s.type == "line"]
    assert len(lines) == len(trend.figure.layout.annotations) == numbered >= 4   # programme's 3


def test_the_front_door_s_limits_are_recalculated_from_a_change_for_its_area_alone(with_events):
    council = load_council()
    figures = Figures(Published(with_events.cursor, council), True)
    said = f"Limits recalculated from May 2024, when {HUB}, a change the council intended."
    there = front_door_view(with_events, figures, council, AS_AT, NORTH_DISTRICT).unusual
    assert said in there.reading and "Since May 2024, referrals averaged" in there.reading
    ranges = there.table.set_index("Month end")["Usual range"]
    assert ranges["30 April 2024"] != ranges["31 May 2024"] == ranges["30 September 2026"]
    whole = front_door_view(with_events, figures, council, AS_AT, WHOLE_COUNCIL).unusual
    assert HUB in whole.reading and said not in whole.reading      # drawn, not rebased on


def test_a_signal_after_an_event_names_it_at_a_glance_and_in_the_pack(with_events):
    council, as_at = load_council(), dt.date(2026, 7, 31)
    figures = Figures(Published(with_events.cursor, council), True)
    signals = glance.scan(with_events, figures, council, as_at)
    plans = next(s for s in signals if s.measure == "cp_plans" and s.area == "E07000126")
    assert plans.sentence().split(". ")[0].endswith(", a month after Conference chairs changed")
    assert all("Conference chairs" not in s.sentence() for s in signals if s.measure != "cp_plans")
    pack = build_pack(with_events, council, Scope("director"), as_at, "E07000126", sections=())
    assert f"• {plans.sentence()}" in pack.pages[0].parts      # "What changed", word for word
