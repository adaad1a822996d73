"""The benchmark's baseline: a Streamlit page with one select box and nothing else, run the same
way as the app (its choice kept in the page address, as fsdash's filters are)."""

import streamlit as st


def _page() -> None:
    st.query_params["area"] = st.selectbox("Area", ["First", "Second"])


st.navigation([st.Page(_page, title="Empty")]).run()
