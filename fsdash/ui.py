"""What every page shares: the store connection, the filters (kept in the URL and across pages),
the published figures, cached views, and how a chart block is drawn. Cached results are keyed by
the store file's identity and the filters, so a new load is picked up and one view never serves
another's figures."""

from __future__ import annotations

import datetime as dt
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from fsdash import audit, metrics, signin, store
from fsdash.access import Figures, Published, Scope
from fsdash.config import WHOLE_COUNCIL, Council, load_council
from fsdash.escaping import csv_text, plain
from fsdash.formatting import long_date
from fsdash.metrics import sources
from fsdash.views import care, front_door, glance, outcomes, overview, scenarios, team

# Plotly's own toolbar is off: its buttons were most of a page's tab stops and covered chart
# titles on phones; every chart has its table and a CSV download instead.
CHART_CONFIG = {"displayModeBar": False, "displaylogo": False, "responsive": True}


@dataclass(frozen=True)
class Filters:
    """The view a page shows: a count date and an area (the whole council, a locality or a district)."""

    as_at: dt.date
    area: str
    area_label: str


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


def area_options(council: Council) -> dict[str, str]:
    """Area codes and their labels: the whole council, then localities, then districts."""
    options = {WHOLE_COUNCIL: f"All of {council.short_name}"}
    options |= {code: f"{name} (locality)" for code, name in council.localities.items()}
    options |= {d.code: d.name for d in sorted(council.districts, key=lambda d: d.name)}
    return options


ASKED_LONGEST = 60   # characters of a value from the page address a warning repeats


def _asked(wanted: str) -> str:
    """A value from the page address as a warning repeats it: as plain text (never a link, an
    image or HTML), cut short."""
    return plain(wanted, ASKED_LONGEST)


def url_select(column, label: str, options: dict[str, str], param: str) -> str:
    """A select box that starts from the URL, or else from the choice made on another page, and
    writes its choice back to both. A value in the URL that is not a choice gets a visible note."""
    keys = list(options)
    remembered = f"filter:{param}"
    wanted = st.query_params.get(param)
    if wanted is not None and wanted not in options:
        fallback = st.session_state.get(remembered, keys[0])
        st.warning(f"The page address asked for {label.lower()} “{_asked(wanted)}”, which is "
                   f"not one of the choices, so the page shows "
                   f"{options.get(fallback, options[keys[0]])} instead.")
        wanted = None
    start = wanted or st.session_state.get(remembered)
    choice = column.selectbox(label, keys, index=keys.index(start) if start in options else 0,
                              format_func=options.get, key=param)
    st.query_params[param] = st.session_state[remembered] = choice
    return choice


def url_slider(column, label: str, low: int, high: int, step: int, param: str,
               default: int = 0, help: str | None = None) -> int:
    """A whole-number slider that starts from the page address and writes its value back, so a
    copied link reproduces it; a value in the address out of range or not a number gets a
    visible note and the default."""
    wanted = st.query_params.get(param)
    value = default
    if wanted is not None:
        try:
            value = int(wanted)
            if not low <= value <= high:
                raise ValueError
        except ValueError:
            st.warning(f"The page address asked for {label.lower()} “{_asked(wanted)}”, which is "
                       f"not a whole number from {low} to {high}, so the page uses {default}.")
            value = default
    choice = column.slider(label, low, high, value, step, key=f"slider-{param}", help=help)
    if choice == default:
        st.query_params.pop(param, None)
    else:
        st.query_params[param] = str(choice)
    return choice


def filter_columns(count: int):
    """A row of labelled filters at the top of the page (on a phone they stack), not hidden
    in the sidebar behind an unlabelled button."""
    return st.columns(count, vertical_alignment="bottom")


