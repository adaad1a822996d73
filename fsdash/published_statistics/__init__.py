"""The DfE's published statistics as a source of their own (issue 26): Explore Education
Statistics CSV files for every council, region and England, and the DfE's statistical neighbour
model.

The files are declared, not parsed by code of their own (``files``): each is an ``Extract`` the
importer checks like any other (``fsdash.ingest``), recognised by its columns whatever its name.
The importer keeps them long in ``published_value`` (``keeping``); the council's neighbours and
how it compares with them, its region and England are in ``neighbours``.
"""

from pathlib import Path

from fsdash.config import REPO_ROOT
from fsdash.published_statistics import keeping
from fsdash.published_statistics.files import DECLARED, FILES, KEY, NOT_PUBLISHED, recognise

__all__ = ["DECLARED", "FILES", "KEY", "NOT_PUBLISHED", "SHIPPED", "keeping", "recognise",
           "shipped_files"]

# The files the project ships, with their attribution (their README), and the demo loads.
SHIPPED = REPO_ROOT / "data" / "published-statistics"


def shipped_files() -> list[Path]:
    """The published statistics the project ships, as CSV files."""
    return sorted(SHIPPED.glob("*.csv"))
