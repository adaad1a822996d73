"""The audit log, for analysts: who opened which page with which filters, drill-down or
download, and when. Read-only: the app only ever appends to it."""

import streamlit as st

from fsdash import audit, ui

PAGE = "Audit log"
ui.page_style()
st.title(PAGE)
try:
    entries = audit.read(ui.scope())
except audit.AuditRefused:
    ui.record_view(PAGE, "refused")
    st.error("Only analysts can read the audit log.")
    st.stop()
ui.record_view(PAGE)
st.write(f"The latest {len(entries):,} entries, newest first. The log is kept in "
         f"{audit.log_path().name} beside the store, not inside it, so data loads never change "
         "it; nothing in the app can edit or delete it.")
st.dataframe(entries, hide_index=True)
ui.download_button(entries, "audit-log", PAGE)
