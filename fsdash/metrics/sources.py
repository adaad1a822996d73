"""Which extracts each measure rests on, and which of them a store still lacks, so that a store
holding only some sources answers the measures those allow and says what the rest wait for."""

from __future__ import annotations

import re

import duckdb

from fsdash.extracts import EXTRACTS, source_of_table
from fsdash.metrics.registry import MEASURES

SOURCE_OF_TABLE = {e.table: source_of_table(e.table) for e in EXTRACTS}
_READS = re.compile(r"\b(?:FROM|JOIN)\s+\(?\s*([a-z_]+)", re.IGNORECASE)


def sources(name: str) -> tuple[str, ...]:
    """The sources (extract files, or the census) a measure's SQL reads, in the extracts'
    order."""
    tables = {t.lower() for t in _READS.findall(MEASURES[name].sql)}
    return tuple(dict.fromkeys(SOURCE_OF_TABLE[e.table] for e in EXTRACTS if e.table in tables))


def missing(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The sources the store holds no rows of."""
    return {file for table, file in SOURCE_OF_TABLE.items()
            if not con.execute(f"SELECT EXISTS (SELECT 1 FROM {table})").fetchone()[0]}


def lacking(con: duckdb.DuckDBPyConnection, tables) -> tuple[str, ...]:
    """The sources of ``tables`` the store holds no rows of."""
    gone = missing(con)
    return tuple(dict.fromkeys(SOURCE_OF_TABLE[t] for t in tables if SOURCE_OF_TABLE[t] in gone))


def waiting(con: duckdb.DuckDBPyConnection, names) -> dict[str, tuple[str, ...]]:
    """The measures among ``names`` that wait for a source the store lacks, with those sources."""
    lacking = missing(con)
    found = {name: tuple(s for s in sources(name) if s in lacking) for name in names}
    return {name: files for name, files in found.items() if files}


def waits_for(files: tuple[str, ...]) -> str:
    """'Waits for adults.csv and adult_events.csv'."""
    listed = files[0] if len(files) == 1 else f"{', '.join(files[:-1])} and {files[-1]}"
    return f"Waits for {listed}"
