"""Board pack: choose the date, area and sections, see the first pages, and download the pack as
a PDF or a PowerPoint deck, with the numbers this dashboard shows your role."""

import streamlit as st

from fsdash import ui
from fsdash.config import load_council
from fsdash.export import FORMATS, SECTIONS, comparison
from fsdash.export.content import headline_table, waiting_notes
from fsdash.export.preview import page_pictures
from fsdash.views.glance import chosen_signals
from fsdash.views.overview import headline_figures

PAGE = "Board pack"
council = load_council()
ui.page_style()
st.title(PAGE)
filters = ui.page_filters(ui.filter_columns(2))
sections = st.multiselect("Sections", list(SECTIONS), default=list(SECTIONS),
                          format_func=SECTIONS.get)
ui.record_view(PAGE, as_at=filters.as_at, area=filters.area, sections=",".join(sections))
key, scope = ui.store_key(), ui.scope()
st.caption(ui.as_at_caption(council, filters))

st.header("What the pack holds")
st.write("A title page; what changed and what needs attention; the headline figures with the "
         "change on a month and a year earlier; then "
         + (", ".join(SECTIONS[s].lower() for s in sections) or "no further sections")
         + "; definitions and sources. Every figure is the one this dashboard shows your role"
         + (", with small numbers hidden." if scope.suppress else ", in full."))

st.header("Download")
stem = f"board-pack-{filters.as_at:%Y-%m}-{filters.area}"
if st.button("Prepare the PDF and PowerPoint files", type="primary"):
    bar = st.progress(0.0, text="Starting")
    st.session_state["board_pack"] = (stem, ui.pack_files(
        filters.as_at, filters.area, tuple(sections),
        lambda done, total, what: bar.progress(done / total, text=f"Preparing: {what}")))
    bar.empty()
ready = st.session_state.get("board_pack")
ready = ready[1] if ready and ready[0] == stem else None
if ready:
    for fmt, data in ready.items():
        ui.download_file(f"Download the {fmt.upper()}", lambda data=data: data,
                         f"{stem}.{fmt}", FORMATS[fmt], PAGE)
else:
    st.caption("Preparing takes up to a minute: every chart is drawn again as an image.")

st.header("First pages")
if ready and "pdf" in ready:
    pictures = page_pictures(ready["pdf"])
    for number, picture in enumerate(pictures, start=1):
        st.image(picture, caption=f"Page {number} of the PDF", width="stretch",
                 alt=f"A picture of page {number} of the board pack")
else:
    st.write("Pictures of the first pages appear here once the files are prepared. Until then, "
             "what they say:")
    signals = chosen_signals(ui.changed(key, scope.key, filters.as_at), council, filters.area,
                             "all", "all")
    for signal in signals[:6]:
        st.markdown(f"- {signal.sentence()}")
    if not signals:
        st.write("Nothing changed beyond the usual ups and downs this month.")
    found = headline_figures(ui.cursor(), ui.figures(key, scope.key), council, filters.as_at,
                             filters.area)
    headlines = headline_table(found)
    st.dataframe(headlines, hide_index=True)
    ui.download_button(headlines, "board-pack-headline-figures", PAGE)
    for note in waiting_notes(ui.cursor(), found, sections):
        st.info(note)
    if "compare" in sections:
        st.subheader(SECTIONS["compare"])
        for part in comparison.page_parts(ui.cursor(), council, council.area_label(filters.area),
                                          filters.as_at):
            if isinstance(part, str):
                st.write(part)
            else:
                st.dataframe(part, hide_index=True)
                ui.download_button(part, "board-pack-how-we-compare", PAGE)
