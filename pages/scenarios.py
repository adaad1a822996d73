"""Scenarios: where the numbers in care are heading, the chance of meeting the aim, and what
changes to starts, leaving care and step-down would do, with their placement costs."""

import streamlit as st

from fsdash import metrics, ui
from fsdash.config import load_council
from fsdash.projection.scenario import LEVERS, SCENARIO_BANDS, Scenario, month_ends_after
from fsdash.views.scenarios import (
    GLOSSARY,
    NEEDS,
    REFERENCE_PERIODS,
    CannotProject,
    area_options,
)

PAGE = "Scenarios"
council = load_council()
ui.page_style()
st.title(PAGE)
ui.stop_unless_loaded(NEEDS)
columns = ui.filter_columns(3)
filters = ui.page_filters(columns, area_options(council))
reference_key = ui.url_select(columns[2], "Rates from", {k: label for k, (label, _) in
                                                         REFERENCE_PERIODS.items()}, "rates")
st.caption(ui.as_at_caption(council, filters) + " · projected from this month")

target = ui.target_in_force(ui.store_key(), filters.as_at)
if target is None:
    st.write("The council has no target for under-12s in care in force on this date, so set an "
             "aim to plan against. It is for planning only, not a target the council has agreed.")
    aim_columns = st.columns(2)
    aim_percent = ui.url_slider(aim_columns[0], "Aim: fewer under-12s in care each year (%)",
                                0, 30, 1, "aim", 10)
    aim_years = ui.url_slider(aim_columns[1], "Over this many years", 1, 5, 1, "aim_years", 3)
    aim_end = metrics.years_after(filters.as_at, aim_years)
else:
    st.write(f"The aim is the council's target in force: {target.label}.")
    aim_percent, aim_years, aim_end = 0, 0, target.end

st.header("Try a scenario")
months = month_ends_after(filters.as_at, aim_end)[1:-1] or [filters.as_at]
start = ui.url_select(st.columns(2)[0], "Changes start in",
                      {f"{m:%Y-%m}": f"{m:%B %Y}" for m in months}, "from")
changes = {}
for column, (lever, (label, low, high, step)) in zip(st.columns(3), LEVERS.items()):
    column.markdown(f"**{label}** (% change)")
    changes[lever] = {band: ui.url_slider(column, f"{label}: {name}", low, high, step,
                                          f"{lever}_{band}")
                      for band, (name, _, _) in SCENARIO_BANDS.items()}
scenario = Scenario.build(next(m for m in months if f"{m:%Y-%m}" == start), changes)
ui.record_view(PAGE, as_at=filters.as_at, area=filters.area, rates=reference_key,
               **scenario.params())
try:
    view = ui.scenarios_view(ui.store_key(), ui.scope().key, filters, scenario, reference_key,
                             aim_percent, aim_years)
except CannotProject as problem:
    st.info(str(problem))
    st.stop()
st.info(view.summary)
st.caption("The page address keeps these settings: copy it to share this scenario.")

st.header("Will the aim be met?")
ui.chart_block(view.under12, PAGE)
st.markdown("### What it would take")
st.write(view.needed)
ui.chart_block(view.everyone, PAGE, heading_level=2)
ui.chart_block(view.costs, PAGE, heading_level=2)

st.header("How far to trust the projection")
ui.chart_block(view.accuracy, PAGE)
ui.chart_block(view.rates, PAGE)
for note in view.notes:
    st.caption(note)

with st.expander("Glossary"):
    for term, meaning in GLOSSARY.items():
        st.markdown(f"**{term}**: {meaning}")
