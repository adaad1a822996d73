"""fsdash benchmark: demo build time and store size, summary time, and each page's server time
per rerun next to an empty Streamlit page's, measured in the same run.

Server time is the CPU time the `streamlit run` process spends per rerun (user + system, from
/proc), with Chromium asking for each rerun the way a user does (the R key) and waiting for it
to finish; that includes the script, Streamlit's own work and sending the page.

Each scale also times a freshly started server's first visitor to the Overview against a second
visitor on the same server (``bench/first_visit.py``).

    python bench/bench.py [--scale 1 40] [--reruns 20]

Results are printed and written to bench/results/latest.json and docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

import report  # noqa: E402  (bench/report.py)
from first_visit import DRAWN, MAIN, time_first_visitors  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from fsdash import metrics, store  # noqa: E402
from fsdash.access import Figures, Published  # noqa: E402
from fsdash.config import load_council  # noqa: E402
from fsdash.demo import build_demo  # noqa: E402
from fsdash.projection.scenario import Scenario, outlook  # noqa: E402
from fsdash.views import glance, outcomes, scenarios  # noqa: E402
from streamlit_server import CHROMIUM, CHROMIUM_ARGS, READY, streamlit_server  # noqa: E402

PAGES = {"Overview": (ROOT / "app.py", "/"),
         "Children in care": (ROOT / "app.py", "/children-in-care"),
         "Team caseloads": (ROOT / "app.py", "/team?team=FS15"),
         "Front door": (ROOT / "app.py", "/front-door"),
         "Outcomes": (ROOT / "app.py", "/outcomes"),
         "At a glance": (ROOT / "app.py", "/at-a-glance"),
         "Scenarios": (ROOT / "app.py", "/scenarios?starts_under5=-20")}

EMPTY = ROOT / "bench" / "empty_page.py"
# fsdash's .streamlit/config.toml turns off the garbage collection Streamlit runs after every
# rerun and the source-file watcher; the second setting puts Streamlit's defaults back, for both
# the empty page and fsdash's pages.
SETTINGS = {"fsdash settings": (),
            "Streamlit defaults": ("--runner.postScriptGC", "true",
                                   "--server.fileWatcherType", "auto")}


WATCH_RUNS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    window.finishedRuns = 0;
    new MutationObserver(() => {
        if (app.getAttribute('data-test-script-state') === 'notRunning') window.finishedRuns++;
    }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _open_main_page_first(browser, url: str, query: str) -> None:
    """A server's first session runs Streamlit's legacy pages-folder handling before app.py's
    navigation, so a first visit straight to another page's address would run the main page:
    open the main page first for those (their first view then follows it)."""
    if query != "/":
        warm = browser.new_page()
        warm.goto(url)
        warm.wait_for_selector(READY + " " + MAIN, timeout=600_000)
        warm.close()


def time_reruns(browser, script: Path, db: Path, reruns: int, query: str = "",
                flags: tuple[str, ...] = ()) -> dict:
    """Server CPU milliseconds for the first load and per rerun of one app script."""
    with streamlit_server(script, db, flags) as (server, url):
        _open_main_page_first(browser, url, query)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        idle = _cpu_seconds(server.pid)
        started = time.perf_counter()
        page.goto(url + query)
        page.wait_for_selector(READY + " " + MAIN, timeout=600_000)
        first = {"first_load_ms": round(1000 * (time.perf_counter() - started)),
                 "first_load_cpu_ms": round(1000 * (_cpu_seconds(server.pid) - idle))}
        page.evaluate(WATCH_RUNS)
        for _ in range(3):
            _rerun(page)
        before = _cpu_seconds(server.pid)
        for _ in range(reruns):
            _rerun(page)
        per_rerun = 1000 * (_cpu_seconds(server.pid) - before) / reruns
        page.close()
    return {**first, "rerun_cpu_ms": round(per_rerun, 1)}


# Each page's filter changed in the browser, back and forth between two choices: (label, choices).
CHANGES = {"empty page": ("Area", ("Second", "First")),
           "Overview": ("Area", ("Pendle", "All of Lancashire")),
           "Children in care": ("Area", ("Pendle", "All of Lancashire")),
           "Team caseloads": ("Team", ("Preston City", "Preston East")),
           "Front door": ("Area", ("Pendle", "All of Lancashire")),
           "Outcomes": ("Area", ("Pendle", "All of Lancashire")),
           "At a glance": ("Area", ("Pendle", "All of Lancashire")),
           "Scenarios": ("Area", ("East (locality)", "All of Lancashire"))}
# A change is done when a run has finished since it, or (a run too quick for the browser to
# show it running) when the page address carries the new choice, written by the run; and drawn.
CHANGED = f"""([runs, address]) => (window.finishedRuns > runs || location.href !== address)
    && ({DRAWN})()"""
NEXT_FRAME = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def time_filter_changes(browser, script: Path, db: Path, query: str, label: str,
                        choices: tuple[str, str], changes: int) -> dict:
    """Browser milliseconds from a filter change (the choice made with the keyboard) to the
    last chart drawn: the first change (a view not yet built) and the median of ``changes``
    more, back and forth between two choices (views built once, as most changes are)."""
    with streamlit_server(script, db) as (_, url):
        _open_main_page_first(browser, url, query)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url + query)
        page.wait_for_selector(READY + " " + MAIN, timeout=600_000)
        page.wait_for_function(DRAWN, timeout=600_000)
        page.evaluate(WATCH_RUNS)
        times = []
        for i in range(changes + 2):
            box = page.get_by_role("combobox", name=label)
            box.focus()
            page.keyboard.press("Enter")
            page.keyboard.type(choices[i % 2])
            before = page.evaluate("[window.finishedRuns, location.href]")
            started = time.perf_counter()
            page.keyboard.press("Enter")
            page.wait_for_function(CHANGED, arg=before, timeout=600_000)
            page.evaluate(NEXT_FRAME)
            times.append(1000 * (time.perf_counter() - started))
        page.close()
    later = sorted(times[2:])
    return {"first_change_ms": round(times[0]), "change_ms": round(later[len(later) // 2])}


def _rerun(page) -> None:
    done = page.evaluate("window.finishedRuns")
    page.locator("body").press("r")
    page.wait_for_function(f"window.finishedRuns > {done}", timeout=120_000)


# The peak is the loading process's own high-water mark (VmHWM): getrusage's maximum resident
# size survives exec on Linux, so it would report the benchmark's own memory after a large demo.
LOAD_AND_REPORT_PEAK = ("import sys; from pathlib import Path; from fsdash.ingest import "
                        "load_paths; report = load_paths([sys.argv[1]], sys.argv[2]); "
                        "print(sum(report.rows.values()) + sum(report.quarantined.values()), "
                        "next(line.split()[1] for line in Path('/proc/self/status').read_text()"
                        ".splitlines() if line.startswith('VmHWM')))")


def _load(extracts: Path, db: Path) -> tuple[float, int, int]:
    """Load a folder of extracts in a process of its own, as `fsdash load` does: seconds, rows
    read and the process's peak memory in MB."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", LOAD_AND_REPORT_PEAK, str(extracts), str(db)],
                          cwd=ROOT, check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    rows, peak_kb = map(int, done.stdout.split()[-2:])
    return seconds, rows, round(peak_kb / 1024)


