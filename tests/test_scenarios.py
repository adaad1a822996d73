"""The flow model of care, its scenarios and back-test, and the Scenarios page."""

import datetime as dt
import re

import numpy as np
import pytest

from conftest import new_app
from fsdash import metrics, store
from fsdash.access import Figures, Published
from fsdash.config import load_council
from fsdash.projection import backtest, flows
from fsdash.projection.scenario import Scenario, baseline, outlook, starts_fall_needed
from fsdash.views import scenarios
from fsdash.views.scenario_costs import costs_block, weekly_costs

A, G, R = flows.AGES, len(flows.GROUPS), len(flows.REASONS)
POPULATION = np.full(A, 10_000.0)


def _rates(exit_chance=0.02, move_chance=0.01, entry=1e-4, babies_only=False) -> flows.Rates:
    """Made-up rates: the same for every age (or starts at age 0 only), with starts into the
    first two groups."""
    mix = np.zeros((A, G))
    mix[:, :2] = 0.5
    move = np.full((A, G, G), move_chance / (G - 1))
    move[:, np.arange(G), np.arange(G)] = 0
    starts = np.full(A, entry)
    if babies_only:
        starts[1:] = 0
    return flows.Rates(starts, mix, move, np.full((A, G, R), exit_chance / R))


def _steady_state(rates: flows.Rates) -> np.ndarray:
    """The stock a month's step leaves unchanged, solved exactly: the step is affine,
    s' = M s + b, so the steady state solves (I - M) s = b."""
    b = flows.step(np.zeros((A, G)), rates, POPULATION).ravel()
    columns = [flows.step(unit.reshape(A, G), rates, POPULATION).ravel() - b
               for unit in np.eye(A * G)]
    return np.linalg.solve(np.eye(A * G) - np.array(columns).T, b).reshape(A, G)


def test_with_no_change_in_rates_the_model_stays_at_its_steady_state():
    rates = _rates()
    start = _steady_state(rates)
    path = flows.expected(start, [rates] * 60, POPULATION)
    assert np.abs(path - start).max() < 1e-9 * start.sum()
    # and from anywhere else it settles there
    settled = flows.expected(start * 0.5, [rates] * 1200, POPULATION)[-1]
    assert np.abs(settled - start).max() < 1e-6 * start.sum()


def test_a_step_in_starts_moves_the_projection_by_the_expected_amount():
    # Children leave at 2% a month whatever their group; babies' starts rise by a tenth. After
    # n months the extra children are the extra starts each month, each still in care with
    # chance 0.98 ** (months since): extra * (1 - 0.98 ** n) / 0.02 (none can reach 18 yet).
    rates, more = _rates(babies_only=True), _rates(entry=1.1e-4, babies_only=True)
    start = _steady_state(rates)
    extra = (1.1e-4 - 1e-4) * POPULATION[0]
    for months in (1, 12, 24):
        gap = (flows.expected(start, [more] * months, POPULATION)[-1].sum()
               - flows.expected(start, [rates] * months, POPULATION)[-1].sum())
        assert gap == pytest.approx(extra * (1 - 0.98 ** months) / 0.02, rel=1e-6)
    # in the long run, a tenth more starts means a tenth more children in care
    assert _steady_state(more).sum() == pytest.approx(1.1 * start.sum(), rel=1e-9)


def test_a_scenario_changes_only_its_lever_band_and_months():
    rates = _rates()
    scenario = Scenario.build(dt.date(2027, 3, 31), {"starts": {"under5": -20},
                                                     "stepdown": {"12plus": 100}})
    changed = scenario.apply(rates)
    assert np.allclose(changed.entry[:5], 0.8 * rates.entry[:5])
    assert np.allclose(changed.entry[5:], rates.entry[5:])
    home, foster = flows.GROUPS.index("Children's homes and supported living"), 1
    assert np.allclose(changed.move[12:, home, foster], 2 * rates.move[12:, home, foster])
    assert np.allclose(changed.move[:12], rates.move[:12])
    assert scenario.sentence() == ("From March 2027: 20% fewer under-5s start care; 100% more "
                                   "12 to 17-year-olds move from residential care to foster care.")
    assert scenario.params() == {"from": "2027-03", "starts_under5": "-20",
                                 "stepdown_12plus": "100"}


@pytest.fixture(scope="module")
def demo(demo_db):
    con = store.connect_readonly(demo_db)
    plan = scenarios.planning(con, load_council(), "all")
    yield con, plan
    con.close()


