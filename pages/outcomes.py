"""Outcomes for the families worked with: adults' police call-outs and emergency admissions and
children's care, against families worked with before the model."""

import streamlit as st

from fsdash import ui
from fsdash.config import load_council
from fsdash.views.outcomes import GLOSSARY, NEEDS

PAGE = "Outcomes"
council = load_council()
ui.page_style()
st.title("Outcomes for families")
ui.stop_unless_loaded(NEEDS)
columns = ui.filter_columns(2)
windows = ui.outcome_windows(ui.store_key())
window_key = ui.url_select(columns[0], "Family Safeguarding work began",
                           {k: w.label for k, w in windows.items()}, "began")
area = ui.url_select(columns[1], "Area", ui.area_options(council), "area")
ui.record_view(PAGE, began=window_key, area=area)
view = ui.outcomes_view(ui.store_key(), ui.scope().key, window_key, area)
st.caption(f"{council.name} · {council.area_label(area)} · families whose work began "
           f"{windows[window_key].during}")
st.write(view.summary)

st.header("Adults in the families")
for block in view.adults:
    ui.chart_block(block, PAGE)
st.caption(view.left_out)

ui.chart_block(view.children, PAGE, heading_level=2)
ui.chart_block(view.trend, PAGE, heading_level=2)

st.header("Where the fall was largest")
if view.breakdown_note:
    st.caption(view.breakdown_note)
for block in view.breakdowns:
    ui.chart_block(block, PAGE)

ui.chart_block(view.costs, PAGE, heading_level=2)

st.header("What this can and cannot show")
st.markdown("\n".join(f"- {caveat}" for caveat in view.caveats))

with st.expander("Glossary"):
    for term, meaning in GLOSSARY.items():
        st.markdown(f"**{term}**: {meaning}")
