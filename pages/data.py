"""Data, for analysts: load a batch of extracts (folders' files, zips), see the load's report and
the rows it set aside, how fresh each source is, the events the charts draw (added, changed and
retired here), our figures reconciled with the DfE's published ones, and data quality over
time."""

import datetime as dt
import tempfile
from pathlib import Path

import streamlit as st

from fsdash import events, store, ui
from fsdash.config import load_council
from fsdash.escaping import plain
from fsdash.extracts import EVENT_DESCRIPTION_LENGTH, EVENT_TITLE_LENGTH
from fsdash.ingest import LoadError, load_paths
from fsdash.views import data
from fsdash.views import events as event_view

PAGE = "Data"
ui.page_style()
st.title(PAGE)
if not ui.scope().loads_data:
    ui.record_view(PAGE, "refused")
    st.error("Only analysts can load data.")
    st.stop()
ui.record_view(PAGE)

st.header("Load a batch")
st.write("Choose the extract files (CSV files such as whole SSDA903 returns, the children in "
         "need census as XML, Ofsted's Annex A workbook, the DfE's published statistics from "
         "Explore Education Statistics, or zip files of them) under any names: "
         "each is recognised by its columns, a census by its header and a workbook by its "
         "lists. Sources left out keep their last load. Nothing changes unless every file "
         "passes its checks.")
files = st.file_uploader("Extract files", type=["csv", "xml", "zip", "xlsx", "xls"],
                         accept_multiple_files=True)
columns = st.columns(3)
dry_run = columns[0].checkbox("Check only (change nothing)")
allow_shrink = columns[1].checkbox("Allow a load that removes most of a table")
strict = columns[2].checkbox("Set no row aside (refuse the batch instead)")
if files and st.button("Load", type="primary"):
    bar = st.progress(0.0, text="Starting")
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for upload in files:
            path = Path(folder) / Path(upload.name).name
            path.write_bytes(upload.getvalue())
            paths.append(path)
        try:
            report = load_paths(paths, store.db_path(), allow_shrink=allow_shrink,
                                dry_run=dry_run, strict=strict,
                                progress=lambda done, total, what: bar.progress(
                                    done / total, text=what if done == total
                                    else f"Checking and loading {what}"))
        except LoadError as error:
            bar.empty()
            ui.record_view(PAGE, "load refused", files=len(files))
            st.error(plain(str(error).replace(   # the command line's flag is this page's box
                "load again with --allow-shrink",
                "tick 'Allow a load that removes most of a table' and load again")))
        else:
            bar.empty()
            ui.record_view(PAGE, "dry run" if dry_run else "load", files=len(files))
            st.success(data.load_message(report, dry_run))
            for note in report.notes:     # file names and columns as the files give them
                st.info(plain(note))

con = ui.cursor()
st.header("How fresh each source is")
fresh = data.freshness(con)
st.dataframe(fresh, hide_index=True)
ui.download_button(fresh, "source-freshness", PAGE)
for note in data.waiting(con):
    st.info(note)

published = data.published_freshness(con)
if len(published):
    st.write("The DfE's published statistics the store holds: a load replaces the years its "
             "files give and keeps the others.")
    st.dataframe(published, hide_index=True)

st.header("Events")
st.write("The dated things that explain the lines (a go-live, a lockdown, a new system): the "
         "charts draw those in their span, area and measure. Keep events.csv as the source: "
         "download the events below after a change here, as a load of events.csv replaces the "
         "events from files and from this page. The programme's dates come from the council "
         "file at every load.")
if said := st.session_state.pop("fsdash_event_said", None):
    st.success(plain(said))
st.write("From the council file's programme dates:")
st.dataframe(event_view.table(con, load_council(), programme=True), hide_index=True)
from_files = event_view.table(con, load_council(), programme=False)
if len(from_files):
    st.write("From events.csv and this page (the download is this table as events.csv):")
    st.dataframe(from_files, hide_index=True)
    ui.download_button(events.events_file(con), "events", PAGE)
else:
    st.write("No event has come from events.csv or this page yet.")
CHOICES = {"Add an event": "added", "Change an event": "changed", "Retire an event": "retired",
           "Bring back a retired event": "brought back"}
action = CHOICES[st.radio("Change the events", list(CHOICES), horizontal=True)]
held = event_view.changeable(con)
shown = {i: e for i, (e, retired) in held.items()
         if action in ("changed", "added") or retired == (action == "brought back")}
chosen = None
if action != "added":
    if not shown:
        st.write("There is no event to " + {"changed": "change", "retired": "retire"}.get(
            action, "bring back") + " (the programme's dates are changed in the council file).")
    else:
        chosen = shown[st.selectbox("Event", list(shown),
                                    format_func=lambda i: f"{i}: {shown[i].title}")]
if action == "added" or chosen:
    was = chosen or events.Event("", dt.date.today(), None, "", "")
    areas, measures = event_view.area_options(load_council()), event_view.measure_options()
    with st.form(f"event-{action}-{was.event_id}"):
        if action in ("added", "changed"):
            title = st.text_input("Title", was.title, max_chars=EVENT_TITLE_LENGTH)
            description = st.text_area("Description (optional)", was.description,
                                       max_chars=EVENT_DESCRIPTION_LENGTH)
            start = st.date_input("Start date", was.start, min_value=dt.date(2000, 1, 1),
                                  format="DD/MM/YYYY")
            end = st.date_input("End date (empty for a single day)", was.end,
                                min_value=dt.date(2000, 1, 1), format="DD/MM/YYYY")
            named = st.multiselect("Areas (none: every area)", list(areas), list(was.areas),
                                   format_func=areas.get)
            about = st.multiselect("Measures (none: every measure)", list(measures),
                                   list(was.measures), format_func=measures.get)
            intended = st.checkbox("The council meant this to change the measures",
                                   was.intended)
            was = events.Event(was.event_id, start, end, title, description, tuple(named),
                               tuple(about), intended, was.origin)
        if st.form_submit_button(f"{next(k for k, v in CHOICES.items() if v == action)}",
                                 type="primary"):
            try:
                said = event_view.save(store.db_path(), load_council(), ui.scope(), action, was)
            except (events.EventRefused, store.StoreChanged) as refused:
                st.error(plain(str(refused)))
            else:
                st.session_state["fsdash_event_said"] = said
                st.rerun()

st.header("Our figures and what the DfE published")
reconciled = data.reconciled(con, ui.figures(ui.store_key(), ui.scope().key), load_council())
st.write(reconciled.reading)
st.dataframe(reconciled.table, hide_index=True)
ui.download_button(reconciled.table, "reconciliation", PAGE)
with st.expander("What these measures count, and where they differ from the DfE's"):
    for title, definition, note in reconciled.definitions:
        st.markdown(f"**{title}**: {definition}")
        if note:
            st.caption(note)

st.header("Rows the latest load set aside")
quarantine = data.latest_quarantine(con)
if len(quarantine):
    st.dataframe(quarantine, hide_index=True)
    ui.download_button(quarantine, "set-aside-rows", PAGE)
else:
    st.write("The latest load set no row aside.")

st.header("What the latest load queried")
queries = data.latest_queries(con)
if len(queries):
    st.write("These rows were loaded, but break a DfE validation rule or are where several "
             "years' returns disagree; each says how the load settled it.")
    st.dataframe(queries, hide_index=True)
    ui.download_button(queries, "load-queries", PAGE)
else:
    st.write("The latest load queried no row.")

ui.chart_block(data.quality_block(con), PAGE, heading_level=2)
