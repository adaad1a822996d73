"""Page files only ever run inside app.py's navigation (issue 24): a direct link to each page as a
fresh server's first session opens that page, with no "Page not found" dialog and no sidebar of
page files; before sign-in there is nothing but the app's name and the Sign in button; and once
the sign-in has expired, every page, on a rerun or a new visit, asks for signing in again. The
servers start through `python -m fsdash serve`, as `make run` and a deployment do."""

import re
import time

import pytest
from playwright.sync_api import expect
from test_signin import sign_in, signed_in_app

from conftest import ROOT
from streamlit_server import READY, launched_chromium, streamlit_server

pytestmark = pytest.mark.browser
# Every page's address and its heading; an analyst may open them all.
PAGES = {"/": "Overview", "/children-in-care": "Children in care", "/front-door": "Front door",
         "/outcomes": "Outcomes for families", "/at-a-glance": "At a glance",
         "/scenarios": "Scenarios", "/board-pack": "Board pack", "/team": "Team caseloads",
         "/data": "Data", "/audit-log": "Audit log"}
# Open to everyone, signed in or not (app.py), so left out of the sign-in tests.
OPEN_PAGES = {"/accessibility": "Accessibility statement for the Family Safeguarding dashboard"}
APP_NAME = "Family Safeguarding dashboard"
WAIT = 120_000                      # ms: a page's first run on a busy machine
TOKEN_SECONDS = 30                  # the identity token's life in the expiry test
FIGURES = ('[data-testid="stMetric"], .js-plotly-plot, [data-testid="stDataFrame"], '
           '[data-testid="stTable"]')



@pytest.fixture(scope="module")
def browser():
    with launched_chromium() as chromium:
        yield chromium


def _heading(page, text: str) -> None:
    expect(page.get_by_role("heading", level=1).first).to_have_text(text, timeout=WAIT)


def _no_page_files_or_dialog(page) -> None:
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)


@pytest.mark.parametrize("path", PAGES | OPEN_PAGES)
def test_a_first_session_s_direct_link_opens_the_page(path, demo_db, browser, tmp_path):
    env = {"FSDASH_DEV_ROLE": "analyst", "FSDASH_AUDIT_LOG": str(tmp_path / "audit.jsonl")}
    with streamlit_server(ROOT / "app.py", demo_db, env=env) as (_, url):
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url + path)
        _heading(page, (PAGES | OPEN_PAGES)[path])
        _no_page_files_or_dialog(page)
        assert page.url.removeprefix(url).split("?")[0] == path
        expect(page.get_by_test_id("stTopNavLink")).to_have_count(len(PAGES | OPEN_PAGES))
        page.close()


@pytest.mark.parametrize("path", PAGES)
def test_before_sign_in_a_first_session_sees_only_the_app_s_name_and_sign_in(
        path, demo_db, browser, tmp_path):
    with signed_in_app(demo_db, tmp_path) as url:
        page = browser.new_page()
        page.goto(url + path)
        expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=WAIT)
        page.wait_for_selector(READY, timeout=WAIT)
        _heading(page, APP_NAME)
        _no_page_files_or_dialog(page)
        main = page.get_by_test_id("stMain")
        expect(main.get_by_role("heading")).to_have_count(1)
        expect(main.get_by_role("button")).to_have_count(1)
        expect(page.locator("input, select, textarea")).to_have_count(0)   # no filters
        expect(page.get_by_test_id("stTopNavLink")).to_have_count(0)
        assert not re.search(r"\d", main.inner_text())          # no date, no figure
        assert page.title() == APP_NAME                          # no page's title
        page.close()


@pytest.fixture(scope="module")
def expiring_app(demo_db, tmp_path_factory):
    with signed_in_app(demo_db, tmp_path_factory.mktemp("expiring"), TOKEN_SECONDS) as url:
        yield url


def _signed_in_on(browser, url: str, path: str):
    """A new browser signed in as the analyst with ``path`` open and drawn; its page and when its
    token expires. A page's first run can outlast the token: then it is opened again (its
    figures now cached)."""
    for attempt in (1, 2):
        expires = time.monotonic() + TOKEN_SECONDS
        page = sign_in(browser, url, "analyst")
        page.goto(url + path)
        page.wait_for_selector(READY, timeout=WAIT)
        heading = page.get_by_role("heading", level=1).first
        expect(heading).not_to_have_text("", timeout=WAIT)
        page.wait_for_selector(READY, timeout=WAIT)
        if heading.inner_text() == PAGES[path] or attempt == 2:
            _heading(page, PAGES[path])
            return page, expires
        page.context.close()


def _signing_in_again(page) -> None:
    _heading(page, "Your sign-in has expired")
    expect(page.get_by_role("button", name="Sign in again")).to_be_visible()
    page.wait_for_selector(READY, timeout=WAIT)
    expect(page.locator(FIGURES)).to_have_count(0)


def test_an_expired_sign_in_means_signing_in_again_on_every_page(expiring_app, browser):
    opened = {path: _signed_in_on(browser, expiring_app, path) for path in PAGES}
    time.sleep(max(0.0, max(expires for _, expires in opened.values()) + 2 - time.monotonic()))
    for path, (page, _) in opened.items():
        page.locator("body").press("r")             # Streamlit's rerun, in the same session
        _signing_in_again(page)
        # The browser keeps the last navigation it was sent; following it is another rerun.
        other = next(title for p, title in PAGES.items() if p != path)
        page.get_by_test_id("stTopNavLink").filter(has_text=other).click()
        _signing_in_again(page)
    page = opened["/"][0]
    for path in PAGES:                                # a new session on each page's link
        page.goto(expiring_app + path)
        _signing_in_again(page)
        expect(page.get_by_test_id("stTopNavLink")).to_have_count(0)
    for page, _ in opened.values():
        page.context.close()
