"""Pictures of a pack's first pages, for the Board pack page: poppler's pdftoppm (Debian's
poppler-utils, installed by the Makefile with Chromium) renders the PDF's pages as PNG images."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

FIRST_PAGES = 4     # the title, what changed, the headline figures and the first section
RESOLUTION = 60     # dots per inch: an A4 page about 700 pixels wide


def page_pictures(pdf: bytes, pages: int = FIRST_PAGES) -> list[bytes]:
    """PNG bytes of the PDF's first ``pages`` pages, in order."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "pack.pdf"
        source.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(RESOLUTION), "-l", str(pages), "-png", str(source),
                        str(Path(folder) / "page")], check=True, capture_output=True)
        return [path.read_bytes() for path in sorted(Path(folder).glob("page-*.png"))]
