"""The pages' views, cached: each is built once and shared by the callers of the same store
version, scope (``Scope.key``: role, teams and whether small numbers are hidden) and filters, so a
page rerun only draws and one role's figures never serve another."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from fsdash import metrics
from fsdash.access import Scope
from fsdash.config import load_council
from fsdash.ui_filters import Filters
from fsdash.ui_store import cursor, figures, published, scope, store_key
from fsdash.views import care, front_door, glance, needs, outcomes, overview, scenarios, team


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


@st.cache_resource(max_entries=8, show_spinner="Counting the needs found at assessment…")
def needs_view(key, scope_key: tuple) -> tuple:
    """The Front door's needs block and its measures' definitions (for the whole council, so
    the same for any date or area chosen)."""
    council, shown = load_council(), figures(key, scope_key)
    return (needs.needs_block(cursor(), shown, council),
            needs.front_door_definitions(cursor(), shown, council))


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


def brief_file(key, as_at: dt.date, area: str) -> bytes:
    """The district brief for an area as a PDF, with a cabinet member's figures whatever the
    user's role (made on request, so not cached)."""
    from fsdash.export.brief_pdf import brief_file as made

    return made(cursor(), load_council(), as_at, [area], published(key))[0]
