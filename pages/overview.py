"""Overview: the headline measures with change on a year ago, trends and the under-12s target."""

import pandas as pd
import streamlit as st

from fsdash import charts, metrics, ui
from fsdash.access import SUPPRESSED, should_suppress, visible
from fsdash.config import load_council
from fsdash.formatting import change, figure, long_date

CARDS_PER_ROW = 3
TREND_MONTHS = 25

council = load_council()
filters = ui.sidebar_filters()
key = ui.store_key()

st.title("Overview")
st.caption(ui.as_at_caption(council, filters))

headline = ui.summary(key, filters.as_at, filters.districts)
first_month = ui.first_reliable_date(key)
trend_dates = tuple(d for d in metrics.month_ends(filters.as_at, TREND_MONTHS) if d >= first_month)
names = list(metrics.HEADLINE)
for start in range(0, len(names), CARDS_PER_ROW):
    for column, name in zip(st.columns(CARDS_PER_ROW), names[start:start + CARDS_PER_ROW]):
        measure, fig, before = metrics.MEASURES[name], headline[name], headline[name]["year_ago"]
        small = [should_suppress(f, measure.is_count, council.max_suppressed) for f in (fig, before or {})]
        trend = ui.series(key, name, trend_dates, filters.districts)
        column.metric(
            measure.title,
            SUPPRESSED if small[0] else figure(fig["value"], measure.unit),
            delta=None if any(small) or not before else change(fig["value"], before["value"], measure.unit),
            delta_color={"down": "inverse", "up": "normal"}.get(measure.better, "off"),
            help=measure.definition,
            chart_data=visible(trend, measure.is_count, council.max_suppressed).tolist(),
            border=True,
        )
st.caption("Small charts on each card show the last 25 month ends. Green means the change "
           "is in the good direction; grey means neither direction is better. "
           f"Figures from 1 to {council.max_suppressed} are shown as “{SUPPRESSED}” to protect "
           "families' privacy.")

st.header("Under-12s in care against the target")
target_dates = tuple(d for d in metrics.month_ends(filters.as_at, 120)
                     if d >= council.target_baseline_date.replace(day=1))
if not target_dates:
    st.info(f"The target starts on {long_date(council.target_baseline_date)}; choose a later month.")
else:
    path = ui.under12_target(key, target_dates, filters.districts)
    now = path.iloc[-1]
    gap = now["actual"] - now["target"]
    st.write(
        f"On {long_date(filters.as_at)} there were {now['actual']:,.0f} children aged "
        f"under 12 in care in {filters.area_label}: {abs(gap):,.0f} "
        f"({abs(100 * gap / now['target']):.0f}%) {'above' if gap > 0 else 'below'} the target "
        f"of {now['target']:,.0f}. The target starts from {path.attrs['baseline']:,.0f} on "
        f"{long_date(path.attrs['baseline_date'])} and falls by "
        f"{100 * path.attrs['reduction']:.0f}% a year for {path.attrs['years']} years."
    )
    st.plotly_chart(charts.target_chart(path, "Children aged under 12 looked after, month ends"),
                    config={"displaylogo": False})
    table = pd.DataFrame({"Month end": path["as_at"], "Actual": path["actual"],
                          "Target": path["target"].round(0)})
    with st.expander("Table of this chart"):
        st.dataframe(table, hide_index=True)
    st.download_button("Download this data (CSV)", table.to_csv(index=False),
                       file_name=f"under12s-target-{filters.as_at:%Y-%m}.csv", mime="text/csv")

with st.expander("Definitions"):
    for name in names:
        measure = metrics.MEASURES[name]
        st.markdown(f"**{measure.title}**: {measure.definition}")