PACK_AND_REPORT_PEAK = ("import sys, time; from pathlib import Path; from fsdash import metrics, "
                        "store; from fsdash.access import Scope; from fsdash.config import "
                        "load_council; from fsdash.export import pack_files; "
                        "con = store.connect_readonly(sys.argv[1]); started = time.perf_counter(); "
                        "files = pack_files(con, load_council(), Scope('director'), "
                        "metrics.latest_month_end(con), 'all'); "
                        "print(time.perf_counter() - started, sum(map(len, files.values())), "
                        "next(line.split()[1] for line in Path('/proc/self/status').read_text()"
                        ".splitlines() if line.startswith('VmHWM')))")


def _board_pack(db: Path) -> tuple[float, int, int]:
    """The whole board pack (PDF and PowerPoint, every section, the whole council) made in a
    process of its own: seconds, bytes written and the process's peak memory in MB."""
    done = subprocess.run([sys.executable, "-c", PACK_AND_REPORT_PEAK, str(db)], cwd=ROOT,
                          check=True, capture_output=True, text=True)
    seconds, size, peak_kb = done.stdout.split()[-3:]
    return float(seconds), int(size), round(int(peak_kb) / 1024)


def _projection(con, council, as_at) -> tuple[float, float]:
    """Seconds to read the flows of care and back-test them (once per store), and to project
    three years with and without a scenario, ranges included (each change of a slider)."""
    started = time.perf_counter()
    plan = scenarios.planning(con, council, "all")
    planning_s = time.perf_counter() - started
    scenario = Scenario.build(as_at, {"starts": {"under5": -20}})
    started = time.perf_counter()
    outlook(plan.history, as_at, as_at.replace(year=as_at.year + 3), scenario, 24, None)
    return planning_s, time.perf_counter() - started


