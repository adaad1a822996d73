"""The accessibility checks behind the accessibility statement (`make accessibility`): every page,
for every role, opened in Debian's Chromium, checked with axe-core (every rule, every impact),
from the keyboard (the Tab key reaches the page's content, the focus can always be seen), at a
small phone's width (no sideways scrolling) and printed to PDF (pages, no controls on paper).
Writes docs/accessibility-checks.json, which the statement page reads. The browser tests share
these checks (tests/test_browser.py, tests/test_accessibility_statement.py).

    python tools/accessibility_checks.py [--db data/fsdash.duckdb] [--roles cabinet ...]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import math
import re
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from streamlit_server import APP, READY, launched_chromium, streamlit_server  # noqa: E402

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
OUT = ROOT / "docs" / "accessibility-checks.json"
ROLES = ("cabinet", "director", "team_manager:FS01", "analyst")
DESKTOP = {"width": 1400, "height": 1000}
PHONE = {"width": 320, "height": 640}        # WCAG 1.4.10 Reflow's width
TAB_LIMIT = 200
# Each page's address as checked (keyed by its url_path; "" is the Overview), on dates the
# demo store has whatever month it was built to.
ADDRESSES = {"": "/?as_at=2026-10&area=all",
             "children-in-care": "/children-in-care?as_at=2023-03&area=all&age=all&period=5y",
             "front-door": "/front-door?as_at=2022-03&area=all",
             "outcomes": "/outcomes?began=2022-23&area=all",
             "at-a-glance": "/at-a-glance?as_at=2025-01&area=all",
             "scenarios": "/scenarios?as_at=2026-10&area=all&starts_under5=-20&stepdown_12plus=50",
             "board-pack": "/board-pack?as_at=2025-01&area=all",
             "team": "/team?as_at=2026-10&team=FS01",
             "data": "/data",
             "audit-log": "/audit-log",
             "accessibility": "/accessibility"}
PRINT_HIDDEN = ("stDownloadButton", "stExpander", "stSelectbox")
WAIT = 300_000     # milliseconds a page may take to run: a first view on a busy two-core machine


def open_page(browser, url: str, width: int = DESKTOP["width"], height: int = DESKTOP["height"]):
    """A new tab at ``url`` once the page has run and drawn its title."""
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(url)
    page.wait_for_selector(READY, timeout=WAIT)
    expect(page.get_by_role("heading", level=1)).to_be_visible(timeout=WAIT)
    page.wait_for_selector(READY, timeout=WAIT)
    return page


def axe_violations(page) -> list[dict]:
    """axe-core's findings on an open page (after its charts draw), every rule and impact: the
    rule, its impact, its help text, the WCAG success criteria it tests (none for good
    practice), how many elements fail and up to three of them."""
    page.wait_for_timeout(1500)
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.map(v => ({rule: v.id, impact: v.impact, help: v.help,
            tags: v.tags, elements: v.nodes.length,
            examples: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return [{"rule": v["rule"], "impact": v["impact"], "help": v["help"],
             "criteria": criteria(v["tags"]), "elements": v["elements"],
             "examples": v["examples"]} for v in found]


def criteria(tags: list[str]) -> list[str]:
    """axe-core's tags as WCAG success criteria: 'wcag1410' -> '1.4.10'."""
    found = []
    for tag in tags:
        match = re.fullmatch(r"wcag(\d)(\d)(\d{1,2})", tag)
        if match:
            found.append(".".join(match.groups()))
    return found


def serious(violations: list[dict]) -> list[dict]:
    """The serious and critical ones."""
    return [v for v in violations if v["impact"] in ("serious", "critical")]


# For each focused element and its three nearest ancestors: what could show the focus.
FOCUS_STYLES = """(e) => { const out = []; for (let i = 0; e && i < 4; i++, e = e.parentElement) {
    const s = getComputedStyle(e);
    out.push([s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow, s.borderTopColor,
              s.borderBottomColor, s.backgroundColor, s.color, s.textDecorationLine].join('|'));
  } return out.join('/'); }"""
