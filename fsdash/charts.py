"""Plotly figure builders. Colours are the Okabe-Ito colour-blind-safe palette; lines differ by
dash as well as colour, so no chart depends on colour alone."""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

OKABE_ITO = {"blue": "#0072B2", "orange": "#E69F00", "green": "#009E73", "vermillion": "#D55E00",
             "sky": "#56B4E9", "purple": "#CC79A7", "yellow": "#F0E442", "black": "#000000"}
FONT = "Arial, Helvetica, sans-serif"
WHOLE_TICKS_BELOW = 5      # a count axis whose top is below this is ticked in whole numbers
WRAP_AT = 26               # characters on a line of a long label, so it fits beside a phone's chart


def wrapped(text: str, width: int = WRAP_AT) -> str:
    """A long label on lines of at most ``width`` characters (Plotly breaks lines at <br>)."""
    return "<br>".join(textwrap.wrap(text, width))


def _layout(fig: go.Figure, title: str, y_title: str, decimals: int = 0) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "font": {"size": 18}},
        font={"family": FONT, "size": 14, "color": "#0b0c0c"},
        yaxis_title=y_title, xaxis_title=None, hovermode="x unified",
        legend={"orientation": "h", "y": -0.15}, margin={"l": 10, "r": 10, "t": 50, "b": 10},
        plot_bgcolor="white", height=380,
    )
    fig.update_yaxes(gridcolor="#dddddd", rangemode="tozero", hoverformat=f",.{decimals}f",
                     tickformat=",")
    fig.update_xaxes(hoverformat="%-d %B %Y")
    return fig


def _line(fig: go.Figure, x, y, name: str, colour: str, dash: str = "solid", width: int = 3):
    fig.add_trace(go.Scatter(x=x, y=y, name=name, mode="lines",
                             line={"color": OKABE_ITO[colour], "width": width, "dash": dash}))


def monthly_lines(frame: pd.DataFrame, lines: list[tuple[str, str, str, str]], title: str,
                  y_title: str) -> go.Figure:
    """Lines over month ends: each line is (column, name, colour, dash)."""
    fig = go.Figure()
    for column, name, colour, dash in lines:
        _line(fig, frame["as_at"], frame[column], name, colour, dash)
    fig = _layout(fig, title, y_title)
    if frame[[column for column, *_ in lines]].max().max() < WHOLE_TICKS_BELOW:
        fig.update_yaxes(dtick=1)       # a handful: no ticks at fractions of a child
    return fig


def rate_chart(rates: pd.DataFrame, comparators: pd.DataFrame, area: str, title: str,
               y_title: str = "Per 10,000 children") -> go.Figure:
    """The area's monthly rate (or percentage) as a line, with published comparators
    (``label``, ``as_at``, ``when``, ``value``) as annual points, each its own shape and never
    joined, as the published figures are one a year."""
    fig = go.Figure()
    _line(fig, rates["as_at"], rates["value"], area, "blue")
    symbols = ["diamond", "square", "triangle-up"]
    colours = ["vermillion", "green", "purple"]
    for i, (label, points) in enumerate(comparators.groupby("label", sort=False)):
        fig.add_trace(go.Scatter(
            x=points["as_at"], y=points["value"],
            name=wrapped(f"{label} (published, {points['when'].iloc[0]} each year)"),
            mode="markers", marker={"symbol": symbols[i % 3], "size": 11,
                                    "color": OKABE_ITO[colours[i % 3]]}))
    return _layout(fig, title, y_title, decimals=1)


def neighbour_bars(rows: pd.DataFrame, references: list[tuple[str, float]], title: str,
                   x_title: str) -> go.Figure:
    """The council and its neighbours (``name``, ``value``, ``own``: True for the council) as
    horizontal bars, highest first, each labelled with its figure; the council's bar patterned
    and named "(this council)" as well as coloured, and each reference (England, the region)
    a labelled line of its own dash."""
    rows = rows.sort_values("value", ascending=False)
    fig = go.Figure()
    for own, name, colour, pattern in ((False, "Statistical neighbours", "sky", ""),
                                       (True, "This council", "blue", "/")):
        chosen = rows[rows["own"] == own]
        fig.add_trace(go.Bar(
            y=chosen["name"], x=chosen["value"], orientation="h", name=name,
            marker={"color": OKABE_ITO[colour], "pattern": {"shape": pattern}},
            text=[f"{v:,.1f}".removesuffix(".0") for v in chosen["value"]],
            textposition="outside", cliponaxis=False))
    for (label, value), dash, colour in zip(references, ("dash", "dot"),
                                            ("vermillion", "black")):
        fig.add_trace(go.Scatter(x=[value, value], y=[rows["name"].iloc[0], rows["name"].iloc[-1]],
                                 mode="lines", name=f"{label} ({value:g})",
                                 line={"color": OKABE_ITO[colour], "dash": dash, "width": 2}))
    fig = _layout(fig, title, None)
    fig.update_layout(height=180 + 30 * len(rows), hovermode="y unified", barmode="overlay",
                      xaxis_title=x_title)
    fig.update_yaxes(categoryorder="array", categoryarray=list(rows["name"])[::-1],
                     gridcolor=None, rangemode=None)
    fig.update_xaxes(gridcolor="#dddddd", hoverformat=".1f", rangemode="tozero",
                     range=[0, 1.2 * max([rows["value"].max(), *(v for _, v in references)])])
    return fig


