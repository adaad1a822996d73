"""The accessibility statement, written from the recorded checks (docs/accessibility-checks.json,
made by `make accessibility`), the known problems (docs/accessibility-limitations.toml) and the
council's accessibility contact (``[accessibility]`` in the council configuration), in the
order of GOV.UK's model statement for the Public Sector Bodies (Websites and Mobile
Applications) (No. 2) Accessibility Regulations 2018."""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from fsdash.access import ROLE_NAMES
from fsdash.config import REPO_ROOT, Council
from fsdash.escaping import plain
from fsdash.formatting import long_date

CHECKS = REPO_ROOT / "docs" / "accessibility-checks.json"
LIMITATIONS = REPO_ROOT / "docs" / "accessibility-limitations.toml"
TESTED = "How we tested this dashboard"   # the section the table of checks follows
CRITERION = re.compile(r"\d\.\d{1,2}\.\d{1,2}")
# What the keyboard, phone and print checks find, each against its WCAG success criterion
# (None: good practice, not a WCAG failure).
FOCUS_HIDDEN = ("Where the keyboard's focus is cannot always be seen.", "2.4.7")
MAIN_UNREACHED = ("The Tab key does not reach the page's content.", "2.1.1")
SIDEWAYS = ("At a small phone's width the page has to be scrolled sideways.", "1.4.10")
CONTROLS_PRINTED = ("Filters or buttons appear on the printed page.", None)
# axe-core's rules in plain words (UK English); any other is quoted as axe-core says it.
RULES = {
    "color-contrast": "Some text does not stand out enough from its background.",
    "link-name": "Some links have no text a screen reader can read out.",
    "button-name": "Some buttons have no text a screen reader can read out.",
    "label": "Some form fields have no label.",
    "image-alt": "Some images have no text alternative.",
    "svg-img-alt": "Some pictures drawn in the page have no text alternative.",
    "aria-allowed-attr": "Some elements carry accessibility attributes they may not have.",
    "aria-required-children": "Some lists or grids lack the parts a screen reader expects.",
    "scrollable-region-focusable": "Some boxes that scroll cannot be reached by keyboard.",
    "nested-interactive": "Some controls are inside other controls.",
    "heading-order": "Some headings skip a level.",
    "page-has-heading-one": "Some pages have no main heading.",
    "landmark-one-main": "Some pages have no main area marked for screen readers.",
    "region": "Some content is outside the areas marked for screen readers.",
    "target-size": "Some controls are too small or too close together to press easily.",
    "duplicate-id-aria": "Some labels point at more than one element.",
    "list": "Some lists are not marked up as lists.",
}


class StatementError(ValueError):
    """A checks or limitations file that cannot be read, naming the file and field."""


@dataclass(frozen=True)
class Problem:
    """Something the checks found or the council knows of: what, against which WCAG success
    criteria (none: good practice only), where (page to roles), and the plan to fix it."""

    text: str
    criteria: tuple[str, ...]
    where: dict[str, tuple[str, ...]]
    plan: str = ""
    fix_by: dt.date | None = None


@dataclass(frozen=True)
class Contact:
    """Who to tell about an accessibility problem (``[accessibility]`` in the council file)."""

    email: str
    phone: str
    reply_days: int


@dataclass(frozen=True)
class Statement:
    status: str                       # "fully compliant" or "partially compliant"
    sections: tuple[tuple[str, str], ...]   # (heading, Markdown)
    tested: pd.DataFrame              # every check, drawn after "How we tested this dashboard"


def read_checks(path: Path = CHECKS) -> dict:
    """The recorded checks, their shape checked."""
    try:
        checks = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        missing = f"{path.name} is missing: run `make accessibility` to make it."
        raise StatementError(missing) from None
    except json.JSONDecodeError as error:
        raise StatementError(f"{path.name} is not valid JSON: {error}") from None
    for field in ("checked_on", "axe_core", "browser", "widths", "results"):
        if field not in checks:
            raise StatementError(f"{path.name} has no {field!r}: run `make accessibility`.")
    for number, result in enumerate(checks["results"], 1):
        for field in ("page", "address", "role", "violations", "keyboard", "print", "phone"):
            if field not in result:
                raise StatementError(f"{path.name}: result {number} has no {field!r}.")
    return checks