def test_the_models_starting_point_is_the_published_count(demo):
    con, plan = demo
    history = plan.history
    expected = metrics.series(con, "cla", list(history.months))["value"].to_numpy()
    assert np.array_equal(history.counts().to_numpy(), expected)
    under12 = metrics.series(con, "cla_under12", list(history.months))["value"].to_numpy()
    assert np.array_equal(history.counts((0, 11)).to_numpy(), under12)


def test_the_back_test_compares_both_methods_a_year_ahead(demo):
    _, plan = demo
    test = plan.test
    assert test.origins == backtest.ORIGINS
    errors = backtest.mean_errors(test)
    print("\nBack-test, mean absolute % error 12 months ahead:\n" + errors.to_string(index=False))
    for measure in backtest.MEASURES:
        for method in backtest.METHODS:
            assert 0 < test.mean_error(measure, method) < 15, (measure, method)
    sentence = test.sentence()
    assert "did better" in sentence or "Neither" in sentence
    better = "flow model" if test.mean_error("under12", "flow") < test.mean_error(
        "under12", "trend") else "trend"
    assert f"The {better} did better" in sentence


def test_a_scenario_with_fewer_starts_lowers_the_count_cost_and_shifts_the_chance(demo):
    _, plan = demo
    history, as_at = plan.history, plan.history.months[-1]
    costs = np.array([load_council().placement_costs[g].weekly for g in flows.GROUPS])
    fewer = Scenario.build(dt.date(2027, 1, 31), {"starts": {"under5": -30, "5to11": -30}})
    result = outlook(history, as_at, dt.date(2029, 10, 31), fewer, 24, costs)
    base, changed = result.path("baseline", "under12"), result.path("scenario", "under12")
    assert (base["low95"] <= base["low80"]).all() and (base["high80"] <= base["high95"]).all()
    assert (base["low80"] <= base["central"] + 1).all()
    assert (base["central"] <= base["high80"] + 1).all()
    assert base.iloc[0]["central"] == history.counts((0, 11)).iloc[-1]
    # October (the start), November and December are untouched; January has fewer starts
    assert np.allclose(base["central"].iloc[:3], changed["central"].iloc[:3])
    assert changed["central"].iloc[3] < base["central"].iloc[3]
    assert changed["central"].iloc[-1] < base["central"].iloc[-1]
    aim = base["central"].iloc[-1] * 0.95
    assert (result.chance_at_or_below("scenario", "under12", aim)
            > result.chance_at_or_below("baseline", "under12", aim))
    assert result.monthly_costs("scenario").sum() < result.monthly_costs("baseline").sum()


def test_placement_costs_are_each_year_s_total_with_the_scenario_s_difference_labelled(demo):
    _, plan = demo
    history, as_at, council = plan.history, dt.date(2026, 10, 31), load_council()
    costs = weekly_costs(council)
    fewer = Scenario.build(dt.date(2026, 11, 30), {"stepdown": {"12plus": 100}})
    block = costs_block(outlook(history, as_at, dt.date(2029, 10, 31), fewer, 24, costs),
                        council, fewer, None)
    labels = list(block.figure.data[0].y)
    assert labels == list(block.figure.data[1].y)
    assert [label.split("<br>")[0] for label in labels] == [
        "Year to October 2027", "Year to October 2028", "Year to October 2029"]
    assert all(re.fullmatch(r"£\d+\.\d million less", label.split("<br>")[1])
               for label in labels)
    assert "£ million" in block.figure.layout.xaxis.title.text
    years = block.table.iloc[:3]
    assert (years["With the scenario (£ million)"]
            < years["If rates carry on (£ million)"]).all()
    assert "million less over the period" in block.reading
    # with no scenario the years' costs are one flat figure: the chart says where it goes
    none = Scenario.build(fewer.start, {})
    flat = costs_block(outlook(history, as_at, dt.date(2029, 10, 31), none, 24, costs),
                       council, none, None)
    assert len(flat.figure.data) == 1 and len(flat.figure.data[0].x) == len(flows.GROUPS)
    assert "million a year" in flat.reading and "The most, £" in flat.reading
    assert "£ million" in flat.figure.layout.yaxis.title.text


def test_a_slider_s_projection_reuses_the_kept_baseline_and_gives_the_same_figures(demo):
    _, plan = demo
    history, as_at, end = plan.history, plan.history.months[-1], dt.date(2029, 10, 31)
    scenario = Scenario.build(dt.date(2027, 1, 31), {"leaving": {"5to11": 30}})
    kept = plan.keep(("baseline", "test"), lambda: baseline(history, as_at, end, 24))
    assert plan.keep(("baseline", "test"), lambda: pytest.fail("worked out again")) is kept
    fresh = outlook(history, as_at, end, scenario, 24, None)
    reused = outlook(history, as_at, end, scenario, 24, None, base=kept)
    assert np.array_equal(fresh.scenario, reused.scenario)
    for ages in ("under12", "all"):
        assert np.array_equal(fresh.scenario_draws[ages], reused.scenario_draws[ages])
        assert np.array_equal(fresh.baseline_draws[ages], reused.baseline_draws[ages])