def _bands(fig: go.Figure, projection: pd.DataFrame) -> None:
    """A projection's 19-in-20 and 8-in-10 ranges as shaded bands."""
    for low, high, name, opacity in (("low95", "high95", "19 in 20 range", 0.15),
                                     ("low80", "high80", "8 in 10 range", 0.3)):
        fig.add_trace(go.Scatter(
            x=list(projection["as_at"]) + list(projection["as_at"])[::-1],
            y=list(projection[high]) + list(projection[low])[::-1], name=name,
            fill="toself", fillcolor=f"rgba(0,114,178,{opacity})", line={"width": 0},
            hoverinfo="skip"))


def outlook_chart(actual: pd.Series, baseline: pd.DataFrame, scenario: pd.DataFrame | None,
                  aim: pd.DataFrame | None, title: str, y_title: str) -> go.Figure:
    """Counts so far, the projection if rates carry on (with its ranges), the projection under
    a scenario, and an aim's path ending in a marked point."""
    fig = go.Figure()
    _bands(fig, baseline)
    _line(fig, baseline["as_at"], baseline["central"], "If rates carry on", "blue", "dot", 2)
    if scenario is not None:
        _line(fig, scenario["as_at"], scenario["central"], "With the scenario", "orange", "dash", 3)
    _line(fig, actual.index, actual.to_numpy(), "Actual", "blue")
    if aim is not None:
        _line(fig, aim["as_at"], aim["value"], "Aim", "vermillion", "dashdot", 2)
        end = aim.iloc[-1]
        fig.add_trace(go.Scatter(x=[end["as_at"]], y=[end["value"]], mode="markers+text",
                                 name="Aim at the end", text=[f"Aim {end['value']:,.0f}"],
                                 textposition="bottom left",      # never past the plot's edge
                                 marker={"symbol": "x", "size": 12,
                                         "color": OKABE_ITO["vermillion"]}))
    fig = _layout(fig, title, y_title)
    top = baseline["high95"].iloc[-1]
    fig.add_annotation(x=baseline["as_at"].iloc[-1], y=top, text=f"19 in 20: up to {top:,.0f}",
                       showarrow=False, xanchor="right", yanchor="bottom")
    highest = max(baseline["high95"].max(), actual.max(),
                  -1 if scenario is None else scenario["high95"].max(),
                  -1 if aim is None else aim["value"].max())
    fig.update_yaxes(range=[0, 1.12 * highest])      # room above the range for its label
    return fig


def target_chart(frame: pd.DataFrame, title: str, projection: pd.DataFrame | None,
                 end, at_end: float) -> go.Figure:
    """The measure each month against the target path (drawn only over the target period, to
    its end point), with a projection while the target runs."""
    fig = go.Figure()
    if projection is not None:
        _bands(fig, projection)
        _line(fig, projection["as_at"], projection["central"], "Projection", "blue", "dot", 2)
    _line(fig, frame["as_at"], frame["actual"], "Actual", "blue")
    _line(fig, frame["as_at"], frame["target"], "Target path", "vermillion", "dash", 2)
    fig.add_trace(go.Scatter(x=[pd.Timestamp(end)], y=[at_end], mode="markers+text",
                             name="Target at the end", text=[f"Target {at_end:,.0f}"],
                             textposition="top center",
                             marker={"symbol": "x", "size": 12, "color": OKABE_ITO["vermillion"]}))
    fig = _layout(fig, title, "Children aged under 12")
    fig.update_xaxes(range=[frame["as_at"].min(), max(pd.Timestamp(end), frame["as_at"].max())
                            + pd.Timedelta(days=45)])
    return fig


