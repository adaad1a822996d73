"""The Scenarios page's view: where the numbers of under-12s and of all children in care are
heading if the rates of a reference period carry on, and under a scenario; the chance of meeting
the aim (the council's target in force, or an aim set on the page); what it would take; placement
costs; how accurate the flow model and the trend have been; and the rates the model uses.

For a role whose small numbers are hidden, every figure here rests only on published counts the
role sees (``fsdash.projection.disclosure``): the model's rates are taken by narrower or broader
age bands, or the projection, the back-test or the costs are left out with a sentence saying
why. ``projection_bands``, ``back_test_bands`` and ``costs_hidden`` there decide it, and
``rates_table`` gives the rates a role is shown, so that tests can try to work hidden figures
back from them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from fsdash import charts, metrics
from fsdash.access import Figures
from fsdash.config import WHOLE_COUNCIL, Council
from fsdash.formatting import long_date, month, round_half_up
from fsdash.metrics import sources
from fsdash.projection import backtest, disclosure, flows
from fsdash.projection.scenario import Outlook, Scenario, outlook, starts_fall_needed
from fsdash.projection.trend import chance_in_words
from fsdash.views.care import ChartBlock

REFERENCE_PERIODS = {"24": ("The last 2 years", 24), "12": ("The last year", 12),
                     "36": ("The last 3 years", 36)}
SHOWN_MONTHS = 36     # months of actual counts drawn before the projection


class CannotProject(ValueError):
    """No projection can be shown for the chosen area, month and reference period."""


class NotEnoughHistory(CannotProject):
    """The store holds too few months before the chosen month to estimate the rates."""


class RestsOnHiddenFigures(CannotProject):
    """The rates would rest on figures hidden from the role, even by the broadest bands."""


@dataclass(frozen=True)
class Planning:
    """What the page needs from the store for an area, whatever the scenario: the monthly flows
    of care and the back-test (by the narrow age bands; ``test_by`` gives it by others)."""

    history: flows.History
    test: backtest.BackTest | None
    other_tests: dict = field(default_factory=dict, compare=False, repr=False)

    def test_by(self, bands) -> backtest.BackTest | None:
        """The back-test with rates by ``bands``."""
        if bands == flows.BANDS:
            return self.test
        if bands not in self.other_tests:
            self.other_tests[bands] = backtest.back_test(self.history, bands=bands)
        return self.other_tests[bands]


@dataclass(frozen=True)
class Aim:
    """What the under-12s are measured against: the council's target in force, or (``agreed``
    False) an aim set on the page for planning."""

    label: str
    baseline_date: dt.date
    baseline: float
    annual_change: float
    end: dt.date
    value: int
    agreed: bool
    source: str

    def path(self) -> pd.DataFrame:
        """The aim at each month end from its start to its end."""
        days = pd.date_range(pd.Timestamp(self.baseline_date) + pd.offsets.MonthEnd(0),
                             pd.Timestamp(self.end) + pd.offsets.MonthEnd(0), freq="ME")
        years = [(d - pd.Timestamp(self.baseline_date)).days / 365.25 for d in days]
        values = [self.baseline * (1 + self.annual_change) ** min(y, self.years) for y in years]
        values[-1] = self.value
        return pd.DataFrame({"as_at": days, "value": values})

    @property
    def years(self) -> float:
        return (self.end - self.baseline_date).days / 365.25


@dataclass(frozen=True)
class ScenariosView:
    aim: Aim
    summary: str
    under12: ChartBlock
    everyone: ChartBlock
    needed: str
    costs: ChartBlock
    accuracy: ChartBlock
    rates: ChartBlock
    notes: tuple[str, ...]


def area_options(council: Council) -> dict[str, str]:
    """The areas the planner works for: the whole council and each locality (a district has too
    few children for monthly rates to be estimated well)."""
    return {WHOLE_COUNCIL: f"All of {council.short_name}",
            **{code: f"{name} (locality)" for code, name in council.localities.items()}}


NEEDS = ("population", "cla_child", "cla_episode")   # the store tables the projection reads


def planning(con: duckdb.DuckDBPyConnection, council: Council, area: str) -> Planning:
    """The flows of care for an area over every reliable month, and the back-test."""
    lacking = sources.lacking(con, NEEDS)
    if lacking:
        raise NotEnoughHistory(sources.needs("The projection", lacking))
    districts = council.areas()[area] if area != WHOLE_COUNCIL else ()
    history = flows.load_history(con, metrics.reliable_month_ends(con), districts)
    return Planning(history, backtest.back_test(history))


def target_in_force(con: duckdb.DuckDBPyConnection, as_at: dt.date):
    """The council's under-12s target in force on ``as_at``, or None."""
    target = metrics.target_at(con, "cla_under12", as_at)
    return target if target is not None and target.baseline_date <= as_at < target.end else None