def test_what_it_would_take_is_the_least_fall_in_starts_that_meets_the_aim(demo):
    _, plan = demo
    history, as_at = plan.history, plan.history.months[-1]
    end, start = dt.date(2029, 10, 31), dt.date(2026, 11, 30)
    aim = 800
    fall = starts_fall_needed(history, as_at, end, start, 24, aim)
    assert 0 < fall < 1

    def under12(percent):
        scenario = Scenario.build(start, {"starts": {"under5": percent, "5to11": percent}})
        return outlook(history, as_at, end, scenario, 24, None).scenario[-1, :12].sum()

    assert round(under12(-100 * fall)) <= aim < round(under12(-100 * fall + 1))
    assert starts_fall_needed(history, as_at, end, start, 24, 10) is None


@pytest.mark.parametrize("role", ["cabinet", "director", "team_manager:FS01", "analyst"])
def test_the_page_renders_a_linked_scenario_for_every_role(demo_app, monkeypatch, role):
    app = demo_app
    monkeypatch.setenv("FSDASH_DEV_ROLE", role)
    app.query_params.update({"as_at": "2026-10", "area": "all", "from": "2027-01",
                             "starts_under5": "-20", "leaving_12plus": "15"})
    app.switch_page("pages/scenarios.py").run()
    assert not app.exception, app.exception
    assert len(app.get("plotly_chart")) == 5
    summary = app.info[0].value
    assert summary.startswith("From January 2027: 20% fewer under-5s start care; 15% more 12 to "
                              "17-year-olds leave care to live with a family.")
    sliders = {s.label: s.value for s in app.slider}
    assert sliders["Children starting care: under-5s"] == -20
    assert app.query_params["starts_under5"] == ["-20"] or app.query_params["starts_under5"] == "-20"


def test_the_page_uses_the_target_in_force_and_says_when_history_is_short(demo_app, demo_db):
    app = demo_app
    app.query_params.update({"as_at": "2022-03", "area": "EAST"})
    app.switch_page("pages/scenarios.py").run()
    assert not app.exception, app.exception
    assert not app.slider[0].label.startswith("Aim")     # the council's target, no aim to set
    con = store.connect_readonly(demo_db)
    figures = Figures(Published(lambda: con.cursor(), load_council()), True)
    aim = scenarios.aim_for(con, load_council(), scenarios.planning(con, load_council(), "EAST")
                            .history, dt.date(2022, 3, 31), "EAST", 10, 3)
    assert aim.agreed and aim.end == dt.date(2024, 1, 4)
    assert figures.count("cla", dt.date(2022, 3, 31), "EAST", "under12") is not None
    con.close()
    short = new_app()
    short.query_params.update({"as_at": metrics.month_ends(dt.date(2017, 6, 30), 1)[0]
                               .strftime("%Y-%m"), "rates": "36"})
    short.switch_page("pages/scenarios.py").run()
    assert not short.exception
    assert "needs 36 months of figures before it" in short.info[0].value


def test_resampling_by_years_draws_whole_12_month_spans(demo):
    _, plan = demo
    history = plan.history
    last = len(history.months) - 1
    spans = {weights: flows.estimate(history, last, 24, np.repeat(weights, 12)).entry
             for weights in ((2, 0), (1, 1), (0, 2))}
    for rates in flows.bootstrap(history, last, 24, draws=6, span=12):
        assert any(np.allclose(rates.entry, entry) for entry in spans.values())


class _AllHidden(Figures):
    """A role that sees no count at all."""

    def counts(self, family, dates):
        return super().counts(family, dates).assign(shown=np.nan)


def test_a_projection_resting_on_hidden_figures_says_which_and_shows_nothing(demo):
    con, plan = demo
    council = load_council()
    hidden = _AllHidden(Published(lambda: con.cursor(), council), True)
    as_at = plan.history.months[-1]
    with pytest.raises(scenarios.RestsOnHiddenFigures) as refused:
        scenarios.scenarios_view(con, hidden, council, plan, as_at, "all",
                                 Scenario(dt.date(2027, 1, 31)), "24", 10, 3)
    assert str(refused.value).startswith(
        f"A projection for {council.short_name} from {as_at:%-d %B %Y} cannot be shown: "
        "its rates would rest on numbers small enough to be hidden (the number of children")
    assert str(refused.value).endswith(
        "Choose another month or a shorter period to take the rates from.")
