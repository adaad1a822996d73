"""At a glance: what changed this month for every measure, area and team, and every indicator
by area against its thresholds and the published figures for England, the region and the
statistical neighbours' median."""

import streamlit as st

from fsdash import ui
from fsdash.changes import MONITORED
from fsdash.config import load_council
from fsdash.views.glance import changed_block, chosen_signals

PAGE = "At a glance"
SHOW = {"all": "Everything unusual", "concern": "Only concerns", "improvement": "Only better"}
council = load_council()
ui.page_style()
st.title(PAGE)
columns = ui.filter_columns(4)
filters = ui.page_filters(columns)
show = ui.url_select(columns[2], "Show", SHOW, "show")
measure = ui.url_select(columns[3], "Measure",
                        {"all": "Every measure"} | {k: m.title for k, m in MONITORED.items()},
                        "measure")
ui.record_view(PAGE, as_at=filters.as_at, area=filters.area, show=show, measure=measure)
signals = ui.changed(ui.store_key(), ui.scope().key, filters.as_at)
heat, heat_links = ui.heat(ui.store_key(), ui.scope().key, filters.as_at)
changed = changed_block(signals, filters.as_at)
st.caption(ui.as_at_caption(council, filters))

chosen = chosen_signals(signals, council, filters.area, show, measure)
st.header("What changed this month")
st.write(changed.reading if chosen or not signals else
         "Nothing unusual matches the choices above; widen them to see more.")
for signal in chosen:
    st.markdown(f"- {signal.sentence()}")
for note in ui.untested(ui.store_key()):
    st.info(note)
if chosen:
    rows = changed.table.iloc[[signals.index(s) for s in chosen]]
    with st.expander("Table: what changed this month"):
        st.dataframe(rows, hide_index=True)
    ui.download_button(rows, changed.file_stem, PAGE)
st.caption("Each measure is tested every month against its usual range: the average plus or "
           "minus 2.66 times the average change from one month to the next (NHS England's "
           "'Making Data Count' method). For "
           "counts on a date, such as children in care, the monthly change is tested. Series "
           "with a hidden month are not tested.")

ui.chart_block(heat, PAGE, heading_level=2)
with st.expander("Open an area's pages"):
    for links in heat_links:
        for column, link in zip(st.columns(len(links)), links):
            column.page_link(link.page, label=link.label, query_params=link.query)