STEP = """(index) => {
    const styles = """ + FOCUS_STYLES + """;
    const was = window.__fsdashFocused;
    const hidden = was && was.element !== document.activeElement
                   && styles(was.element) === was.styles ? was.index : null;
    const e = document.activeElement;
    if (!e || e === document.body) { window.__fsdashFocused = null; return {hidden}; }
    const name = e.tagName.toLowerCase() + ' "' + (e.getAttribute('aria-label') || e.innerText
                 || e.getAttribute('placeholder') || '').trim().slice(0, 60) + '"';
    const again = e.dataset.fsdashStop !== undefined;
    e.dataset.fsdashStop = index;
    window.__fsdashFocused = again ? null : {element: e, index, styles: styles(e)};
    return {hidden, name, again, inMain: !!e.closest('[data-testid="stMain"]')};
}"""
NO_TRANSITIONS = "*, *::before, *::after { transition: none !important; animation: none !important; }"


def tab_stops(page, limit: int = TAB_LIMIT) -> list[dict]:
    """What the Tab key visits, in order, until it comes round again: each stop's name,
    whether it is in the page's content, and whether its focus could be seen (its look, or its
    three nearest ancestors', differs from when the next Tab has moved on)."""
    page.add_style_tag(content=NO_TRANSITIONS)
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); "
                  "window.__fsdashFocused = null; }")
    stops: list[dict] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        step = page.evaluate(STEP, len(stops))
        if step["hidden"] is not None:
            stops[step["hidden"]]["visible"] = False
        if step.get("again"):
            break
        if step.get("name"):
            stops.append({"name": step["name"], "in_main": step["inMain"], "visible": True})
    return stops


def keyboard_check(page) -> dict:
    """Tab stops, how many come before the page's content, and any whose focus is unseen."""
    stops = tab_stops(page)
    first_in_main = next((i for i, s in enumerate(stops) if s["in_main"]), None)
    return {"tab_stops": len(stops), "reaches_main": first_in_main is not None,
            "stops_before_main": first_in_main if first_in_main is not None else len(stops),
            "focus_not_visible": [s["name"] for s in stops if not s["visible"]]}


def print_check(page) -> dict:
    """The page printed to PDF (A4 landscape, the page's own print styles): its page count and
    any filters, expanders or download buttons still on paper."""
    from pypdf import PdfReader

    page.emulate_media(media="print")
    printed = [test_id for test_id in PRINT_HIDDEN if page.evaluate(
        f"""() => [...document.querySelectorAll('[data-testid="{test_id}"]')]
            .some(e => getComputedStyle(e).display !== 'none')""")]
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    page.emulate_media(media="screen")
    return {"pages": len(PdfReader(io.BytesIO(pdf)).pages), "controls_printed": printed}


def phone_check(page) -> dict:
    """Whether the page, narrowed to a small phone's width, has to be scrolled sideways (a wide
    table or chart scrolling inside its own box is allowed)."""
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(1500)
    sideways = page.evaluate("""() => [document.documentElement,
        document.querySelector('[data-testid="stMain"]'),
        document.querySelector('[data-testid="stAppViewContainer"]')]
        .some(e => e && e.scrollWidth > e.clientWidth + 1)""")
    page.set_viewport_size(DESKTOP)
    return {"width": PHONE["width"], "scrolls_sideways": sideways}


def check_page(browser, url: str) -> dict:
    """Every check on one page."""
    page = open_page(browser, url)
    try:
        return {"violations": axe_violations(page), "keyboard": keyboard_check(page),
                "print": print_check(page), "phone": phone_check(page)}
    finally:
        page.close()


def role_pages(role: str) -> list:
    """The pages (``fsdash.ui_access.PageFile``) ``role`` (as FSDASH_DEV_ROLE) includes."""
    from fsdash.access.roles import development_scope, load_access
    from fsdash.config import load_council
    from fsdash.ui_access import PAGE_FILES

    scope = development_scope(role, load_access(), [t.code for t in load_council().teams])
    return [p for p in PAGE_FILES if p.included(scope)]


