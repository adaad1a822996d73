"""The Scenarios page as a determined cabinet member would read it: the rates it shows, times the
published population, and over 24 or 36 months less the 12-month totals shown elsewhere, give
back no hidden starts or ceases count, for every area, reference period and month offered."""

import datetime as dt
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest

from fsdash.access import Figures, Published
from fsdash.access.published import districts_of
from fsdash.access.suppression import recoverable
from fsdash.config import load_council
from fsdash.projection import disclosure, flows
from fsdash.views import scenarios

REFERENCES = tuple(months for _, months in scenarios.REFERENCE_PERIODS.values())
STARTS = "Starts a year per 10,000 children"
# Each model band's ages as the published age groups (AGE_GROUPS) they cover.
GROUPS_OF_BAND = {"Under 1": (0,), "1 to 4": (1,), "5 to 9": (2,), "10 and 11": (3,),
                  "12 to 15": (4,), "16 and 17": (5,), "Under 12": (0, 1, 2, 3),
                  "12 to 17": (4, 5)}


@pytest.fixture(scope="module")
def seen(demo_con):
    """The cabinet's figures, the analyst's, and each area's flows of care."""
    council = load_council()
    published = Published(lambda: demo_con.cursor(), council)
    histories = {area: scenarios.planning(demo_con, council, area).history
                 for area in scenarios.area_options(council)}
    return council, Figures(published, True), Figures(published, False), histories


def _views(figures, histories, bands_for, references=REFERENCES):
    """Every rates table the page offers: (area, reference months, index of the month, bands,
    table), with ``bands_for`` choosing each one's bands (None: not shown)."""
    for area, history in histories.items():
        for reference in references:
            for last in range(reference, len(history.months)):
                bands = bands_for(figures, area, history, last, reference)
                if bands is not None:
                    yield area, reference, last, bands, scenarios.rates_table(
                        history, history.months[last], reference, bands)


def _cabinet_bands(figures, area, history, last, reference):
    return disclosure.projection_bands(figures, area, history, last, reference).bands


def _starts_worked_back(history, last, reference, bands, table) -> dict[str, float]:
    """Each band's starts over the reference period: the rate shown times the population."""
    population = history.population[last - reference + 1:last + 1].sum(axis=0)
    rates = table.set_index("Age")[STARTS]
    return {name: rates[name] / 12 / 10_000 * population[low:high + 1].sum()
            for name, low, high in bands}


def test_the_attack_works_on_rates_from_every_count(seen):
    """The attack as issue 24 found it: rates from raw flows (what the page showed every role)
    give back the cabinet's hidden 12-month starts of the council and its localities."""
    council, cabinet, analyst, histories = seen
    months = next(iter(histories.values())).months
    starts = cabinet.counts("starts", months)
    hidden = starts[starts["shown"].isna() & (starts["value"] >= 1)]
    hidden = hidden[hidden.index.get_level_values("area").isin(list(histories))]
    recovered = 0
    for area, reference, last, bands, table in _views(
            analyst, histories, lambda *_: flows.BANDS, references=(12,)):
        worked = _starts_worked_back(histories[area], last, reference, bands, table)
        for band, value in worked.items():
            age = {"Under 1": "under1", "1 to 4": "1-4", "5 to 9": "5-9",
                   "16 and 17": "16plus"}.get(band)
            key = (pd.Timestamp(months[last]), area, age)
            if age and key in hidden.index and round(value) == hidden.loc[key, "value"]:
                recovered += 1
    print(f"\nRates from every count give back {recovered} of {len(hidden)} hidden 12-month "
          "starts figures of the council and its localities")
    assert recovered > len(hidden) / 2