def page_filters(columns, areas: dict[str, str] | None = None) -> Filters:
    """The month and area filters, in the first two of ``columns`` (``areas``: the choice of
    areas where a page offers fewer than all)."""
    council = load_council()
    months = {m.strftime("%Y-%m"): m for m in reversed(available_month_ends(store_key()))}
    month = url_select(columns[0], "Figures at the end of",
                       {k: f"{m:%B %Y}" for k, m in months.items()}, "as_at")
    areas = areas or area_options(council)
    if not districts_known(store_key()):
        areas = {WHOLE_COUNCIL: areas[WHOLE_COUNCIL]}
        st.caption(sources.needs("Figures for each locality and district",
                                 sources.DISTRICT_SOURCES, plural=True))
    area = url_select(columns[1], "Area", areas, "area")
    return Filters(as_at=months[month], area=area, area_label=council.area_label(area))


def unusual_section(block, badge: tuple[str, str] | None, page: str, missing: str) -> None:
    """An XmR chart under its latest month's badge, or (``block`` None) why there is none."""
    if block is None:
        st.write(missing)
        return
    wording, colour = badge
    st.markdown(f"**Latest month:** :{colour}-badge[{wording}]")
    chart_block(block, page)


def download_button(table, file_stem: str, page: str) -> None:
    """A CSV download of a table (formulas neutralised: ``fsdash.escaping.csv_text``); each
    download is audited."""
    download_file("Download this data (CSV)", lambda: csv_text(table),
                  f"{file_stem}.csv", "text/csv", page)


def download_file(label: str, data, file_name: str, mime: str, page: str) -> None:
    """A download of a file made by ``data`` (a callable) when asked for; each is audited."""
    who = scope()

    def made():
        audit.record(who, page, "download", {"file": file_name})
        return data()

    st.download_button(label, made, file_name=file_name, mime=mime, key=f"download-{file_name}")


def chart_block(block, page: str, heading_level: int = 3) -> None:
    """Draw a chart with its reading, its table and a CSV download; where there is no chart,
    the reading alone says why."""
    st.markdown(f"{'#' * heading_level} {block.title}")
    st.write(block.reading)
    if block.figure is None:
        return
    st.plotly_chart(block.figure, config=CHART_CONFIG, key=f"chart-{block.file_stem}")
    with st.expander(f"Table: {block.title.lower()}"):
        st.dataframe(block.table, hide_index=True)
    download_button(block.table, block.file_stem, page)


# Views are cached by store version, the caller's scope (``Scope.key``: role, teams and whether
# small numbers are hidden) and the filters, so one role's figures never serve another.
@st.cache_data(max_entries=64, show_spinner="Counting the headline figures…")
def headline_cards(key, scope_key: tuple, as_at: dt.date, area: str) -> list[overview.Card]:
    """The Overview's cards."""
    return overview.headline_cards(cursor(), figures(key, scope_key), load_council(), as_at, area)


@st.cache_resource(max_entries=64, show_spinner="Projecting under-12s in care against the target…")
def target_section(key, scope_key: tuple, filters: Filters) -> dict:
    """Under-12s against the target (built once, then shared by callers of the same scope)."""
    return care.target_section(cursor(), figures(key, scope_key), load_council(), filters.as_at,
                               filters.area)


@st.cache_resource(max_entries=64, show_spinner="Counting children in care…")
def care_view(key, scope_key: tuple, filters: Filters, age_key: str,
              period_key: str) -> care.CareView:
    """The Children in care page (built once, then shared by callers of the same scope)."""
    return care.care_view(cursor(), figures(key, scope_key), load_council(), filters.as_at,
                          filters.area, age_key, period_key)


@st.cache_resource(max_entries=64, show_spinner="Counting referrals…")
def front_door_view(key, scope_key: tuple, filters: Filters) -> front_door.FrontDoorView:
    """The Front door page (built once, then shared by callers of the same scope)."""
    return front_door.front_door_view(cursor(), figures(key, scope_key), load_council(),
                                      filters.as_at, filters.area)


@st.cache_resource(max_entries=64, show_spinner="Counting every team's caseloads…")
def all_teams_view(key, scope_key: tuple, as_at: dt.date) -> team.AllTeamsView:
    """Every team side by side (refused outside the scope; a refusal is never cached)."""
    return team.all_teams_view(cursor(), load_council(), Scope(*scope_key), as_at)