def aim_for(con, council: Council, history: flows.History, as_at: dt.date, area: str,
            percent: int, years: int) -> Aim:
    """The council's under-12s target in force on ``as_at``; failing that, an aim of ``percent``
    fewer a year for ``years`` years from ``as_at``, set on the page."""
    target = target_in_force(con, as_at)
    districts = council.areas()[area] if area != WHOLE_COUNCIL else ()
    if target is not None:
        attrs = metrics.target_path(con, target, [as_at], districts).attrs
        return Aim(target.label, target.baseline_date, attrs["baseline"], target.annual_change,
                   target.end, attrs["at_end"], True, target.source)
    now = float(history.stock[history.index(as_at), :12].sum())
    end = metrics.years_after(as_at, years)
    return Aim(f"Under-12s in care down {percent}% a year for {years} years from "
               f"{long_date(as_at)}", as_at, now, -percent / 100, end,
               round_half_up(now * (1 - percent / 100) ** years), False,
               "set on this page for planning; it is not a target the council has agreed")


def scenarios_view(con, figures: Figures, council: Council, plan: Planning, as_at: dt.date,
                   area: str, scenario: Scenario, reference_key: str, aim_percent: int,
                   aim_years: int) -> ScenariosView:
    """Everything the Scenarios page shows for one scenario."""
    history, label = plan.history, council.area_label(area)
    reference_label, reference = REFERENCE_PERIODS[reference_key]
    if as_at not in history.months or history.index(as_at) < reference:
        raise NotEnoughHistory(
            f"A projection from {long_date(as_at)} needs {reference} months of figures before "
            f"it, from {long_date(history.months[0])} at the earliest: choose a later month or "
            "a shorter period to take the rates from.")
    chosen = projection_bands(figures, council, history, as_at, area, reference)
    aim = aim_for(con, council, history, as_at, area, aim_percent, aim_years)
    costs_withheld = disclosure.costs_hidden(figures, area, as_at)
    costs = None if costs_withheld else _weekly_costs(council)
    span = disclosure.RESAMPLED_SPAN if figures.suppress else 1
    result = outlook(history, as_at, aim.end, scenario, reference, costs, chosen.bands, span)
    shown = [d for d in metrics.month_ends(as_at, SHOWN_MONTHS) if d in history.months]
    actual = {ages: figures.series("cla", shown, area, ages) for ages in ("under12", "all")}
    tested = disclosure.back_test_bands(figures, area, history)
    return ScenariosView(
        aim=aim,
        summary=_summary(result, scenario, aim),
        under12=_outlook_block(result, actual["under12"], "under12", scenario, aim, label),
        everyone=_outlook_block(result, actual["all"], "all", scenario, None, label),
        needed=_needed(history, as_at, aim, scenario.start, reference, chosen.bands),
        costs=_costs_block(result, council, scenario, label if costs_withheld else None),
        accuracy=_accuracy_block(plan.test_by(tested.bands) if tested.bands else None,
                                 _back_test_withheld(tested, label)),
        rates=_rates_block(rates_table(history, as_at, reference, chosen.bands),
                           reference_label.lower(), _narrower_hidden(chosen, label)),
        notes=_notes(reference_label, aim, span),
    )


def projection_bands(figures: Figures, council: Council, history: flows.History,
                     as_at: dt.date, area: str, reference: int) -> tuple:
    """The age bands the role's projection from ``as_at`` uses (``disclosure``); raises
    ``RestsOnHiddenFigures`` where even the broadest would rest on a hidden figure."""
    chosen = disclosure.projection_bands(figures, area, history, history.index(as_at), reference)
    if chosen.bands is None:
        other = ("another month or a shorter period to take the rates from"
                 if area == WHOLE_COUNCIL else
                 f"all of {council.short_name}, another month or a shorter period")
        raise RestsOnHiddenFigures(
            f"A projection for {council.area_label(area)} from {long_date(as_at)} cannot be "
            f"shown: its rates would rest on numbers small enough to be hidden (the number of "
            f"{chosen.hidden.words()}). Choose {other}.")
    return chosen


