"""The front door: referrals, where they come from, re-referrals and assessment timeliness."""

import streamlit as st

from fsdash import ui
from fsdash.config import load_council
from fsdash.views.front_door import NEEDS

PAGE = "Front door"
council = load_council()
ui.page_style()
st.title(PAGE)
ui.stop_unless_loaded(NEEDS)
filters = ui.page_filters(ui.filter_columns(2))
ui.record_view(PAGE, as_at=filters.as_at, area=filters.area)
view = ui.front_door_view(ui.store_key(), ui.scope().key, filters)
st.caption(ui.as_at_caption(council, filters))

st.header("Referrals")
ui.chart_block(view.referrals, PAGE)
ui.chart_block(view.rate, PAGE)

st.header("Is the change in referrals unusual?")
ui.unusual_section(view.unusual, view.unusual_badge, PAGE,
                   "This needs monthly numbers of referrals, which are too small to show here, or "
                   "fewer than 12 months of them.")

st.header("Where referrals come from")
for column, block in zip(st.columns(2), (view.sources, view.routes)):
    with column:
        ui.chart_block(block, PAGE)
if view.districts is not None:
    ui.chart_block(view.districts, PAGE)

st.header("What happened next")
ui.chart_block(view.journey, PAGE)
ui.chart_block(view.outcomes, PAGE)

st.header("Referred again, and assessed in time")
ui.chart_block(view.rereferrals, PAGE)
ui.chart_block(view.repeat_plans, PAGE)
ui.chart_block(view.timeliness, PAGE)
ui.chart_block(view.conferences, PAGE)
st.caption("Working days leave out weekends and English bank holidays. The 45 working days run "
           "from the day after the referral to the day the assessment is authorised; the 15 "
           "working days from the day after the strategy discussion that started the section 47 "
           "enquiry to the initial conference (Working Together to Safeguard Children).")
needs_block, definitions = ui.needs_view(ui.store_key(), ui.scope().key)
ui.chart_block(needs_block, PAGE, heading_level=2)
st.caption("Needs are those the children in need census records about a parent or carer at the "
           "end of each assessment (factors 3B, 4B, 1B and 2B), as a share of the assessments "
           "completed in the year with any factor recorded, as the DfE counts them. Our own "
           "figures are for the whole council, whichever area is chosen above.")
with st.expander("What these figures mean, and how ours compare with the DfE's"):
    for title, definition, note in definitions:
        st.markdown(f"**{title}**: {definition}")
        if note:
            st.caption(note)
