"""The Scenarios page's view: where the numbers of under-12s and of all children in care are
heading if the rates of a reference period carry on, and under a scenario; the chance of meeting
the aim (the council's target in force, or an aim set on the page); what it would take; placement
costs; how accurate the flow model and the trend have been; and the rates the model uses.

For a role whose small numbers are hidden, every figure here rests only on published counts the
role sees (``fsdash.projection.disclosure``): the model's rates are taken by narrower or broader
age bands, or the projection, the back-test or the costs are left out with a sentence saying
why. ``projection_bands``, ``back_test_bands`` and ``costs_hidden`` there decide it, and
``rates_table`` gives the rates a role is shown, so that tests can try to work hidden figures
back from them.

The aim is in ``scenario_aim``, the charts and sentences on the count in ``scenario_blocks``,
the placement costs in ``scenario_costs``. Moving a slider changes only the scenario: what it
does not change (the rates' bands, the aim, the projection with no scenario, the back-test and
rates blocks) is worked out once and kept on the area's ``Planning``."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field

import duckdb

from fsdash import metrics
from fsdash.access import Figures
from fsdash.config import WHOLE_COUNCIL, Council
from fsdash.formatting import long_date
from fsdash.metrics import sources
from fsdash.projection import backtest, disclosure, flows
from fsdash.projection.scenario import Outlook, Scenario, baseline, outlook
from fsdash.projection.trend import chance_in_words
from fsdash.views import event_marks
from fsdash.views.care import ChartBlock
from fsdash.views.scenario_aim import Aim, aim_for, target_in_force
from fsdash.views.scenario_blocks import (
    accuracy_block,
    needed,
    outlook_block,
    rates_block,
    rates_table,
    whole,
)
from fsdash.views.scenario_costs import costs_block, millions, weekly_costs

# The page's names, with those of the modules split from this one that callers use.
__all__ = ["GLOSSARY", "NEEDS", "REFERENCE_PERIODS", "Aim", "CannotProject", "NotEnoughHistory",
           "Planning", "RestsOnHiddenFigures", "ScenariosView", "aim_for", "area_options",
           "planning", "projection_bands", "rates_table", "scenarios_view", "target_in_force"]

REFERENCE_PERIODS = {"24": ("The last 2 years", 24), "12": ("The last year", 12),
                     "36": ("The last 3 years", 36)}
SHOWN_MONTHS = 36     # months of actual counts drawn before the projection
KEPT = 16             # settings and projections with no scenario a Planning keeps (MBs each)


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
    kept: dict = field(default_factory=dict, compare=False, repr=False)
    lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)

    def test_by(self, bands) -> backtest.BackTest | None:
        """The back-test with rates by ``bands``."""
        if bands == flows.BANDS:
            return self.test
        if bands not in self.other_tests:
            self.other_tests[bands] = backtest.back_test(self.history, bands=bands)
        return self.other_tests[bands]

    def keep(self, key: tuple, make):
        """``make()``, worked out once for ``key`` and kept for the last few keys: what moving
        a slider does not change (one Planning serves every session on the area)."""
        with self.lock:
            if key not in self.kept:
                while len(self.kept) >= KEPT:
                    self.kept.pop(next(iter(self.kept)))
                self.kept[key] = make()
            return self.kept[key]


@dataclass(frozen=True)
class Setting:
    """What the Scenarios page shows for a month, period, aim and role whatever the sliders
    say: the rates' age bands, the aim, whether costs are hidden, the ranges' resampled span,
    the actual counts, and the blocks on accuracy and rates."""

    bands: disclosure.Bands
    aim: Aim
    costs_withheld: bool
    span: int
    actual: dict
    accuracy: ChartBlock
    rates: ChartBlock


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
    key = ("setting", as_at, reference_key, aim_percent, aim_years, type(figures),
           id(figures.published), figures.suppress)
    fixed = plan.keep(key, lambda: _setting(con, figures, council, plan, as_at, area,
                                            reference_key, aim_percent, aim_years))
    aim, bands = fixed.aim, fixed.bands.bands
    costs = None if fixed.costs_withheld else weekly_costs(council)
    base = plan.keep(("baseline", as_at, aim.end, reference, bands, fixed.span),
                     lambda: baseline(history, as_at, aim.end, reference, bands, fixed.span))
    result = outlook(history, as_at, aim.end, scenario, reference, costs, base=base)
    events = event_marks.area_events(con, council, area)     # on the actual part of each outlook
    return ScenariosView(
        aim=aim,
        summary=_summary(result, scenario, aim),
        under12=event_marks.marked(
            outlook_block(result, fixed.actual["under12"], "under12", scenario, aim, label),
            events, ("cla_under12",), as_at),
        everyone=event_marks.marked(
            outlook_block(result, fixed.actual["all"], "all", scenario, None, label), events,
            ("cla",), as_at),
        needed=needed(history, as_at, aim, scenario.start, reference, bands),
        costs=costs_block(result, council, scenario, label if fixed.costs_withheld else None),
        accuracy=fixed.accuracy,
        rates=fixed.rates,
        notes=_notes(reference_label, aim, fixed.span),
    )


def _setting(con, figures: Figures, council: Council, plan: Planning, as_at: dt.date,
             area: str, reference_key: str, aim_percent: int, aim_years: int) -> Setting:
    """What the page shows whatever the scenario (``Setting``)."""
    history, label = plan.history, council.area_label(area)
    period, reference = REFERENCE_PERIODS[reference_key]
    chosen = projection_bands(figures, council, history, as_at, area, reference)
    shown = [d for d in metrics.month_ends(as_at, SHOWN_MONTHS) if d in history.months]
    tested = disclosure.back_test_bands(figures, area, history)
    return Setting(
        bands=chosen,
        aim=aim_for(con, council, history, as_at, area, aim_percent, aim_years),
        costs_withheld=disclosure.costs_hidden(figures, area, as_at),
        span=disclosure.RESAMPLED_SPAN if figures.suppress else 1,
        actual={ages: figures.series("cla", shown, area, ages) for ages in ("under12", "all")},
        accuracy=accuracy_block(plan.test_by(tested.bands) if tested.bands else None,
                                _back_test_withheld(tested, label)),
        rates=rates_block(rates_table(history, as_at, reference, chosen.bands),
                          period.lower(), _narrower_hidden(chosen, label)))


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


def _summary(result: Outlook, scenario: Scenario, aim: Aim) -> str:
    """The scenario and its effect in plain words."""
    end = long_date(aim.end)
    base = {ages: result.path("baseline", ages).iloc[-1]["central"] for ages in ("under12", "all")}
    if scenario.is_baseline:
        return (f"No scenario is set: the projection assumes the rates of the reference period "
                f"carry on. By {end} that means about {whole(base['under12'])} under-12s and "
                f"{whole(base['all'])} children in care in all. Move the sliders to try a change.")
    new = {ages: result.path("scenario", ages).iloc[-1]["central"] for ages in ("under12", "all")}
    text = (f"{scenario.sentence()} By {end} there would be about {whole(new['under12'])} "
            f"under-12s in care (against {whole(base['under12'])} if rates carry on) and "
            f"{whole(new['all'])} children in all (against {whole(base['all'])}).")
    chances = [chance_in_words(result.chance_at_or_below(which, "under12", aim.value))
               for which in ("baseline", "scenario")]
    text += (f" Meeting the aim of {aim.value:,} "
             + (f"stays {chances[0]}." if chances[0] == chances[1]
                else f"goes from {chances[0]} to {chances[1]}."))
    if result.weekly_costs is not None:
        saved = (result.monthly_costs("baseline").sum() - result.monthly_costs("scenario").sum())
        text += (f" Placement costs over the period would be about {millions(abs(saved))} "
                 f"{'lower' if saved >= 0 else 'higher'}.")
    return text


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
