"""The needs Family Safeguarding exists for, on the Front door page (issue 26): of the
assessments completed in each year to 31 March, the share that found domestic abuse, mental
health, alcohol misuse or drug misuse about a parent or carer (``fsdash.metrics.needs``), from
the council's own records beside the DfE's published shares for the council, England, its region
and its statistical neighbours (their median and range).

The council's own shares are council-wide and pass the rule that hides small numbers
(``fsdash.access.shares.hidden_measures``), the four decided together over the same
assessments, so no share gives a hidden count away. The published shares are the DfE's figures
divided as published.
"""

from __future__ import annotations

import datetime as dt
import statistics

import duckdb
import pandas as pd
import plotly.graph_objects as go

from fsdash import charts, metrics
from fsdash.access import SUPPRESSED, Figures
from fsdash.access.shares import ONE_WINDOW, hidden_measures
from fsdash.config import WHOLE_COUNCIL, Council
from fsdash.metrics import sources
from fsdash.metrics.needs import DENOMINATOR, FACTORS_DATASET, NEEDS, factor_cells, kinds_of
from fsdash.published_statistics import reconciliation
from fsdash.published_statistics.neighbours import neighbours
from fsdash.views.blocks import ChartBlock

TITLE = "The needs Family Safeguarding works with"
STEM = "needs-at-assessment"
OURS = "Our records"
ENGLAND = "England"
MEDIAN = "Statistical neighbours (median)"
NEEDS_FACTORS = ("Our own figures need the assessment factors each assessment found (the "
                 "children in need census's AssessmentFactors, or a local assessments file "
                 "with them): the store holds none yet, so only the published figures are "
                 "shown.")


# The Front door's measures reconciled with the DfE's published figures.
RECONCILED_HERE = ("referrals", "rereferral_pct")


def front_door_definitions(con: duckdb.DuckDBPyConnection, figures: Figures,
                           council: Council) -> list[tuple[str, str, str]]:
    """The definitions of the Front door's measures that have a published equivalent, and of
    the needs: (title, definition, note), the note saying how our figure differs from the
    DfE's published one where it does by more than 1%."""
    found = reconciliation.reconcile(con, figures, council, RECONCILED_HERE)
    return reconciliation.definitions(found, (*RECONCILED_HERE, *(n.name for n in NEEDS)))


def published_shares(con: duckdb.DuckDBPyConnection, council: Council) -> pd.DataFrame:
    """The DfE's published shares for every year loaded: year, need (its label), the
    council's (``council``), England's, its region's, and its neighbours' median, lowest and
    highest (of those published), each a percentage to one decimal place; ``region_name``
    names the region. A figure not published is NaN."""
    columns = [DENOMINATOR, *(n.column for n in NEEDS)]
    rows = con.execute(f"""
        SELECT time_period AS year, geographic_level AS level,
               coalesce(region_code, '') AS region_code, coalesce(region_name, '') AS region_name,
               coalesce(old_la_code, '') AS code, measure, value
        FROM published_value
        WHERE dataset = ? AND measure IN ({", ".join("?" * len(columns))})""",
                       [FACTORS_DATASET, *columns]).df()
    wide = rows.pivot_table(index=["year", "level", "region_code", "region_name", "code"],
                            columns="measure", values="value", dropna=False)
    wide = wide.reindex(columns=columns).dropna(how="all").reset_index()
    own = wide[(wide["level"] == "Local authority") & (wide["code"] == council.dfe_code)]
    region_code = own["region_code"].iloc[0] if len(own) else None
    near = list(neighbours(con, council)["code"])
    found = []
    for need in NEEDS:
        wide["share"] = (100 * wide[need.column] / wide[DENOMINATOR]).round(1)
        for year, some in wide.groupby("year"):
            regional = some[(some["level"] == "Regional") & (some["region_code"] == region_code)]
            nearby = some[(some["level"] == "Local authority") & some["code"].isin(near)]
            shares = nearby["share"].dropna()
            found.append({
                "year": int(year), "need": need.label,
                "council": _one(some[(some["level"] == "Local authority")
                                     & (some["code"] == council.dfe_code)]["share"]),
                "england": _one(some[some["level"] == "National"]["share"]),
                "region": _one(regional["share"]), "region_name": _one(regional["region_name"]),
                "median": round(statistics.median(shares), 1) if len(shares) else None,
                "lowest": shares.min() if len(shares) else None,
                "highest": shares.max() if len(shares) else None})
    return pd.DataFrame(found, columns=["year", "need", "council", "england", "region",
                                        "region_name", "median", "lowest", "highest"])