def value_bars(values: pd.Series, title: str, y_title: str) -> go.Figure:
    """One bar for each category (the series' index), labelled with its value."""
    fig = go.Figure(go.Bar(x=list(values.index), y=values.to_numpy(), text=values.to_numpy(),
                           textposition="outside", marker_color=OKABE_ITO["blue"],
                           showlegend=False))
    return _layout(fig, title, y_title, decimals=1)


def flows_chart(frame: pd.DataFrame, title: str) -> go.Figure:
    """Monthly starts and ceases as lines, and the net change as bars."""
    fig = go.Figure()
    fig.add_trace(go.Bar(x=frame["as_at"], y=frame["net"], name="Net change (starts less ceases)",
                         marker={"color": OKABE_ITO["sky"], "pattern": {"shape": "/"}}))
    _line(fig, frame["as_at"], frame["starts"], "Started", "blue")
    _line(fig, frame["as_at"], frame["ceases"], "Ceased", "orange", "dash")
    return _layout(fig, title, "Children a month")


SIGNAL_MARKERS = {"improvement": ("circle", "blue", "Unusual: better"),
                  "concern": ("diamond", "vermillion", "Unusual: worse"),
                  "neither": ("square", "purple", "Unusual")}


def spc_chart(dates, chart, title: str, y_title: str) -> go.Figure:
    """An XmR chart: the values, the mean and process limits (a step where they were
    recalculated, with a gap between the segments), special-cause points marked."""
    fig = go.Figure()
    _line(fig, dates, chart.values, "Monthly value", "black", width=2)
    edges = [0, *chart.breaks, len(dates)]
    for name, levels, dash in (("Average", chart.means, "solid"),
                               ("Top of the usual range", chart.uppers, "dash"),
                               ("Bottom of the usual range", chart.lowers.clip(min=0), "dash")):
        x, y = [], []
        for start, stop in zip(edges, edges[1:]):
            x += [dates[start], dates[stop - 1], None]
            y += [levels[start], levels[start], None]
        fig.add_trace(go.Scatter(x=x[:-1], y=y[:-1], name=name, mode="lines",
                                 line={"color": "#6F777B", "dash": dash, "width": 1}))
    variation = [chart.point_variation(i) for i in range(len(chart.values))]
    for kind, (symbol, colour, name) in SIGNAL_MARKERS.items():
        points = [i for i, v in enumerate(variation) if v == kind]
        if points:
            fig.add_trace(go.Scatter(
                x=[dates[i] for i in points], y=chart.values[points], mode="markers",
                name=name,
                marker={"symbol": symbol, "size": 11, "color": OKABE_ITO[colour]}))
    return _layout(fig, title, y_title)


def comparison_bars(table: pd.DataFrame, title: str, earlier: str, later: str) -> go.Figure:
    """Horizontal bars for each category: a year ago (patterned) and now (solid)."""
    return paired_bars(table, title, ("year_ago", earlier), ("now", later))


def paired_bars(table: pd.DataFrame, title: str, first: tuple[str, str],
                second: tuple[str, str], decimals: int = 0) -> go.Figure:
    """Horizontal bars for each ``category``: the ``first`` column (patterned) beside the
    ``second`` (solid), each given as (column, legend name). A hidden number is marked "c" at
    zero, so it is not mistaken for none."""
    fig = go.Figure()
    categories = [wrapped(str(c)) for c in table["category"]]
    for (column, name), marker in ((first, {"color": OKABE_ITO["sky"], "pattern": {"shape": "."}}),
                                   (second, {"color": OKABE_ITO["blue"]})):
        hidden = table[column].isna()
        fig.add_trace(go.Bar(y=categories, x=table[column].fillna(0), name=name,
                             orientation="h", marker=marker,
                             text=["c" if h else "" for h in hidden], textposition="outside",
                             cliponaxis=False))
    fig = _layout(fig, title, None)
    # The legend sits at the foot of the figure, below the axis's labels, not over them.
    fig.update_layout(barmode="group", height=180 + 45 * len(table), hovermode="y unified",
                      legend={"orientation": "h", "yref": "container", "y": 0,
                              "yanchor": "bottom"},
                      margin={"l": 10, "r": 10, "t": 50, "b": 70})
    fig.update_yaxes(autorange="reversed", gridcolor=None)
    fig.update_xaxes(gridcolor="#dddddd", hoverformat=f",.{decimals}f", tickformat=",")
    return fig


