"""Plotly figure builders. Colours are the Okabe-Ito colour-blind-safe palette; lines differ by
dash as well as colour, so no chart depends on colour alone."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

OKABE_ITO = {"blue": "#0072B2", "orange": "#E69F00", "green": "#009E73", "vermillion": "#D55E00",
             "sky": "#56B4E9", "purple": "#CC79A7", "yellow": "#F0E442", "black": "#000000"}
FONT = "Arial, Helvetica, sans-serif"


def _layout(fig: go.Figure, title: str, y_title: str) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "font": {"size": 18}},
        font={"family": FONT, "size": 14, "color": "#0b0c0c"},
        yaxis_title=y_title, xaxis_title=None, hovermode="x unified",
        legend={"orientation": "h", "y": -0.15}, margin={"l": 10, "r": 10, "t": 50, "b": 10},
        plot_bgcolor="white", height=380,
    )
    fig.update_yaxes(gridcolor="#dddddd", rangemode="tozero")
    return fig


def target_chart(frame: pd.DataFrame, title: str) -> go.Figure:
    """Actual under-12s looked after each month against the target path."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=frame["as_at"], y=frame["actual"], name="Actual",
                             mode="lines", line={"color": OKABE_ITO["blue"], "width": 3}))
    fig.add_trace(go.Scatter(x=frame["as_at"], y=frame["target"], name="Target",
                             mode="lines", line={"color": OKABE_ITO["vermillion"], "width": 2,
                                                 "dash": "dash"}))
    return _layout(fig, title, "Children aged under 12")