def bench_scale(scale: float, reruns: int, changes: int, workdir: Path) -> dict:
    db = workdir / f"scale{scale:g}.duckdb"
    started = time.perf_counter()
    build_demo(db, scale=scale, until="2026-10", out_dir=workdir / f"extracts{scale:g}")
    build_seconds = time.perf_counter() - started
    load_s, load_rows, load_peak_mb = _load(workdir / f"extracts{scale:g}",
                                            workdir / "reload.duckdb")
    con = store.connect_readonly(db)
    as_at = metrics.latest_month_end(con)
    started = time.perf_counter()
    metrics.summary(con, as_at)
    summary_ms = 1000 * (time.perf_counter() - started)
    council = load_council()
    started = time.perf_counter()
    signals = glance.scan(con, Figures(Published(con.cursor, council), True), council, as_at)
    scan_s = time.perf_counter() - started
    started = time.perf_counter()
    outcomes.outcomes_view(con, council, True, "all", "all")
    outcomes_s = time.perf_counter() - started
    planning_s, project_s = _projection(con, council, as_at)
    con.close()
    pack_s, pack_bytes, pack_peak_mb = _board_pack(db)
    result = {"scale": scale, "demo_build_s": round(build_seconds, 1),
              "load_s": round(load_s, 1), "load_peak_mb": load_peak_mb,
              "load_rows": load_rows, "load_rows_per_s": round(load_rows / load_s),
              "store_mb": round(db.stat().st_size / 1e6, 1), "summary_ms": round(summary_ms),
              "monthly_scan_s": round(scan_s, 1), "signals": len(signals),
              "outcomes_view_s": round(outcomes_s, 1), "planning_s": round(planning_s, 2),
              "projection_s": round(project_s, 2), "pack_s": round(pack_s, 1),
              "pack_mb": round(pack_bytes / 1e6, 1), "pack_peak_mb": pack_peak_mb,
              "pages": {}, "browser": {}}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        result["first_visit"] = time_first_visitors(browser, db)
        for setting, flags in SETTINGS.items():
            empty = time_reruns(browser, EMPTY, db, reruns, flags=flags)
            result["pages"][setting] = {"empty page": empty}
            for name, (script, query) in PAGES.items():
                page = time_reruns(browser, script, db, reruns, query, flags)
                page["ratio_to_empty"] = (round(page["rerun_cpu_ms"] / empty["rerun_cpu_ms"], 2)
                                          if empty["rerun_cpu_ms"] else None)   # below the clock
                result["pages"][setting][name] = page
        for name, (label, choices) in CHANGES.items():
            script, query = PAGES.get(name, (EMPTY, "/"))
            result["browser"][name] = time_filter_changes(browser, script, db, query, label,
                                                          choices, changes)
        empty = result["browser"]["empty page"]["change_ms"]
        for timing in result["browser"].values():
            timing["ratio_to_empty"] = round(timing["change_ms"] / empty, 2)
        browser.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, nargs="+", default=[1.0])
    parser.add_argument("--reruns", type=int, default=20)
    parser.add_argument("--changes", type=int, default=6,
                        help="filter changes timed in the browser on each page")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for scale in args.scale:
            result = bench_scale(scale, args.reruns, args.changes, Path(tmp))
            results.append(result)
            print(f"scale {scale:g}: demo built in {result['demo_build_s']} s, store "
                  f"{result['store_mb']} MB, summary {result['summary_ms']} ms; its extracts "
                  f"loaded again in {result['load_s']} s ({result['load_rows']:,} rows, "
                  f"{result['load_rows_per_s']:,} a second) with peak memory "
                  f"{result['load_peak_mb']} MB; monthly scan {result['monthly_scan_s']} s "
                  f"({result['signals']} signals); Outcomes view (cold) "
                  f"{result['outcomes_view_s']} s; flows of care and back-test "
                  f"{result['planning_s']} s, a scenario projected {result['projection_s']} s")
            for setting, pages in result["pages"].items():
                print(f"  {setting}: empty page {pages['empty page']['rerun_cpu_ms']} ms server "
                      "CPU per rerun")
                for name, page in pages.items():
                    if name != "empty page":
                        print(f"    {name}: first load {page['first_load_ms']} ms "
                              f"({page['first_load_cpu_ms']} ms server CPU), rerun "
                              f"{page['rerun_cpu_ms']} ms server CPU = "
                              f"{page['ratio_to_empty']}x the empty page")
            for name, timing in result["browser"].items():
                print(f"  browser, {name}: a filter change drawn in {timing['change_ms']} ms "
                      f"({timing['ratio_to_empty']}x the empty page; the first "
                      f"{timing['first_change_ms']} ms)")
            visit = result["first_visit"]
            print(f"  a new server (started and warmed in {visit['server_start_s']} s): its first "
                  f"visitor's Overview drawn in {visit['first_visitor_ms']} ms, a second "
                  f"visitor's in {visit['second_visitor_ms']} ms ({visit['ratio']}x)")
            print(f"  board pack: {result['pack_s']} s, {result['pack_mb']} MB, peak memory "
                  f"{result['pack_peak_mb']} MB")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2))
    command = "make bench" + (f' BENCH_ARGS="{" ".join(sys.argv[1:])}"' if sys.argv[1:] else "")
    (ROOT / "docs" / "benchmarks.md").write_text(report.markdown(results, command))


if __name__ == "__main__":
    main()