ESTIMATE_SYMBOLS = ("circle", "square", "diamond", "triangle-up")


def estimates_chart(rows: pd.DataFrame, references: list[tuple[str, float]], title: str,
                    x_title: str) -> go.Figure:
    """Estimates (``label``, ``value``, ``low``, ``high``) as points with their 95% intervals,
    one row each and each with its own marker shape, and reference values as labelled lines."""
    fig = go.Figure()
    for i, row in enumerate(rows.itertuples()):
        fig.add_trace(go.Scatter(
            x=[row.value], y=[wrapped(row.label)], mode="markers", name=row.label,
            showlegend=False,
            marker={"symbol": ESTIMATE_SYMBOLS[i % 4], "size": 13, "color": OKABE_ITO["blue"]},
            error_x={"type": "data", "symmetric": False, "array": [row.high - row.value],
                     "arrayminus": [row.value - row.low], "color": OKABE_ITO["blue"],
                     "thickness": 2, "width": 8},
            hovertemplate=f"{row.label}: %{{x:.0f}}% (95% interval {row.low:.0f}% to "
                          f"{row.high:.0f}%)<extra></extra>"))
    for (name, value), dash in zip(references, ("dash", "dot", "dashdot")):
        fig.add_vline(x=value, line={"color": "#505a5f", "dash": dash, "width": 1.5},
                      annotation_text=name, annotation_position="top")
    fig = _layout(fig, title, None)
    fig.update_layout(height=170 + 55 * len(rows), hovermode="closest",
                      margin={"l": 10, "r": 10, "t": 80, "b": 10})
    fig.update_yaxes(autorange="reversed", gridcolor=None, rangemode=None)
    ends = [*rows["low"], *rows["high"], *(value for _, value in references), 0]
    fig.update_xaxes(title=wrapped(x_title), gridcolor="#dddddd", ticksuffix="%", zeroline=True,
                     zerolinecolor="#0b0c0c", range=[min(ends) - 5, max(ends) + 5])
    return fig


def cohort_chart(frame: pd.DataFrame, groups: list[tuple[str, str]],
                 reference: tuple[str, float], title: str, y_title: str) -> go.Figure:
    """A value by the quarter work began (``quarter``), one line per group (column, name), each
    with its own dash and marker, and a published reference as a horizontal line."""
    fig = go.Figure()
    for (column, name), (colour, dash, symbol) in zip(
            groups, (("orange", "dash", "square"), ("blue", "solid", "circle"))):
        fig.add_trace(go.Scatter(x=frame["quarter"], y=frame[column], name=name,
                                 mode="lines+markers",
                                 line={"color": OKABE_ITO[colour], "dash": dash, "width": 3},
                                 marker={"symbol": symbol, "size": 9}))
    fig.add_hline(y=reference[1], line={"color": "#505a5f", "dash": "dot", "width": 1.5},
                  annotation_text=reference[0], annotation_position="bottom left")
    fig = _layout(fig, title, y_title)
    fig.update_yaxes(rangemode="normal", ticksuffix="%", zeroline=True, zerolinecolor="#0b0c0c")
    fig.update_xaxes(hoverformat="%B %Y")
    return fig


def range_bars(rows: pd.DataFrame, title: str, x_title: str) -> go.Figure:
    """Each row's range (``label``, ``low``, ``high``) as a floating bar, named beside the axis
    with its ``text`` (both ends), so no single figure stands for it and no label runs past the
    chart's edge."""
    names = [f"{wrapped(label)}:<br>{text}" for label, text in zip(rows["label"], rows["text"])]
    fig = go.Figure(go.Bar(
        y=names, x=rows["high"] - rows["low"], base=rows["low"], orientation="h",
        marker={"color": OKABE_ITO["green"], "pattern": {"shape": "/"}}, showlegend=False,
        text=rows["text"], textposition="none", customdata=rows["label"],
        hovertemplate="%{customdata}: %{text}<extra></extra>"))
    fig = _layout(fig, title, None)
    fig.update_layout(height=150 + 60 * len(rows), hovermode="closest")
    fig.update_yaxes(autorange="reversed", gridcolor=None, rangemode=None)
    fig.update_xaxes(title=x_title, gridcolor="#dddddd", tickprefix="£",
                     range=[0, 1.05 * rows["high"].max()])
    return fig