def read_limitations(path: Path = LIMITATIONS) -> tuple[dt.date, list[Problem]]:
    """The known problems the checks cannot find, and the date they were last reviewed."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, tomllib.TOMLDecodeError) as error:
        raise StatementError(f"{path.name} cannot be read: {error}") from None
    if not isinstance(raw.get("reviewed"), dt.date):
        raise StatementError(f"{path.name}: 'reviewed' must be a date, such as 2026-12-05.")
    problems = []
    for number, entry in enumerate(raw.get("limitations", []), 1):
        for field in ("problem", "where", "plan"):
            if not isinstance(entry.get(field), str) or not entry[field].strip():
                raise StatementError(f"{path.name}: limitation {number} needs {field!r} "
                                     "(some words).")
        criteria = entry.get("criteria")
        if not criteria or not all(isinstance(c, str) and CRITERION.fullmatch(c)
                                   for c in criteria):
            raise StatementError(f"{path.name}: limitation {number}'s 'criteria' must list WCAG "
                                 "success criteria by number, such as [\"1.3.1\"].")
        if not isinstance(entry.get("fix_by"), dt.date):
            raise StatementError(f"{path.name}: limitation {number}'s 'fix_by' must be a date.")
        problems.append(Problem(entry["problem"], tuple(criteria), {entry["where"]: ()},
                                entry["plan"], entry["fix_by"]))
    return raw["reviewed"], problems


def read_contact(council: Council) -> Contact | None:
    """The council's accessibility contact, or None where its configuration names none."""
    raw = tomllib.loads(council.path.read_text(encoding="utf-8")).get("accessibility")
    if not raw:
        return None
    for field in ("email", "phone"):
        if not isinstance(raw.get(field), str) or not raw[field].strip():
            raise StatementError(f"{council.path.name}: [accessibility] needs {field!r}.")
    days = raw.get("reply_days", 10)
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        raise StatementError(f"{council.path.name}: [accessibility] reply_days must be a whole "
                             f"number of working days, not {days!r}.")
    return Contact(raw["email"], raw["phone"], days)


def found_problems(checks: dict) -> list[Problem]:
    """What the recorded checks found, each problem once with every page and role it was on."""
    found: dict[tuple, dict[str, list[str]]] = {}

    def add(text: str, criteria: tuple[str, ...], result: dict) -> None:
        roles = found.setdefault((text, criteria), {}).setdefault(result["page"], [])
        if result["role"] not in roles:
            roles.append(result["role"])

    for result in checks["results"]:
        for violation in result["violations"]:
            text = RULES.get(violation["rule"], f'axe-core: "{violation["help"]}".')
            add(text, tuple(violation["criteria"]), result)
        keyboard = result["keyboard"]
        for found_it, (text, criterion) in ((keyboard["focus_not_visible"], FOCUS_HIDDEN),
                                            (not keyboard["reaches_main"], MAIN_UNREACHED),
                                            (result["phone"]["scrolls_sideways"], SIDEWAYS),
                                            (result["print"]["controls_printed"],
                                             CONTROLS_PRINTED)):
            if found_it:
                add(text, (criterion,) if criterion else (), result)
    return [Problem(text, criteria, {page: tuple(roles) for page, roles in where.items()})
            for (text, criteria), where in found.items()]


def _roles_checked(checks: dict) -> dict[str, set[str]]:
    """Each page's roles, checked or not."""
    checked: dict[str, set[str]] = {}
    for result in checks["results"] + checks.get("not_checked", []):
        checked.setdefault(result["page"], set()).add(result["role"])
    return checked


def _role_name(role: str) -> str:
    """'team_manager:FS01' -> 'team manager'."""
    return ROLE_NAMES[role.partition(":")[0]].lower()


