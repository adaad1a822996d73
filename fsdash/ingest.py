"""Import extract files into the store: strict, all or nothing.

A batch is any mix of folders, zip files and CSV files (``fsdash.batch`` finds the extracts in
it); an extract the batch does not hold is kept as the previous load left it. Every file is
read as text, checked field by field (types, codes, references, keys, rules across fields) and
only then converted and inserted. Any problem stops the load with a message naming the file,
row and field; the store on disk is left exactly as it was, because the new store is built
beside it and swapped in only on success. Rows are numbered as in a spreadsheet: the header is
row 1, the first record row 2.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from fsdash import (
    annex_a_lists,
    annex_a_store,
    batch,
    census,
    events,
    published_statistics,
    store,
    textfiles,
    yearly,
)
from fsdash.access.published import keep_decisions
from fsdash.config import NOT_KNOWN, Council, load_council
from fsdash.extracts import (
    DATE_FORMAT,
    EXTRACTS,
    ISO_DATE_FORMAT,
    SSDA903_FILES,
    Extract,
    Field,
    kind_help,
    source_of_table,
)
from fsdash.metrics import aggregate

MAX_PROBLEMS_PER_FILE = 20


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an extract, located by file, row and field."""

    file: str
    row: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:   # a census (XML) names the line of the element
            where.append(f"{'line' if '.xml' in self.file.lower() else 'row'} {self.row}")
        if self.field:
            where.append(f"field {self.field}")
        return f"{', '.join(where)}: {self.message}"


class LoadError(Exception):
    """The extracts could not be loaded; nothing in the store was changed."""

    def __init__(self, problems: list[Problem], total: int | None = None):
        self.problems = problems
        self.total = total or len(problems)
        shown = "\n".join(f"  - {p}" for p in problems)
        more = f"\n  ... and {self.total - len(problems)} more" if self.total > len(problems) else ""
        super().__init__(
            f"The load was stopped and the store left unchanged: {self.total} problem(s).\n"
            f"{shown}{more}"
        )


@dataclass(frozen=True)
class LoadReport:
    """What a successful load put in the store: rows by extract file for those loaded, and the
    extracts kept as they were from the previous load."""

    db: Path
    rows: dict[str, int]
    kept: tuple[str, ...] = ()
    quarantined: dict[str, int] = field(default_factory=dict)   # rows set aside, by file
    queries: int = 0          # rows loaded but queried (``load_query``)
    notes: tuple[str, ...] = ()   # what the load decided or passed over, in sentences (files
                                  # left out, the year a census was taken as, tables missing)


def load_folder(folder: Path | str, db: Path | str | None = None,
                council: Council | None = None, allow_shrink: bool = False,
                dry_run: bool = False) -> LoadReport:
    """Load the extracts in one folder (``load_paths``)."""
    return load_paths([folder], db, council, allow_shrink, dry_run)


