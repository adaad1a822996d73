"""The accessibility statement: open to everyone, signed in or not, written from the recorded
checks and the known problems (fsdash.views.accessibility)."""

import streamlit as st

from fsdash import ui
from fsdash.config import load_council
from fsdash.views.accessibility import (
    TESTED,
    StatementError,
    read_checks,
    read_contact,
    read_limitations,
    statement,
)

ui.page_style()
st.title("Accessibility statement for the Family Safeguarding dashboard", anchor=False)
try:
    council = load_council()
    written = statement(read_checks(), *read_limitations(), read_contact(council), council)
except StatementError as error:
    st.error(f"The statement cannot be written: {error}")
    st.stop()
for heading, text in written.sections:
    if heading:
        st.header(heading, anchor=False)
    st.markdown(text)
    if heading == TESTED:
        st.table(written.tested, hide_index=True)