def check_role(browser, role: str, db: Path, deadline: float = math.inf
               ) -> tuple[list[dict], list[dict]]:
    """Check every page ``role`` includes, on a server of its own over the store ``db``: the
    results, and the pages not checked, with why."""
    with role_server(role, db) as url:
        return check_pages(browser, url, role, role_pages(role), deadline)


@contextmanager
def role_server(role: str, db: Path):
    """The app's address, served over ``db`` to the development role ``role`` (FSDASH_DEV_ROLE;
    "" for a visitor not signed in), with its audit log in a temporary folder."""
    with tempfile.TemporaryDirectory() as audit, streamlit_server(
            APP, db, env={"FSDASH_DEV_ROLE": role,
                          "FSDASH_AUDIT_LOG": str(Path(audit) / "audit.jsonl")}) as (_, url):
        yield url


def check_pages(browser, url: str, role: str, pages: list, deadline: float = math.inf
                ) -> tuple[list[dict], list[dict]]:
    """Every check on each of ``pages`` (``PageFile``) of the app at ``url``, as ``role``, until
    ``deadline`` (``time.monotonic()``): the results, and the pages not checked, with why."""
    from playwright.sync_api import Error, TimeoutError

    results, not_checked = [], []
    for page in sorted(pages, key=lambda p: p.url_path != "accessibility"):   # the statement first
        address = ADDRESSES[page.url_path]
        about = {"page": page.title, "address": address, "role": role}
        if time.monotonic() > deadline and page.url_path != "accessibility":
            not_checked.append({**about, "reason": "the run's time ran out"})
            continue
        print(f"{role}: {page.title}", file=sys.stderr, flush=True)
        try:
            results.append({**about, **check_page(browser, url + address)})
        except TimeoutError:
            not_checked.append({**about, "reason": f"it did not finish drawing within "
                                f"{WAIT // 60_000} minutes on the machine that ran the checks"})
        except Error as error:
            reason = str(error).splitlines()[0]
            not_checked.append({**about, "reason": f"the browser stopped: {reason}"})
    return results, not_checked


def findings(result: dict) -> dict:
    """What the statement rests on in one page's result, without counts that vary from run to
    run: the rules broken, and whether each other check passed."""
    return {"rules": sorted(v["rule"] for v in result["violations"]),
            "reaches_main": result["keyboard"]["reaches_main"],
            "focus_visible": not result["keyboard"]["focus_not_visible"],
            "controls_printed": result["print"]["controls_printed"],
            "scrolls_sideways": result["phone"]["scrolls_sideways"]}


def run(db: Path, roles: tuple[str, ...] = ROLES, minutes: float = math.inf) -> dict:
    """Every check for every role's pages, as written to docs/accessibility-checks.json; pages
    not reached within ``minutes`` are listed as not checked."""
    deadline = time.monotonic() + minutes * 60
    results, not_checked = [], []
    with launched_chromium() as browser:
        for role in roles:
            checked, missed = check_role(browser, role, db, deadline)
            results += checked
            not_checked += missed
        version = browser.version
    axe = json.loads((AXE.parent / "package.json").read_text())["version"]
    return {"checked_on": dt.date.today().isoformat(), "standard": "WCAG 2.2 AA",
            "axe_core": axe, "browser": f"Chromium {version}",
            "widths": {"desktop": DESKTOP["width"], "phone": PHONE["width"]},
            "results": results, "not_checked": not_checked}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "data" / "fsdash.duckdb")
    parser.add_argument("--roles", nargs="+", default=ROLES)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--minutes", type=float, default=math.inf,
                        help="stop checking after this long; pages left are listed as not checked")
    args = parser.parse_args(argv)
    if not args.db.exists():
        sys.exit(f"No store at {args.db}: run `make demo` first.")
    checks = run(args.db, tuple(args.roles), args.minutes)
    args.out.write_text(json.dumps(checks, indent=1) + "\n", encoding="utf-8")
    broken = sum(len(r["violations"]) for r in checks["results"])
    print(f"{len(checks['results'])} pages checked, {len(checks['not_checked'])} not, "
          f"{broken} axe-core rules broken: {args.out}")


if __name__ == "__main__":
    main()
