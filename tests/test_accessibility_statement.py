"""The accessibility statement: its compliance status follows the recorded checks and the known
problems; it renders for every role and before sign-in; and the recorded checks
(docs/accessibility-checks.json) still agree with what the browser finds, so the statement
cannot go stale."""

import copy
import datetime as dt

import pytest
from playwright.sync_api import expect

from fsdash.config import load_council
from fsdash.views.accessibility import (
    StatementError,
    read_checks,
    read_contact,
    read_limitations,
    statement,
)
from streamlit_server import launched_chromium
from tools.accessibility_checks import (
    ROLES,
    check_pages,
    findings,
    open_page,
    role_pages,
    role_server,
)

CLEAN = {"page": "Overview", "address": "/", "role": "cabinet", "violations": [],
         "keyboard": {"tab_stops": 20, "reaches_main": True, "stops_before_main": 11,
                      "focus_not_visible": []},
         "print": {"pages": 3, "controls_printed": []},
         "phone": {"width": 320, "scrolls_sideways": False}}
CHECKS = {"checked_on": "2026-12-05", "axe_core": "4.14.1", "browser": "Chromium 140",
          "widths": {"desktop": 1400, "phone": 320}, "results": [CLEAN]}
CONTRAST = {"rule": "color-contrast", "impact": "serious", "criteria": ["1.4.3"],
            "help": "Elements must meet minimum color contrast ratio thresholds",
            "elements": 2, "examples": ["#x"]}
REVIEWED = dt.date(2026, 12, 5)


def _written(checks, limitations=()):
    council = load_council()
    return statement(checks, REVIEWED, list(limitations), read_contact(council), council)


def _section(written, heading: str) -> str:
    return dict(written.sections)[heading]


def _with(**changes) -> dict:
    """The clean checks with the one result changed."""
    checks = copy.deepcopy(CHECKS)
    for field, value in changes.items():
        checks["results"][0][field] = value
    return checks


def test_clean_checks_and_no_known_problems_are_fully_compliant():
    written = _written(CHECKS)
    assert written.status == "fully compliant"
    assert "is fully compliant with the" in _section(written, "Compliance status")


def test_a_violation_makes_it_partially_compliant_and_is_named():
    written = _written(_with(violations=[CONTRAST]))
    assert written.status == "partially compliant"
    named = _section(written, "Non-accessible content")
    assert "does not stand out enough" in named and "1.4.3" in named and "Overview" in named
    assert "partially compliant" in _section(written, "Compliance status")


def test_good_practice_alone_is_listed_but_is_not_a_failure():
    practice = {**CONTRAST, "rule": "region", "criteria": [],
                "help": "All page content should be contained by landmarks"}
    written = _written(_with(violations=[practice]))
    assert written.status == "fully compliant"
    assert "outside the areas marked" in _section(written, "Other problems our checks found")


@pytest.mark.parametrize("change, criterion", [
    ({"keyboard": {**CLEAN["keyboard"], "focus_not_visible": ['main ""']}}, "2.4.7"),
    ({"keyboard": {**CLEAN["keyboard"], "reaches_main": False}}, "2.1.1"),
    ({"phone": {"width": 320, "scrolls_sideways": True}}, "1.4.10")])
def test_a_failed_keyboard_or_phone_check_is_named_with_its_criterion(change, criterion):
    written = _written(_with(**change))
    assert written.status == "partially compliant"
    assert criterion in _section(written, "Non-accessible content")


def test_a_known_problem_is_named_with_its_plan():
    _, limitations = read_limitations()
    written = _written(CHECKS, limitations[:1])
    assert written.status == "partially compliant"
    named = _section(written, "Non-accessible content")
    assert limitations[0].plan.split()[0] in named and "We plan to fix this by" in named


def test_the_statement_follows_the_model_statement_and_names_the_councils_contact():
    headings = [heading for heading, _ in _written(CHECKS).sections]
    assert headings == ["", "How accessible this dashboard is",
                        "What to do if you cannot use this dashboard",
                        "Reporting accessibility problems with this dashboard",
                        "Enforcement procedure",
                        "Technical information about this dashboard's accessibility",
                        "Compliance status", "Non-accessible content",
                        "How we tested this dashboard",
                        "What we're doing to improve accessibility",
                        "Preparation of this accessibility statement"]
    contact = read_contact(load_council())
    reporting = _section(_written(CHECKS), "Reporting accessibility problems with this dashboard")
    assert contact.phone in reporting and f"within {contact.reply_days} working days" in reporting