def load_paths(paths, db: Path | str | None = None, council: Council | None = None,
               allow_shrink: bool = False, dry_run: bool = False, strict: bool = False,
               progress=lambda done, total, what: None) -> LoadReport:
    """Load the extracts found in ``paths`` (folders, zip files, CSV files; ``fsdash.batch``)
    into a new store and swap it in for ``db``. An extract the batch does not hold is kept as
    the previous load left it (the last load of each source stays in force). Rows that cannot
    be used are set aside in ``quarantine`` while they are few (``council.quarantine_share`` of
    a file's rows; none if ``strict``), else the batch is refused. With ``dry_run``, check
    everything and change nothing. A load that would remove most of a table the store holds is
    refused unless ``allow_shrink``."""
    db = Path(db or store.db_path())
    council = council or load_council()
    db.parent.mkdir(parents=True, exist_ok=True)
    rows: dict[str, int] = {}
    quarantined: dict[str, int] = {}
    kept = []
    load_notes: list[str] = []   # what the load decided or passed over (``LoadReport.notes``)
    with tempfile.TemporaryDirectory(dir=db.parent, prefix=".load-") as scratch:
        scratch = Path(scratch)
        # the secret of the store swapped in (not of the file built beside it): the same for
        # every load into it, so Annex A workers keep their keys (a dry run makes no file)
        secret, new_secret = annex_a_store.worker_secret(db, create=not dry_run)
        try:
            found = batch.find(paths, scratch, load_notes, worker_secret=secret,
                               limits=council.load_limits)
        except batch.BatchProblem as error:
            raise LoadError([Problem(*p) for p in error.problems]) from None
        snapshots = found.pop(annex_a_lists.KEY, [])     # Annex A workbooks (``fsdash.annex_a``)
        statistics = found.pop(published_statistics.KEY, [])   # the DfE's published files
        if not found and not snapshots and not statistics:
            raise LoadError([Problem(", ".join(map(str, paths)), None, None,
                                     "holds no extract files"
                                     + "".join(f". {note}" for note in load_notes))])
        with (store.build_then_swap(scratch / "dry-run.duckdb" if dry_run else db) as con,
              _previous(con, db) as replacing):
            _bound_memory(con, scratch)
            _load_council(con, council)
            events.prepare_checks(con, council)
            held = _rows_held(con) if replacing else {}
            if replacing:
                _copy_audit_history(con)
            load_id = con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM load_audit"
                                  ).fetchone()[0]
            share = 0.0 if strict else council.quarantine_share
            loaded = []
            given = {EXTRACT_TABLE[name] for name in found}
            if replacing:     # filled from Annex A last time: filled again, not kept
                given |= annex_a_store.filled_before(con)
            for done, extract in enumerate(EXTRACTS):
                progress(done, len(EXTRACTS), extract.file if not extract.census_part
                         else f"the census ({extract.census_part})")
                files = found.get(extract.file, [])
                if len(files) == 1:
                    name = files[0].name_for(extract) if extract.census_part else extract.file
                    rows[name], quarantined[name] = _load_extract(
                        con, files[0], extract, load_id, share, notes=load_notes)
                    loaded.append((files[0], extract.file, rows[name]))
                elif files:
                    for file in sorted(files, key=lambda f: f.year):
                        name = file.name_for(extract) if extract.census_part else file.shown_as
                        rows[name], quarantined[name] = _load_extract(
                            con, file, extract, load_id, share, yearly_table(extract),
                            load_notes)
                        loaded.append((file, extract.file, rows[name]))
                    _combine(con, extract, load_id)
                elif extract.file in RETURN_TABLES and "header.csv" in found:
                    if held.get(extract.table):   # a new return replaces the old one whole
                        load_notes.append(f"The store's {extract.file} rows from the previous "
                                          "load were not kept: this batch has the SSDA903 "
                                          "return without it.")
                    given.add(extract.table)
                elif held and extract.table not in given:
                    _keep(con, extract.table)
                    given.add(extract.table)
                    kept.append(source_of_table(extract.table))
            _complete_children(con)
            events.write_configuration(con, council)
            for file in statistics:
                name = file.name_for(published_statistics.DECLARED[file.part])
                rows[name] = _load_published(con, file, load_id)
                loaded.append((file, file.part, rows[name]))
            _keep_published(con, replacing)
            annex_rows, annex_audit, annex_notes = annex_a_store.load(
                con, snapshots, council, load_id, replacing, new_secret)
            rows |= annex_rows
            loaded += annex_audit
            if not allow_shrink:
                _refuse_shrinking(con, {t: n for t, n in held.items()
                                        if t not in RETURN_TABLE_NAMES or t in found_tables(found)})
            _record_audit(con, load_id, loaded, council)
            queries = con.execute("SELECT count(*) FROM load_query WHERE load_id = ?",
                                  [load_id]).fetchone()[0]
            if not dry_run:
                progress(len(EXTRACTS), len(EXTRACTS),
                         "Counting every measure for every month end")
                aggregate.build(con, council)
                keep_decisions(con, council)
            progress(len(EXTRACTS), len(EXTRACTS), "Done")
    notes = tuple(dict.fromkeys([*load_notes, *(n for files in found.values() for f in files
                                   for n in f.notes), *annex_notes]))
    return LoadReport(db=db, rows=rows, kept=tuple(dict.fromkeys(kept)),
                      quarantined={k: v for k, v in quarantined.items() if v}, queries=queries,
                      notes=notes)


LOAD_MEMORY = "3GB"   # DuckDB's working memory for a load; beyond it, it spills to disk