def rates_table(history: flows.History, as_at: dt.date, reference: int,
                bands=flows.BANDS) -> pd.DataFrame:
    """The rates the projection uses by age band, as the page and its download show them:
    starts a year per 10,000 children, and leaving care and moving placement group each month
    (averaged over placement groups)."""
    rates = flows.estimate(history, history.index(as_at), reference, bands=bands)
    ages = [low for _, low, _ in bands]
    leaving = rates.exit.sum(axis=2)[ages].mean(axis=1)
    moving = rates.move.sum(axis=2)[ages].mean(axis=1)
    return pd.DataFrame({"Age": [name for name, _, _ in bands],
                         "Starts a year per 10,000 children":
                             (12 * rates.per_10000()[ages]).round(1),
                         "Leaving care each month (%)": (100 * leaving).round(1),
                         "Moving placement group each month (%)": (100 * moving).round(1)})


def _narrower_hidden(chosen: disclosure.Bands, label: str) -> str | None:
    """Why the rates are by broad bands, where they are."""
    if not chosen.coarse:
        return None
    return (f"The rates are for under-12s and for 12 to 17-year-olds: the narrower age bands "
            f"for {label} would rest on numbers small enough to be hidden (the number of "
            f"{chosen.narrowest_hidden.words()}).")


def _back_test_withheld(tested: disclosure.Bands, label: str) -> str | None:
    if tested.bands is not None:
        return None
    return (f"How accurate past projections for {label} were is not shown: they rest on "
            f"numbers small enough to be hidden (the number of {tested.hidden.words()}).")


def _weekly_costs(council: Council) -> np.ndarray | None:
    if any(group not in council.placement_costs for group in flows.GROUPS):
        return None
    return np.array([council.placement_costs[group].weekly for group in flows.GROUPS])


def _whole(value: float) -> str:
    return f"{round_half_up(value):,}"


def _range(frame: pd.DataFrame, joined: str = "to") -> str:
    end = frame.iloc[-1]
    return f"{_whole(end['low80'])} {joined} {_whole(end['high80'])}"


def _summary(result: Outlook, scenario: Scenario, aim: Aim) -> str:
    """The scenario and its effect in plain words."""
    end = long_date(aim.end)
    base = {ages: result.path("baseline", ages).iloc[-1]["central"] for ages in ("under12", "all")}
    if scenario.is_baseline:
        return (f"No scenario is set: the projection assumes the rates of the reference period "
                f"carry on. By {end} that means about {_whole(base['under12'])} under-12s and "
                f"{_whole(base['all'])} children in care in all. Move the sliders to try a change.")
    new = {ages: result.path("scenario", ages).iloc[-1]["central"] for ages in ("under12", "all")}
    text = (f"{scenario.sentence()} By {end} there would be about {_whole(new['under12'])} "
            f"under-12s in care (against {_whole(base['under12'])} if rates carry on) and "
            f"{_whole(new['all'])} children in all (against {_whole(base['all'])}).")
    chances = [chance_in_words(result.chance_at_or_below(which, "under12", aim.value))
               for which in ("baseline", "scenario")]
    text += (f" Meeting the aim of {aim.value:,} "
             + (f"stays {chances[0]}." if chances[0] == chances[1]
                else f"goes from {chances[0]} to {chances[1]}."))
    if result.weekly_costs is not None:
        saved = (result.monthly_costs("baseline").sum() - result.monthly_costs("scenario").sum())
        text += (f" Placement costs over the period would be about {_millions(abs(saved))} "
                 f"{'lower' if saved >= 0 else 'higher'}.")
    return text


def _millions(pounds: float) -> str:
    return f"£{pounds / 1e6:,.1f} million"


def _outlook_block(result: Outlook, actual: pd.Series, ages: str, scenario: Scenario,
                   aim: Aim | None, label: str) -> ChartBlock:
    who = "under-12s" if ages == "under12" else "children"
    title = ("Under-12s in care: where the number is heading" if ages == "under12"
             else "All children in care: where the number is heading")
    stem = "projection-under-12s" if ages == "under12" else "projection-all-children"
    if actual.isna().any():
        return ChartBlock(title, f"The number of {who} in care in {label} is too small to "
                          "project without risk of identifying children.", None,
                          pd.DataFrame(), stem)
    base = result.path("baseline", ages)
    changed = None if scenario.is_baseline else result.path("scenario", ages)
    reading = (f"If the rates of the reference period carry on, there will be about "
               f"{_whole(base.iloc[-1]['central'])} {who} in care in {label} at the end of "
               f"{month(result.months[-1])} (8 times in 10 between {_range(base, 'and')}).")
    if aim is not None:
        chance = chance_in_words(result.chance_at_or_below("baseline", ages, aim.value))
        reading += (f" The aim is {aim.value:,} by {long_date(aim.end)}: on this estimate, "
                    f"meeting it is {chance}.")
    if changed is not None:
        reading += (f" With the scenario: about {_whole(changed.iloc[-1]['central'])} "
                    f"({_range(changed)}).")
    figure = charts.outlook_chart(
        actual.set_axis(pd.to_datetime(actual.index)), base, changed,
        aim.path() if aim is not None else None,
        f"{'Under-12s' if ages == 'under12' else 'Children'} in care, {label}",
        "Children aged under 12" if ages == "under12" else "Children")
    return ChartBlock(title, reading, figure, _outlook_table(actual, base, changed), stem)


