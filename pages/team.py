"""Team caseloads: every team side by side for directors and analysts, and one team's caseloads
worker by worker. Team managers see their own teams only."""

import streamlit as st

from fsdash import ui
from fsdash.config import load_council
from fsdash.views.team import NEEDS, TeamRefused
from fsdash.views.team_workers import COUNTING_RULE
from fsdash.views.team_workforce import workforce_block

PAGE = "Team caseloads"
council = load_council()
scope = ui.scope()
ui.page_style()
st.title(PAGE)
ui.stop_unless_loaded(NEEDS)
columns = ui.filter_columns(2)
months = ui.available_month_ends(ui.store_key())
choices = {m.strftime("%Y-%m"): f"{m:%B %Y}" for m in reversed(months)}
month = ui.url_select(columns[0], "Figures at the end of", choices, "as_at")
as_at = next(m for m in months if m.strftime("%Y-%m") == month)
teams = {t.code: t.name for t in council.teams
         if scope.may_see_team(t.code) and t.exists_on(as_at)}
asked = st.query_params.get("team")
if not teams or (asked is not None and asked not in teams):
    ui.record_view(PAGE, "refused", team=asked, as_at=as_at)
    st.error("You do not have access to that team's detail. Team managers see their own teams "
             "only; if you need another team, please ask the performance team.")
    st.stop()
team = ui.url_select(columns[1], "Team", teams, "team")
ui.record_view(PAGE, "drill-down", team=team, as_at=as_at)

if scope.all_teams:
    overview = ui.all_teams_view(ui.store_key(), scope.key, as_at)
    st.header("All teams")
    ui.chart_block(overview.ranked, PAGE)
    ui.chart_block(overview.heatmap, PAGE)
    st.markdown("### Every team's figures, with locality subtotals")
    st.dataframe(overview.teams, hide_index=True)
    ui.download_button(overview.teams, f"teams-{month}", PAGE)

try:
    view = ui.team_view(ui.store_key(), scope.key, team, as_at)
except TeamRefused:
    st.error("You do not have access to that team's detail.")
    st.stop()
st.header(view.title)
st.write(view.reading)
if not view.workers.empty:
    st.markdown(f"### {view.workers_heading}")
    st.write(view.workers_reading)
    st.dataframe(view.workers, hide_index=True)
    st.caption(COUNTING_RULE)
    ui.download_button(view.workers, f"team-{team}-{month}", PAGE)
if view.flows is not None:
    ui.chart_block(view.flows, PAGE)
    st.markdown("### Case mix, case age and adult practitioners' work")
    st.dataframe(view.mix, hide_index=True)
st.caption("Caseload: children with an open case held by a case-holding social worker (social "
           "worker or senior practitioner), over their full-time equivalent; a case closed on the "
           "date is not open. A child held by two workers counts for each worker and once for the "
           "team. Adult practitioners' figures: families with Family Safeguarding work "
           "open on the date that involve the specialism, over the team's practitioners' FTE. "
           f"Thresholds: amber from {council.caseload_amber:g}, red from {council.caseload_red:g} "
           "children per social worker (council configuration). Workers are shown by their "
           "pseudonymous number only.")
ui.chart_block(workforce_block(ui.cursor(), council), PAGE, heading_level=2)
