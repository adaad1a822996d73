"""A freshly started server's first visitor against a later one: the launcher started, then the
Overview opened by a first visitor and by a second (a new browser context, so a new session),
side by side on the same server.

    python bench/first_visit.py DB [--runs 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from streamlit_server import APP, READY, streamlit_server  # noqa: E402

MAIN = '[data-testid="stMainBlockContainer"]'
# Drawn: the run finished, nothing left stale, and every chart has its SVG.
DRAWN = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    if (document.querySelector('[data-stale="true"]')) return false;
    return [...document.querySelectorAll('.js-plotly-plot')].every(c => c.querySelector('.main-svg'));
}"""


def _overview_drawn_ms(browser, url: str) -> int:
    """Wall milliseconds from a new visitor opening the Overview to the page drawn."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(READY + " " + MAIN, timeout=600_000)
    page.wait_for_function(DRAWN, timeout=600_000)
    took = round(1000 * (time.perf_counter() - started))
    context.close()
    return took


def time_first_visitors(browser, db: Path) -> dict:
    """Seconds for the launcher to answer its health check (warming included), then the
    Overview drawn for the server's first visitor and for a second, in milliseconds."""
    started = time.perf_counter()
    with streamlit_server(APP, db) as (_, url):
        start_s = time.perf_counter() - started
        first = _overview_drawn_ms(browser, url)
        second = _overview_drawn_ms(browser, url)
    return {"server_start_s": round(start_s, 1), "first_visitor_ms": first,
            "second_visitor_ms": second, "ratio": round(first / second, 2)}


def main() -> None:
    from playwright.sync_api import sync_playwright

    from streamlit_server import CHROMIUM, CHROMIUM_ARGS

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("db", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(args.runs):
            print(time_first_visitors(browser, args.db))
        browser.close()


if __name__ == "__main__":
    main()
