"""Overview: a one-line summary, the headline measures with their change since a year earlier
and trends, and under-12s against the target."""

import streamlit as st

from fsdash import metrics, ui
from fsdash.access import SUPPRESSED
from fsdash.config import load_council
from fsdash.views.glance import chosen_signals
from fsdash.views.overview import adult_group, summary_line, trend_table, waiting_notes

CARDS_PER_ROW = 3
TOP_SIGNALS = 3
ADULT_CARDS = ("police_change", "emergency_admission_change")

council = load_council()
ui.page_style()
st.title("Overview")
filters = ui.page_filters(ui.filter_columns(2))
ui.record_view("Overview", as_at=filters.as_at, area=filters.area)
key, scope_key = ui.store_key(), ui.scope().key
st.caption(ui.as_at_caption(council, filters))

cards = ui.headline_cards(key, scope_key, filters.as_at, filters.area)
st.markdown(f"**{summary_line(cards, filters.as_at, filters.area_label)}**")
signals = chosen_signals(ui.changed(key, scope_key, filters.as_at), council, filters.area,
                         "all", "all")
if signals:
    st.markdown("**What changed this month, beyond the usual ups and downs:**\n"
                + "\n".join(f"- {s.sentence()}" for s in signals[:TOP_SIGNALS]))
    st.page_link("pages/at_a_glance.py", label=f"All {len(signals)} on At a glance",
                 query_params={"as_at": f"{filters.as_at:%Y-%m}", "area": filters.area})
else:
    st.markdown("Nothing changed beyond the usual ups and downs this month.")
ui.brief_download(council, filters, "Overview")
for start in range(0, len(cards), CARDS_PER_ROW):
    for column, card in zip(st.columns(CARDS_PER_ROW), cards[start:start + CARDS_PER_ROW]):
        column.metric(card.title, card.value, delta=card.delta, delta_color=card.delta_color,
                      delta_arrow="off" if card.delta_color == "off" else "auto",
                      delta_description=card.delta_description,
                      chart_data=card.trend, border=True,
                      help=f"For {adult_group(filters.as_at)}." if card.name in ADULT_CARDS
                      else None)
for note in waiting_notes(cards):
    st.info(note)
st.caption("Each card compares the figure with a year earlier; its small chart shows up to 25 "
           "month ends. Blue means the change is in the direction the council wants, orange the "
           "other way, and grey that neither direction is better or there is no change. Numbers "
           f"from 1 to {council.max_suppressed} are shown as “{SUPPRESSED}”, as are some larger "
           "ones that would let a small number be worked out, to protect families' privacy."
           if ui.scope().suppress else "Small numbers are shown in full for your role: do not "
           "share them beyond it.")
st.caption(f"The adults' cards are for {adult_group(filters.as_at)}. They compare the year "
           "before and the year after a family's work began, with no comparison group, so they "
           "overstate what the model did: families are usually referred at a crisis. The "
           "Outcomes page counts every family whose work began in the dates chosen there, and "
           "compares them with families worked with before the model, so its figures differ.")
with st.expander("The cards' trends as a table"):
    st.dataframe(trend_table(cards, filters.as_at), hide_index=True)
with st.expander("What these figures mean"):
    for name in metrics.HEADLINE:
        measure = metrics.MEASURES[name]
        st.markdown(f"**{measure.title}**: {measure.definition}")

st.header("Under-12s and the target")
target = ui.target_section(key, scope_key, filters)
ui.chart_block(target["target"], "Overview")
for note in target["target_notes"]:
    st.caption(note)