def _bound_memory(con: duckdb.DuckDBPyConnection, scratch: Path) -> None:
    """Keep a load's memory bounded (DuckDB would otherwise take most of the machine's) by
    spilling to the load's scratch folder, which is removed afterwards."""
    con.execute(f"SET memory_limit = '{LOAD_MEMORY}'")
    con.execute("SET temp_directory = ?", [str(scratch / "spill")])


@contextmanager
def _previous(con: duckdb.DuckDBPyConnection, db: Path):
    """The store a load replaces, attached read-only as ``previous`` for the whole load; yields
    whether there is one."""
    if not db.exists():
        yield False
        return
    con.execute("ATTACH ? AS previous (READ_ONLY)", [str(db)])
    if con.execute("SELECT max(version) FROM previous.schema_version").fetchone()[0] \
            < store.LATEST_VERSION:      # a store from an older fsdash: upgrade it first
        con.execute("DETACH previous")
        store.connect(db).close()
        con.execute("ATTACH ? AS previous (READ_ONLY)", [str(db)])
    try:
        yield True
    finally:
        con.execute("DETACH previous")


EXTRACT_TABLE = {e.file: e.table for e in EXTRACTS}
# The SSDA903 return's tables beside its header and episodes: a batch with a header replaces
# them all (one it lacks is left empty, and the notes say so).
RETURN_TABLES = tuple(f for f in SSDA903_FILES if f not in ("header.csv", "episodes.csv"))
RETURN_TABLE_NAMES = {EXTRACT_TABLE[f] for f in RETURN_TABLES}


def found_tables(found: dict) -> set[str]:
    """The tables a batch's files fill."""
    return {EXTRACT_TABLE[name] for name in found}