def _outlook_table(actual: pd.Series, base: pd.DataFrame, changed: pd.DataFrame | None):
    past = pd.DataFrame({"Month end": [long_date(pd.Timestamp(d).date()) for d in actual.index],
                         "Actual": [_whole(v) for v in actual]})
    later = base.iloc[1:]
    future = pd.DataFrame({"Month end": [long_date(d.date()) for d in later["as_at"]],
                           "If rates carry on": [_whole(v) for v in later["central"]],
                           "Low (8 in 10)": [_whole(v) for v in later["low80"]],
                           "High (8 in 10)": [_whole(v) for v in later["high80"]]})
    if changed is not None:
        future["With the scenario"] = [_whole(v) for v in changed.iloc[1:]["central"]]
    return pd.concat([past, future], ignore_index=True).fillna("")


def _needed(history: flows.History, as_at: dt.date, aim: Aim, start: dt.date,
            reference: int, bands) -> str:
    """What fall in under-12s' starts alone would meet the aim (on the central projection)."""
    fall = starts_fall_needed(history, as_at, aim.end, start, reference, aim.value, bands)
    if fall is None:
        return (f"Fewer starts alone cannot meet the aim: even if no under-12s started care from "
                f"{month(start)}, more would still be in care on {long_date(aim.end)} than "
                f"{aim.value:,}. Meeting it would also take more children leaving care to live "
                "with a family.")
    if fall == 0:
        return (f"If the rates of the reference period carry on, the projection meets the aim "
                f"of {aim.value:,} by {long_date(aim.end)} with no change.")
    return (f"To meet the aim of {aim.value:,} by {long_date(aim.end)} through fewer starts "
            f"alone, about {round_half_up(100 * fall)}% fewer under-12s would need to start care "
            f"each month from {month(start)}. More children leaving care to live with a family "
            "would lower the fall needed.")


def _costs_block(result: Outlook, council: Council, scenario: Scenario,
                 withheld_for: str | None) -> ChartBlock:
    """Placement costs with and without the scenario; ``withheld_for`` names the area where
    they would give back a hidden number of children in a placement group."""
    title, stem = "Placement costs", "placement-costs"
    if withheld_for is not None:
        return ChartBlock(title, f"Placement costs for {withheld_for} are not shown: they rest "
                          "on the number of children in each placement group, and some of those "
                          "numbers are small enough to be hidden.", None, pd.DataFrame(), stem)
    if result.weekly_costs is None:
        missing = [g for g in flows.GROUPS if g not in council.placement_costs]
        return ChartBlock(title, "Placement costs are not shown: the council configuration has "
                          f"no weekly cost for {', '.join(missing)}.", None, pd.DataFrame(), stem)
    base, changed = result.monthly_costs("baseline"), result.monthly_costs("scenario")
    reading = (f"If the rates of the reference period carry on, placements would cost about "
               f"{_millions(base.sum())} from {month(result.months[1])} to "
               f"{month(result.months[-1])}.")
    frame = pd.DataFrame({"as_at": base.index, "baseline": base.to_numpy() / 1e6,
                          "scenario": changed.to_numpy() / 1e6})
    lines = [("baseline", "If rates carry on", "blue", "dot")]
    if not scenario.is_baseline:
        saved = base.sum() - changed.sum()
        reading += (f" With the scenario they would cost about {_millions(changed.sum())}: "
                    f"{_millions(abs(saved))} {'less' if saved >= 0 else 'more'}.")
        lines.append(("scenario", "With the scenario", "orange", "dash"))
    reading += " The weekly costs are illustrative until the council sets its own."
    by_group = pd.DataFrame({"Placement group": list(flows.GROUPS),
                             "Weekly cost (£)": [f"{c:,.0f}" for c in result.weekly_costs],
                             "If rates carry on (£ million)":
                                 (result.costs_by_group("baseline") / 1e6).round(1).to_numpy(),
                             "With the scenario (£ million)":
                                 (result.costs_by_group("scenario") / 1e6).round(1).to_numpy()})
    figure = charts.monthly_lines(frame, lines, "Placement costs each month, £ million",
                                  "£ million a month")
    return ChartBlock(title, reading, figure, by_group, stem)


