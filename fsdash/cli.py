"""Command line: ``python -m fsdash demo|load|summary|pack|brief|formats|migrate|serve``."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import NoReturn

from fsdash import audit, metrics, store
from fsdash.access import ROLE_NAMES, SUPPRESSED, AccessError, Figures, Published
from fsdash.access.roles import development_scope, load_access
from fsdash.config import WHOLE_COUNCIL, load_council
from fsdash.export import SECTIONS, pack_files
from fsdash.export.brief import CABINET, BriefError
from fsdash.export.content import cursors
from fsdash.ingest import LoadError, load_paths
from fsdash.metrics.sources import waits_for
from fsdash.views.overview import headline_figures


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

    load = commands.add_parser("load", help="load extracts (folders, zip files, CSV files)")
    load.add_argument("paths", type=Path, nargs="+",
                      help="folders, zip files or CSV files, under any names")
    load.add_argument("--db", type=Path)
    load.add_argument("--dry-run", action="store_true",
                      help="check every file and report, but change nothing")
    load.add_argument("--allow-shrink", action="store_true",
                      help="allow a load that removes most of a table the store holds")
    load.add_argument("--strict", action="store_true",
                      help="refuse the batch for any row that cannot be used (set aside none)")

    summary = commands.add_parser("summary", help="print the headline measures on a date")
    summary.add_argument("--as-at", type=dt.date.fromisoformat,
                         help="count date, YYYY-MM-DD (default: the latest month end)")
    summary.add_argument("--db", type=Path)
    summary.add_argument("--json", action="store_true", help="print JSON")
    _scope_arguments(summary)

    pack = commands.add_parser("pack", help="write the board pack as a PDF or PowerPoint file")
    pack.add_argument("--as-at", type=dt.date.fromisoformat,
                      help="count date, YYYY-MM-DD (default: the latest month end)")
    pack.add_argument("--format", choices=["pdf", "pptx"], default="pdf")
    pack.add_argument("--sections", nargs="+", choices=list(SECTIONS), default=list(SECTIONS))
    pack.add_argument("--out", type=Path, help="the file to write (default: board-pack-<date>-"
                      "<area>-<role>.<format> in the current folder)")
    pack.add_argument("--db", type=Path)
    _scope_arguments(pack)

    brief = commands.add_parser("brief", help="write the one-page brief for a district or "
                                "locality (or every one) as a PDF, with a cabinet member's figures")
    where = brief.add_mutually_exclusive_group(required=True)
    where.add_argument("--area", help="a district or locality code, e.g. E07000117")
    where.add_argument("--all", action="store_true",
                       help="every locality and district, a page each, in one PDF")
    brief.add_argument("--as-at", type=dt.date.fromisoformat,
                       help="count date, YYYY-MM-DD (default: the latest month end)")
    brief.add_argument("--out", type=Path, help="the file to write (default: brief-<date>-<area or "
                       "all>.pdf in the current folder)")
    brief.add_argument("--db", type=Path)

    commands.add_parser("formats", help="print docs/data-formats.md, generated from the "
                        "declared extracts")

    migrate = commands.add_parser("migrate", help="create or upgrade the store's schema")
    migrate.add_argument("--db", type=Path)

    serve = commands.add_parser("serve", help="start the app (what `make run` and a deployment "
                                "run), taking visitors once the views every role lands on are "
                                "built; options after -- go to `streamlit run`")
    serve.add_argument("--port", type=int, help="the port to serve on (default 8501)")
    serve.add_argument("--address", help="the address to serve on (default: every address)")
    serve.add_argument("streamlit_options", nargs="*", metavar="-- STREAMLIT_OPTION",
                       help="options for `streamlit run`, e.g. -- --server.baseUrlPath fsdash")

    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except (LoadError, AccessError, store.StoreVersionError, FileNotFoundError,
            BriefError) as error:
        print(error, file=sys.stderr)
        return 1


def _scope_arguments(parser) -> None:
    """--area and --role: whose view of the figures (small numbers hidden as the role's are)."""
    parser.add_argument("--area", default=WHOLE_COUNCIL,
                        help="an area code: all (default), a locality or a district")
    parser.add_argument("--role", default="director",
                        help="cabinet, director (default), analyst or team_manager:TEAM")


def _demo(args) -> int:
    from fsdash.demo import DEFAULT_OUTPUT, build_demo

    started = time.perf_counter()
    report = build_demo(args.db, scale=args.scale, seed=args.seed, until=args.until,
                        out_dir=args.out or DEFAULT_OUTPUT)
    _print_load(report, time.perf_counter() - started)
    return 0


def _load(args) -> int:
    started = time.perf_counter()
    report = load_paths(args.paths, args.db, allow_shrink=args.allow_shrink,
                        dry_run=args.dry_run, strict=args.strict)
    _print_load(report, time.perf_counter() - started)
    if args.dry_run:
        print("Dry run: every file passed its checks; the store was not changed.")
    return 0


def _print_load(report, seconds: float) -> None:
    width = max(map(len, [*report.rows, *report.kept, *report.quarantined]), default=0)
    for name, rows in report.rows.items():
        print(f"{name:<{width}} {rows:>10,} rows")
    for name in report.kept:
        print(f"{name:<{width}} kept from the previous load")
    for name, count in report.quarantined.items():
        print(f"{name:<{width}} {count:>10,} rows set aside: see the store's quarantine table")
    if report.queries:
        print(f"{report.queries:,} rows loaded but queried (a DfE rule, or returns that "
              "disagree): see the store's load_query table")
    for note in report.notes:
        print(f"Note: {note}")
    print(f"Loaded into {report.db} in {seconds:.1f} s.")


def _summary(args) -> int:
    con = store.connect_readonly(args.db)
    council = load_council()
    as_at = args.as_at or metrics.latest_month_end(con)
    scope = development_scope(args.role, load_access(), [t.code for t in council.teams])
    figures = Figures(Published(cursors(con), council), suppress=scope.suppress)
    found = headline_figures(con, figures, council, as_at, args.area)
    audit.record_command("summary", scope, {"as_at": as_at, "area": args.area})
    if args.json:
        print(json.dumps({"as_at": as_at.isoformat(), "area": args.area, "role": scope.role,
                          "measures": found}, indent=2))
        return 0
    role = ROLE_NAMES[scope.role]
    print(f"Headline measures on {as_at:%d %B %Y}, {council.area_label(args.area)}, as "
          f"{'an' if role[0] in 'AEIOU' else 'a'} {role} sees them")
    for figure in found.values():
        if figure["waits_for"]:
            print(f"  {figure['title']:<70} {waits_for(tuple(figure['waits_for'])).lower()}")
            continue
        shown = (SUPPRESSED if figure["suppressed"] else "no data" if figure["value"] is None
                 else f"{figure['value']:,.1f}")
        print(f"  {figure['title']:<70} {shown:>10} {figure['unit']}")
    return 0


def _pack(args) -> int:
    con = store.connect_readonly(args.db)
    council = load_council()
    as_at = args.as_at or metrics.latest_month_end(con)
    scope = development_scope(args.role, load_access(), [t.code for t in council.teams])
    started = time.perf_counter()
    data = pack_files(con, council, scope, as_at, args.area, (args.format,), args.sections,
                      _progress_bar)[args.format]
    out = args.out or Path(f"board-pack-{as_at}-{args.area}-{scope.role}.{args.format}")
    out.write_bytes(data)
    audit.record_command("pack", scope, {"as_at": as_at, "area": args.area, "format": args.format,
                                         "sections": ",".join(args.sections), "file": out})
    print(f"\nWrote {out} ({len(data) / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s.")
    return 0


def _brief(args) -> int:
    from fsdash.export.brief_pdf import brief_file

    con = store.connect_readonly(args.db)
    council = load_council()
    as_at = args.as_at or metrics.latest_month_end(con)
    started = time.perf_counter()
    areas = None if args.all else [args.area]
    data, count = brief_file(con, council, as_at, areas)
    out = args.out or Path(f"brief-{as_at}-{'all' if args.all else args.area}.pdf")
    out.write_bytes(data)
    audit.record_command("brief", CABINET, {"as_at": as_at, "area": args.area or "every area",
                                            "file": out})
    print(f"Wrote {out} ({count} page{'s' if count != 1 else ''}, a cabinet member's figures) "
          f"in {time.perf_counter() - started:.1f} s.")
    return 0


def _progress_bar(done: int, total: int, what: str, width: int = 30) -> None:
    """A one-line progress bar on standard error."""
    filled = width * done // max(total, 1)
    print(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {what:<40}", end="",
          file=sys.stderr, flush=True)


def _formats(args) -> int:
    from fsdash.formats import markdown

    print(markdown(), end="")
    return 0


def _serve(args) -> NoReturn:
    from fsdash.serve import serve

    serve(args.port, args.address, args.streamlit_options)


def _migrate(args) -> int:
    con = store.connect(args.db)
    print(f"{args.db or store.db_path()} is at schema version {store.schema_version(con)}.")
    return 0


COMMANDS = {"demo": _demo, "load": _load, "summary": _summary, "pack": _pack, "brief": _brief,
            "formats": _formats, "migrate": _migrate, "serve": _serve}
