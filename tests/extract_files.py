"""Write small extract folders for tests: every file the importer expects, rows given as dicts."""

from __future__ import annotations

import csv
from pathlib import Path

from fsdash.extracts import CSV_EXTRACTS


def write_extracts(folder: Path, rows: dict[str, list[dict]]) -> Path:
    """Write each extract file with its header and the given rows (missing columns left empty)."""
    folder.mkdir(parents=True, exist_ok=True)
    for extract in CSV_EXTRACTS:
        with (folder / extract.file).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=extract.columns)
            writer.writeheader()
            for row in rows.get(extract.file, []):
                writer.writerow(row)
    return folder
