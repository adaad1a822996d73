"""Charts as crisp static images for the pack: Plotly through kaleido, driving Debian's
Chromium (``FSDASH_CHROMIUM``, else /usr/bin/chromium), all charts of a pack in one browser."""

from __future__ import annotations

import copy
import os
import tempfile
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio

from fsdash.export.content import Pack
from fsdash.views.care import ChartBlock

WIDTH = 1100        # CSS pixels: the width of a chart on a landscape page
SCALE = 2           # twice the pixels, so print is sharp


def charts(pack: Pack) -> list[ChartBlock]:
    """Every chart in the pack, in order."""
    return [part for page in pack.pages for part in page.parts if isinstance(part, ChartBlock)]


def render(pack: Pack) -> dict[int, bytes]:
    """PNG bytes for each chart, by ``id`` of its block."""
    os.environ.setdefault("BROWSER_PATH", os.environ.get("FSDASH_CHROMIUM", "/usr/bin/chromium"))
    blocks = charts(pack)
    if not blocks:
        return {}
    figures = [prepared(block) for block in blocks]
    with tempfile.TemporaryDirectory() as folder:
        paths = [Path(folder) / f"chart{i}.png" for i in range(len(figures))]
        pio.write_images(figures, paths, format="png", scale=SCALE)
        return {id(block): path.read_bytes() for block, path in zip(blocks, paths)}


LABEL_GAP = 8         # pixels between each axis and its labels: the x axis's first ("2022")
                      # clear of the y axis's "0"
CATEGORY_HEIGHT = 26  # pixels for each named category on a vertical axis


def prepared(block: ChartBlock) -> go.Figure:
    """A copy of the block's chart as the pack draws it: page-wide on white, the axes' labels
    set clear of each other, and every category named (Plotly leaves out every other name
    where it judges them crowded)."""
    fig = copy.deepcopy(block.figure)
    fig.update_layout(width=WIDTH, height=fig.layout.height or 420, paper_bgcolor="white")
    fig.update_xaxes(ticklabelstandoff=LABEL_GAP)
    fig.update_yaxes(ticklabelstandoff=LABEL_GAP)
    for axis in ("x", "y"):
        names = {value for trace in fig.data for value in _values(trace, axis)
                 if isinstance(value, str)}
        if names:
            fig.update_layout({f"{axis}axis": {"tickmode": "linear", "tick0": 0, "dtick": 1}})
        if names and axis == "y":
            fig.update_layout(height=max(fig.layout.height, 200 + CATEGORY_HEIGHT * len(names)))
    return fig


def _values(trace, axis: str) -> list:
    """A trace's values along an axis (none where the trace has no such axis, nor for numbers
    held as a typed array, ``{"dtype": ..., "bdata": ...}``)."""
    values = getattr(trace, axis, None)
    return [] if values is None or isinstance(values, dict) else list(values)
