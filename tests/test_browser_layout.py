"""What a user meets at the keyboard, on paper and on a phone, in a real browser (issue 25):
few tab stops before the first chart's table and none on an unseen "Link to heading"; a skip
link; focus drawn with enough contrast; printed pages that keep headings with what follows and
the heat map's header row on every page; and on a 390 px phone the heat map's cells whole, the
pages' menu named and the chart titles wrapped."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from conftest import ROOT
from streamlit_server import READY, launched_chromium, streamlit_server
from tools.accessibility_checks import open_page

pytestmark = pytest.mark.browser
WAIT = 300_000                      # ms: a page's first run (the published figures) on a busy machine
PHONE = {"width": 390, "height": 844}
# Each page's address, the charts it draws once finished, and the most printed A4 pages it
# may take: about a chart block to a page (Children in care printed 11 before, with headings
# parted from their charts; 13 with each block whole, then 15 with "How we compare with similar
# councils", 17 with the events each chart over time lists under it), a page or two to spare.
PRINTED = {
    "overview": ("/?as_at=2026-10&area=all", 1, 5),
    "children-in-care": ("/children-in-care?as_at=2023-03&area=all&age=all&period=5y", 11, 18),
    "at-a-glance": ("/at-a-glance?as_at=2025-01&area=all", 0, 8),
}
TAB_STOPS_BEFORE_A_TABLE = 18       # skip link, pages' links, menu, filters, then the table
FOCUS_CONTRAST = 3                  # WCAG 2.4.11: a focus indicator against what is beside it


@pytest.fixture(scope="module")
def server(demo_db, tmp_path_factory):
    audit_log = tmp_path_factory.mktemp("layout-audit") / "audit.jsonl"
    with streamlit_server(ROOT / "app.py", demo_db, env={"FSDASH_AUDIT_LOG": str(audit_log)}
                          ) as (_, url):
        yield url


@pytest.fixture(scope="module")
def browser(server):
    with launched_chromium() as chromium:
        yield chromium


def _open(browser, url, charts: int = 0, viewport=None):
    """The page opened as the accessibility checks open it, and its charts drawn."""
    page = open_page(browser, url, **(viewport or {}))
    if charts:
        expect(page.locator(".js-plotly-plot")).to_have_count(charts, timeout=WAIT)
    page.wait_for_selector(READY, timeout=WAIT)
    return page


def _focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement;
        return {tag: e.tagName, text: (e.getAttribute('aria-label') || e.textContent || '').trim(),
                testid: e.dataset.testid || ''}; }""")


def _stops_before_a_table(page, limit: int = 60) -> list[dict]:
    """What the Tab key visits from the top of the page up to the first chart's table."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stops.append(_focused(page))
        if stops[-1]["tag"] == "SUMMARY" and "Table:" in stops[-1]["text"]:
            return stops
    raise AssertionError(f"no chart's table in the first {limit} tab stops: {stops}")


def test_the_keyboard_reaches_the_first_table_soon_and_past_no_heading_links(server, browser):
    path, charts, _ = PRINTED["children-in-care"]
    page = _open(browser, server + path, charts)
    stops = _stops_before_a_table(page)
    assert len(stops) <= TAB_STOPS_BEFORE_A_TABLE, [s["text"] for s in stops]
    assert not [s for s in stops if s["tag"] == "A" and "Link to heading" in s["text"]]
    assert stops[0]["text"] == "Skip to main content"
    # The table's label keeps the title's capitals ("England", not "england").
    expect(page.locator("summary", has_text="Table: Compared with England")).to_have_count(1)
    # The skip link takes the focus past the pages' links to the filters.
    page.get_by_test_id("stSkipToContent").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("""() => !!document.activeElement.closest('[data-testid="stMain"]')""")
    page.close()


def _luminance(rgb: str) -> float:
    channels = [int(c) / 255 for c in re.findall(r"\d+", rgb)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(one: str, other: str) -> float:
    high, low = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_focus_on_the_pages_links_is_plain_to_see(server, browser):
    page = _open(browser, server + PRINTED["overview"][0])
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    for _ in range(6):                                  # past the skip link to a page's link
        page.keyboard.press("Tab")
        if _focused(page)["testid"] == "stTopNavLink":
            break
    assert _focused(page)["testid"] == "stTopNavLink"
    style = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), colour: s.outlineColor}; }""")
    assert style["style"] == "solid" and style["width"] >= 2, style
    assert _contrast(style["colour"], "rgb(255, 255, 255)") >= FOCUS_CONTRAST, style
    page.close()


def _printed(page) -> list[str]:
    """The page printed as the browser would (A4 landscape), as the text of each sheet."""
    page.emulate_media(media="print")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    return [sheet.extract_text() or "" for sheet in PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize("name", PRINTED)
def test_a_printed_page_keeps_headings_with_what_follows(server, browser, name):
    path, charts, most_sheets = PRINTED[name]
    page = _open(browser, server + path, charts)
    headings = set(page.evaluate("""() => [...document.querySelectorAll(
        '[data-testid="stMain"] h1, [data-testid="stMain"] h2, [data-testid="stMain"] h3')]
        .map(h => h.textContent.trim())"""))
    sheets = _printed(page)
    page.close()
    assert len(sheets) <= most_sheets, len(sheets)
    for number, text in enumerate(sheets[:-1], start=1):
        last = [line.strip() for line in text.splitlines() if line.strip()][-1:]
        assert not set(last) & headings, (number, last)
    if name == "at-a-glance":                           # the heat map's header row on each sheet
        for number, text in enumerate(sheets, start=1):
            if "Green" in text or "Amber" in text or "Red" in text:
                assert "In care" in text and "Area" in text, number


def test_on_a_phone_the_heat_map_shows_every_cell_whole(server, browser):
    page = _open(browser, server + PRINTED["at-a-glance"][0], viewport=PHONE)
    grid = page.get_by_role("region", name=re.compile("^Indicators by area"))
    expect(grid).to_be_visible(timeout=WAIT)
    cut = page.evaluate("""() => [...document.querySelectorAll('.fsdash-grid th, .fsdash-grid td')]
        .filter(c => c.scrollWidth > c.clientWidth + 1 || c.scrollHeight > c.clientHeight + 1)
        .map(c => c.textContent)""")
    assert cut == [], cut
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    sideways = page.evaluate("""() => { const g = document.querySelector('.fsdash-grid');
        return g.scrollWidth > g.clientWidth && getComputedStyle(g).overflowX === 'auto'; }""")
    assert sideways                                     # the table scrolls, not the page
    assert not re.search(r"(^|\s),\d", grid.inner_text())   # no figure cut to ",710"
    grid.focus()                                        # the keyboard can scroll it
    assert _focused(page)["text"].startswith("Indicators by area")
    menu = page.get_by_test_id("stExpandSidebarButton")
    expect(menu).to_have_accessible_name(re.compile("Menu"))
    assert "Menu" in page.evaluate("""() => getComputedStyle(document.querySelector(
        '[data-testid="stExpandSidebarButton"]'), '::after').content""")
    page.close()


def test_on_a_phone_chart_titles_wrap_rather_than_being_cut(server, browser):
    path, charts, _ = PRINTED["children-in-care"]
    page = _open(browser, server + path, charts, viewport=PHONE)
    drawn = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot .gtitle')]
        .map(t => t.textContent.trim()).filter(t => t)""")
    assert drawn == [], drawn                           # titles are text above the charts
    cut = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stMarkdown"] p')]
        .filter(p => p.scrollWidth > p.clientWidth + 1).map(p => p.textContent)""")
    assert cut == [], cut
    page.close()
