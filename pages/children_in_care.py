"""Children in care: numbers and rates, under-12s against the target, starts and ceases, whether
a change is unusual, and breakdowns."""

import streamlit as st

from fsdash import ui
from fsdash.config import load_council
from fsdash.formatting import long_date
from fsdash.views.care import AGE_BANDS, GLOSSARY, NEEDS, PERIODS

council = load_council()
ui.page_style()
st.title("Children in care")
ui.stop_unless_loaded(NEEDS)
columns = ui.filter_columns(4)
filters = ui.page_filters(columns)
age_key = ui.url_select(columns[2], "Age group",
                        {k: label for k, (label, _) in AGE_BANDS.items()}, "age")
period_key = ui.url_select(columns[3], "Months shown",
                           {k: label for k, (label, _) in PERIODS.items()}, "period")
ui.record_view("Children in care", as_at=filters.as_at, area=filters.area, age=age_key,
               period=period_key)
view = ui.care_view(ui.store_key(), ui.scope().key, filters, age_key, period_key)
PAGE = "Children in care"
st.caption(ui.as_at_caption(council, filters) + f" · {AGE_BANDS[age_key][0].lower()}")

st.header("Numbers and rates")
ui.chart_block(view.trend, PAGE)
ui.chart_block(view.rate, PAGE)
ui.chart_block(view.neighbours, PAGE)

st.header("Under-12s and the target")
ui.chart_block(view.target, PAGE)
for note in view.target_notes:
    st.caption(note)

st.header("Starting and leaving care")
ui.chart_block(view.flows, PAGE)
ui.chart_block(view.reasons, PAGE)

st.header("Is this change unusual?")
ui.unusual_section(view.starts_spc, view.starts_variation, PAGE,
                   "This needs monthly numbers of children starting care, which are too small to "
                   "show here, or fewer than 12 months of them.")
if view.starts_spc is not None:
    st.caption("There is no target for monthly starts, so the chart shows variation only, not "
               "whether a target will be met.")

st.header(f"Breakdowns on {long_date(filters.as_at)}")
for note in view.breakdown_notes:
    st.caption(note)
for row in range(0, len(view.breakdowns), 2):
    for column, block in zip(st.columns(2), view.breakdowns[row:row + 2]):
        with column:
            ui.chart_block(block, PAGE)

with st.expander("Glossary"):
    for term, meaning in GLOSSARY.items():
        st.markdown(f"**{term}**: {meaning}")