def _known_rows(council, histories, views):
    """What the cabinet knows of ``family`` from the Scenarios page, as rows over cells (12-month
    date, district, age group): each shown band's total over its reference period (conservatively,
    starts and ceases alike, whether or not a rate shows it exactly)."""
    rows = defaultdict(list)     # by the dates' month (12-month totals chain a year apart)
    for area, reference, last, bands, _ in views:
        months = histories[area].months
        spans = tuple(months[last - 12 * k] for k in range(reference // 12))
        for name, _, _ in bands:
            rows[spans[0].month].append((spans, districts_of(council, area),
                                         GROUPS_OF_BAND[name]))
    return rows


def _recovered(council, figures, family, dates, extra_rows) -> list[tuple]:
    """Hidden figures of ``family`` (from 1 up) on ``dates`` that the shown figures of every area
    and age choice on those dates, with ``extra_rows``, determine."""
    published = figures.published
    layout = published.layouts[True]
    cells = layout.cells
    width = len(cells)
    position = {day: i for i, day in enumerate(dates)}
    counts = figures.counts(family, dates)
    matrix, hidden, names = [], [], []
    for day in dates:
        frame = counts.xs(pd.Timestamp(day), level="as_at")
        block = np.zeros((len(layout.matrix), width * len(dates)))
        block[:, position[day] * width:(position[day] + 1) * width] = layout.matrix
        matrix.append(block)
        hidden.append(frame["shown"].isna().to_numpy() & (frame["value"] >= 1).to_numpy())
        names += [(day, *key) for key in layout.figures]
    for spans, districts, groups in extra_rows:
        row = np.zeros(width * len(dates))
        for day in spans:
            chosen = cells.get_level_values("district").isin(districts) & \
                cells.get_level_values("age_group").isin(groups)
            row[position[day] * width:(position[day] + 1) * width] += chosen
        matrix.append(row[None])
        hidden.append(np.zeros(1, bool))
    matrix, hidden = np.vstack(matrix), np.concatenate(hidden)
    found = recoverable(matrix, hidden)
    return [names[i] for i in np.flatnonzero(found[:len(names)])]


@pytest.fixture(scope="module")
def cabinet_views(seen):
    """Every rates table the cabinet is shown."""
    _, cabinet, _, histories = seen
    return list(_views(cabinet, histories, _cabinet_bands))


@pytest.mark.parametrize("family", ["starts", "ceases"])
def test_no_hidden_starts_or_ceases_come_back_from_the_cabinets_scenarios(seen, cabinet_views,
                                                                          family):
    """Every rates table the cabinet is offered, by rate times population and over 24 or 36
    months less the 12-month totals: no hidden figure of the council, a locality or a district
    is determined by them with the figures shown beside them."""
    council, cabinet, _, histories = seen
    views = cabinet_views
    offered = sum(len(h.months) - r for h in histories.values() for r in REFERENCES)
    print(f"\nThe cabinet is shown {len(views)} of {offered} rates tables "
          f"({sum(v[3] == flows.COARSE_BANDS for v in views)} by broad bands)")
    assert views, "the cabinet sees no projection at all"
    rows = _known_rows(council, histories, views)
    months = next(iter(histories.values())).months
    for extra in rows.values():
        dates = sorted({day for spans, _, _ in extra for day in spans})
        assert _recovered(council, cabinet, family, dates, extra) == []
    assert _recovered(council, cabinet, family, [months[-1]], []) == []


def test_the_cabinet_is_told_why_a_projection_or_its_parts_are_not_shown(seen, demo_con):
    council, cabinet, _, histories = seen
    area = next(a for a in histories if a != "all")
    history = histories[area]
    as_at = history.months[-1]
    plan = scenarios.planning(demo_con, council, area)
    view = scenarios.scenarios_view(demo_con, cabinet, council, plan, as_at, area,
                                    scenarios.Scenario(dt.date(2027, 1, 31)), "24", 10, 3)
    chosen = disclosure.projection_bands(cabinet, area, history, len(history.months) - 1, 24)
    if chosen.coarse:
        assert "would rest on numbers small enough to be hidden" in view.rates.reading
        assert list(view.rates.table["Age"]) == ["Under 12", "12 to 17"]
    for block in (view.costs, view.accuracy):
        assert block.figure is not None or "small enough to be hidden" in block.reading \
            or "not yet enough history" in block.reading
