"""fsdash: the Family Safeguarding performance dashboard. Run with `make run`."""

import streamlit as st

st.set_page_config(page_title="Family Safeguarding dashboard", layout="wide")

pages = [
    st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("pages/children_in_care.py", title="Children in care", icon=":material/family_home:",
            url_path="children-in-care"),
]
st.navigation(pages, position="top").run()
