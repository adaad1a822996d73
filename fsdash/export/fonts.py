"""The pack's font: DejaVu Sans (Debian's fonts-dejavu-core, installed by the Makefile), which
has every character the pack writes (£, curly quotes, the rating shapes)."""

from __future__ import annotations

import os
from pathlib import Path

FONT_DIRS = (Path(os.environ.get("FSDASH_FONTS", "/usr/share/fonts/truetype/dejavu")),)


def font_path(name: str) -> Path:
    for folder in FONT_DIRS:
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(f"The font {name} was not found in {', '.join(map(str, FONT_DIRS))}: "
                            "install Debian's fonts-dejavu-core (make test does) or set "
                            "FSDASH_FONTS to a folder holding it.")
