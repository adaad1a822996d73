"""fsdash: the Family Safeguarding performance dashboard. Run with `make run`."""

import streamlit as st

st.set_page_config(page_title="Family Safeguarding dashboard", layout="wide")

pages = [
    st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
]
st.navigation(pages).run()