def _where(problem: Problem, checked: dict[str, set[str]]) -> str:
    """'Overview (every role); Front door (cabinet member)'."""
    parts = []
    for page, roles in problem.where.items():
        if not roles:
            parts.append(page)
        elif set(roles) == checked.get(page, set()):
            parts.append(f"{page} (every role)")
        else:
            parts.append(f"{page} ({', '.join(_role_name(r) for r in roles)})")
    return "; ".join(parts)


def _criteria(criteria: tuple[str, ...]) -> str:
    """'success criterion 1.4.3', 'success criteria 1.1.1, 1.3.1 and 2.4.2'."""
    if len(criteria) == 1:
        return f"success criterion {criteria[0]}"
    return f"success criteria {', '.join(criteria[:-1])} and {criteria[-1]}"


def _problem_line(problem: Problem, checked: dict[str, set[str]]) -> str:
    line = f"- {plain(problem.text)} Where: {plain(_where(problem, checked))}."
    if problem.criteria:
        line += f" This fails WCAG 2.2 {_criteria(problem.criteria)}."
    if problem.plan:
        line += f" {plain(problem.plan)} We plan to fix this by {long_date(problem.fix_by)}."
    return line


def _contact_text(contact: Contact | None, council: Council) -> str:
    if contact is None:
        return (f"{council.name} has not yet named a contact for this dashboard's accessibility "
                f"(`[accessibility]` in its configuration, {plain(council.path.name)}). Please "
                "ask the performance team who gave you access.")
    return (f"- email: {plain(contact.email)}\n- telephone: {plain(contact.phone)}\n\n"
            f"We'll consider your request and get back to you within {contact.reply_days} "
            "working days.")


def _tested_table(checks: dict) -> pd.DataFrame:
    """Every check, page by page and role by role."""
    rows = []
    for r in checks["results"]:
        keyboard = r["keyboard"]
        rows.append({
            "Page": r["page"], "Role": _role_name(r["role"]),
            "Problems axe-core found": len(r["violations"]),
            "Tab stops before the content": (keyboard["stops_before_main"]
                                             if keyboard["reaches_main"] else "not reached"),
            "Focus always seen": "no" if keyboard["focus_not_visible"] else "yes",
            "Printed pages": r["print"]["pages"],
            "Fits a phone's width": "no" if r["phone"]["scrolls_sideways"] else "yes"})
    return pd.DataFrame(rows).astype(str)


def _not_checked_text(not_checked: list[dict]) -> str:
    """' We have not yet checked: Overview (cabinet member, director), because the run's time ran
    out.' (nothing where every page was checked)."""
    if not not_checked:
        return ""
    missed: dict[tuple[str, str], list[str]] = {}
    for entry in not_checked:
        missed.setdefault((entry["page"], entry["reason"]), []).append(_role_name(entry["role"]))
    return " We have not yet checked " + "; ".join(
        f"{page} ({', '.join(roles)}), because {plain(reason)}"
        for (page, reason), roles in missed.items()) + "."


