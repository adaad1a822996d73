"""docs/benchmarks.md from a `make bench` run's results: every figure as measured side by side
in that run, the ratios the goals are set in, and the machine it ran on."""

from __future__ import annotations

import os
import platform
from pathlib import Path

GOAL = 3.0   # each ratio's goal: within 3x
FIRST_VISIT_GOAL = 2.0   # a new server's first visitor: within 2x of a later one


def machine() -> str:
    """The machine, in a line: processor, cores, memory, system."""
    model = next((line.split(":", 1)[1].strip() for line in
                  Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
                 platform.processor() or "unknown processor")
    memory_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text()
                     .splitlines() if line.startswith("MemTotal"))
    return (f"{model}, {os.cpu_count()} cores, {memory_kb / 1024 ** 2:.0f} GiB memory, "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}")


def _ratio(value: float | None, goal: float = GOAL) -> str:
    if value is None:
        return "below the clock"
    return f"{value:.1f}x, {'met' if value <= goal else 'not met'}"


def first_visit(results: list[dict]) -> list[str]:
    """A freshly started server's first visitor to the Overview against a second visitor."""
    lines = ["", "## A freshly started server: its first visitor against a later one", "",
             "`python -m fsdash serve` is started on the store (a development director, as "
             "`make run`), and the Overview opened by a first visitor and then by a second (a "
             "new browser context, so a new session) on the same server: wall time from "
             "opening the page to every chart drawn. The launcher builds the views every role "
             "lands on before its server takes a visitor (`fsdash/warm.py`), so that time is "
             "in the server's start (until it answers its health check), not the first "
             f"visitor's. Goal: the first visitor within {FIRST_VISIT_GOAL:g}x of the second.",
             "", "| scale | server started and warmed | first visitor | second visitor | ratio |",
             "|---|---|---|---|---|"]
    for r in results:
        visit = r["first_visit"]
        lines.append(f"| {r['scale']:g} | {visit['server_start_s']} s | "
                     f"{visit['first_visitor_ms']} ms | {visit['second_visitor_ms']} ms | "
                     f"{_ratio(visit['ratio'], FIRST_VISIT_GOAL)} |")
    return lines


def markdown(results: list[dict], command: str) -> str:
    """The page: the run's loads and builds, then each page's rerun and first view."""
    lines = ["# Benchmarks", "",
             f"Written by `{command}` (`bench/bench.py`); every ratio is of two figures "
             "measured side by side in that one run, because the machine is shared and "
             "timings alone drift from run to run. Goal for each ratio: within "
             f"{GOAL:g}x.", "", f"Machine: {machine()}.", "",
             "## Building and loading", "",
             "A load counts every measure for every month end and area once, after reading "
             "the files, so that pages need not (`fsdash.metrics.aggregate`); its time is "
             "in the load's.", "",
             "| scale | demo build | store | load again | rows | rows a second | load peak "
             "memory | summary | board pack | pack peak memory |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    lines += [f"| {r['scale']:g} | {r['demo_build_s']} s | {r['store_mb']} MB | {r['load_s']} s "
              f"| {r['load_rows']:,} | {r['load_rows_per_s']:,} | {r['load_peak_mb']:,} MB | "
              f"{r['summary_ms']} ms | {r['pack_s']} s ({r['pack_mb']} MB) | "
              f"{r['pack_peak_mb']:,} MB |" for r in results]
    lines += ["", "## Pages: server time per rerun against an empty page", "",
              "Server CPU per rerun (Chromium presses R and waits), under fsdash's settings, "
              "next to an empty Streamlit page with one select box in the same run.", "",
              "| page | " + " | ".join(f"scale {r['scale']:g}" for r in results) + " |",
              "|---|" + "---|" * len(results)]
    pages = results[0]["pages"]["fsdash settings"]
    for name in pages:
        cells = []
        for r in results:
            page = r["pages"]["fsdash settings"][name]
            ratio = "" if name == "empty page" else f" ({_ratio(page.get('ratio_to_empty'))})"
            cells.append(f"{page['rerun_cpu_ms']} ms{ratio}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "## Pages: browser time from a filter change to the last chart drawn", "",
              "Chromium chooses another area (another team on Team caseloads) with the keyboard "
              "and waits for the run to finish and every chart to be drawn; the median of the "
              "changes back and forth after the first two, next to the same change of the "
              "empty page's select box in the same run. The first change (a view not built "
              "yet) in brackets.", "",
              "| page | " + " | ".join(f"scale {r['scale']:g}" for r in results) + " |",
              "|---|" + "---|" * len(results)]
    for name in results[0]["browser"]:
        cells = []
        for r in results:
            timing = r["browser"][name]
            ratio = "" if name == "empty page" else f", {_ratio(timing['ratio_to_empty'])}"
            cells.append(f"{timing['change_ms']} ms{ratio} ({timing['first_change_ms']} ms)")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += first_visit(results)
    if len(results) > 1:
        small, large = results[0], results[-1]
        lines += ["", f"## Pages: first (cold) view at scale {large['scale']:g} against "
                  f"scale {small['scale']:g}", "",
                  "Wall time from a new server's first visitor opening the page to the run "
                  "finished (after its Overview for the other pages). The server was warmed "
                  "on start, so the Overview's and At a glance's views were built before it "
                  "took a visitor (the time above); each other page builds its views on this "
                  "first view.", "",
                  f"| page | scale {small['scale']:g} | scale {large['scale']:g} | ratio |",
                  "|---|---|---|---|"]
        for name in pages:
            if name == "empty page":
                continue
            before = small["pages"]["fsdash settings"][name]["first_load_ms"]
            after = large["pages"]["fsdash settings"][name]["first_load_ms"]
            lines.append(f"| {name} | {before / 1000:.1f} s | {after / 1000:.1f} s | "
                         f"{_ratio(after / before)} |")
    lines += ["", "## Many sessions at once", "",
              "`tests/test_concurrency.py` (part of `make test`) writes "
              "`bench/results/concurrency.json`: 30 sessions against one server while a load "
              "swaps the store, then through HAProxy to two servers (see "
              "`docs/deployment.md`).", ""]
    return "\n".join(lines)
