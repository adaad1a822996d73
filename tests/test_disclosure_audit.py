"""The independent disclosure audit (issue 24): what a cabinet member or a director (both with
small numbers hidden, config/access.toml) can see of the demo around three sample dates, every
area and age choice, attacked by linear programming (``disclosure_attack``). No hidden figure
may be pinned exactly, and no hidden count from 1 to 5 to fewer than 3 possible values, whatever
route the attacker takes: Scenarios' rates times the population, Outcomes' and the Front door's
percentages beside their counts, stock and flow across a year or a month, or any mix of them.
The audit's size and time are printed in the test summary."""

from __future__ import annotations

import time

import pytest
from disclosure_attack import (
    PROTECTION,
    ROUTES,
    Collector,
    Knowledge,
    Result,
    attack,
    exposed,
    sample_dates,
    summary,
)

from fsdash.access import Figures, Published
from fsdash.access.roles import load_access
from fsdash.config import load_council
from fsdash.export.content import cursors

ROLES = ("cabinet", "director")
SHOWN = 30     # findings quoted in a failure message
SCENARIOS, PERCENTAGES, STOCK_AND_FLOW = ROUTES


class _AuditSummary:
    """A plugin that prints the audit's size and time at the end of pytest's output."""

    def __init__(self, text: str):
        self.text = text

    def pytest_terminal_summary(self, terminalreporter):
        terminalreporter.write_sep("-", "disclosure audit")
        terminalreporter.write_line(self.text)


@pytest.fixture(scope="module")
def audit(demo_con, request) -> Result:
    """The attack on what a role with small numbers hidden sees (one attack serves every such
    role: their figures are the same)."""
    council = load_council()
    started = time.perf_counter()
    figures = Figures(Published(cursors(demo_con), council), suppress=True)
    knowledge = Collector(demo_con, council, figures, sample_dates(demo_con)).collect()
    collected = time.perf_counter()
    result = attack(knowledge, council.max_suppressed)
    result.seconds = {"collecting": collected - started,
                      "attacking": time.perf_counter() - collected}
    request.config.pluginmanager.register(_AuditSummary(summary(result)))
    print(summary(result))
    return result


def report(findings: list, result: Result, what: str) -> str:
    lines = [f"{len(findings)} {what}; {summary(result)}"]
    lines += [f"- {f}" for f in findings[:SHOWN]]
    return "\n".join(lines)


@pytest.mark.parametrize("role", ROLES)
def test_the_audited_roles_have_small_numbers_hidden(role):
    """The audit attacks the hidden figures; the roles it speaks for have them hidden."""
    assert load_access().scope(role).suppress


def test_the_attacker_finds_a_figure_given_away_and_spares_a_protected_one():
    """The attack itself: a hidden cell that is a shown total less a shown cell is found; one
    hidden beside another hidden cell of the same total is not."""
    knowledge = Knowledge()
    a, b, c, d = (knowledge.unknown(("cell", i), truth) for i, truth in enumerate((3, 40, 2, 4)))
    knowledge.equal([(a, 1), (b, 1)], 43, "total of a and b shown 43")
    knowledge.equal([(b, 1)], 40, "b shown 40")
    knowledge.hide("test", "today", "here", "a", [(a, 1)])
    knowledge.equal([(c, 1), (d, 1)], 6, "total of c and d shown 6")
    knowledge.hide("test", "today", "here", "c", [(c, 1)])
    knowledge.hide("test", "today", "here", "d", [(d, 1)])
    result = attack(knowledge, limit=5)
    assert [f.target.detail for f in result.findings] == ["a"]
    assert result.findings[0].low == result.findings[0].high == 3
    assert "b shown 40" in result.findings[0].pinned_by
    assert exposed(knowledge.targets[1], 0, PROTECTION - 2, 5)


def test_the_attacker_names_the_route_a_figure_needs():
    """Stock and flow: looked after now 30, a year ago 28, starts 6 shown, ceases 4 hidden,
    is found and put down to stock and flow; a small count known only to lie from 1 to 2
    (two possible values) is found too, and a rate's interval that leaves 3 values is not."""
    knowledge = Knowledge()
    now, before, starts, ceases, small, rated = (
        knowledge.unknown((name,), truth) for name, truth in
        (("now", 30), ("before", 28), ("starts", 6), ("ceases", 4), ("small", 2), ("rated", 3)))
    knowledge.equal([(now, 1)], 30, "looked after now shown 30")
    knowledge.equal([(before, 1)], 28, "looked after a year ago shown 28")
    knowledge.equal([(starts, 1)], 6, "starts shown 6")
    knowledge.equal([(now, 1), (before, -1), (starts, -1), (ceases, 1)], 0,
                    "identity: stock and flow over a year")
    knowledge.hide("ceases", "today", "here", "all ages", [(ceases, 1)])
    knowledge.bound([(small, 1)], 0.6, 2.4, "Scenarios rate 1.5 × population")
    knowledge.hide("starts", "today", "here", "a band", [(small, 1)])
    knowledge.bound([(rated, 1)], 1.6, 4.4, "Scenarios rate 3 × population")
    knowledge.hide("starts", "today", "here", "another band", [(rated, 1)])
    found = {f.target.detail: f for f in attack(knowledge, limit=5).findings}
    assert {detail: f.routes for detail, f in found.items()} == {
        "all ages": [STOCK_AND_FLOW], "a band": [SCENARIOS]}
    assert (found["all ages"].low, found["all ages"].high) == (4, 4)
    assert (found["a band"].low, found["a band"].high) == (1, 2)


def test_every_shown_figure_holds_in_the_data(audit):
    """The attacker's equations for shown figures are true (the model of cells is right); only
    Scenarios' rates, whose ages the projection counts its own way, may fail in the data, and
    then they are left out. Each named route has rows to attack with."""
    wrong = [row for row in audit.left_out if not row.startswith("Scenarios rate")]
    assert not wrong, "\n".join(wrong[:SHOWN])
    assert audit.targets, "the audit found no hidden figure to attack"
    assert all(audit.route_rows[route] for route in ROUTES), audit.route_rows


def test_scenarios_rates_give_no_hidden_starts_away(audit):
    """Route 1: a rate per 10,000 times the published population."""
    findings = audit.given_away(SCENARIOS)
    assert not findings, report(findings, audit, "hidden figures given away by Scenarios")


def test_percentages_give_no_small_numbers_away(audit):
    """Route 2: a percentage (Outcomes, the Front door's re-referrals) beside the number it
    is of."""
    findings = audit.given_away(PERCENTAGES)
    assert not findings, report(findings, audit, "hidden figures given away by percentages")


def test_stock_and_flow_give_no_hidden_figure_away(audit):
    """Route 3: children looked after now less a year (or a month) earlier is starts less
    ceases in between."""
    findings = audit.given_away(STOCK_AND_FLOW)
    assert not findings, report(findings, audit, "hidden figures given away by stock and flow")


def test_no_hidden_figure_is_given_away_by_any_route(audit):
    """Everything together: counts, monthly series, breakdowns, identities, rates and
    percentages."""
    findings = audit.given_away()
    assert not findings, report(findings, audit, "hidden figures given away")
