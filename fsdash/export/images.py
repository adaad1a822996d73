"""Charts as crisp static images for the pack: Plotly through kaleido, driving Debian's
Chromium (``FSDASH_CHROMIUM``, else /usr/bin/chromium), all charts of a pack in one browser."""

from __future__ import annotations

import copy
import os
import tempfile
from pathlib import Path

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
    figures = []
    for block in blocks:
        fig = copy.deepcopy(block.figure)
        fig.update_layout(width=WIDTH, height=fig.layout.height or 420, paper_bgcolor="white")
        figures.append(fig)
    with tempfile.TemporaryDirectory() as folder:
        paths = [Path(folder) / f"chart{i}.png" for i in range(len(figures))]
        pio.write_images(figures, paths, format="png", scale=SCALE)
        return {id(block): path.read_bytes() for block, path in zip(blocks, paths)}
