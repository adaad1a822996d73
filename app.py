"""fsdash: the Family Safeguarding performance dashboard. Run with `make run`, or
`python -m fsdash serve` (fsdash.serve), never a bare `streamlit run app.py`.

Every run of every page starts here: the sign-in and its expiry are checked, then the
navigation runs the page the role may see."""

import streamlit as st

from fsdash import serve, ui
from fsdash.ui_access import not_in_role

# `python -m fsdash serve` turns off Streamlit's older handling of the pages/ folder before the
# first session; a server started by a bare `streamlit run` has it until a run gets here.
serve.navigation_only()
st.set_page_config(page_title="Family Safeguarding dashboard", layout="wide")
scope = ui.scope()      # the sign-in checked on this run; pages ask ui.scope() for it again

pages = [
    st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("pages/children_in_care.py", title="Children in care", icon=":material/family_home:",
            url_path="children-in-care"),
    st.Page("pages/front_door.py", title="Front door", icon=":material/door_front:",
            url_path="front-door"),
    st.Page("pages/outcomes.py", title="Outcomes", icon=":material/trending_down:",
            url_path="outcomes"),
    st.Page("pages/at_a_glance.py", title="At a glance", icon=":material/grid_view:",
            url_path="at-a-glance"),
    st.Page("pages/scenarios.py", title="Scenarios", icon=":material/timeline:",
            url_path="scenarios"),
    st.Page("pages/board_pack.py", title="Board pack", icon=":material/picture_as_pdf:",
            url_path="board-pack"),
]
# Pages only some roles have: for any other role the address opens a hidden page saying the
# role does not include it (recorded in the audit log), not Streamlit's "Page not found".
restricted = [
    ("pages/team.py", "Team caseloads", ":material/groups:", "team",
     scope.all_teams or bool(scope.teams)),
    ("pages/data.py", "Data", ":material/database:", "data", scope.loads_data),
    ("pages/audit_log.py", "Audit log", ":material/history:", "audit-log", scope.reads_audit_log),
]
for path, title, icon, url_path, allowed in restricted:
    if allowed:
        pages.append(st.Page(path, title=title, icon=icon, url_path=url_path))
refused = [st.Page(not_in_role(title, pages), title=title, url_path=url_path,
                   visibility="hidden")
           for _, title, _, url_path, allowed in restricted if not allowed]
st.navigation(pages + refused, position="top").run()
