"""The Overview in a real browser: Debian's Chromium driven by Playwright against `streamlit run`."""

import os

import pytest
from playwright.sync_api import expect, sync_playwright

from conftest import ROOT
from streamlit_server import CHROMIUM, CHROMIUM_ARGS, READY, streamlit_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(demo_db):
    with streamlit_server(ROOT / "app.py", demo_db) as (_, url):
        yield url


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"No Chromium at {CHROMIUM}: run `make test`, which installs it.")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _open(browser, url):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(url)
    page.wait_for_selector(READY, timeout=60_000)
    expect(page.get_by_test_id("stMetric").first).to_be_visible(timeout=30_000)
    return page


def test_overview_draws_cards_and_the_target_chart(server, browser, tmp_path_factory):
    page = _open(browser, server)
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    expect(page.get_by_test_id("stMetric")).to_have_count(11)
    expect(page.get_by_test_id("stMetric").filter(has_text="Children looked after").first
           ).to_be_visible()
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=30_000)
    expect(page.get_by_text("children aged under 12 in care")).to_be_visible()
    out = ROOT / "test-results"
    out.mkdir(exist_ok=True)
    page.screenshot(path=str(out / "overview.png"), full_page=True)
    page.close()


def test_a_shared_link_opens_the_same_view(server, browser):
    page = _open(browser, f"{server}/?as_at=2020-03&area=EAST")
    expect(page.get_by_text("East · figures at 31 March 2020")).to_be_visible()
    page.close()


def test_the_filters_work_from_the_keyboard(server, browser):
    page = _open(browser, server)
    area = page.get_by_role("combobox", name="Area")
    area.focus()
    page.keyboard.press("Enter")
    page.keyboard.type("Pendle")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Pendle · figures at")).to_be_visible(timeout=30_000)
    assert "area=E07000122" in page.url
    page.close()


def test_children_in_care_page_draws_every_chart(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{server}/children-in-care?as_at=2023-03&area=all&age=all&period=5y")
    page.wait_for_selector(READY, timeout=60_000)
    expect(page.get_by_role("heading", name="Children in care", exact=True)).to_be_visible(
        timeout=60_000)
    expect(page.locator(".js-plotly-plot")).to_have_count(10, timeout=60_000)
    expect(page.get_by_text("If the trend of the last")).to_be_visible()
    page.get_by_text("Glossary").click()
    expect(page.get_by_text("Special guardianship order", exact=False).first).to_be_visible()
    page.screenshot(path=str(ROOT / "test-results" / "children-in-care.png"))
    page.close()
