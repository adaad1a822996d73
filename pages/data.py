"""Data, for analysts: load a batch of extracts (folders' files, zips), see the load's report and
the rows it set aside, how fresh each source is, our figures reconciled with the DfE's published
ones, and data quality over time."""

import tempfile
from pathlib import Path

import streamlit as st

from fsdash import store, ui
from fsdash.config import load_council
from fsdash.escaping import plain
from fsdash.ingest import LoadError, load_paths
from fsdash.views import data

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
