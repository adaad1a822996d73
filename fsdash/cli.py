"""Command line: ``python -m fsdash demo|load|summary|migrate``."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

from fsdash import metrics, store
from fsdash.access import FAMILY_OF_MEASURE, SUPPRESSED, Figures, Published
from fsdash.config import WHOLE_COUNCIL, load_council
from fsdash.ingest import LoadError, load_folder


def main(argv: list[str] | None = None) -> int:
    """Run one fsdash command; return the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m fsdash", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="simulate the demo council and load it")
    demo.add_argument("--scale", type=float, default=1.0,
                      help="size relative to Lancashire (40 is about England)")
    demo.add_argument("--seed", type=int, default=2015)
    demo.add_argument("--until", help="last month to simulate, YYYY-MM (default: last full month)")
    demo.add_argument("--out", type=Path, help="folder for the extract files (default data/demo)")
    demo.add_argument("--db", type=Path)

    load = commands.add_parser("load", help="load a folder of CSV extracts into the store")
    load.add_argument("folder", type=Path)
    load.add_argument("--db", type=Path)
    load.add_argument("--dry-run", action="store_true",
                      help="check every file and report, but change nothing")
    load.add_argument("--allow-shrink", action="store_true",
                      help="allow a load that removes most of a table the store holds")

    summary = commands.add_parser("summary", help="print the headline measures on a date")
    summary.add_argument("--as-at", type=dt.date.fromisoformat,
                         help="count date, YYYY-MM-DD (default: the latest month end)")
    summary.add_argument("--db", type=Path)
    summary.add_argument("--json", action="store_true", help="print JSON")

    migrate = commands.add_parser("migrate", help="create or upgrade the store's schema")
    migrate.add_argument("--db", type=Path)

    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except (LoadError, store.StoreVersionError, FileNotFoundError) as error:
        print(error, file=sys.stderr)
        return 1


def _demo(args) -> int:
    from fsdash.demo import DEFAULT_OUTPUT, build_demo

    started = time.perf_counter()
    report = build_demo(args.db, scale=args.scale, seed=args.seed, until=args.until,
                        out_dir=args.out or DEFAULT_OUTPUT)
    _print_load(report, time.perf_counter() - started)
    return 0


def _load(args) -> int:
    started = time.perf_counter()
    report = load_folder(args.folder, args.db, allow_shrink=args.allow_shrink,
                         dry_run=args.dry_run)
    _print_load(report, time.perf_counter() - started)
    if args.dry_run:
        print("Dry run: every file passed its checks; the store was not changed.")
    return 0


def _print_load(report, seconds: float) -> None:
    for name, rows in report.rows.items():
        print(f"{name:<22} {rows:>10,} rows")
    print(f"Loaded into {report.db} in {seconds:.1f} s.")


def _summary(args) -> int:
    con = store.connect_readonly(args.db)
    as_at = args.as_at or metrics.latest_month_end(con)
    figures = metrics.summary(con, as_at)
    published = Figures(Published(con.cursor, load_council()), suppress=True)
    for name, figure in figures.items():       # the app's one suppression rule applies here too
        if name in FAMILY_OF_MEASURE:
            family, age = FAMILY_OF_MEASURE[name]
            figure["suppressed"] = published.count(family, as_at, WHOLE_COUNCIL, age) is None
            if figure["suppressed"]:
                figure["value"] = None
    if args.json:
        print(json.dumps({"as_at": as_at.isoformat(), "measures": figures}, indent=2))
        return 0
    print(f"Headline measures on {as_at:%d %B %Y}")
    for figure in figures.values():
        shown = (SUPPRESSED if figure.get("suppressed") else "no data" if figure["value"] is None
                 else f"{figure['value']:,.1f}")
        print(f"  {figure['title']:<70} {shown:>10} {figure['unit']}")
    return 0


def _migrate(args) -> int:
    con = store.connect(args.db)
    print(f"{args.db or store.db_path()} is at schema version {store.schema_version(con)}.")
    return 0


COMMANDS = {"demo": _demo, "load": _load, "summary": _summary, "migrate": _migrate}