def test_a_council_with_no_accessibility_contact_is_told_which_setting(tmp_path):
    council_file = tmp_path / "council.toml"
    council_file.write_text("\n".join(line for line in load_council().path.read_text(
        encoding="utf-8").splitlines() if not line.startswith(("[accessibility]", "email =",
                                                                 "phone =", "reply_days ="))))
    council = load_council(council_file)
    assert read_contact(council) is None
    written = statement(CHECKS, REVIEWED, [], None, council)
    assert "[accessibility]" in _section(written, "What to do if you cannot use this dashboard")


@pytest.mark.parametrize("text, named", [
    ('reviewed = 2026-12-05\n[[limitations]]\nproblem = "x"\nwhere = "y"\nplan = "z"\n'
     'criteria = ["1.3"]\nfix_by = 2027-01-01\n', "limitation 1's 'criteria'"),
    ('reviewed = 2026-12-05\n[[limitations]]\nwhere = "y"\nplan = "z"\ncriteria = ["1.3.1"]\n'
     'fix_by = 2027-01-01\n', "limitation 1 needs 'problem'"),
    ('reviewed = "soon"\n', "'reviewed' must be a date")])
def test_a_mistake_in_the_known_problems_is_named(tmp_path, text, named):
    path = tmp_path / "limitations.toml"
    path.write_text(text)
    with pytest.raises(StatementError, match=named):
        read_limitations(path)


def test_a_page_not_checked_is_named_and_stops_full_compliance():
    checks = {**CHECKS, "not_checked": [{"page": "Data", "address": "/data", "role": "analyst",
                                         "reason": "the run's time ran out"}]}
    written = _written(checks)
    assert written.status == "partially compliant"
    assert "We have not yet checked Data (analyst), because the run" in \
        _section(written, "How we tested this dashboard")


def test_the_recorded_checks_account_for_every_page_for_every_role():
    checks = read_checks()
    recorded = {(r["role"], r["page"]) for r in checks["results"] + checks.get("not_checked", [])}
    wanted = {(role, page.title) for role in ROLES for page in role_pages(role)}
    assert wanted - recorded == set(), "run `make accessibility` and commit its file"
    statements = {(r["role"], r["page"]) for r in checks["results"] if r["page"] == "Accessibility"}
    assert statements == {(role, "Accessibility") for role in ROLES}


# The pages each role's freshness check opens again: the statement itself, and one other.
RECHECKED = {"cabinet": "outcomes", "director": "", "team_manager:FS01": "team",
             "analyst": "data"}


@pytest.fixture(scope="module")
def browser():
    with launched_chromium() as chromium:
        yield chromium


@pytest.mark.browser
@pytest.mark.parametrize("role", ROLES)
def test_the_statement_renders_for_every_role_and_its_checks_are_fresh(demo_db, browser, role):
    recorded = {(r["role"], r["page"]): r for r in read_checks()["results"]}
    status = statement(read_checks(), *read_limitations(), None, load_council()).status
    pages = [p for p in role_pages(role) if p.url_path in ("accessibility", RECHECKED[role])
             and (role, p.title) in recorded]
    with role_server(role, demo_db) as url:
        page = open_page(browser, url + "/accessibility")
        expect(page.get_by_text(f"This dashboard is {status} with the")).to_be_visible()
        expect(page.get_by_role("link", name="Accessibility").first).to_be_visible()
        assert page.locator('[data-testid="stException"]').count() == 0
        page.close()
        results, not_checked = check_pages(browser, url, role, pages)
        assert not_checked == []
        for result in results:
            was = findings(recorded[(role, result["page"])])
            assert findings(result) == was, (
                f"{result['page']} for {role}: the browser now finds {findings(result)}, but "
                f"docs/accessibility-checks.json records {was}: run `make accessibility` and "
                "commit the file, so the accessibility statement says what is true")
            if result["page"] == "Accessibility":       # fails no WCAG criterion itself
                assert [v for v in result["violations"] if v["criteria"]] == []
                assert {**findings(result), "rules": []} == {
                    "rules": [], "reaches_main": True, "focus_visible": True,
                    "controls_printed": [], "scrolls_sideways": False}


@pytest.mark.browser
def test_the_statement_is_open_before_sign_in(demo_db, browser):
    with role_server("", demo_db) as url:
        page = open_page(browser, url + "/accessibility")
        expect(page.get_by_role("heading", name="Compliance status")).to_be_visible()
        page.goto(url + "/front-door")
        expect(page.get_by_role("heading", name="Sign-in is not set up")).to_be_visible(
            timeout=60_000)
        expect(page.locator(".js-plotly-plot")).to_have_count(0)
        page.close()
