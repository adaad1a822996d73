"""The Scenarios page's placement costs: weekly costs per placement group from the council file
times the children the projection expects in each group, year by year, with and without the
scenario. The cost hardly moves from month to month, so a line of it would be flat: with a scenario, each
year's total is shown beside the scenario's, the difference labelled; with none, where the money
goes, placement group by placement group."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fsdash import charts
from fsdash.config import Council
from fsdash.formatting import month
from fsdash.projection import flows
from fsdash.projection.scenario import Outlook, Scenario
from fsdash.views.care import ChartBlock

TITLE, STEM = "Placement costs", "placement-costs"
SMALLEST_DIFFERENCE = 50_000     # pounds: a year's difference under this is shown as none


def weekly_costs(council: Council) -> np.ndarray | None:
    """The weekly cost of each placement group, or None where the council has not set them all."""
    if any(group not in council.placement_costs for group in flows.GROUPS):
        return None
    return np.array([council.placement_costs[group].weekly for group in flows.GROUPS])


def millions(pounds: float) -> str:
    """Pounds in millions to one decimal place, as a sentence says them."""
    return f"£{pounds / 1e6:,.1f} million"


def yearly(monthly: pd.Series) -> pd.DataFrame:
    """Monthly costs added up in projection years of 12 months from the first month (the last
    may be shorter): each year's label and total."""
    rows = []
    for first in range(0, len(monthly), 12):
        part = monthly.iloc[first:first + 12]
        start, end = part.index[0].date(), part.index[-1].date()
        label = (f"Year to {month(end)}" if len(part) == 12
                 else f"{month(start)} to {month(end)} ({len(part)} months)")
        rows.append({"year": label, "pounds": part.sum()})
    return pd.DataFrame(rows)


def costs_block(result: Outlook, council: Council, scenario: Scenario,
                withheld_for: str | None) -> ChartBlock:
    """Placement costs with and without the scenario; ``withheld_for`` names the area where
    they would give back a hidden number of children in a placement group."""
    if withheld_for is not None:
        return ChartBlock(TITLE, f"Placement costs for {withheld_for} are not shown: they rest "
                          "on the number of children in each placement group, and some of those "
                          "numbers are small enough to be hidden.", None, pd.DataFrame(), STEM)
    if result.weekly_costs is None:
        missing = [g for g in flows.GROUPS if g not in council.placement_costs]
        return ChartBlock(TITLE, "Placement costs are not shown: the council configuration has "
                          f"no weekly cost for {', '.join(missing)}.", None, pd.DataFrame(), STEM)
    base = yearly(result.monthly_costs("baseline"))
    changed = yearly(result.monthly_costs("scenario"))
    years = base.assign(scenario=changed["pounds"], saved=base["pounds"] - changed["pounds"])
    period = f"from {month(result.months[1])} to {month(result.months[-1])}"
    reading = (f"If the rates of the reference period carry on, placements would cost about "
               f"{millions(base['pounds'].sum())} {period}, "
               f"{_each_year(base)}.")
    illustrative = " The weekly costs are illustrative until the council sets its own."
    if scenario.is_baseline:
        groups = result.costs_by_group("baseline")
        reading += (f" The most, {millions(groups.max())}, would go on "
                    f"{groups.idxmax().lower()}. Move the sliders to see what a scenario would "
                    f"change.{illustrative}")
        return ChartBlock(TITLE, reading, _groups_chart(groups, period), _table(result, years),
                          STEM)
    if (years["saved"].abs() < SMALLEST_DIFFERENCE).all():
        return ChartBlock(TITLE, reading + " The scenario changes this by less than "
                          f"{millions(SMALLEST_DIFFERENCE)} in any year, so there is no "
                          "difference to show." + illustrative, None, pd.DataFrame(), STEM)
    saved = years["saved"].sum()
    reading += (f" With the scenario they would cost about {millions(changed['pounds'].sum())}: "
                f"{_difference(saved)} over the period, {_difference(years['saved'].iloc[-1])} "
                f"in the last year shown.{illustrative}")
    return ChartBlock(TITLE, reading, _chart(years), _table(result, years), STEM)


def _each_year(base: pd.DataFrame) -> str:
    low, high = base["pounds"].min(), base["pounds"].max()
    if millions(low) == millions(high):
        return f"about {millions(low)} a year"
    return f"between {millions(low)} and {millions(high)} a year"


def _difference(saved: float) -> str:
    return f"{millions(abs(saved))} {'less' if saved >= 0 else 'more'}"


def _chart(years: pd.DataFrame):
    """Each projection year's cost if rates carry on beside its cost with the scenario, the
    difference under the year's label."""
    frame = pd.DataFrame({"category": years["year"], "baseline": years["pounds"] / 1e6,
                          "scenario": years["scenario"] / 1e6})
    figure = charts.paired_bars(frame, "Placement costs each year, with and without the "
                                "scenario", ("baseline", "If rates carry on"),
                                ("scenario", "With the scenario"), decimals=1)
    labels = [f"{year}<br>{_difference(saved)}"
              for year, saved in zip(years["year"], years["saved"])]
    figure.update_traces(y=labels)
    figure.update_xaxes(title_text="Cost in the year, £ million", tickprefix="£")
    return figure


def _groups_chart(groups: pd.Series, period: str):
    """The cost of each placement group over the projection, if rates carry on."""
    in_millions = (groups / 1e6).round(1)
    figure = charts.value_bars(in_millions.set_axis([charts.wrapped(g, 16) for g in groups.index]),
                               f"Placement costs by placement group {period}, if rates carry "
                               "on", "Cost over the period, £ million")
    figure.update_yaxes(tickprefix="£")
    figure.update_traces(texttemplate="£%{y:,.1f}m")
    return figure


def _table(result: Outlook, years: pd.DataFrame) -> pd.DataFrame:
    """Each year's costs, then each placement group's over the whole period."""
    by_year = pd.DataFrame({
        "Year or placement group": years["year"], "Weekly cost (£)": "",
        "If rates carry on (£ million)": (years["pounds"] / 1e6).round(1),
        "With the scenario (£ million)": (years["scenario"] / 1e6).round(1)})
    by_group = pd.DataFrame({
        "Year or placement group": list(flows.GROUPS),
        "Weekly cost (£)": [f"{c:,.0f}" for c in result.weekly_costs],
        "If rates carry on (£ million)": (result.costs_by_group("baseline") / 1e6).round(1)
                                          .to_numpy(),
        "With the scenario (£ million)": (result.costs_by_group("scenario") / 1e6).round(1)
                                          .to_numpy()})
    return pd.concat([by_year, by_group], ignore_index=True)
