"""Published files into the store, once the importer has checked each into its stage table:
long, one row for each time period, area, breakdown and measure (``published_value``), and the
neighbour model's lists (``statistical_neighbour``). A load replaces only the years of a data set
its files hold, and the neighbour models of the years it holds; every other row is kept from the
previous store.
"""

from __future__ import annotations

import duckdb

from fsdash import yearly
from fsdash.published_statistics.files import (
    DECLARED,
    FILE_BY_NAME,
    NEIGHBOURS,
    PublishedFile,
)


class Refused(Exception):
    """A published file that cannot be kept: ``problems`` is a list of (file, row, field,
    message)."""

    def __init__(self, problems: list[tuple]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def prepare(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """An empty stage table for a declared file's checked rows."""
    extract = DECLARED[name]
    columns = ", ".join(f"{f.target} {'BIGINT' if f.kind == 'int' else 'VARCHAR'}"
                        for f in extract.fields if f.target)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {extract.table} ({columns})")


def keep(con: duckdb.DuckDBPyConnection, name: str, shown_as: str, load_id: int) -> None:
    """The staged rows of a declared file into the store."""
    if name in FILE_BY_NAME:
        _keep_values(con, FILE_BY_NAME[name], shown_as, load_id)
    else:
        _keep_neighbours(con, name, shown_as, load_id)


def _keep_values(con, published: PublishedFile, shown_as: str, load_id: int) -> None:
    breakdown = " || ' / ' || ".join(f"coalesce({f.target}, '')"
                                     for f in published.extract.fields
                                     if f.column in published.breakdowns) or "''"
    for measure in published.measures:
        value = f"TRY_CAST({measure.target} AS DOUBLE)"
        con.execute(f"""
            INSERT INTO published_value
            SELECT ?, time_period, geographic_level, region_code, region_name, old_la_code,
                   new_la_code, la_name, {breakdown}, ?, ?, {value},
                   CASE WHEN {value} IS NULL THEN {measure.target} END, ?, ?
            FROM {published.extract.table}""",
                    [published.name, measure.column, measure.unit, shown_as, load_id])


def _keep_neighbours(con, name: str, shown_as: str, load_id: int) -> None:
    year = yearly.year_from_name(shown_as)
    if year is None:
        raise Refused([(shown_as, None, None, "is a statistical neighbour model, but which "
                        "year's model it is cannot be told: put the year in its name (for "
                        "example sn_model_2025.csv)")])
    table = DECLARED[name].table
    for rank in range(1, NEIGHBOURS + 1):
        con.execute(f"INSERT INTO statistical_neighbour SELECT ?, old_la_code, ?, sn_{rank}, "
                    f"sn_{rank}p, ?, ? FROM {table}", [year, rank, shown_as, load_id])


def check_one_file_a_year(con: duckdb.DuckDBPyConnection) -> None:
    """Refuse a batch with two files giving the same data set's year (or two models for one
    year)."""
    repeats = con.execute("""
        SELECT dataset, time_period::VARCHAR, list(DISTINCT file ORDER BY file)
        FROM published_value GROUP BY ALL HAVING count(DISTINCT file) > 1
        UNION ALL
        SELECT 'statistical neighbour model', model_year::VARCHAR,
               list(DISTINCT file ORDER BY file)
        FROM statistical_neighbour GROUP BY ALL HAVING count(DISTINCT file) > 1
        ORDER BY 1, 2""").fetchall()
    if repeats:
        raise Refused([(files[1], None, None, f"gives {dataset} for {year}, as {files[0]} does: "
                        "load one of them") for dataset, year, files in repeats])


def keep_previous(con: duckdb.DuckDBPyConnection) -> None:
    """Copy from the previous store every data set's years, and every neighbour model, that
    this load's files do not give."""
    con.execute("""
        INSERT INTO published_value
        SELECT * FROM previous.published_value p
        WHERE NOT EXISTS (SELECT 1 FROM published_value n
                          WHERE n.dataset = p.dataset AND n.time_period = p.time_period)""")
    con.execute("""
        INSERT INTO statistical_neighbour
        SELECT * FROM previous.statistical_neighbour p
        WHERE p.model_year NOT IN (SELECT model_year FROM statistical_neighbour)""")
