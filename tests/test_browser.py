"""The pages in a real browser: Debian's Chromium driven by Playwright against `streamlit run`.
Screenshots and the printed PDF are kept in test-results/ as artefacts."""

import json
import os
import re

import pytest
from playwright.sync_api import expect, sync_playwright

from conftest import ROOT
from streamlit_server import CHROMIUM, CHROMIUM_ARGS, READY, streamlit_server
from tools.accessibility_checks import ADDRESSES, axe_violations, open_page, serious, tab_stops

pytestmark = pytest.mark.browser
OUT = ROOT / "test-results"
A4_LANDSCAPE_WIDTH = 1047     # CSS pixels printable across A4 landscape with 10 mm margins
# Every page a director has, at the addresses the accessibility checks use.
PAGES = {(url_path or "overview"): address for url_path, address in ADDRESSES.items()
         if url_path not in ("data", "audit-log")}
SMALL_DISTRICT = "/children-in-care?as_at=2026-10&area=E07000124"
CARE_CHARTS = 11    # Children in care's charts at its address, "How we compare" among them


@pytest.fixture(scope="module")
def audit_log(tmp_path_factory):
    return tmp_path_factory.mktemp("browser-audit") / "audit.jsonl"


@pytest.fixture(scope="module")
def server(demo_db, audit_log):
    with streamlit_server(ROOT / "app.py", demo_db, env={"FSDASH_AUDIT_LOG": str(audit_log)}
                          ) as (_, url):
        yield url


@pytest.fixture(scope="module")
def browser(server):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"No Chromium at {CHROMIUM}: run `make test`, which installs it.")
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # The server's first session runs Streamlit's legacy pages-folder handling before
        # app.py's navigation takes over, so a first visit straight to a page's address
        # shows "Page not found" (Streamlit 1.67): open the main page first, as after a restart.
        warm = chromium.new_page()
        warm.goto(server)
        warm.wait_for_selector(READY, timeout=90_000)
        warm.close()
        yield chromium
        chromium.close()


def test_overview_draws_cards_and_the_target_chart(server, browser):
    page = open_page(browser, server + PAGES["overview"])
    expect(page.get_by_test_id("stMetric")).to_have_count(11, timeout=30_000)
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=30_000)
    expect(page.get_by_text("children were in care in Lancashire")).to_be_visible()
    cut = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stMetricLabel"] p')]
        .filter(p => p.scrollWidth > p.clientWidth + 1).map(p => p.textContent)""")
    assert cut == [], cut                                 # no card title cut off
    hover = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stMetric"] svg')]
        .every(s => getComputedStyle(s).pointerEvents === 'none')""")
    assert hover                                          # no bare-number hover on the sparklines
    page.screenshot(path=str(OUT / "overview.png"), full_page=True)
    page.close()


def test_a_shared_link_opens_the_same_view(server, browser):
    page = open_page(browser, f"{server}/?as_at=2020-03&area=EAST")
    expect(page.get_by_text("East · figures at 31 March 2020")).to_be_visible()
    page.close()


def test_the_filters_work_from_the_keyboard(server, browser):
    page = open_page(browser, server)
    area = page.get_by_role("combobox", name="Area")
    area.focus()
    page.keyboard.press("Enter")
    page.keyboard.type("Pendle")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Pendle · figures at")).to_be_visible(timeout=30_000)
    assert "area=E07000122" in page.url
    page.close()


def test_children_in_care_page_draws_its_charts(server, browser):
    page = open_page(browser, server + PAGES["children-in-care"])
    expect(page.locator(".js-plotly-plot")).to_have_count(CARE_CHARTS, timeout=60_000)
    expect(page.get_by_text("If the trend of the last")).to_be_visible()
    page.get_by_text("Glossary").click()
    expect(page.get_by_text("Special guardianship order", exact=False).first).to_be_visible()
    page.screenshot(path=str(OUT / "children-in-care.png"), full_page=True)
    page.close()


def test_a_small_district_has_no_serious_or_critical_accessibility_violations(server, browser):
    # Every page for every role is checked as test_browser_controls.py opens it; this is the
    # page where a small district's figures are hidden.
    page = open_page(browser, server + SMALL_DISTRICT)
    found = serious(axe_violations(page))
    page.close()
    assert found == [], found