def _one(values: pd.Series):
    present = values.dropna()
    return None if present.empty else present.iloc[0]


def local_shares(con: duckdb.DuckDBPyConnection, figures: Figures, council: Council,
                 years: list[int]) -> pd.DataFrame:
    """The council's own shares for those of ``years`` its records cover (the 12 months to 31
    March each): year, need, value (NaN where hidden) and hidden. Empty where the store holds
    no assessment factors."""
    try:
        first, last = metrics.first_reliable_date(con), metrics.latest_month_end(con)
    except ValueError:          # a store holding published statistics alone
        return _no_shares()
    days = [dt.date(y, 3, 31) for y in years if first <= dt.date(y, 3, 31) <= last]
    if not days or not factors_recorded(con):
        return _no_shares()
    hidden = _hidden(con, figures, council, days)
    found = []
    for need in NEEDS:
        values = metrics.series(con, need.name, days).set_index("as_at")["value"]
        for day, value in values.items():
            secret = bool(hidden.get((need.name, pd.Timestamp(day)), False))
            found.append({"year": pd.Timestamp(day).year, "need": need.label,
                          "value": None if secret or pd.isna(value) else float(value),
                          "hidden": secret})
    return pd.DataFrame(found, columns=["year", "need", "value", "hidden"])


def _no_shares() -> pd.DataFrame:
    return pd.DataFrame(columns=["year", "need", "value", "hidden"])


