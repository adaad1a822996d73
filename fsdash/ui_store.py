"""What every page run needs before it draws: the shared read-only connection to the store, the
published figures, the signed-in user's scope, the audit of page views, and which sources the
store holds. Cached results are keyed by the store file's identity, so a new load is picked up."""

from __future__ import annotations

import datetime as dt
import os
import threading

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from fsdash import audit, metrics, signin, store
from fsdash.access import Figures, Published, Scope
from fsdash.config import load_council
from fsdash.metrics import sources


def store_key() -> tuple[str, int, int]:
    """Identifies the store file's current version (a new load swaps in a new file)."""
    path = store.db_path()
    status = os.stat(path)
    return str(path), status.st_ino, status.st_mtime_ns


class _Connection:
    """The process's read-only connection to the current store file. When a load swaps in a new
    file, the next caller opens it beside the old one; the old connection is not closed, so the
    queries still running on it finish on the store they began with, and it goes when its last
    cursor does."""

    def __init__(self):
        self.key = None
        self.con = None
        self.lock = threading.Lock()

    def cursor(self, key):
        with self.lock:
            if key != self.key:
                self.con, self.key = store.connect_snapshot(key[0]), key
            return store.snapshot_cursor(self.con)


@st.cache_resource(show_spinner=False)
def _shared_connection() -> _Connection:
    return _Connection()


def cursor():
    """A cursor on the shared read-only connection to the current store."""
    return _shared_connection().cursor(store_key())


@st.cache_resource(max_entries=2, show_spinner="Opening the published figures…")
def published(key) -> Published:
    """The published figures of one store version, shared by every page and session."""
    return Published(cursor, load_council())


def figures(key, scope_key: tuple) -> Figures:
    """The published figures as a scope sees them (``scope_key``: ``Scope.key``)."""
    suppress = scope_key[-1]
    return Figures(published(key), suppress)


def scope() -> Scope:
    """The signed-in user's scope, checked once on every run (``fsdash.signin``): ``app.py``
    asks first; a page file run on its own (a bare ``streamlit run``'s first sessions, or
    tests) asks itself, so no page draws on a sign-in checked on an earlier run."""
    this_run = _this_run()
    if "fsdash_scope" not in st.session_state or \
            st.session_state.get("fsdash_scope_run") is not this_run:
        st.session_state["fsdash_scope"] = signin.current_scope()
        st.session_state["fsdash_scope_run"] = this_run
    return st.session_state["fsdash_scope"]


def _this_run() -> object:
    """An object that is this script run's alone: Streamlit gives each run fresh cursors."""
    context = get_script_run_ctx()
    return None if context is None else context.cursors


def record_view(page: str, action: str = "view", **details) -> None:
    """Audit a page view (once for each new set of filters in a session)."""
    entry = (page, action, tuple(sorted(details.items())))
    if st.session_state.get("fsdash_last_view") != entry:
        audit.record(scope(), page, action, details)
        st.session_state["fsdash_last_view"] = entry


@st.cache_data(max_entries=16, show_spinner=False)
def _lacking(key, tables: tuple[str, ...]) -> tuple[str, ...]:
    return sources.lacking(cursor(), tables)


@st.cache_data(max_entries=4, show_spinner=False)
def annex_a_cases_unplaced(key) -> bool:
    return sources.annex_a_cases_unplaced(cursor())


def stop_unless_loaded(tables: tuple[str, ...]) -> None:
    """On a page whose figures come from ``tables``, say which sources the store still lacks
    and draw nothing more (a store may hold only some sources)."""
    gone = _lacking(store_key(), tables)
    if "allocation" in tables and annex_a_cases_unplaced(store_key()):
        st.info("The Annex A workbook's allocated teams map to no team code in the council "
                "configuration ([annex_a.teams]), so its cases are in no team's caseload yet: "
                "the load's notes on the Data page name them.")
        st.stop()
    if gone:
        st.info(sources.needs("This page", gone) + " Once loaded (on the Data page, or with "
                "`python -m fsdash load`), its figures appear here.")
        st.stop()


@st.cache_data(max_entries=4, show_spinner=False)
def available_month_ends(key) -> list[dt.date]:
    return metrics.reliable_month_ends(cursor())


@st.cache_data(max_entries=4, show_spinner=False)
def districts_known(key) -> bool:
    """Whether the store knows any child's district (else only the whole council is offered)."""
    return sources.districts_known(cursor())
