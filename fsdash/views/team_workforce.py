"""The published social work workforce figures on the Team caseloads page (issue 26): the DfE's
caseload per social worker, turnover, agency and vacancy rates at 30 September for the whole
council, beside England's, its region's and its statistical neighbours' (their median and
range, and each one), for the latest year loaded.

They are the DfE's council-wide figures as published: no team's own figure is among them, and
the block says so, since a team's caseload on the page's date is not the council's at 30
September.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import plotly.graph_objects as go

from fsdash import charts
from fsdash.config import Council
from fsdash.published_statistics.measures import MEASURES
from fsdash.published_statistics.neighbours import Comparison, compare
from fsdash.views.blocks import ChartBlock

WORKFORCE = ("caseload", "social_worker_turnover_pct", "agency_worker_pct", "vacancy_pct")
TITLE = "The council's social work workforce against others (published)"
STEM = "workforce-published"
COUNCIL_WIDE = ("These are the DfE's published figures for the whole council at 30 September, "
                "from the children's social work workforce census: not any one team's, and not "
                "on the date chosen above. A team's caseload here counts children per "
                "case-holding social worker on the chosen date; the DfE counts cases per "
                "case-holding FTE at 30 September, so set a team beside them only as a rough "
                "guide.")


def latest_year(con: duckdb.DuckDBPyConnection) -> int | None:
    """The latest year the store holds the published workforce figures for."""
    spec = MEASURES[WORKFORCE[0]]
    return con.execute("SELECT max(time_period) FROM published_value WHERE dataset = ? "
                       "AND measure = ?", [spec.dataset, spec.column]).fetchone()[0]


def workforce_block(con: duckdb.DuckDBPyConnection, council: Council) -> ChartBlock:
    """The latest year's published workforce figures: a sentence, caseload per social worker
    as bars (the council, England, its region, the neighbours' median and each neighbour), and
    every measure in the table."""
    year = latest_year(con)
    if year is None:
        return ChartBlock(TITLE, "The store holds no published workforce figures (the DfE's "
                          "children's social work workforce file) to compare with.", None,
                          pd.DataFrame(), STEM)
    found = [compare(con, council, name, year) for name in WORKFORCE]
    return ChartBlock(TITLE, _reading(found[0], council, year), _figure(found[0], council, year),
                      _table(found, council), STEM)


def _reading(caseload: Comparison, council: Council, year: int) -> str:
    if caseload.council is None:
        opening = (f"The DfE did not publish {council.short_name}'s caseload per social worker "
                   f"at 30 September {year}.")
    else:
        opening = (f"At 30 September {year}, {council.short_name}'s social workers held "
                   f"{caseload.council:.1f} cases each on average, against {caseload.england:.1f} "
                   f"in England, {_figure_or_none(caseload.region)} in its region "
                   f"({caseload.region_name or 'not named'}) and a median of "
                   f"{_figure_or_none(caseload.median)} among its statistical neighbours "
                   f"(higher than {caseload.higher_than} of "
                   f"{caseload.neighbours['value'].notna().sum()}).")
    return f"{opening} The table has turnover, agency and vacancy rates. {COUNCIL_WIDE}"


def _figure_or_none(value: float | None) -> str:
    return "no published figure" if value is None else f"{value:.1f}"


def _figure(caseload: Comparison, council: Council, year: int) -> go.Figure:
    """Caseload per social worker for the council and those it is compared with, the council's
    bar patterned as well as coloured."""
    near = caseload.neighbours.dropna(subset=["value"])
    names = [council.short_name, "England", caseload.region_name or "Region",
             "Statistical neighbours (median)", *near["name"]]
    values = [caseload.council, caseload.england, caseload.region, caseload.median,
              *near["value"]]
    own = [True] + [False] * (len(names) - 1)
    fig = go.Figure(go.Bar(
        y=names, x=[None if v is None else float(v) for v in values], orientation="h",
        marker={"color": [charts.OKABE_ITO["blue" if o else "sky"] for o in own],
                "pattern": {"shape": ["/" if o else "" for o in own]}},
        text=["" if v is None else f"{v:.1f}" for v in values], textposition="outside",
        cliponaxis=False, showlegend=False))
    fig.update_layout(
        title={"text": f"Cases per case-holding social worker (FTE), 30 September {year}, "
                       "whole council", "x": 0, "font": {"size": 18}},
        font={"family": charts.FONT, "size": 14, "color": "#0b0c0c"}, plot_bgcolor="white",
        height=180 + 28 * len(names), hovermode="y unified",
        margin={"l": 10, "r": 10, "t": 50, "b": 10})
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title="Cases per FTE", gridcolor="#dddddd", rangemode="tozero",
                     hoverformat=".1f")
    return fig


def _table(found: list[Comparison], council: Council) -> pd.DataFrame:
    """One row a measure: the council, England, its region, the neighbours' median, lowest and
    highest, how many neighbours it is higher than, then each neighbour by name."""
    rows = []
    for comparison in found:
        spec = comparison.measure
        row = {"Measure": f"{spec.title} {spec.when} {comparison.year} ({comparison.unit})",
               f"{council.short_name} (whole council)": comparison.council,
               "England": comparison.england,
               "Region": comparison.region,
               "Statistical neighbours (median)": comparison.median,
               "Neighbours' lowest": comparison.lowest,
               "Neighbours' highest": comparison.highest,
               "Higher than (of the neighbours)": (
                   f"{comparison.higher_than} of {comparison.neighbours['value'].notna().sum()}"
                   if comparison.council is not None else "")}
        row |= dict(zip(comparison.neighbours["name"], comparison.neighbours["value"]))
        rows.append(row)
    table = pd.DataFrame(rows)
    region = found[0].region_name
    return table.rename(columns={"Region": region}) if region else table
