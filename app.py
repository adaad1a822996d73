"""fsdash: the Family Safeguarding performance dashboard. Run with `make run`, or
`python -m fsdash serve` (fsdash.serve), never a bare `streamlit run app.py`.

Every run of every page starts here: the sign-in and its expiry are checked, then the
navigation runs the page the role may see. Before sign-in only the accessibility statement is
open (fsdash.ui_access)."""

import streamlit as st

from fsdash import serve, ui
from fsdash.ui_access import role_navigation, signed_out, signed_out_navigation

# `python -m fsdash serve` turns off Streamlit's older handling of the pages/ folder before the
# first session; a server started by a bare `streamlit run` has it until a run gets here.
serve.navigation_only()
st.set_page_config(page_title="Family Safeguarding dashboard", layout="wide")
if signed_out():
    st.navigation(signed_out_navigation(), position="hidden").run()
else:
    scope = ui.scope()      # the sign-in checked on this run; pages ask ui.scope() for it again
    st.navigation(role_navigation(scope), position="top").run()
