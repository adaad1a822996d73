"""The benchmark's baseline: an empty Streamlit page, run the same way as the app."""

import streamlit as st

st.navigation([st.Page(lambda: None, title="Empty")]).run()
