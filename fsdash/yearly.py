"""Returns made once a year (the SSDA903, the children in need census): which collection year
a file is for, and how several years' returns combine into one history.

A collection year runs from 1 April to 31 March and is named by both years ("2023-24") or by the
year it ends (2024). A file's year comes from its name or its folder's; failing that, an
episodes file's year is the one its latest date falls in, and a header file takes the year of
the episodes file beside it.

The rule for combining: **for any date, the return whose collection year covers that date is the
authority.** Each return's episodes count within its own year; the history before the first
return loaded is the first return's. So the children looked after at 31 March of a year are
exactly those that year's return has looked after then. Where the returns disagree, the load
says so in its queries (``load_query``), and how it settled each:

- an episode open at the end of one return but absent from the next is ended on 1 April, the
  first day the next return covers, with no reason recorded;
- an episode that a return has starting before its year, but that the return for that earlier
  year does not have, is counted from the first day of the return's year;
- episodes of one child that overlap once combined are kept, and listed.

Other records made each year (a header's child; the children in need census's children,
referrals, assessments, enquiries and plans, each census holding every child in need at any
time in its year) are taken from the latest return that has them (``combine_latest``).
"""

from __future__ import annotations

import datetime as dt
import re

import duckdb

# "2023-24", "2023_24", "202324", "2023-2024": the year the collection ends; or a lone "2024".
_SPAN = re.compile(r"(?<!\d)(20\d\d)[-_ ]?(20\d\d|\d\d)(?!\d)")
_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


def year_from_name(name: str) -> int | None:
    """The collection year (the year it ends) a file's name or folders give, or None. The part
    nearest the file wins: "returns/2023-24/episodes.csv" is 2024."""
    for part in reversed(re.split(r"[\\/:]", name)):
        for match in reversed(list(_SPAN.finditer(part))):
            first, second = int(match.group(1)), int(match.group(2))
            if second % 100 == (first + 1) % 100 and (second < 100 or second == first + 1):
                return first + 1
        found = _YEAR.findall(part)
        if found:
            return int(found[-1])
    return None


def year_of(day: dt.date) -> int:
    """The collection year a date falls in."""
    return day.year + 1 if day.month >= 4 else day.year


def label(year: int) -> str:
    """'2023-24' for the year ending 31 March 2024."""
    return f"{year - 1}-{year % 100:02d}"


def latest_date_year(path, date_columns: tuple[str, ...], date_format: str) -> int | None:
    """The collection year of the latest of the dates in a CSV file's columns (written in the
    given form or as yyyy-mm-dd), or None where it cannot be told."""
    dates = ", ".join(f"coalesce(try_strptime(nullif(trim(\"{c}\"), ''), '{date_format}'), "
                      f"try_strptime(nullif(trim(\"{c}\"), ''), '%Y-%m-%d'))"
                      for c in date_columns)
    try:
        with duckdb.connect() as con:
            latest = con.execute(
                f"SELECT max(greatest({dates})) FROM read_csv(?, header = true, "
                "all_varchar = true, normalize_names = true)", [str(path)]).fetchone()[0]
    except duckdb.Error:      # columns named otherwise, or rows that do not read: not told
        return None
    return None if latest is None else year_of(latest.date())


# The combination, over ``yearly_cla_episode`` (the returns' rows, each with its collection
# year ``_year``, file ``_file`` and row ``_row``). Each row counts over its return's year
# [``begins``, ``ends``) (the first return also before it); rows of one episode (child, DECOM)
# in consecutive returns, open at the end of each but the last, are one stretch of care.
STRETCHES = """
WITH span AS (
    SELECT min(_year) AS first_year, max(_year) AS last_year FROM yearly_cla_episode
),
rows AS (
    SELECT e.*, make_date(_year - 1, 4, 1) AS begins, make_date(_year, 4, 1) AS ends,
           _year = s.first_year AS first_return, _year = s.last_year AS last_return
    FROM yearly_cla_episode e, span s
),
counted AS (
    SELECT *, CASE WHEN first_return THEN decom ELSE greatest(decom, begins) END AS counts_from,
           "dec" IS NULL OR "dec" >= ends AS open_at_end
    FROM rows WHERE first_return OR coalesce("dec", ends) >= begins
),
linked AS (
    SELECT *, sum(CASE WHEN previous_year = _year - 1 AND previous_open THEN 0 ELSE 1 END)
                  OVER (PARTITION BY child_id, decom ORDER BY _year) AS stretch
    FROM (SELECT *, lag(_year) OVER episode AS previous_year,
                 lag(open_at_end) OVER episode AS previous_open
          FROM counted WINDOW episode AS (PARTITION BY child_id, decom ORDER BY _year))
)
SELECT child_id, decom AS returned_decom, stretch, min(counts_from) AS decom,
       arg_min(_year, _year) AS first_seen, max(_year) AS last_seen,
       arg_min(_file, _year) AS first_file, arg_min(_row, _year) AS first_row,
       arg_max(_file, _year) AS last_file, arg_max(_row, _year) AS last_row,
       arg_max(open_at_end, _year) AS open_at_end, bool_or(last_return) AS in_last_return,
       arg_max(ends, _year) AS last_ends, arg_max("dec", _year) AS returned_dec,
       arg_max(rec, _year) AS returned_rec, {attributes}
FROM linked GROUP BY child_id, decom, stretch
"""
ATTRIBUTES = ("rne", "ls", "cin", "place", "place_provider", "reason_place_change", "urn",
              "home_district")