def funnel_chart(reached: pd.Series, title: str) -> go.Figure:
    """How many reached each step (the index, in order), each bar labelled with its number and
    its share of the step before."""
    fig = go.Figure(go.Funnel(
        y=list(reached.index), x=reached.to_numpy(),
        texttemplate="%{value:,.0f} (%{percentPrevious:.0%})",
        marker={"color": OKABE_ITO["blue"]}, connector={"line": {"color": "#b1b4b6"}},
        hovertemplate="%{y}: %{x:,.0f}<extra></extra>"))
    fig = _layout(fig, title, None)
    fig.update_layout(height=140 + 50 * len(reached), hovermode="closest")
    fig.update_yaxes(gridcolor=None, rangemode=None)
    return fig


RATING_STYLE = {"Red": ("vermillion", "x"), "Amber": ("orange", "/"), "Green": ("green", "")}


def team_bars(frame: pd.DataFrame, amber: float, red: float, title: str) -> go.Figure:
    """Teams' caseloads as horizontal bars, highest first, coloured and patterned by rating and
    labelled with the value and rating, with the thresholds as lines."""
    fig = go.Figure()
    for word, (colour, pattern) in RATING_STYLE.items():
        rows = frame[frame["rating"].str.endswith(word)]
        if len(rows):
            fig.add_trace(go.Bar(
                y=rows["name"], x=rows["caseload"], orientation="h", name=word,
                marker={"color": OKABE_ITO[colour], "pattern": {"shape": pattern}},
                text=[f"{c:.1f} {r}" for c, r in zip(rows["caseload"], rows["rating"])],
                textposition="outside", cliponaxis=False))
    for level, name, dash in ((amber, "Amber threshold", "dash"), (red, "Red threshold", "dot")):
        fig.add_trace(go.Scatter(x=[level, level], y=[frame["name"].iloc[0], frame["name"].iloc[-1]],
                                 mode="lines", name=f"{name} ({level:g})",
                                 line={"color": "#505a5f", "dash": dash, "width": 1.5}))
    fig = _layout(fig, title, None)
    fig.update_layout(height=180 + 28 * len(frame), hovermode="y unified", barmode="overlay")
    fig.update_yaxes(categoryorder="array", categoryarray=list(frame["name"])[::-1], gridcolor=None)
    fig.update_xaxes(gridcolor="#dddddd", hoverformat=".1f",
                     range=[0, 1.3 * max(frame["caseload"].max(), red)])
    return fig


RATING_FILLS = ["#f3f2f1", "#a6dcc5", "#f5d08a", "#f0a68a"]   # none, green, amber, red (tints)


def rating_grid(z: list[list[int]], text: list[list[str]], columns: list[str], rows: list[str],
                title: str) -> go.Figure:
    """Rows by columns, each cell filled by its rating (0 none, 1 green, 2 amber, 3 red) and
    labelled with its figure, change and rating in words and a shape, so colour is never the
    only way to read it."""
    bands = [[edge, colour] for i, colour in enumerate(RATING_FILLS)
             for edge in (i / len(RATING_FILLS), (i + 1) / len(RATING_FILLS))]
    fig = go.Figure(go.Heatmap(
        z=z, x=columns, y=rows, text=text, texttemplate="%{text}", zmin=0, zmax=3,
        colorscale=bands, showscale=False, xgap=2, ygap=2,
        hovertemplate="%{y}, %{x}<br>%{text}<extra></extra>", textfont={"size": 11}))
    fig = _layout(fig, title, None)
    fig.update_layout(height=160 + 52 * len(rows), hovermode="closest",
                      margin={"l": 10, "r": 10, "t": 120, "b": 10})
    fig.update_yaxes(autorange="reversed", rangemode=None, gridcolor=None, type="category")
    fig.update_xaxes(side="top", tickangle=0, type="category", tickfont={"size": 12})
    return fig


def heatmap(grid: pd.DataFrame, title: str) -> go.Figure:
    """Rows by months, shaded on a colour-blind-safe sequential scale, every cell labelled with
    its value (so the colour is never the only way to read it)."""
    fig = go.Figure(go.Heatmap(
        z=grid.to_numpy(), x=[f"{pd.Timestamp(c):%b %Y}" for c in grid.columns],
        y=list(grid.index), colorscale="Blues", texttemplate="%{z:.1f}",
        hovertemplate="%{y}, %{x}: %{z:.1f}<extra></extra>", colorbar={"title": "Per FTE"}))
    fig = _layout(fig, title, None)
    fig.update_layout(height=160 + 26 * len(grid))
    fig.update_yaxes(autorange="reversed", rangemode=None)
    fig.update_xaxes(type="category")
    return fig
