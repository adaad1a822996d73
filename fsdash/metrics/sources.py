"""Which extracts each measure rests on, and which of them a store still lacks, so that a store
holding only some sources answers the measures those allow and says what the rest wait for."""

from __future__ import annotations

import re

import duckdb

from fsdash.config import NOT_KNOWN
from fsdash.extracts import EXTRACTS, source_of_table
from fsdash.metrics.registry import MEASURES

ANNEX_A = "an Ofsted Annex A workbook"
# The tables an Annex A workbook fills where no other source does (fsdash.annex_a_store).
ANNEX_A_TABLES = ("referral", "assessment", "s47_enquiry", "cp_plan", "allocation", "worker")
SOURCE_OF_TABLE = {e.table: source_of_table(e.table) for e in EXTRACTS}
SOURCE_OF_TABLE |= {t: f"{SOURCE_OF_TABLE[t]} or {ANNEX_A}" for t in ANNEX_A_TABLES
                    if t in SOURCE_OF_TABLE and "annex a" not in SOURCE_OF_TABLE[t].lower()}
_READS = re.compile(r"\b(?:FROM|JOIN)\s+\(?\s*([a-z_]+)", re.IGNORECASE)


def tables(name: str) -> tuple[str, ...]:
    """The extracts' tables a measure's SQL reads, in the extracts' order."""
    read = {t.lower() for t in _READS.findall(MEASURES[name].sql)}
    return tuple(t for t in SOURCE_OF_TABLE if t in read)


def sources(name: str) -> tuple[str, ...]:
    """The sources (extract files, or the census) a measure's SQL reads, in the extracts'
    order."""
    return tuple(dict.fromkeys(SOURCE_OF_TABLE[t] for t in tables(name)))


def empty(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The extracts' tables the store holds no rows of (a table an older store lacks holds
    none). Pages ask about tables, not files: a table may be filled by any of its sources."""
    held = {name for (name,) in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_catalog = "
        "current_database() AND table_schema = current_schema()").fetchall()}
    return {table for table in SOURCE_OF_TABLE if table not in held
            or not con.execute(f"SELECT EXISTS (SELECT 1 FROM {table})").fetchone()[0]}


def annex_a_cases_unplaced(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the store holds Annex A cases (lists 6 to 9) but no allocation: their teams
    map to no team code in the council configuration."""
    from fsdash.annex_a_lists import CASE_LISTS, LISTS

    if "allocation" not in empty(con):
        return False
    held = {name for (name,) in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_catalog = "
        "current_database() AND table_schema = current_schema()").fetchall()}
    return any(con.execute(f"SELECT EXISTS (SELECT 1 FROM {LISTS[n].table})").fetchone()[0]
               for n in CASE_LISTS if LISTS[n].table in held)


def lacking(con: duckdb.DuckDBPyConnection, tables) -> tuple[str, ...]:
    """The sources of those of ``tables`` the store holds no rows of."""
    gone = empty(con)
    return tuple(dict.fromkeys(SOURCE_OF_TABLE[t] for t in tables if t in gone))


def waiting(con: duckdb.DuckDBPyConnection, names) -> dict[str, tuple[str, ...]]:
    """The measures among ``names`` that wait for a source the store lacks, with those sources."""
    gone = empty(con)
    found = {name: tuple(dict.fromkeys(SOURCE_OF_TABLE[t] for t in tables(name) if t in gone))
             for name in names}
    return {name: files for name, files in found.items() if files}


def waits_for(files: tuple[str, ...]) -> str:
    """'Waits for adults.csv and adult_events.csv' (a card's short note; ``needs`` is the
    sentence)."""
    return f"Waits for {listed(files)}"


def _shared(files) -> bool:
    """Whether several sources all have an Annex A workbook as their alternative."""
    return len(files) > 1 and all(f.endswith(f" or {ANNEX_A}") for f in files)


def listed(files) -> str:
    """'population.csv', 'header.csv and episodes.csv', with an alternative they share,
    'allocations.csv and workers.csv, or an Ofsted Annex A workbook', or with alternatives
    among several, 'population.csv and either cin_referrals.csv or the children in need
    census'."""
    if _shared(files):
        return f"{listed([f.removesuffix(f' or {ANNEX_A}') for f in files])}, or {ANNEX_A}"
    files = [f"either {f}" if " or " in f and len(files) > 1 else f for f in files]
    return files[0] if len(files) == 1 else f"{', '.join(files[:-1])} and {files[-1]}"


def needs(what: str, files, plural: bool = False) -> str:
    """The one sentence saying what a part of a page waits for: 'Referrals need
    cin_referrals.csv or the children in need census, neither of which is loaded yet.'"""
    files = tuple(files)
    choices = files[0].count(" or ") + 1 if len(files) == 1 else 3 if _shared(files) else 1
    tail = ("which is not loaded yet" if len(files) == 1 and choices == 1
            else "which are not loaded yet" if choices == 1
            else "neither of which is loaded yet" if choices == 2
            else "none of which is loaded yet")
    return f"{what} {'need' if plural else 'needs'} {listed(files)}, {tail}."


def waiting_sentences(waits: dict[str, tuple[str, ...]], titles: dict[str, str]) -> list[str]:
    """One ``needs`` sentence for each set of missing sources, naming the measures (by
    ``titles``) that wait for it: 'The figures for referrals (12 months) and re-referrals
    within a year need ...'."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for name, files in waits.items():
        groups.setdefault(files, []).append(titles[name])
    sentences = []
    for files, names in groups.items():
        names = [n[0].lower() + n[1:] for n in names]
        what = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
        plural = len(names) > 1
        sentences.append(needs(f"The figure{'s' if plural else ''} for {what}", files, plural))
    return sentences


# Where a child's district comes from: the local children file, or the home postcode on a child's
# latest episode.
DISTRICT_SOURCES = (f"{source_of_table('local_child')} or {source_of_table('cla_episode')}",)


def districts_known(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the store knows the district of any child (the census alone gives none, so
    figures for a locality or district would all be nought)."""
    return con.execute("SELECT EXISTS (SELECT 1 FROM child WHERE district_code <> ?)",
                       [NOT_KNOWN]).fetchone()[0]
