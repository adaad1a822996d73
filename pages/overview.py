"""Overview: the headline measures with change on a year ago, trends and the under-12s target."""

import streamlit as st

from fsdash import metrics, ui
from fsdash.access import SUPPRESSED
from fsdash.config import load_council

CARDS_PER_ROW = 3

council = load_council()
filters = ui.sidebar_filters()
key = ui.store_key()

st.title("Overview")
st.caption(ui.as_at_caption(council, filters))

cards = ui.headline_cards(key, filters.as_at, filters.districts)
for start in range(0, len(cards), CARDS_PER_ROW):
    for column, card in zip(st.columns(CARDS_PER_ROW), cards[start:start + CARDS_PER_ROW]):
        column.metric(card.title, card.value, delta=card.delta, delta_color=card.delta_color,
                      help=card.definition, chart_data=card.trend, border=True)
st.caption("Each card compares the figure with a year earlier; its small chart shows up to 25 "
           "month ends. Blue means the change is in the good direction, orange the other way, "
           "and grey that neither direction is better. Hover over the question mark for the "
           f"definition. Figures from 1 to {council.max_suppressed} are shown as "
           f"“{SUPPRESSED}” to protect families' privacy.")

st.header("Under-12s in care against the target")
target = ui.target_section(key, filters)
if target["target"] is None:
    st.info(" ".join(target["target_notes"]))
else:
    ui.chart_block(target["target"])
    for note in target["target_notes"]:
        st.caption(note)

with st.expander("Definitions"):
    for name in metrics.HEADLINE:
        measure = metrics.MEASURES[name]
        st.markdown(f"**{measure.title}**: {measure.definition}")