def _keep(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Copy a table's rows from the previous store, refusing if they now refer to rows the
    batch no longer has (a new children file without a child the old referrals name). A row
    may refer to any table that one of the table's sources refers to."""
    referred: dict[str, list[str]] = {}
    for extract in (e for e in EXTRACTS if e.table == table):
        for f in extract.fields:
            if f.references and f.target:
                referred.setdefault(f.target, []).append(f.references)
    for target, references in referred.items():
        held = " UNION ALL ".join(f"SELECT {r.split('.')[1]} FROM {r.split('.')[0]}"
                                  for r in dict.fromkeys(references))
        lost = con.execute(
            f"SELECT count(*), any_value(p.{target}) FROM previous.{table} p "
            f"WHERE p.{target} IS NOT NULL AND p.{target} NOT IN ({held})").fetchone()
        if lost[0]:
            sources = " or ".join(source_of_table(r.split(".")[0]) for r in references)
            raise LoadError([Problem(
                source_of_table(table), None, target,
                f"is kept from the previous load, but {lost[0]:,} of its rows name a "
                f"{target} the new {sources} does not have (such as '{lost[1]}'): load "
                f"{source_of_table(table)} again with it")])
    con.execute(f"INSERT INTO {table} SELECT * FROM previous.{table}")


def _complete_children(con: duckdb.DuckDBPyConnection) -> None:
    """Every child the store knows of, into ``child``: those the local children file lists as
    it gives them; then those only the SSDA903 returns have (their district is that of the home
    postcode of their latest episode, where it gives one in the council); then those only the
    children in need census has. A family is unknown where no file gives one, a district is
    ``NOT_KNOWN``."""
    con.execute("""
        INSERT INTO child
        SELECT child_id, family_id, sex, birth_month, ethnicity, district_code FROM local_child
        UNION ALL
        SELECT h.child_id, NULL, h.sex, h.birth_month, h.ethnicity,
               coalesce(home.district_code, $not_known)
        FROM cla_child h ANTI JOIN local_child USING (child_id)
        LEFT JOIN (SELECT child_id, arg_max(home_district, decom) AS district_code
                   FROM cla_episode WHERE home_district IS NOT NULL GROUP BY child_id) home
               USING (child_id)
        UNION ALL
        SELECT child_id, NULL, sex, birth_month, ethnicity, $not_known
        FROM cin_child ANTI JOIN local_child USING (child_id) ANTI JOIN cla_child USING (child_id)
    """, {"not_known": NOT_KNOWN})


SHRINK = 0.5          # a load keeping less than this share of a table's rows is refused
SHRINK_MIN_ROWS = 10  # unless the table held fewer rows than this


def _rows_held(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """How many rows each extract's table holds in the previous store."""
    return {e.table: con.execute(f"SELECT count(*) FROM previous.{e.table}").fetchone()[0]
            for e in EXTRACTS}


def _refuse_shrinking(con: duckdb.DuckDBPyConnection, held: dict[str, int]) -> None:
    """Refuse a load that would remove most of a table the store holds (an empty episodes file
    would otherwise replace every period of care with none)."""
    problems = []
    for extract in EXTRACTS:
        old = held.get(extract.table, 0)
        new = con.execute(f"SELECT count(*) FROM {extract.table}").fetchone()[0]
        if old >= SHRINK_MIN_ROWS and new < SHRINK * old:
            problems.append(Problem(
                extract.file, None, None,
                f"would remove most of what the store holds ({old:,} rows now, {new:,} in this "
                "load). If that is meant, load again with --allow-shrink"))
    if problems:
        raise LoadError(problems)


def _load_council(con: duckdb.DuckDBPyConnection, council: Council) -> None:
    """Put the council's geography, teams and targets in the store, and the
    district of each postcode outward code (for this load only: ``_typed``)."""
    con.executemany("INSERT INTO locality VALUES (?, ?)", list(council.localities.items()))
    con.executemany("INSERT INTO district VALUES (?, ?, ?)",
                    [(d.code, d.name, d.locality) for d in council.districts])
    con.execute("CREATE TEMP TABLE outward_district (outward VARCHAR, district_code VARCHAR)")
    con.executemany("INSERT INTO outward_district VALUES (?, ?)",
                    [(o.upper(), d.code) for d in council.districts for o in d.outward_codes])
    con.executemany("INSERT INTO team VALUES (?, ?, ?, ?, ?)",
                    [(t.code, t.name, council.team_locality(t), t.start, t.end)
                     for t in council.teams])
    con.executemany("INSERT INTO team_district VALUES (?, ?, ?, ?)",
                    [(t.code, d, t.start, t.end) for t in council.teams for d in t.districts])
    con.executemany("INSERT INTO target VALUES (?, ?, ?, ?, ?, ?)",
                    [(t.measure, t.baseline_date, t.annual_change, t.years, t.label, t.source)
                     for t in council.targets])


def _load_published(con: duckdb.DuckDBPyConnection, found: batch.Found, load_id: int) -> int:
    """Check a published file as its declaration says (``fsdash.published_statistics``), every
    row, refusing any that cannot be used, and keep it in the store: the rows read."""
    published_statistics.keeping.prepare(con, found.part)
    rows, _ = _load_extract(con, found, published_statistics.DECLARED[found.part], load_id, 0.0)
    try:
        published_statistics.keeping.keep(con, found.part, found.shown_as, load_id)
    except published_statistics.keeping.Refused as error:
        raise LoadError([Problem(*p) for p in error.problems]) from None
    return rows


def _keep_published(con: duckdb.DuckDBPyConnection, replacing: bool) -> None:
    """Refuse two files giving one year of a data set; keep the previous store's years and
    models this load does not give."""
    try:
        published_statistics.keeping.check_one_file_a_year(con)
    except published_statistics.keeping.Refused as error:
        raise LoadError([Problem(*p) for p in error.problems]) from None
    if replacing:
        published_statistics.keeping.keep_previous(con)


def yearly_table(extract: Extract) -> str:
    """The temporary table holding each year's rows of a yearly return before they combine."""
    return f"yearly_{extract.table}"


def _combine(con: duckdb.DuckDBPyConnection, extract: Extract, load_id: int) -> None:
    """Combine several years' returns of an extract into its table (``fsdash.yearly``)."""
    if extract.table == "cla_episode":
        yearly.combine_episodes(con, load_id)
    elif extract.per_year:     # each year's records, as that year's return gives them
        columns = ", ".join(f.target for f in extract.fields if f.target)
        con.execute(f"INSERT INTO {extract.table} ({columns}, collection_year) "
                    f"SELECT {columns}, _year FROM {yearly_table(extract)}")
    else:
        key = [f.target for f in extract.fields if f.column in extract.key]
        ends = next(((f.column, f.target) for f in extract.fields if f.column == extract.ends),
                    None)
        yearly.combine_latest(con, extract.table, key, [f.target for f in extract.fields
                                                        if f.target and f.target not in key],
                              load_id, ends)


def _load_extract(con: duckdb.DuckDBPyConnection, found: batch.Found, extract: Extract,
                  load_id: int, share: float, into: str | None = None,
                  notes: list[str] | None = None) -> tuple[int, int]:
    """Load one file into its table (or ``into``, a table of its columns with the year, file
    and row added): rows inserted and rows set aside. A file whose unusable rows are more than
    ``share`` of its rows is refused, naming the first of them."""
    name = found.name_for(extract)
    header = _check_header(found.readable, extract, name, notes)
    checks = _checks(extract, found.year or (yearly.year_from_name(found.shown_as)
                                             if extract.yearly else None))
    try:
        _stage(con, found.readable, extract, name, header, checks)
    except duckdb.Error as error:
        first = str(error).splitlines()[0]
        raise LoadError([Problem(name, None, None,
                                 f"could not be read as CSV ({first})")]) from None
    total = _find_problems(con, extract, found.readable, header, checks)
    bad_rows = con.execute("SELECT count(DISTINCT row) FROM stage_problems").fetchone()[0]
    all_rows = con.execute("SELECT count(*) FROM stage").fetchone()[0]
    if bad_rows > int(share * all_rows):
        first = con.execute("SELECT row, field, message FROM stage_problems ORDER BY row, field "
                            f"LIMIT {MAX_PROBLEMS_PER_FILE}").fetchall()
        raise LoadError([Problem(name, *problem) for problem in first], total)
    if bad_rows:
        values = " ".join(f"WHEN '{f.column}' THEN r.{_quote(_raw(f.column))}"
                          for f in extract.fields)
        con.execute(f"""INSERT INTO quarantine
            SELECT ?, ?, p.row, p.field, CASE p.field {values} END, p.message
            FROM stage_problems p JOIN stage_bad r ON r._row = p.row""", [load_id, name])
    _record_queries(con, extract, load_id, name)
    kept = [f for f in extract.fields if f.target]
    targets = ", ".join(f.target for f in kept)
    values = ", ".join(_loaded_value(f.column, extract) for f in kept)
    if extract.per_year and not into:     # one year's records: which year, where it is known
        year = found.year or yearly.year_from_name(found.shown_as)
        targets, values = f"{targets}, collection_year", f"{values}, {year or 'NULL'}"
    table = extract.table
    if into:
        con.execute(f"CREATE TEMP TABLE IF NOT EXISTS {into} AS SELECT *, 0 AS _year, "
                    f"'' AS _file, 0::BIGINT AS _row FROM {table} LIMIT 0")
        table, targets = into, f"{targets}, _year, _file, _row"
        values += f", {found.year}, '{name.replace(chr(39), chr(39) * 2)}', _row"
    unusable = " WHERE _row NOT IN (SELECT row FROM stage_problems)" if bad_rows else ""
    con.execute(f"INSERT INTO {table} ({targets}) SELECT {values} FROM stage r{unusable}")
    return all_rows - bad_rows, bad_rows


def _record_queries(con: duckdb.DuckDBPyConnection, extract: Extract, load_id: int,
                    name: str) -> None:
    """List the usable rows that break a DfE validation rule (``extract.queries``)."""
    for query in extract.queries:
        con.execute(f"""INSERT INTO load_query
            SELECT ?, ?, r._row, '{query.field}', CAST(r.{_quote(query.field)} AS VARCHAR),
                   '{query.rule}', ?
            FROM stage r WHERE coalesce(({query.bad}), false)
              AND r._row NOT IN (SELECT row FROM stage_problems)""",
                    [load_id, name, f"{query.message} (DfE rule {query.rule})"])


def _loaded_value(column: str, extract: Extract) -> str:
    """SQL for the value a field loads as: as given, unless a query the row breaks says
    otherwise."""
    value = f"r.{_quote(column)}"
    for query in extract.queries:
        if query.field == column and query.loads_as is not None:
            value = f"CASE WHEN coalesce(({query.bad}), false) THEN {query.loads_as} ELSE {value} END"
    return value


def _check_header(path: Path, extract: Extract, name: str,
                  notes: list[str] | None = None) -> list[str]:
    """The file's header (its columns in the file's order), each named as the extract names it
    (whatever its case, spaces or byte order mark), refusing one that lacks an extract's column
    or has one twice. Other columns (a council's LA or YEAR) are named ``other:`` and their
    place, passed over, and listed in ``notes``."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        header = next(csv.reader(handle), None)
    if not header:
        raise LoadError([Problem(name, 1, None, "is empty: it has no header row")])
    wanted = {batch.column_key(c): c for c in extract.columns}
    header = [h.strip() if h.strip() == census.LINE
              else wanted.get(batch.column_key(h), f"other:{number}:{h.strip()}")
              for number, h in enumerate(header)]
    others = [h.split(":", 2)[2] for h in header if h.startswith("other:")]
    if any(others) and notes is not None:
        notes.append(f"{name}: {', '.join(o for o in others if o)} passed over (not "
                     f"{'a column' if len(others) == 1 else 'columns'} of {extract.file}).")
    problems = [Problem(name, 1, c, "is missing from the header")
                for c in extract.columns if c not in header]
    problems += [Problem(name, 1, c, "appears more than once in the header")
                 for c in sorted(set(header)) if header.count(c) > 1]
    if problems:
        raise LoadError(problems)
    return header


def _read(path: Path, header: list[str], rejects: bool = False) -> str:
    """SQL reading a file as text, each row numbered as a spreadsheet numbers it (``_row``)
    and each field named ``raw:`` and its column, in the file's own order."""
    columns = "{" + ", ".join(f"'{_raw(c)}': 'VARCHAR'" for c in header) + "}"
    path_sql = str(path).replace("'", "''")
    number = (f"CAST({_quote(_raw(census.LINE))} AS BIGINT)" if census.LINE in header
              else "row_number() OVER () + 1")
    first = _quote(_raw(header[0]))
    anything = " || ".join(f"coalesce({_quote(_raw(c))}, '')" for c in header)
    return (f"(SELECT * FROM (SELECT {number} AS _row, * FROM read_csv("
            f"'{path_sql}', header = true, auto_detect = false, columns = {columns}, "
            "delim = ',', quote = '\"', escape = '\"', strict_mode = true"
            f"{', store_rejects = true' if rejects else ''})) "
            f"WHERE nullif(trim({first}), '') IS NOT NULL OR trim({anything}) <> '')")


def _stage(con: duckdb.DuckDBPyConnection, path: Path, extract: Extract, name: str,
           header: list[str], checks: list[tuple[str, str, str]]) -> None:
    """Read the file once into ``stage``: each row's number (``_row``), its fields as their
    types (named as the column) and whether any check found a problem in it (``_flagged``).
    The text as read is not kept: ``_find_problems`` reads it again for flagged rows only."""
    typed = ", ".join(f"{_typed(f, extract.date_format)} AS {_quote(f.column)}"
                      for f in extract.fields)
    flagged = " OR ".join(f"coalesce(({condition}), false)" for _, condition, _ in checks)
    columns = ", ".join(_quote(f.column) for f in extract.fields)
    con.execute("DROP TABLE IF EXISTS reject_errors; DROP TABLE IF EXISTS reject_scans;")
    con.execute(f"CREATE OR REPLACE TEMP TABLE stage AS SELECT _row, {columns}, "
                f"{flagged or 'false'} AS _flagged FROM (SELECT *, {typed} FROM (SELECT *, "
                f"{_texts(extract)} FROM {_read(path, header, rejects=True)})) r")
    rejects = con.execute(
        "SELECT line, first(column_name ORDER BY column_idx), first(error_type), "
        "first(error_message) FROM reject_errors GROUP BY line "
        f"ORDER BY line LIMIT {MAX_PROBLEMS_PER_FILE}"
    ).fetchall()
    if rejects:
        total = con.execute("SELECT count(DISTINCT line) FROM reject_errors").fetchone()[0]
        raise LoadError([_reject_problem(name, *r) for r in rejects], total)


def _raw(column: str) -> str:
    """The name of a column's text as read, in ``stage``."""
    return f"raw:{column}"


def _text(column: str) -> str:
    """The name of a column's text trimmed, NULL where empty (``_texts``)."""
    return f"text:{column}"


def _texts(extract: Extract) -> str:
    """SQL for each field's text trimmed, NULL where empty: worked out once for the types and
    the checks (on an England-sized file, trimming again for each check took a third of the
    time)."""
    return ", ".join(f"{_trimmed(f)} AS {_quote(_text(f.column))}" for f in extract.fields)


def _trimmed(field: Field) -> str:
    """SQL for a field's text trimmed, NULL where empty; a code or whole number written as a
    spreadsheet may write it (``1.0``) without its ``.0``."""
    text = f"nullif(trim({_quote(_raw(field.column))}), '')"
    if field.codes or field.kind == "int":
        return (f"CASE WHEN contains({text}, '.') THEN regexp_replace({text}, "
                f"'^(-?[0-9]+)[.]0+$', '\\1') ELSE {text} END")
    return text


def _reject_problem(file: str, line, column, error_type, error_message) -> Problem:
    plain = {
        "TOO MANY COLUMNS": "has more fields than the header",
        "MISSING COLUMNS": "has fewer fields than the header",
        "UNQUOTED VALUE": "has a quote that is not closed",
        "INVALID UNICODE": "is not valid UTF-8 text",
    }.get(str(error_type), str(error_message).splitlines()[0])
    return Problem(file, int(line) if line is not None else None, None, f"the row {plain}")


def _either_date(raw: str, date_format: str) -> str:
    """SQL reading a date in the extract's form, else in the other (real files mix dd/mm/yyyy
    and yyyy-mm-dd, value by value)."""
    other = ISO_DATE_FORMAT if date_format == DATE_FORMAT else DATE_FORMAT
    return f"coalesce(try_strptime({raw}, '{date_format}'), try_strptime({raw}, '{other}'))"


def _typed(field: Field, date_format: str) -> str:
    """SQL for a field's value as its type (NULL where empty or unreadable) from its text."""
    raw = _quote(_text(field.column))
    if field.kind == "int":
        return f"TRY_CAST({raw} AS BIGINT)"
    if field.kind == "decimal":
        return f"TRY_CAST({raw} AS DOUBLE)"
    if field.kind == "date":
        return f"CAST({_either_date(raw, date_format)} AS DATE)"
    if field.kind == "dob":
        return f"CAST(date_trunc('month', {_either_date(raw, date_format)}) AS DATE)"
    if field.kind == "month":
        return f"CAST(try_strptime('01/' || {raw}, '%d/%m/%Y') AS DATE)"
    if field.kind == "postcode":   # the outward code: before the space, else all but the last
        outward = (f"upper(CASE WHEN contains({raw}, ' ') THEN split_part({raw}, ' ', 1) "
                   f"ELSE left({raw}, -1) END)")
        return f"(SELECT district_code FROM outward_district WHERE outward = {outward})"
    if field.kind == "bool":
        return (f"CASE upper({raw}) WHEN 'Y' THEN true WHEN 'N' THEN false "
                "WHEN 'TRUE' THEN true WHEN 'FALSE' THEN false "
                "WHEN '1' THEN true WHEN '0' THEN false END")
    return raw


def _checks(extract: Extract, year: int | None) -> list[tuple[str, str, str]]:
    """Every check on a row but the key's: (field, SQL true when the row fails, SQL for the
    message), over a row ``r`` with each field as read (``raw:``), trimmed (``text:``) and typed.
    Codes are checked against the lists for the file's collection year where it has one."""
    checks = []
    in_year = "" if year is None else \
        f" AND coalesce(first_year, {year}) <= {year} AND coalesce(last_year, {year}) >= {year}"
    for f in extract.fields:
        raw, typed = f"r.{_quote(_raw(f.column))}", f"r.{_quote(f.column)}"
        text = f"r.{_quote(_text(f.column))}"
        shown = f"'''' || {raw} || ''''"
        # The typed value is NULL only where the text is empty or unreadable, so the text is
        # looked at again only there.
        if f.required:
            checks.append((f.column, f"{typed} IS NULL AND {text} IS NULL",
                           "'is empty'"))
        if f.kind not in ("text", "postcode"):    # a postcode outside the council is no district
            checks.append((f.column, f"{typed} IS NULL AND {text} IS NOT NULL",
                           f"{shown} || ' is not {kind_help(f.kind, extract.date_format)}'"))
        if f.kind in ("date", "dob") and not f.future:
            checks.append((f.column, f"{typed} > current_date",
                           f"{shown} || ' is in the future'"))
        if f.kind in ("date", "dob"):
            checks.append((f.column, f"{typed} < DATE '1900-01-01'",
                           f"{shown} || ' is before 1900'"))
        if f.codes:
            checks.append((f.column, f"{typed} IS NOT NULL AND {typed} NOT IN "
                                     f"(SELECT code FROM ref_code WHERE list = '{f.codes}'"
                                     f"{in_year})",
                           f"{shown} || ' is not a {f.codes} code'"
                           + ("" if year is None else f" || ' for {yearly.label(year)}'")))
        if f.references:
            table, column = f.references.split(".")
            checks.append((f.column, f"{typed} IS NOT NULL AND {typed} NOT IN "
                                     f"(SELECT {column} FROM {table})",
                           f"{shown} || ' is not in {_source_of(table)}'"))
    return checks + [(rule.field, rule.bad, rule.says or "'" + rule.message.replace("'", "''")
                      + "'") for rule in extract.rules]


def _find_problems(con: duckdb.DuckDBPyConnection, extract: Extract, path: Path,
                   header: list[str], checks: list[tuple[str, str, str]]) -> int:
    """Every problem in the staged file, into ``stage_problems`` (row, field, message): how
    many there are. The rows ``_stage`` flagged are read again as text (``stage_bad``) to say
    which check each failed and with what value."""
    key_repeats = "SELECT 0::BIGINT AS row, 0::BIGINT AS first_row WHERE false"
    key = ", ".join(_quote(k) for k in extract.key)
    if key and con.execute(f"SELECT count(*) FROM (SELECT 1 FROM stage GROUP BY {key} "
                           "HAVING count(*) > 1)").fetchone()[0]:     # cheaper than the window
        key_repeats = (f"SELECT _row AS row, first_row FROM (SELECT _row, min(_row) OVER "
                       f"(PARTITION BY {key}) AS first_row FROM stage) WHERE _row <> first_row")
    con.execute(f"CREATE OR REPLACE TEMP TABLE stage_repeats AS {key_repeats}")
    typed = ", ".join(_quote(f.column) for f in extract.fields)
    con.execute(f"CREATE OR REPLACE TEMP TABLE stage_bad_rows AS SELECT _row, {typed} FROM stage "
                "WHERE _flagged OR _row IN (SELECT row FROM stage_repeats)")
    text = _read(path, header)
    if not con.execute("SELECT count(*) FROM stage_bad_rows").fetchone()[0]:
        text = f"(SELECT * FROM {text} WHERE false)"      # nothing to read again
    con.execute(f"CREATE OR REPLACE TEMP TABLE stage_bad AS SELECT t.*, {_texts(extract)}, "
                f"s.* EXCLUDE (_row) FROM stage_bad_rows s JOIN {text} t USING (_row)")
    selects = [f"SELECT r._row AS row, '{column}' AS field, {message} AS message "
               f"FROM stage_bad r WHERE coalesce(({condition}), false)"
               for column, condition, message in checks]
    if extract.key:
        selects.append(
            f"SELECT row, '{extract.key[-1]}' AS field, 'repeats the key "
            f"({', '.join(extract.key)}) of row ' || first_row AS message FROM stage_repeats")
    con.execute("CREATE OR REPLACE TEMP TABLE stage_problems AS "
                + " UNION ALL ".join(selects or ["SELECT 0 AS row, '' AS field, '' AS message "
                                                 "WHERE false"]))
    return con.execute("SELECT count(*) FROM stage_problems").fetchone()[0]


def _source_of(table: str) -> str:
    return source_of_table(table) or f"the council configuration ({table}s)"


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _copy_audit_history(con: duckdb.DuckDBPyConnection) -> None:
    """The previous store's record of loads, the rows they set aside and their queries (a store
    older than those tables has none)."""
    con.execute("INSERT INTO load_audit SELECT * FROM previous.load_audit")
    for table in ("quarantine", "load_query"):
        if con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = 'previous' "
                       "AND table_name = ?", [table]).fetchone()[0]:
            con.execute(f"INSERT INTO {table} SELECT * FROM previous.{table}")


def _record_audit(con, load_id: int, loaded: list[tuple[batch.Found, str, int]],
                  council: Council) -> None:
    """One row for each file loaded: (the file, the extract it is, rows loaded)."""
    now = dt.datetime.now().replace(microsecond=0)
    con.executemany(
        "INSERT INTO load_audit VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(load_id, now, file.shown_as, name, textfiles.sha256(file.original), count, str(council.path))
         for file, name, count in loaded],
    )

