"""The independent disclosure audit (issue 24): what a cabinet member or a director (both with
small numbers hidden, config/access.toml) can see of the demo on sample dates, every area and
age choice, attacked by linear programming (``disclosure_attack``). No hidden figure may be
pinned exactly, and no hidden count from 1 to 5 to fewer than 3 possible values, whatever route
the attacker takes: Scenarios' rates times the population, Outcomes' percentages beside their
counts, stock and flow across a year or a month, or any mix of them."""

from __future__ import annotations

import time

import pytest
from disclosure_attack import (
    PROTECTION,
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


@pytest.fixture(scope="module")
def audit(demo_con) -> Result:
    """The attack on what a role with small numbers hidden sees (one attack serves every such
    role: their figures are the same)."""
    council = load_council()
    started = time.perf_counter()
    figures = Figures(Published(cursors(demo_con), council), suppress=True)
    knowledge = Collector(demo_con, council, figures, sample_dates(demo_con)).collect()
    collected = time.perf_counter()
    result = attack(knowledge, council.max_suppressed)
    result.seconds = {"collecting what the role sees": collected - started,
                      "the attack": time.perf_counter() - collected}
    print(summary(result), result.seconds)
    return result


def given_away(result: Result, route: str | None = None) -> list:
    """Findings whose target or pinning rows mention ``route`` (all findings for None)."""
    return [f for f in result.findings
            if route is None or route in f.target.route
            or any(route in source for source in f.pinned_by)]


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


def test_every_shown_figure_holds_in_the_data(audit):
    """The attacker's equations for shown figures are true (the model of cells is right); only
    identities and rates may fail in the data, and then they are left out."""
    wrong = [row for row in audit.left_out
             if not row.startswith(("identity:", "Scenarios rate", "re-referrals"))]
    assert not wrong, "\n".join(wrong[:SHOWN])
    assert audit.targets, "the audit found no hidden figure to attack"


def test_scenarios_rates_give_no_hidden_starts_away(audit):
    """Route 1: a rate per 10,000 times the published population."""
    findings = given_away(audit, "Scenarios")
    assert not findings, report(findings, audit, "hidden figures given away by Scenarios")


def test_outcomes_percentages_give_no_small_numbers_away(audit):
    """Route 2: a percentage beside the number it is of."""
    findings = given_away(audit, "Outcomes")
    assert not findings, report(findings, audit, "hidden figures given away by Outcomes")


def test_stock_and_flow_give_no_hidden_figure_away(audit):
    """Route 3: children looked after now less a year (or a month) earlier is starts less
    ceases in between."""
    findings = given_away(audit, "stock and flow")
    assert not findings, report(findings, audit, "hidden figures given away by stock and flow")


def test_no_hidden_figure_is_given_away_by_any_route(audit):
    """Everything together: counts, monthly series, breakdowns, identities, rates and
    percentages."""
    findings = given_away(audit)
    assert not findings, report(findings, audit, "hidden figures given away")