def combine_episodes(con: duckdb.DuckDBPyConnection, load_id: int) -> int:
    """Insert the combined episodes into ``cla_episode`` and the disagreements settled on the
    way into ``load_query``: how many episodes went in."""
    attributes = ", ".join(f"arg_max({a}, _year) AS {a}" for a in ATTRIBUTES)
    con.execute("CREATE OR REPLACE TEMP TABLE stretches AS "
                + STRETCHES.format(attributes=attributes))
    con.execute(f"""
        INSERT INTO cla_episode
        SELECT child_id, decom, {", ".join(ATTRIBUTES[:4])}, place_provider,
               CASE WHEN NOT open_at_end THEN returned_dec
                    WHEN in_last_return THEN NULL ELSE last_ends END,
               CASE WHEN open_at_end THEN NULL ELSE returned_rec END,
               reason_place_change, urn, home_district
        FROM stretches""")
    _record_queries(con, load_id)
    return con.execute("SELECT count(*) FROM stretches").fetchone()[0]


def _record_queries(con: duckdb.DuckDBPyConnection, load_id: int) -> None:
    con.execute("""
        INSERT INTO load_query
        SELECT ?, last_file, last_row, 'DEC', NULL, 'reconciliation',
               'open at the end of this return (31 March ' || year(last_ends) || ') but not in '
               || 'the next return: ended on 1 April ' || year(last_ends)
               || ', the first day the next return covers, with no reason recorded'
        FROM stretches WHERE open_at_end AND NOT in_last_return""", [load_id])
    con.execute("""
        INSERT INTO load_query
        SELECT ?, first_file, first_row, 'DECOM', strftime(returned_decom, '%d/%m/%Y'),
               'reconciliation',
               'starts before this return''s year, but the return for that year does not have '
               || 'it: counted from ' || strftime(decom, '%d/%m/%Y')
               || ', the first day this return covers'
        FROM stretches WHERE decom > returned_decom""", [load_id])
    con.execute("""
        INSERT INTO load_query
        SELECT ?, s.last_file, s.last_row, 'DECOM', strftime(s.decom, '%d/%m/%Y'),
               'reconciliation',
               'overlaps another episode of the same child (DECOM ' || strftime(o.decom, '%d/%m/%Y')
               || ') once the returns are combined: both are kept'
        FROM stretches s JOIN stretches o ON s.child_id = o.child_id
         AND (o.decom, o.returned_decom, o.stretch) < (s.decom, s.returned_decom, s.stretch)
         AND s.decom < coalesce(CASE WHEN NOT o.open_at_end THEN o.returned_dec
                                     WHEN o.in_last_return THEN NULL ELSE o.last_ends END,
                                DATE '9999-12-31')""", [load_id])


def combine_latest(con: duckdb.DuckDBPyConnection, table: str, key: list[str],
                   others: list[str], load_id: int, ends: tuple[str, str] | None = None) -> None:
    """Insert each record of several years' returns (a header's child, a census's referral)
    into ``table`` as the latest return that has it records it. With ``ends`` (the field and
    column that end a record), a record still open at the end of its latest return but absent
    from a later one is kept open, as last seen, and listed in ``load_query``."""
    if ends:
        field, column = ends
        con.execute(f"""
            INSERT INTO load_query
            SELECT ?, arg_max(_file, _year), arg_max(_row, _year), ?, NULL, 'reconciliation',
                   'open at the end of this return (31 March ' || max(_year) || ') but not in '
                   || 'a later one: kept open, as last seen'
            FROM yearly_{table} GROUP BY {", ".join(key)}
            HAVING max(_year) < (SELECT max(_year) FROM yearly_{table})
               AND arg_max({column}, _year) IS NULL""", [load_id, field])
    latest = ", ".join(f"arg_max({c}, _year) AS {c}" for c in others)
    columns = ", ".join([*key, *others])
    con.execute(f"INSERT INTO {table} ({columns}) SELECT {', '.join(key)}, {latest} "
                f"FROM yearly_{table} GROUP BY {', '.join(key)}")
