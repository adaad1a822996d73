"""Warm on start: before the launcher's server takes its first visitor, import what the pages
import and build the views every role lands on (the Overview and At a glance, for the whole
council at the latest month) into the very caches the pages read (``fsdash.ui_views``), under
the cache keys the pages ask with. So a freshly started server's first visitor waits about as
long as a later one.

Streamlit's caches belong to the process, not to a server or a session: ``st.cache_resource``
and ``st.cache_data`` keep one store per function (keyed by its module, name and source) and an
entry per hash of the arguments, so a view built here, outside any script run, is the one a
page's first run finds. Without a server yet, ``st.cache_data`` keeps its entries in memory (as
it does with one, ``persist`` unset) and warns that it found no runtime.

Warming only fills caches of figures, keyed by scope as the pages key them; it never signs
anyone in or gives anyone a role: a page still checks the visitor's sign-in and role on every
run before it asks for a view. A missing or empty store, or a view that cannot be built, is
skipped and said in the server's log; it never stops the server starting."""

from __future__ import annotations

import ast
import importlib
import logging
import os
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MOST_SCOPES = 8     # scopes warmed at most: well under the smallest view cache's 16 entries


def page_modules() -> list[str]:
    """The modules ``app.py`` and the page files import (top-level ``import`` statements)."""
    names = set()
    for script in [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]:
        for node in ast.parse(script.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module)
    return sorted(names)


def scope_keys() -> list[tuple]:
    """The scopes a visitor can have (``Scope.key``, as the pages key their views): the
    development role's alone when one stands in for sign-in; with sign-in, each role the
    access configuration gives to groups, then to named users; none without either."""
    from fsdash import signin
    from fsdash.access.roles import development_scope, load_access
    from fsdash.config import load_council

    access = load_access()
    if development := os.environ.get(signin.DEV_ROLE):
        teams = [t.code for t in load_council().teams]
        return [development_scope(development, access, teams).key]
    if not signin.sign_in_configured():
        return []
    scopes = [access.scope(role).key for _, role in access.groups]
    scopes += [access.scope(role, teams).key
               for role, teams in [*access.users.values(), *access.ids.values()]]
    return list(dict.fromkeys(scopes))


def say(line: str) -> None:
    """A line of the server's log."""
    print(f"fsdash warm-up: {line}", file=sys.stderr, flush=True)


def warm(say: Callable[[str], None] = say) -> list[str]:
    """Import the pages' modules and build the default views for every scope (at most
    ``MOST_SCOPES``), saying each step; never raises. Returns what was warmed."""
    started, warmed = time.perf_counter(), []
    with _quiet_streamlit():
        try:
            for name in page_modules():
                importlib.import_module(name)
            warmed = _views(say)
        except Exception as error:              # the server starts all the same
            say(f"stopped ({type(error).__name__}: {error}); the views not built here are "
                "built on first view")
    say(f"{len(warmed)} views built in {time.perf_counter() - started:.1f} s.")
    return warmed


def _views(say: Callable[[str], None]) -> list[str]:
    """Build the store's views, then each scope's, as the pages ask for them on opening."""
    from fsdash import store, ui
    from fsdash.config import WHOLE_COUNCIL, load_council

    if not store.db_path().exists():
        say(f"no store at {store.db_path()} yet (the first load makes it): no views built.")
        return []
    key = ui.store_key()
    try:
        months = ui.available_month_ends(key)
    except ValueError as error:                 # a store made but not loaded yet
        months, why = [], str(error)
    else:
        why = "The store holds no month ends yet."
    if not months:
        say(f"{key[0]}: {why} No views built.")
        return []
    scopes = scope_keys()
    if not scopes:
        say("neither sign-in nor a development role is set up, so no page shows figures: "
            "no views built.")
        return []
    if len(scopes) > MOST_SCOPES:
        say(f"{len(scopes)} scopes in the access configuration: the first {MOST_SCOPES} "
            f"built, not {scopes[MOST_SCOPES:]}.")
    # A page opens on the latest month end and the whole council (fsdash.ui_filters).
    as_at, council = months[-1], load_council()
    filters = ui.Filters(as_at, WHOLE_COUNCIL, council.area_label(WHOLE_COUNCIL))
    builds = {"districts known": lambda: ui.districts_known(key),
              "published figures": lambda: ui.published(key),
              "measures not yet tested": lambda: ui.untested(key)}
    for s in scopes[:MOST_SCOPES]:
        builds |= {f"headline cards {s}": lambda s=s: ui.headline_cards(key, s, as_at, WHOLE_COUNCIL),
                   f"what changed {s}": lambda s=s: ui.changed(key, s, as_at),
                   f"under-12s and the target {s}": lambda s=s: ui.target_section(key, s, filters),
                   f"heat map {s}": lambda s=s: ui.heat(key, s, as_at)}
    return [name for name, build in builds.items() if _built(name, build, say)]


def _built(name: str, build: Callable[[], object], say: Callable[[str], None]) -> bool:
    started = time.perf_counter()
    try:
        build()
    except Exception as error:                  # built on first view instead
        say(f"{name}: not built ({type(error).__name__}: {error})")
        return False
    say(f"{name}: {1000 * (time.perf_counter() - started):.0f} ms")
    return True


class _WithoutServer(logging.Filter):
    """Leaves out Streamlit's warnings, once per cache and spinner, that it runs without a
    server ("No runtime found", "missing ScriptRunContext"): expected while warming."""

    def filter(self, record: logging.LogRecord) -> bool:
        said = record.getMessage()
        return "No runtime found" not in said and "missing ScriptRunContext" not in said


@contextmanager
def _quiet_streamlit():
    loggers = [logging.getLogger(name) for name in (
        "streamlit.runtime.caching.cache_data_api",
        "streamlit.runtime.scriptrunner_utils.script_run_context")]
    quiet = _WithoutServer()
    for each in loggers:
        each.addFilter(quiet)
    try:
        yield
    finally:
        for each in loggers:
            each.removeFilter(quiet)