def test_a_scenario_is_set_from_the_keyboard_and_kept_in_the_address(server, browser):
    page = open_page(browser, server + PAGES["scenarios"])
    expect(page.locator(".js-plotly-plot")).to_have_count(5, timeout=60_000)
    slider = page.get_by_role("slider", name="Children starting care: 5 to 11-year-olds")
    slider.focus()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    expect(page).to_have_url(re.compile("starts_5to11=-10"), timeout=60_000)
    page.wait_for_selector(READY, timeout=90_000)
    summary = page.get_by_text("10% fewer 5 to 11-year-olds start care")
    expect(summary).to_be_visible(timeout=60_000)
    page.screenshot(path=OUT / "scenarios.png", full_page=True)
    shared = open_page(browser, page.url)
    expect(shared.get_by_text("10% fewer 5 to 11-year-olds start care")).to_be_visible()
    page.close()
    shared.close()


def test_the_keyboard_reaches_definitions_without_wading_through_chart_toolbars(server, browser):
    page = open_page(browser, server + PAGES["children-in-care"])
    expect(page.locator(".js-plotly-plot")).to_have_count(CARE_CHARTS, timeout=60_000)
    stops = [stop["name"] for stop in tab_stops(page)]
    assert page.locator(".modebar-btn").count() == 0, "chart toolbar buttons are in the tab order"
    assert len(stops) < 80, len(stops)
    assert any("What these figures mean" in s or "Glossary" in s for s in stops)
    page.close()
    page = open_page(browser, server + PAGES["overview"])
    expect(page.get_by_test_id("stMetric")).to_have_count(11, timeout=30_000)
    summary = page.locator("summary", has_text="What these figures mean")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Children looked after at the end of the day")).to_be_visible()
    page.close()


def test_pages_print_whole_charts_without_sidebar_filters_or_buttons(server, browser):
    page = open_page(browser, server + PAGES["children-in-care"])
    expect(page.locator(".js-plotly-plot")).to_have_count(CARE_CHARTS, timeout=60_000)
    page.emulate_media(media="print")
    widths = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].map(
        e => e.getBoundingClientRect().right - document.querySelector(
            '[data-testid="stMainBlockContainer"]').getBoundingClientRect().left)""")
    assert widths and max(widths) <= A4_LANDSCAPE_WIDTH, widths
    for test_id in ("stDownloadButton", "stExpander", "stSelectbox"):
        hidden = page.evaluate(f"""() => [...document.querySelectorAll('[data-testid="{test_id}"]')]
            .every(e => getComputedStyle(e).display === 'none')""")
        assert hidden, test_id
    unsplit = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
        .every(e => getComputedStyle(e).breakInside === 'avoid')""")
    assert unsplit
    page.pdf(path=str(OUT / "children-in-care-print.pdf"), prefer_css_page_size=True,
             print_background=True)
    page.close()


def test_on_a_phone_the_filters_are_labelled_and_charts_have_no_toolbar(server, browser):
    page = open_page(browser, server + PAGES["children-in-care"], width=390, height=844)
    for label in ("Figures at the end of", "Area", "Age group", "Months shown"):
        expect(page.get_by_role("combobox", name=label)).to_be_visible()
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=60_000)
    assert page.locator(".modebar").count() == 0
    page.screenshot(path=str(OUT / "children-in-care-phone.png"))
    page.goto(server + PAGES["overview"])
    page.wait_for_selector(READY, timeout=90_000)
    expect(page.get_by_test_id("stMetric")).to_have_count(11, timeout=60_000)
    cut = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stMetricLabel"] p')]
        .filter(p => p.scrollWidth > p.clientWidth + 1).map(p => p.textContent)""")
    assert cut == [], cut
    page.close()


def test_a_download_is_audited(server, browser, audit_log):
    page = open_page(browser, server + PAGES["children-in-care"])
    expect(page.locator(".js-plotly-plot")).to_have_count(CARE_CHARTS, timeout=60_000)
    page.wait_for_selector(READY, timeout=90_000)
    with page.expect_download(timeout=90_000) as download:
        page.get_by_role("button", name="Download this data (CSV)").filter(visible=True).first.click()
    assert download.value.suggested_filename == "children-looked-after.csv"
    page.close()
    entries = [json.loads(line) for line in audit_log.read_text().splitlines()]
    assert any(e["action"] == "download" and e["details"] == {"file": "children-looked-after.csv"}
               and e["page"] == "Children in care" for e in entries)