def _accuracy_block(test: backtest.BackTest | None, withheld: str | None) -> ChartBlock:
    title, stem = "How accurate the projections have been", "projection-accuracy"
    if withheld is not None:
        return ChartBlock(title, withheld, None, pd.DataFrame(), stem)
    if test is None:
        return ChartBlock(title, "There is not yet enough history to test the projections: it "
                          "needs at least three years of monthly figures.", None, pd.DataFrame(),
                          stem)
    rows = test.errors[test.errors["measure"] == "under12"]
    wide = rows.pivot(index="origin", columns="method", values="error_pct").reset_index()
    frame = pd.DataFrame({"as_at": pd.to_datetime(wide["origin"]), "flow": wide["flow"],
                          "trend": wide["trend"]})
    figure = charts.monthly_lines(
        frame, [("flow", "Flow model", "blue", "solid"), ("trend", "Trend", "orange", "dash")],
        "Error of each forecast of under-12s a year ahead, by the month it was made from",
        "Error, % of the actual number")
    table = test.errors.assign(
        origin=[long_date(d) for d in test.errors["origin"]],
        measure=test.errors["measure"].map({k: v[0] for k, v in backtest.MEASURES.items()}),
        method=test.errors["method"].map(backtest.METHODS),
        forecast=test.errors["forecast"].round(0), error_pct=test.errors["error_pct"].round(1),
    ).rename(columns={"origin": "Forecast made at", "measure": "Measure", "method": "Method",
                      "forecast": "Forecast", "actual": "Actual", "error_pct": "Error (%)"})
    reading = f"{test.sentence('under12')} For all children: " + test.sentence("all").split(
        "each using only the data before it, ")[1]
    return ChartBlock(title, reading, figure, table, stem)


def _rates_block(table: pd.DataFrame, period: str, broad_because: str | None) -> ChartBlock:
    """The rates the projection uses by age band: starts, leaving and moving."""
    starts = table.set_index("Age")["Starts a year per 10,000 children"]
    figure = charts.value_bars(starts, "Children starting care a year for every 10,000 "
                               "children, by age", "Per 10,000 children")
    high, low = starts.idxmax(), starts.idxmin()
    likeliest = (f"children of every age were about as likely to start care ({starts[high]:g} a "
                 "year for every 10,000)" if starts[high] == starts[low] else
                 f"children aged {high.lower()} were the most likely to start care "
                 f"({starts[high]:g} a year for every 10,000) and those aged {low.lower()} the "
                 f"least ({starts[low]:g})")
    reading = (f"Over {period}, {likeliest}. Leaving and moving are shown averaged over "
               "placement groups; the model uses each group's own rates.")
    if broad_because:
        reading = f"{broad_because} {reading}"
    return ChartBlock("The rates the projection uses", reading, figure, table, "projection-rates")


def _notes(reference_label: str, aim: Aim, span: int) -> tuple[str, ...]:
    notes = [f"{aim.label}. Source: {aim.source}."]
    drawn = "months" if span == 1 else "period's years"
    notes.append(
        f"How the projection works: each month, children start care at the rate for their age "
        f"seen over {reference_label.lower()}, move between placement groups and leave care at "
        "the rates for their age and placement, and grow a month older; at 18 they leave care. "
        f"The ranges come from re-running it many times with the reference {drawn} drawn at "
        "random and each month's "
        "starts and moves left to chance. The population is held at the "
        "latest mid-year estimate. The ranges leave out changes no one can foresee, such as new "
        "law or a change in practice, so they are more likely too narrow than too wide.")
    return tuple(notes)


GLOSSARY = {
    "Flow model": "A projection that follows children into care, between placements and out "
                  "of care, month by month, at rates seen in the past (a stock-and-flow model).",
    "Trend": "A projection that extends the recent steady percentage change in the count (the "
             "Children in care page's projection).",
    "Reference period": "The months whose rates the projection assumes will carry on.",
    "Scenario": "A change to those rates from a chosen month, to see what it would do.",
    "Step-down": "A move from a children's home or other residential setting to foster care.",
    "Leaving care to live with a family": "Returning home, or leaving care under a special "
                                          "guardianship order, an adoption order or a child "
                                          "arrangements order.",
    "8 in 10 range": "Where the number would be 8 times in 10 if the past rates and their ups "
                     "and downs carried on.",
    "Error": "How far a forecast made a year earlier was from what happened, as a percentage "
             "of what happened; the average ignores whether it was too high or too low.",
}
