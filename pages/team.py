"""Team caseloads: a team's case-holding social workers and their caseloads against the
council's thresholds. Team managers see their own teams; directors and analysts any team."""

import streamlit as st

from fsdash import ui
from fsdash.config import load_council
from fsdash.views.team import TeamRefused, team_view

PAGE = "Team caseloads"
council = load_council()
scope = ui.scope()
ui.page_style()
st.title(PAGE)
columns = ui.filter_columns(2)
months = ui.available_month_ends(ui.store_key())
choices = {m.strftime("%Y-%m"): f"{m:%B %Y}" for m in reversed(months)}
month = ui.url_select(columns[0], "Figures at the end of", choices, "as_at")
as_at = next(m for m in months if m.strftime("%Y-%m") == month)
teams = {t.code: t.name for t in council.teams if scope.may_see_team(t.code)}
asked = st.query_params.get("team")
if not teams or (asked is not None and asked not in teams):
    ui.record_view(PAGE, "refused", team=asked, as_at=as_at)
    st.error("You do not have access to that team's detail. Team managers see their own teams "
             "only; if you need another team, please ask the performance team.")
    st.stop()
team = ui.url_select(columns[1], "Team", teams, "team")
ui.record_view(PAGE, "drill-down", team=team, as_at=as_at)
try:
    view = team_view(ui.cursor(), council, scope, team, as_at)
except TeamRefused:
    st.error("You do not have access to that team's detail.")
    st.stop()
st.header(view.title)
st.write(view.reading)
if not view.workers.empty:
    st.dataframe(view.workers, hide_index=True)
    ui.download_button(view.workers, f"team-{team}-{month}", PAGE)
st.caption("Caseload: children with an open case held by each case-holding social worker (social "
           "worker or senior practitioner), over their full-time equivalent. Thresholds: "
           f"amber from {council.caseload_amber:g}, red from {council.caseload_red:g} "
           "(council configuration). Workers are shown by their pseudonymous number only.")
