"""A room full of users: 30 browser sessions at once (each its own browser context, as separate
people are) against one app process while a load swaps the store, then through HAProxy in
front of two app processes. Zero errors; the 95th percentile time to a drawn Overview is
reported against one session's alone, and written to bench/results/concurrency.json."""

import asyncio
import json
import os
import shutil
import sys
import threading
import time

import numpy as np
import pytest
from playwright.async_api import async_playwright

from conftest import ROOT
from fsdash.ingest import load_paths
from streamlit_server import CHROMIUM, CHROMIUM_ARGS, READY, streamlit_server

sys.path.insert(0, str(ROOT / "tools"))
from cluster import cluster  # noqa: E402

pytestmark = pytest.mark.browser     # run with the other browser tests (tools/run_tests.py)
SESSIONS = 30
DRAWN = f"{READY} .js-plotly-plot .main-svg"      # the page has run and drawn its charts
PROBLEMS = ('[data-testid="stException"], :text("Connection error"), '
            ':text("Page not found")')
RESULTS = ROOT / "bench" / "results" / "concurrency.json"


async def _session(browser, url: str) -> tuple[float, int, str | None]:
    """One person opening the Overview: seconds until it is drawn, problems seen, and the
    app process the balancer stuck the session to (None without one)."""
    context = await browser.new_context(viewport={"width": 1200, "height": 900})
    try:
        page = await context.new_page()
        page.set_default_timeout(180_000)    # 30 sessions' browsers share the 2 cores too
        started = time.perf_counter()
        await page.goto(url, wait_until="commit")
        await page.wait_for_selector(DRAWN, state="attached")
        seconds = time.perf_counter() - started
        problems = await page.locator(PROBLEMS).count()
        cookies = {c["name"]: c["value"] for c in await context.cookies()}
        return seconds, problems, cookies.get("FSDASH_APP")
    finally:
        await context.close()


async def _burst(urls_to_warm: list[str], url: str, sessions: int):
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for warm in urls_to_warm:     # each process builds its views once, before the room
            await _session(browser, warm)
        alone = await _session(browser, url)
        together = await asyncio.gather(*(_session(browser, url) for _ in range(sessions)),
                                        return_exceptions=True)
        await browser.close()
    return alone, together


def _summary(alone, together) -> dict:
    errors = [r for r in together if isinstance(r, BaseException)]
    done = [r for r in together if not isinstance(r, BaseException)]
    summary = {"sessions": len(together), "errors": len(errors) + sum(p for _, p, _ in done),
               "first_error": repr(errors[0]) if errors else None,
               "single_s": round(alone[0], 2),
               "processes_used": len({app for _, _, app in done if app})}
    if not done:       # every session failed: the errors say why (no times to summarise)
        return summary
    times = np.array([seconds for seconds, _, _ in done])
    p95 = float(np.percentile(times, 95))
    return summary | {"median_s": round(float(np.median(times)), 2), "p95_s": round(p95, 2),
                      "p95_over_single": round(p95 / alone[0], 1)}


@pytest.fixture()
def store_copy(demo_db, tmp_path):
    db = tmp_path / "store.duckdb"
    shutil.copy(demo_db, db)
    return db


def test_thirty_sessions_at_once_with_a_load_swapping_the_store_then_two_processes(
        demo_db, store_copy):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"No Chromium at {CHROMIUM}: run `make test`, which installs it.")
    extracts = demo_db.parent / "extracts"
    with streamlit_server(ROOT / "app.py", store_copy) as (_, url):
        swap = threading.Timer(1.0, load_paths, ([extracts], store_copy))
        swap.start()                       # a load swaps in a new store as the room arrives
        one = _summary(*asyncio.run(_burst([url], url, SESSIONS)))
        swap.join()
    assert one["errors"] == 0, one
    with cluster(store_copy, 2) as (url, apps):
        two = _summary(*asyncio.run(_burst(apps, url, SESSIONS)))
    assert two["errors"] == 0, two
    assert two["processes_used"] == 2, "the balancer kept every session on one process"
    results = {"one_process": one, "two_processes": two,
               "p95_gain": round(one["p95_s"] / two["p95_s"], 2)}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
