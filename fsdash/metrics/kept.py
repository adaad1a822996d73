"""Results counted at load time and kept in the store (``fsdash.metrics.aggregate`` counts
them), so that a page reads a measure's figures instead of counting them again from the records.

A kept result is what one counting function returned over every month end the store covers,
for one key (an area and age range, say), stored as it came: the same columns, types and order.
``read`` gives the rows for some dates, or None when the store does not hold all of them (an
older store, a date that is not a month end, an area no page offers): the caller then counts
from the records, the same way. Nothing here knows what a measure means."""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pandas as pd

WHOLE_RANGE = ""    # the key of a result with no area or age range


def key_of(districts=(), ages: tuple[int, int] | None = None) -> str:
    """The key of a result for some districts (none: the whole council) and an age range."""
    area = ",".join(sorted(districts))
    return area if ages is None else f"{area}|{ages[0]}-{ages[1]}"


def table_of(name: str) -> str:
    """The store table holding a kept result's rows."""
    return f"kept_{name}"


def save(con: duckdb.DuckDBPyConnection, name: str, frames: dict[str, pd.DataFrame]) -> None:
    """Keep each of ``frames`` (counted over every month end in ``kept_date``, or not by date)
    as the result ``name`` for its key: one table for the name, written at once."""
    rows = pd.concat([frame.assign(kept_key=key, kept_position=range(len(frame)))  # noqa: F841
                      for key, frame in frames.items()], ignore_index=True)      # (read by SQL)
    con.execute(f"CREATE TABLE {table_of(name)} AS SELECT * FROM rows")
    con.executemany("INSERT INTO kept_result VALUES (?, ?)", [[name, key] for key in frames])


def holds(con: duckdb.DuckDBPyConnection, name: str, key: str, dates,
          database: str = "") -> bool:
    """Whether the store keeps the result for ``dates`` (None: a result not counted by date),
    each of them once. ``database``: an attached store to look in instead."""
    wanted = None if dates is None else [pd.Timestamp(d).date() for d in dates]
    if wanted is not None and (not wanted or len(set(wanted)) != len(wanted)):
        return False
    schema = f"{database}." if database else ""
    held, covered = con.execute(f"""
        SELECT (SELECT count(*) FROM {schema}kept_result WHERE name = $name AND key = $key),
               (SELECT count(*) FROM {schema}kept_date
                WHERE list_contains($dates::DATE[], as_at))""",
        {"name": name, "key": key, "dates": wanted or []}).fetchone()
    return bool(held) and (wanted is None or covered == len(wanted))


def read(con: duckdb.DuckDBPyConnection, name: str, key: str, dates,
         database: str = "") -> pd.DataFrame | None:
    """The kept result's rows for ``dates`` (None: a result not counted by date, whole), in
    the order counted; None unless the store holds the result for every one of them (each
    date once). ``database``: an attached store to read instead (``previous``, in a load)."""
    if not holds(con, name, key, dates, database):
        return None
    wanted = None if dates is None else [pd.Timestamp(d).date() for d in dates]
    schema = f"{database}." if database else ""
    on_dates = "" if wanted is None else "AND list_contains($dates::DATE[], as_at::DATE)"
    return con.execute(f"""
        SELECT * EXCLUDE (kept_key, kept_position) FROM {schema}{table_of(name)}
        WHERE kept_key = $key {on_dates} ORDER BY kept_position""",
        {"key": key} | ({} if wanted is None else {"dates": wanted})).df()


def read_or_count(con: duckdb.DuckDBPyConnection, name: str, key: str, dates,
                  count: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """The kept result for ``dates`` where the store holds it, else ``count()``."""
    found = read(con, name, key, dates)
    return count() if found is None else found


KEPT_FUNCTIONS: dict[str, tuple[Callable, bool]] = {}   # name: (counting function, by area)


def kept_as(name: str, by_area: bool = True):
    """Decorate a counting function ``count(con, dates[, districts])`` so that it reads its
    result where the store keeps it (``fsdash.metrics.aggregate`` keeps it for each area when
    ``by_area``, else once); ``.counted`` is the function itself, counting from the records."""
    def decorate(count: Callable) -> Callable:
        def read_or_count_(con, dates, *districts):
            return read_or_count(con, name, key_of(*districts), dates,
                                 lambda: count(con, dates, *districts))
        read_or_count_.__doc__, read_or_count_.__name__ = count.__doc__, count.__name__
        read_or_count_.counted = count
        KEPT_FUNCTIONS[name] = (count, by_area)
        return read_or_count_
    return decorate
