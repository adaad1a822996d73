"""The board pack: what it says (``content``), its charts as images (``images``), and the same
pages written as a PDF (``pdf``) and as PowerPoint slides (``deck``)."""

from __future__ import annotations

import datetime as dt

import duckdb

from fsdash.access import Published, Scope
from fsdash.config import Council
from fsdash.export.content import SECTIONS, Pack, Page, build_pack

FORMATS = {"pdf": "application/pdf",
           "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation"}

__all__ = ["FORMATS", "SECTIONS", "Pack", "Page", "build_pack", "pack_files"]


def pack_files(con: duckdb.DuckDBPyConnection, council: Council, scope: Scope, as_at: dt.date,
               area: str, formats=tuple(FORMATS), sections=tuple(SECTIONS),
               progress=lambda step, total, what: None,
               published: Published | None = None) -> dict[str, bytes]:
    """The pack as PDF and PowerPoint files' bytes, by format (built once for all formats);
    ``published``: the store's published figures where the caller already holds them."""
    from fsdash.export import images
    from fsdash.export.deck import write_pptx
    from fsdash.export.pdf import write_pdf

    pack = build_pack(con, council, scope, as_at, area, sections, progress, published)
    pictures = images.render(pack)
    writers = {"pdf": write_pdf, "pptx": write_pptx}
    return {fmt: writers[fmt](pack, pictures) for fmt in formats}