def statement(checks: dict, reviewed: dt.date, limitations: list[Problem],
              contact: Contact | None, council: Council) -> Statement:
    """The statement's sections, in the order of GOV.UK's model statement."""
    checked = _roles_checked(checks)
    problems = found_problems(checks) + limitations
    failing = [p for p in problems if p.criteria]
    other = [p for p in problems if not p.criteria]
    not_checked = checks.get("not_checked", [])
    status = "partially compliant" if failing or not_checked else "fully compliant"
    checked_on = long_date(dt.date.fromisoformat(checks["checked_on"]))
    roles = sorted({_role_name(r["role"]) for r in checks["results"]})
    widths = checks["widths"]
    contact_text = _contact_text(contact, council)
    sections = [
        ("", f"This accessibility statement applies to the Family Safeguarding dashboard, run "
             f"by {council.name}. We want as many people as possible to be able to use it. "
             "For example, that means you should be able to:\n\n"
             "- change colours, contrast levels and fonts using browser or device settings\n"
             "- zoom in up to 400% without the text spilling off the screen\n"
             "- use every page with a keyboard alone\n"
             "- read every chart's figures in a sentence and a table, and download them\n"
             "- print any page on A4 paper\n\n"
             "[AbilityNet](https://mcmw.abilitynet.org.uk/) has advice on making your device "
             "easier to use if you have a disability."),
        ("How accessible this dashboard is",
         "We know some parts of this dashboard are not fully accessible:\n\n"
         + "\n".join(f"- {plain(p.text)}" for p in failing) if failing else
         "Our latest checks found no part of this dashboard that fails the standard."),
        ("What to do if you cannot use this dashboard",
         "If you need information from this dashboard in a different format, such as accessible "
         "PDF, large print, easy read or braille, contact us:\n\n" + contact_text),
        ("Reporting accessibility problems with this dashboard",
         "We're always looking to improve the accessibility of this dashboard. If you find any "
         "problems not listed on this page or think we're not meeting accessibility "
         "requirements, contact us:\n\n" + contact_text),
        ("Enforcement procedure",
         "The Equality and Human Rights Commission (EHRC) is responsible for enforcing the "
         "Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility "
         "Regulations 2018 (the 'accessibility regulations'). If you're not happy with how we "
         "respond to your complaint, contact the [Equality Advisory and Support Service "
         "(EASS)](https://www.equalityadvisoryservice.com/). In Northern Ireland, contact the "
         "[Equality Commission for Northern Ireland (ECNI)](https://www.equalityni.org/Home), "
         "which enforces the regulations there."),
        ("Technical information about this dashboard's accessibility",
         f"{council.name} is committed to making this dashboard accessible, in accordance with "
         "the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility "
         "Regulations 2018."),
        ("Compliance status",
         f"This dashboard is {status} with the [Web Content Accessibility Guidelines version "
         f"2.2](https://www.w3.org/TR/WCAG22/) AA standard"
         + (", due to the non-compliances listed below." if failing else ".")),
        ("Non-accessible content",
         ("The content listed below is non-accessible for the following reasons.\n\n"
          "**Non-compliance with the accessibility regulations**\n\n"
          + "\n".join(_problem_line(p, checked) for p in failing)
          + ("\n\nWe are fixing the problems our checks found, and they are checked again with "
             "every change to the dashboard."
             if any(not p.plan for p in failing) else ""))
         if failing else "We know of no content that fails the standard."),
    ]
    if other:
        sections.append(("Other problems our checks found",
                         "These are not failures of the standard, but we will fix them:\n\n"
                         + "\n".join(_problem_line(p, checked) for p in other)))
    sections += [
        (TESTED,
         f"On {checked_on} we opened the pages listed below as each role sees them "
         f"({', '.join(roles)}), on the synthetic demo council's data, in a real browser ("
         f"{plain(checks['browser'])}), and checked it four ways:\n\n"
         f"- with [axe-core](https://github.com/dequelabs/axe-core) {checks['axe_core']}, "
         f"every rule, at {widths['desktop']} pixels wide\n"
         "- from the keyboard alone: pressing Tab through the page, counting the stops before "
         "the page's own content and checking that the focus can always be seen\n"
         f"- at a small phone's width ({widths['phone']} pixels, the width WCAG's reflow "
         "criterion uses): whether the page has to be scrolled sideways\n"
         "- printed to PDF on A4 paper: how many pages, and no filters or buttons on paper\n\n"
         "axe-core finds about half of the problems people meet; the known problems above come "
         "from our own use of the dashboard." + _not_checked_text(not_checked)
         + " Every check, page by page:"),
        ("What we're doing to improve accessibility",
         "The checks run again with every change to the dashboard, and a test fails when this "
         "statement no longer matches what they find."),
        ("Preparation of this accessibility statement",
         f"This statement was prepared on {checked_on}, from the checks of that day. The known "
         f"problems were last reviewed on {long_date(reviewed)}."),
    ]
    return Statement(status, tuple(sections), _tested_table(checks))