@st.cache_resource(max_entries=64, show_spinner="Counting the team's caseloads…")
def team_view(key, scope_key: tuple, team_code: str, as_at: dt.date) -> team.TeamView:
    """One team's caseloads (refused outside the scope; a refusal is never cached)."""
    return team.team_view(cursor(), load_council(), Scope(*scope_key), team_code, as_at)


@st.cache_data(max_entries=4, show_spinner=False)
def outcome_windows(key) -> dict[str, outcomes.Window]:
    """The start windows the Outcomes page offers for this store."""
    return outcomes.windows(load_council(), metrics.latest_month_end(cursor()))


@st.cache_resource(max_entries=32, show_spinner="Comparing families' outcomes…")
def outcomes_view(key, scope_key: tuple, window_key: str, area: str) -> outcomes.OutcomesView:
    """The Outcomes page (built once, then shared by callers of the same scope)."""
    return outcomes.outcomes_view(cursor(), load_council(), scope_key[-1], window_key, area)


@st.cache_data(max_entries=16, show_spinner=False)
def target_in_force(key, as_at: dt.date):
    """The council's under-12s target in force on a date, or None."""
    return scenarios.target_in_force(cursor(), as_at)


@st.cache_resource(max_entries=8, show_spinner="Working out the flows of care and testing past projections…")
def planning(key, area: str) -> scenarios.Planning:
    """The flows of care and the back-test for an area (the same for every role: model
    inputs, never shown as counts)."""
    return scenarios.planning(cursor(), load_council(), area)


@st.cache_resource(max_entries=32, show_spinner="Projecting children in care…")
def scenarios_view(key, scope_key: tuple, filters: Filters, scenario, reference_key: str,
                   aim_percent: int, aim_years: int) -> scenarios.ScenariosView:
    """The Scenarios page for one scenario (built once, then shared by callers of the same
    scope)."""
    return scenarios.scenarios_view(cursor(), figures(key, scope_key), load_council(),
                                    planning(key, filters.area), filters.as_at, filters.area,
                                    scenario, reference_key, aim_percent, aim_years)


@st.cache_resource(max_entries=16, show_spinner="Looking for unusual changes this month…")
def changed(key, scope_key: tuple, as_at: dt.date) -> list:
    """What changed in the month to ``as_at``: every signal, most unusual first (built once,
    then shared by callers of the same scope)."""
    return glance.scan(cursor(), figures(key, scope_key), load_council(), as_at)


@st.cache_data(max_entries=4, show_spinner=False)
def untested(key) -> list[str]:
    """What At a glance cannot test yet, for the sources the store lacks."""
    return glance.untested(cursor())


@st.cache_resource(max_entries=16, show_spinner="Rating every indicator by area…")
def heat(key, scope_key: tuple, as_at: dt.date) -> tuple:
    """The heat map's chart block and its links to each measure's page for an area."""
    return glance.heat_block(cursor(), figures(key, scope_key), load_council(), as_at)


def pack_files(as_at: dt.date, area: str, sections: tuple, progress) -> dict[str, bytes]:
    """The board pack for the signed-in user's scope as PDF and PowerPoint bytes (made on
    request, so not cached)."""
    from fsdash.export import pack_files as files

    return files(cursor(), load_council(), scope(), as_at, area, sections=sections,
                 progress=progress, published=published(store_key()))


def as_at_caption(council: Council, filters: Filters) -> str:
    """The line under a page's title: council, area and the count date."""
    return (f"{council.name} · {filters.area_label} · figures at "
            f"{long_date(filters.as_at)}")


def page_style() -> None:
    """The print and small-screen stylesheet, and the script that hides the cards' decorative
    trend charts from screen readers (``fsdash/static``: fixed files, no user input)."""
    st.html(STYLESHEET + SCRIPT, unsafe_allow_javascript=True)


STATIC = Path(__file__).parent / "static"
STYLESHEET = "<style>" + (STATIC / "page.css").read_text(encoding="utf-8") + "</style>"
SCRIPT = "<script>" + (STATIC / "page.js").read_text(encoding="utf-8") + "</script>"
