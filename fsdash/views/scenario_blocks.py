"""The Scenarios page's charts and sentences about the count of children in care: where it is
heading with and without the scenario, what fall in starts would meet the aim, how accurate past
projections were, and the rates the model uses."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from fsdash import charts
from fsdash.formatting import long_date, month, round_half_up
from fsdash.projection import backtest, flows
from fsdash.projection.scenario import Outlook, Scenario, starts_fall_needed
from fsdash.projection.trend import chance_in_words
from fsdash.views.care import ChartBlock
from fsdash.views.scenario_aim import Aim


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


def whole(value: float) -> str:
    """A count rounded to a whole number, with thousands separators."""
    return f"{round_half_up(value):,}"


def path_range(frame: pd.DataFrame, joined: str = "to") -> str:
    """The 8-in-10 range at the end of a projected path."""
    end = frame.iloc[-1]
    return f"{whole(end['low80'])} {joined} {whole(end['high80'])}"


def outlook_block(result: Outlook, actual: pd.Series, ages: str, scenario: Scenario,
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
               f"{whole(base.iloc[-1]['central'])} {who} in care in {label} at the end of "
               f"{month(result.months[-1])} (8 times in 10 between {path_range(base, 'and')}).")
    if aim is not None:
        chance = chance_in_words(result.chance_at_or_below("baseline", ages, aim.value))
        reading += (f" The aim is {aim.value:,} by {long_date(aim.end)}: on this estimate, "
                    f"meeting it is {chance}.")
    if changed is not None:
        reading += (f" With the scenario: about {whole(changed.iloc[-1]['central'])} "
                    f"({path_range(changed)}).")
    figure = charts.outlook_chart(
        actual.set_axis(pd.to_datetime(actual.index)), base, changed,
        aim.path() if aim is not None else None,
        f"{'Under-12s' if ages == 'under12' else 'Children'} in care, {label}",
        "Children aged under 12" if ages == "under12" else "Children")
    return ChartBlock(title, reading, figure, _outlook_table(actual, base, changed), stem)


def _outlook_table(actual: pd.Series, base: pd.DataFrame, changed: pd.DataFrame | None):
    past = pd.DataFrame({"Month end": [long_date(pd.Timestamp(d).date()) for d in actual.index],
                         "Actual": [whole(v) for v in actual]})
    later = base.iloc[1:]
    future = pd.DataFrame({"Month end": [long_date(d.date()) for d in later["as_at"]],
                           "If rates carry on": [whole(v) for v in later["central"]],
                           "Low (8 in 10)": [whole(v) for v in later["low80"]],
                           "High (8 in 10)": [whole(v) for v in later["high80"]]})
    if changed is not None:
        future["With the scenario"] = [whole(v) for v in changed.iloc[1:]["central"]]
    return pd.concat([past, future], ignore_index=True).fillna("")


def needed(history: flows.History, as_at: dt.date, aim: Aim, start: dt.date,
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


def accuracy_block(test: backtest.BackTest | None, withheld: str | None) -> ChartBlock:
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


def rates_block(table: pd.DataFrame, period: str, broad_because: str | None) -> ChartBlock:
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
