"""Children in care: trends and rates, under-12s against the target, starts and ceases, breakdowns."""

import streamlit as st

from fsdash import ui
from fsdash.config import load_council
from fsdash.formatting import long_date
from fsdash.views.care import AGE_BANDS, GLOSSARY, PERIODS

council = load_council()
filters = ui.sidebar_filters()
age_key = ui.url_selectbox("Age group", {k: label for k, (label, _) in AGE_BANDS.items()}, "age")
period_key = ui.url_selectbox("Months shown", {k: label for k, (label, _) in PERIODS.items()},
                              "period")
view = ui.care_view(ui.store_key(), filters, age_key, period_key)

st.title("Children in care")
st.caption(ui.as_at_caption(council, filters) + f" · {AGE_BANDS[age_key][0].lower()}")

st.header("How many children are in care")
ui.chart_block(view.trend)
ui.chart_block(view.rate)

st.header("Under-12s against the target")
if view.target is None:
    st.info(" ".join(view.target_notes))
else:
    ui.chart_block(view.target)
    for note in view.target_notes:
        st.caption(note)

st.header("Starting and leaving care")
ui.chart_block(view.flows)
ui.chart_block(view.reasons)
if view.starts_spc is None:
    st.info("The XmR chart of monthly starts is not shown: some months' numbers are too small "
            "to show, or there are fewer than 12 months.")
else:
    wording, colour = view.starts_variation
    st.markdown(f"**Latest month:** :{colour}-badge[{wording}]")
    ui.chart_block(view.starts_spc)
    st.caption("There is no target for monthly starts, so the chart shows variation only, not "
               "assurance.")

st.header(f"Breakdowns on {long_date(filters.as_at)}")
for row in range(0, len(view.breakdowns), 2):
    for column, block in zip(st.columns(2), view.breakdowns[row:row + 2]):
        with column:
            ui.chart_block(block)

with st.expander("Glossary"):
    for term, meaning in GLOSSARY.items():
        st.markdown(f"**{term}**: {meaning}")