def factors_recorded(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the store holds any assessment with its factors recorded."""
    if "assessment" in sources.empty(con):
        return False
    return con.execute("SELECT EXISTS (SELECT 1 FROM assessment "
                       "WHERE nullif(trim(factors), '') IS NOT NULL)").fetchone()[0]


def _hidden(con, figures: Figures, council: Council, days: list[dt.date]) -> dict:
    """Whether each need's council-wide share is hidden on each day, by (name, day): the four
    decided together over the same assessments, in every area at once."""
    if not figures.suppress:
        return {}
    cells = factor_cells(con, days)
    cells["as_at"] = pd.to_datetime(cells["as_at"])
    measures = {need.name: kinds_of(i) for i, need in enumerate(NEEDS)}
    hidden = {}
    for day in days:
        day = pd.Timestamp(day)
        decided = hidden_measures(council, cells[cells["as_at"] == day].drop(columns="as_at"),
                                  measures, council.max_suppressed)
        for need in NEEDS:
            hidden[need.name, day] = bool(decided.loc[(need.name, WHOLE_COUNCIL, ONE_WINDOW),
                                                      "share"])
    return hidden


def needs_block(con: duckdb.DuckDBPyConnection, figures: Figures,
                council: Council) -> ChartBlock:
    """The block: the latest year's shares as bars for each need, and every year in the
    table."""
    published = published_shares(con, council)
    if published.empty:
        return ChartBlock(TITLE, "The store holds no published figures for the factors found at "
                          "the end of assessment (the DfE's children in need file of them) to "
                          "compare with, and " + (
                              "our own shares are not shown without them." if
                              factors_recorded(con) else "no assessment factors of its own."),
                          None, pd.DataFrame(), STEM)
    ours = local_shares(con, figures, council, sorted(published["year"].unique()))
    table = _table(published, ours, council)
    latest = int(published["year"].max())
    region = _one(published["region_name"]) or "Region"
    return ChartBlock(TITLE, _reading(published, ours, council, latest),
                      _figure(published, ours, council, latest, region), table, STEM)


def _label(council: Council) -> str:
    return f"{council.short_name} (published)"


def _table(published: pd.DataFrame, ours: pd.DataFrame, council: Council) -> pd.DataFrame:
    merged = published.merge(ours, on=["year", "need"], how="left")
    merged = merged.sort_values(["year", "need"], ascending=[False, True], kind="stable",
                                key=lambda c: c.map([n.label for n in NEEDS].index)
                                if c.name == "need" else c)
    region = _one(published["region_name"]) or "Region"
    return pd.DataFrame({
        "Year to 31 March": [f"{y - 1}-{y % 100:02d}" for y in merged["year"]],
        "Need (parent or carer)": merged["need"].to_numpy(),
        f"{OURS} (%)": [SUPPRESSED if h is True else ("" if pd.isna(v) else f"{v:.1f}")
                        for v, h in zip(merged["value"], merged["hidden"])],
        f"{_label(council)} (%)": merged["council"].to_numpy(),
        f"{ENGLAND} (%)": merged["england"].to_numpy(),
        f"{region} (%)": merged["region"].to_numpy(),
        f"{MEDIAN} (%)": merged["median"].to_numpy(),
        "Neighbours' lowest (%)": merged["lowest"].to_numpy(),
        "Neighbours' highest (%)": merged["highest"].to_numpy(),
    })


def _reading(published: pd.DataFrame, ours: pd.DataFrame, council: Council,
             latest: int) -> str:
    now = published[published["year"] == latest].set_index("need")
    abuse = now.loc[NEEDS[0].label]
    period = f"the year to 31 March {latest}"
    reading = []
    if abuse[["council", "england", "median"]].notna().all():
        reading.append(f"In {period} the DfE published that {abuse['council']:.1f}% of "
                       f"{council.short_name}'s assessments found concerns about "
                       f"{NEEDS[0].concern}, against {abuse['england']:.1f}% in England and a "
                       f"median of {abuse['median']:.1f}% among its statistical neighbours.")
    own = ours[(ours["year"] == latest) & (ours["need"] == NEEDS[0].label)]
    if len(own) and pd.notna(own["value"].iloc[0]):
        reading.append(f"Our own records give {own['value'].iloc[0]:.1f}% for the same year.")
    elif len(own):
        reading.append("Our own figure for that year is hidden: it rests on a small number.")
    elif ours.empty:
        reading.append(NEEDS_FACTORS)
    else:
        reading.append(f"Our records do not cover {period}; the table has the years they "
                       "cover.")
    reading.append("The table gives every year, with each neighbour's lowest and highest. "
                   "Published figures are annual and council-wide.")
    return " ".join(reading)


def _figure(published: pd.DataFrame, ours: pd.DataFrame, council: Council, latest: int,
            region: str) -> go.Figure:
    """Bars for each need in the latest year: ours, the council's published, England, the
    region and the neighbours' median, told apart by pattern as well as colour."""
    now = published[published["year"] == latest].set_index("need")
    own = ours[ours["year"] == latest].set_index("need")
    labels = [n.label for n in NEEDS]
    series = [(OURS, own["value"].reindex(labels) if len(own) else None, own, "blue", ""),
              (_label(council), now["council"].reindex(labels), None, "sky", "/"),
              (ENGLAND, now["england"].reindex(labels), None, "vermillion", "."),
              (region, now["region"].reindex(labels), None, "green", "x"),
              (MEDIAN, now["median"].reindex(labels), None, "purple", "-")]
    fig = go.Figure()
    for name, values, local, colour, pattern in series:
        if values is None:
            continue
        hidden = (local["hidden"].reindex(labels).fillna(False).astype(bool) if local is not None
                  else pd.Series(False, index=labels))
        fig.add_trace(go.Bar(
            y=labels, x=values.astype(float).fillna(0), name=name, orientation="h",
            marker={"color": charts.OKABE_ITO[colour], "pattern": {"shape": pattern}},
            text=[SUPPRESSED if h else "" for h in hidden], textposition="outside",
            cliponaxis=False))
    fig.update_layout(
        title={"text": f"Assessments finding each concern about a parent or carer, year to "
                       f"31 March {latest} (%)", "x": 0, "font": {"size": 18}},
        font={"family": charts.FONT, "size": 14, "color": "#0b0c0c"}, barmode="group",
        plot_bgcolor="white", height=520, hovermode="y unified",
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom"},
        margin={"l": 10, "r": 10, "t": 50, "b": 90})
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title="Share of assessments (%)", gridcolor="#dddddd", rangemode="tozero",
                     hoverformat=",.1f")
    return fig
