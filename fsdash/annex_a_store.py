"""Annex A snapshots in the store, and what they give the pages where no other source does.

Every snapshot loaded is kept (``annex_a_snapshot`` and a table for each list; a workbook with
the extract date of one already held replaces it). Then, from every snapshot held:

- the front door: where no census or local file gives referrals, list 3 gives ``referral``,
  list 4 ``assessment`` and list 5 ``s47_enquiry`` (each record once, as the latest snapshot
  holding it gives it; an assessment or enquiry belongs to the child's latest referral on or
  before it starts, and one with none is left out and counted in a note); where none gives
  child protection plans, list 7 gives ``cp_plan``;
- team caseloads: where no local allocations file gives them, lists 6 to 9 give ``allocation``
  and ``worker``. A child counts once on each extract date, under the list of the case they are
  open on (looked after, else on a plan, else in need, else a care leaver), for the allocated
  team (mapped to a team code by the council's configuration: an unmapped name is listed in a
  note and its cases left out, never guessed) and worker (a worker key; none: unallocated). A
  case is open from the first snapshot of a run of snapshots holding it with the same team and
  worker until the next snapshot that does not (open still if the latest holds it), so
  successive monthly snapshots give caseload history. A worker's FTE is not in Annex A: each
  counts as one social worker, in post from their first snapshot to the first without them.

The other source always wins for what it gives, and a note says so. Which tables Annex A filled
is recorded (``annex_a_filled``) so the next load builds them again rather than keeping them.

Worker keys are keyed digests of the names (``fsdash.annex_a.worker_key``) under a secret that
is never in the repository or the store: ``FSDASH_WORKER_KEY`` if set, else a file beside the
store (``<store>.worker-key``, made on the first load; ``worker_secret``). Every load into a
store uses the same secret, so a worker's key is the same in every snapshot; lose it and the
next load's keys no longer join those of the snapshots held (its notes say so).
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

import duckdb
import pandas as pd

from fsdash import textfiles
from fsdash.annex_a import Snapshot
from fsdash.annex_a_lists import CASE_LISTS, LISTS
from fsdash.config import NOT_KNOWN, Council
from fsdash.extracts import source_of_table

TABLES = ("annex_a_snapshot", "annex_a_worker_name", *(a.table for a in LISTS.values()))
FRONT_DOOR = ("referral", "assessment", "s47_enquiry")
PREFIX = "AA/"       # the identifiers of records Annex A gives (referrals, plans, cases)
WORKER_PREFIX = "AW-"
SECRET_ENV = "FSDASH_WORKER_KEY"     # the worker key secret, where not in the file beside the store


def worker_key_file(db: Path | str) -> Path:
    """Where the worker key secret of the store ``db`` is kept: beside it, never in it."""
    db = Path(db)
    return db.with_name(f"{db.name}.worker-key")


def worker_secret(db: Path | str, create: bool = True) -> tuple[bytes, bool]:
    """The secret the worker keys of the store ``db`` (the store a load swaps in, not the file
    it is built in) are made under: ``FSDASH_WORKER_KEY`` if set, else the file
    ``worker_key_file(db)``, made (32 random bytes, written as hex, readable by its owner
    alone) if there is none and ``create``, else one for this load only. Returns the secret and
    whether it is new (keys made before under another do not join its keys)."""
    given = os.environ.get(SECRET_ENV, "").strip()
    if given:
        return given.encode(), False
    path = worker_key_file(db)
    if path.exists():
        return _read_secret(path), False
    text = secrets.token_hex(32)
    if not create:
        return text.encode(), True
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    handle = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(handle, "w", encoding="ascii") as out:
            out.write(text + "\n")
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(partial, path)      # whole or not at all, and never over another's
        except FileExistsError:         # another load made it first: use theirs
            return _read_secret(path), False
    finally:
        partial.unlink(missing_ok=True)
    return text.encode(), True


def _read_secret(path: Path) -> bytes:
    text = path.read_text(encoding="ascii").strip()
    if not text:
        raise ValueError(f"The worker key secret {path} is empty: restore it from a backup (or "
                         f"set {SECRET_ENV}), or remove it to make a new one, after which the "
                         "workers of the Annex A snapshots held no longer join those loaded next.")
    return text.encode()


def filled_before(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The tables the previous store (attached as ``previous``) filled from Annex A."""
    return {r[0] for r in con.execute("SELECT table_name FROM previous.annex_a_filled").fetchall()}


def _stored_columns(number: int) -> list[str]:
    columns = [c.target for c in LISTS[number].columns if c.target != "age"]
    if "team_name" in columns:
        columns.insert(columns.index("team_name") + 1, "team_code")
    return columns


def load(con: duckdb.DuckDBPyConnection, snapshots: list[Snapshot], council: Council,
         load_id: int, replacing: bool, new_secret: bool = False
         ) -> tuple[dict[str, int], list[tuple], list[str]]:
    """Keep the previous store's snapshots, add ``snapshots``, and fill the tables no other
    source gave (``new_secret``: the worker keys of ``snapshots`` are made under a new secret,
    ``worker_secret``). Returns rows loaded by name, (snapshot, name, rows) for the audit, and
    notes."""
    notes: list[str] = []
    new_dates = {s.extract_date: s for s in snapshots}
    if replacing:
        _keep_previous(con, new_dates, council, notes)
        # fetchall: a result left unfinished would stop the next register
        kept = con.execute("SELECT count(*) FROM annex_a_snapshot").fetchall()[0][0]
        if new_secret and kept and snapshots:
            notes.append(f"No worker key secret was found ({SECRET_ENV} or the file beside the "
                         "store), so this load's workers have new keys: they do not join the "
                         f"workers of the {kept:,} Annex A snapshot(s) loaded before. Restore the "
                         "secret and load again to join them.")
    rows: dict[str, int] = {}
    audit = []
    for snapshot in snapshots:
        notes += snapshot.notes
        total = 0
        for number in sorted(snapshot.lists):
            count = _insert_list(con, snapshot, number, council)
            rows[f"{snapshot.shown_as} (List {number}, {LISTS[number].title.lower()})"] = count
            total += count
        con.execute("INSERT INTO annex_a_snapshot VALUES (?, ?, ?, ?, ?)",
                    [snapshot.extract_date, snapshot.shown_as, textfiles.sha256(snapshot.original),
                     snapshot.date_from, load_id])
        if council.annex_a.show_worker_names and snapshot.names:
            _keep_names(con, snapshot)
        audit.append((snapshot, "annex_a", total))
    if not con.execute("SELECT count(*) FROM annex_a_snapshot").fetchone()[0]:
        return rows, audit, notes
    notes += _unmapped_teams(con, {s.extract_date for s in snapshots})
    notes += _fill(con)
    return rows, audit, notes



def _keep_previous(con, new_dates: dict, council: Council, notes: list[str]) -> None:
    replaced = con.execute("SELECT extract_date, file FROM previous.annex_a_snapshot "
                           "ORDER BY extract_date").fetchall()
    for day, file in replaced:
        if day in new_dates:
            notes.append(f"{new_dates[day].shown_as} replaces the Annex A snapshot of "
                         f"{day:%d/%m/%Y} loaded before from {file}.")
    dates = list(new_dates) or [dt.date(1, 1, 1)]
    for table in TABLES:
        if table == "annex_a_worker_name":
            if council.annex_a.show_worker_names:
                con.execute(f"INSERT INTO {table} SELECT * FROM previous.{table}")
            continue
        con.execute(f"INSERT INTO {table} SELECT * FROM previous.{table} "
                    "WHERE extract_date NOT IN (SELECT unnest(?))", [dates])


def _insert_list(con, snapshot: Snapshot, number: int, council: Council) -> int:
    columns = _stored_columns(number)
    records = []
    for row, values in snapshot.lists[number].records:
        values = dict(values)
        if values.get("birth_month") is None and values.get("age") is not None:
            values["birth_month"] = _born(snapshot.extract_date, values["age"])
        if "team_code" in columns:
            values["team_code"] = council.annex_a.team_code(values.get("team_name"), council)
        records.append([snapshot.extract_date, row, *(values.get(c) for c in columns)])
    if records:       # through a data frame: a row at a time is slow for a large council
        frame = pd.DataFrame.from_records(records, columns=["extract_date", "row", *columns])
        for column in frame.columns:
            if frame[column].isna().all():
                frame[column] = frame[column].astype(object)
        con.register("annex_a_records", frame)
        try:
            con.execute(f"INSERT INTO {LISTS[number].table} (extract_date, row, "
                        f"{', '.join(columns)}) SELECT * FROM annex_a_records")
        finally:
            con.unregister("annex_a_records")
    return len(records)


def _born(extract_date: dt.date, age: float) -> dt.date | None:
    """The month of birth an age in years on the extract date points to (where no date of
    birth is given)."""
    if not 0 <= age < 120:
        return None
    day = extract_date - dt.timedelta(days=round(age * 365.25))
    return day.replace(day=1)


def _keep_names(con, snapshot: Snapshot) -> None:
    teams = {}
    for number in CASE_LISTS:
        sheet = snapshot.lists.get(number)
        for _, values in (sheet.records if sheet else ()):
            if values.get("worker_key") and values.get("team_name"):
                teams[values["worker_key"]] = values["team_name"]
    con.execute("DELETE FROM annex_a_worker_name WHERE worker_key IN (SELECT unnest(?))",
                [list(snapshot.names)])
    con.executemany("INSERT INTO annex_a_worker_name VALUES (?, ?, ?)",
                    [(key, None, name) for key, name in snapshot.names.items()])
    for number in CASE_LISTS:
        con.execute(f"""UPDATE annex_a_worker_name n SET team_code = t.team_code
            FROM (SELECT worker_key, arg_max(team_code, extract_date) AS team_code
                  FROM {LISTS[number].table} WHERE team_code IS NOT NULL GROUP BY ALL) t
            WHERE t.worker_key = n.worker_key""")


def _cases_sql() -> str:
    """Each child's case on each extract date (lists 6 to 9), one a child, with its team."""
    parts = []
    for number, case_type in CASE_LISTS.items():
        table = LISTS[number].table
        open_on = {6: "(closure_date IS NULL OR closure_date > extract_date) AND "
                      "coalesce(case_status, '') <> 'CLOSED'",
                   7: "(end_date IS NULL OR end_date > extract_date)",
                   8: "(end_date IS NULL OR end_date > extract_date)",
                   9: "true"}[number]
        parts.append(f"SELECT extract_date, child_id, '{case_type}' AS case_type, {number} AS "
                     f"rank, team_name, team_code, worker_key FROM {table} WHERE {open_on}")
    ranked = " UNION ALL ".join(parts)
    # looked after (8) before on a plan (7) before in need (6) before care leaver (9)
    return f"""SELECT * EXCLUDE (rank) FROM ({ranked})
        QUALIFY row_number() OVER (PARTITION BY extract_date, child_id
                                   ORDER BY CASE rank WHEN 8 THEN 0 WHEN 7 THEN 1 WHEN 6 THEN 2
                                            ELSE 3 END, team_code NULLS LAST) = 1"""


def _unmapped_teams(con, new: set[dt.date]) -> list[str]:
    if not new:
        return []
    found = con.execute(f"""SELECT team_name, count(*) FROM ({_cases_sql()})
        WHERE team_code IS NULL AND team_name IS NOT NULL AND extract_date IN (SELECT unnest(?))
        GROUP BY ALL ORDER BY count(*) DESC, team_name""", [sorted(new)]).fetchall()
    if not found:
        return []
    names = ", ".join(f"'{name}' ({count:,} case{'s' if count > 1 else ''})"
                      for name, count in found)
    return [f"Annex A allocated team(s) mapped to no team code in the council configuration "
            f"([annex_a.teams]): {names}. Their cases are left out of team caseloads."]


def _fill(con) -> list[str]:
    notes = []
    filled = []
    if _empty(con, "referral"):
        notes += _fill_front_door(con)
        filled += FRONT_DOOR
        first, last = con.execute("SELECT min(extract_date), max(extract_date) FROM "
                                  "annex_a_snapshot").fetchone()
        start = (pd.Timestamp(first) + pd.Timedelta(days=1) - pd.DateOffset(months=6)).date()
        notes.append(f"The front door's referrals, assessments and section 47 enquiries come "
                     f"from Annex A, which covers the six months before each snapshot: "
                     f"{start:%d/%m/%Y} to {last:%d/%m/%Y}. Months before have no records.")
    elif _any(con, "annex_a_referral"):
        notes.append(f"Referrals, assessments and section 47 enquiries come from "
                     f"{source_of_table('referral')}: Annex A lists 3 to 5 are kept but not "
                     "used for them.")
    if _empty(con, "cp_plan"):
        notes += _fill_plans(con)
        filled.append("cp_plan")
    elif _any(con, "annex_a_cp"):
        notes.append(f"Child protection plans come from {source_of_table('cp_plan')}: Annex A "
                     "list 7 is kept but not used for them.")
    if _empty(con, "allocation"):
        notes += _fill_caseloads(con)
        filled += ["allocation", "worker"] if _only_annex_workers(con) else ["allocation"]
    else:       # workers Annex A gave for its caseloads are no one's now
        con.execute(f"DELETE FROM worker WHERE worker_id LIKE '{WORKER_PREFIX}%'")
    if "allocation" not in filled and any(_any(con, LISTS[n].table) for n in CASE_LISTS):
        notes.append(f"Team caseloads come from {source_of_table('allocation')}: Annex A lists "
                     "6 to 9 are kept but not used for them.")
    if filled:
        con.executemany("INSERT INTO annex_a_filled VALUES (?)", [(t,) for t in filled])
    notes += _add_children(con)
    return notes


def _empty(con, table: str) -> bool:
    return not con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _any(con, table: str) -> bool:
    return not _empty(con, table)


def _latest(table: str, key: str, columns: str) -> str:
    """Each record of a list once (by ``key``), as the latest snapshot holding it gives it."""
    return (f"SELECT {columns} FROM {table} QUALIFY row_number() OVER (PARTITION BY {key} "
            "ORDER BY extract_date DESC, row) = 1")


def _id(*parts: str) -> str:
    return f"'{PREFIX}' || " + " || '/' || ".join(parts)


def _fill_front_door(con) -> list[str]:
    notes = []
    con.execute(f"""INSERT INTO referral (referral_id, child_id, referral_date, source, route,
            primary_need, nfa, closure_date, closure_reason)
        SELECT {_id('child_id', 'CAST(referral_date AS VARCHAR)')}, child_id,
               referral_date, source, NULL, NULL, coalesce(nfa, false), NULL, NULL
        FROM ({_latest('annex_a_referral', 'child_id, referral_date', '*')})""")
    for table, target, extra, values in (
            ("annex_a_assessment", "assessment", "authorised_date, factors",
             "CASE WHEN a.authorised_date >= a.start_date THEN a.authorised_date END, NULL"),
            ("annex_a_s47", "s47_enquiry", "icpc_target, icpc_date, icpc_not_required",
             "NULL, CASE WHEN a.icpc_date >= a.start_date THEN a.icpc_date END, "
             "coalesce(a.icpc_not_required, false)")):
        id_column = {"assessment": "assessment_id", "s47_enquiry": "s47_id"}[target]
        matched = f"""SELECT a.*, (SELECT r.referral_id FROM referral r
                WHERE r.child_id = a.child_id AND r.referral_date <= a.start_date
                ORDER BY r.referral_date DESC LIMIT 1) AS referral_id
            FROM ({_latest(table, 'child_id, start_date', '*')}) a"""
        con.execute(f"CREATE OR REPLACE TEMP TABLE annex_a_matched AS {matched}")
        con.execute(f"""INSERT INTO {target} ({id_column}, referral_id, child_id, start_date,
                {extra})
            SELECT {_id('a.child_id', 'CAST(a.start_date AS VARCHAR)')}, a.referral_id,
                   a.child_id, a.start_date, {values}
            FROM annex_a_matched a WHERE a.referral_id IS NOT NULL""")
        left = con.execute("SELECT count(*) FROM annex_a_matched WHERE referral_id IS NULL"
                           ).fetchone()[0]
        if left:
            what = {"assessment": "assessments (list 4)",
                    "s47_enquiry": "section 47 enquiries (list 5)"}[target]
            notes.append(f"{left:,} Annex A {what} begin before any referral of the child that "
                         "an Annex A list 3 holds: left out of the front door's figures, which "
                         "follow each from its referral.")
        con.execute("DROP TABLE annex_a_matched")
    return notes


def _snapshot_steps() -> str:
    """Each extract date with the next one (NULL for the latest)."""
    return ("SELECT extract_date, lead(extract_date) OVER (ORDER BY extract_date) AS next_date "
            "FROM annex_a_snapshot")


def _fill_plans(con) -> list[str]:
    """Plans from list 7: a plan missing from a later snapshot, with no end date given, ended
    by that snapshot's date."""
    con.execute(f"""INSERT INTO cp_plan (plan_id, child_id, start_date, end_date,
            initial_category, latest_category)
        WITH seen AS (SELECT child_id, start_date, max(extract_date) AS last_seen
                      FROM annex_a_cp GROUP BY ALL)
        SELECT {_id('p.child_id', 'CAST(p.start_date AS VARCHAR)')}, p.child_id,
               p.start_date, CASE WHEN p.end_date >= p.start_date THEN p.end_date
                                  ELSE s.next_date END,
               coalesce(p.initial_category, p.latest_category),
               coalesce(p.latest_category, p.initial_category)
        FROM ({_latest('annex_a_cp', 'child_id, start_date', '*')}) p
        JOIN seen USING (child_id, start_date)
        JOIN ({_snapshot_steps()}) s ON s.extract_date = seen.last_seen
        WHERE coalesce(p.initial_category, p.latest_category) IS NOT NULL""")
    left = con.execute(f"""SELECT count(*) FROM ({_latest('annex_a_cp', 'child_id, start_date',
                       '*')}) WHERE coalesce(initial_category, latest_category) IS NULL"""
                       ).fetchone()[0]
    return [f"{left:,} Annex A child protection plans (list 7) give no category of abuse: "
            "left out of the plans counted."] if left else []


def _fill_caseloads(con) -> list[str]:
    con.execute(f"""CREATE OR REPLACE TEMP TABLE annex_a_runs AS
        WITH cases AS ({_cases_sql()}),
        steps AS (SELECT extract_date, next_date,
                         row_number() OVER (ORDER BY extract_date) AS step
                  FROM ({_snapshot_steps()})),
        marked AS (SELECT c.*, s.step, s.next_date,
                          s.step - row_number() OVER (PARTITION BY c.child_id, c.case_type,
                              c.team_code, c.worker_key ORDER BY s.step) AS run
                   FROM cases c JOIN steps s USING (extract_date) WHERE c.team_code IS NOT NULL)
        SELECT child_id, case_type, team_code, worker_key, min(extract_date) AS open_date,
               CASE WHEN count(next_date) = count(*) THEN max(next_date) END AS close_date
        FROM marked GROUP BY child_id, case_type, team_code, worker_key, run""")
    con.execute(f"""INSERT INTO allocation (case_id, child_id, family_id, team_code, worker_id,
            case_type, open_date, close_date)
        SELECT {_id('case_type', 'child_id')}, child_id, '{PREFIX}' || child_id, team_code,
               worker_key, case_type, open_date, close_date
        FROM annex_a_runs""")
    con.execute(f"DELETE FROM worker WHERE worker_id LIKE '{WORKER_PREFIX}%'")
    con.execute("""INSERT INTO worker (worker_id, team_code, role, fte, start_date, end_date)
        SELECT worker_key, arg_max(team_code, open_date), 'SW', 1.0, min(open_date),
               CASE WHEN count(*) FILTER (WHERE close_date IS NULL) = 0 THEN max(close_date)
               END
        FROM annex_a_runs WHERE worker_key IS NOT NULL GROUP BY worker_key""")
    con.execute("DROP TABLE annex_a_runs")
    return ["Team caseloads come from Annex A lists 6 to 9 on each extract date, each worker "
            "counted as one full-time social worker (Annex A gives no FTE) and each child as "
            "their own family (Annex A gives no family)."]


def _only_annex_workers(con) -> bool:
    return not con.execute(f"SELECT count(*) FROM worker WHERE worker_id NOT LIKE "
                           f"'{WORKER_PREFIX}%'").fetchone()[0]


def _add_children(con) -> list[str]:
    """The children the filled tables name that no other source gives, into ``child``, as
    the latest snapshot describes them."""
    lists = " UNION ALL ".join(
        f"SELECT extract_date, child_id, sex, birth_month, ethnicity FROM {a.table}"
        for a in LISTS.values())
    named = " UNION ".join(f"SELECT child_id FROM {t}" for t in
                           ("referral", "assessment", "s47_enquiry", "cp_plan", "allocation"))
    con.execute(f"""CREATE OR REPLACE TEMP TABLE annex_a_children AS
        SELECT child_id, arg_max(sex, extract_date) FILTER (WHERE sex IS NOT NULL) AS sex,
               arg_max(birth_month, extract_date) FILTER (WHERE birth_month IS NOT NULL)
                   AS birth_month,
               arg_max(ethnicity, extract_date) FILTER (WHERE ethnicity IS NOT NULL)
                   AS ethnicity
        FROM ({lists}) WHERE child_id IN ({named}) AND child_id NOT IN (SELECT child_id FROM child)
        GROUP BY child_id""")
    con.execute("""INSERT INTO child (child_id, family_id, sex, birth_month, ethnicity,
            district_code)
        SELECT child_id, NULL, coalesce(sex, 'U'), birth_month, coalesce(ethnicity, 'NOBT'), ?
        FROM annex_a_children WHERE birth_month IS NOT NULL""", [NOT_KNOWN])
    unborn = con.execute("SELECT count(*) FROM annex_a_children WHERE birth_month IS NULL"
                         ).fetchone()[0]
    con.execute("DROP TABLE annex_a_children")
    return [f"{unborn:,} Annex A children have neither a date of birth nor an age: counted "
            "where age is not needed, in no age group."] if unborn else []


def worker_names(con: duckdb.DuckDBPyConnection, scope, team: str,
                 council: Council) -> dict[str, str]:
    """The names of a team's workers by worker key, as Annex A gave them, for the team's own
    manager only (``scope``: ``fsdash.access.roles.Scope``), and only where the council's
    configuration says so; for anyone else, none (pages show the key)."""
    if not (council.annex_a.show_worker_names and scope.role == "team_manager"
            and team in scope.teams):
        return {}
    return dict(con.execute("SELECT worker_key, name FROM annex_a_worker_name "
                            "WHERE team_code = ? ORDER BY worker_key", [team]).fetchall())


# --- a store's records as an Annex A snapshot (the demo writes its monthly workbook so) --------

SIX_MONTHS = "INTERVAL 6 MONTH"


def snapshot_lists(con: duckdb.DuckDBPyConnection, extract_date: dt.date,
                   team_name=lambda code: code, worker_name=lambda worker: worker
                   ) -> dict[int, list[dict]]:
    """The Annex A lists a council holding the store's records would have written on
    ``extract_date``, as records for ``fsdash.annex_a.write_workbook``: referrals (3),
    assessments (4) and section 47 enquiries (5) begun in the six months up to it; children in
    need (6: an open referral that was not closed with no further action, or an open children
    in need case), on a plan (7) and looked after (8) on it. Each child's allocated team and
    worker are those of their case open on the date (the worker only while a social worker or
    senior practitioner in post: else the case waits for one); ``team_name`` and
    ``worker_name`` say how to write them. Care leavers (9) and contacts (1) are not in the
    store, so not written."""
    params = {"day": extract_date}
    allocated = """
        SELECT a.child_id, arg_min(a.team_code, a.case_type) AS team_code,
               arg_min(CASE WHEN w.role IN ('SW', 'SP') AND w.start_date <= $day
                             AND (w.end_date IS NULL OR w.end_date > $day)
                        THEN a.worker_id END, a.case_type) AS worker_id
        FROM allocation a LEFT JOIN worker w USING (worker_id)
        WHERE a.open_date <= $day AND (a.close_date IS NULL OR a.close_date > $day)
        GROUP BY a.child_id"""
    person = ("c.child_id, CASE c.sex WHEN '1' THEN 'M' WHEN '2' THEN 'F' WHEN '0' THEN 'U' "
              "WHEN '9' THEN 'U' ELSE c.sex END AS sex, c.ethnicity, c.birth_month, "
              "t.team_code, t.worker_id")

    def rows(sql: str) -> list[dict]:
        frame = con.execute(sql, params).df()
        records = []
        for record in frame.to_dict("records"):
            record = {k: (None if _missing(v) else _plain_value(v)) for k, v in record.items()}
            code, worker = record.pop("team_code"), record.pop("worker_id")
            record["team_name"] = team_name(code) if code else None
            record["worker_key"] = worker_name(worker) if worker else None
            records.append(record)
        return records

    window = f"BETWEEN $day + INTERVAL 1 DAY - {SIX_MONTHS} AND $day"
    lists = {
        3: rows(f"""SELECT {person}, r.referral_date, r.source, r.nfa
            FROM referral r JOIN child c USING (child_id) LEFT JOIN ({allocated}) t USING (child_id)
            WHERE r.referral_date {window} ORDER BY r.referral_date, c.child_id"""),
        4: rows(f"""SELECT {person}, s.start_date, s.authorised_date
            FROM assessment s JOIN child c USING (child_id)
            LEFT JOIN ({allocated}) t USING (child_id)
            WHERE s.start_date {window} ORDER BY s.start_date, c.child_id"""),
        5: rows(f"""SELECT {person}, s.start_date, s.icpc_not_required, s.icpc_date,
                   s.icpc_date IS NOT NULL AND EXISTS (SELECT 1 FROM cp_plan p
                       WHERE p.child_id = s.child_id AND p.start_date = s.icpc_date) AS icpc_plan
            FROM s47_enquiry s JOIN child c USING (child_id)
            LEFT JOIN ({allocated}) t USING (child_id)
            WHERE s.start_date {window} ORDER BY s.start_date, c.child_id"""),
        7: rows(f"""SELECT {person}, p.start_date, p.initial_category, p.latest_category,
                   p.end_date
            FROM cp_plan p JOIN child c USING (child_id) LEFT JOIN ({allocated}) t USING (child_id)
            WHERE p.start_date <= $day AND (p.end_date IS NULL OR p.end_date > $day)
            ORDER BY p.start_date, c.child_id"""),
        8: rows(f"""SELECT {person},
                   coalesce((SELECT max(s.decom) FROM cla_episode s WHERE s.child_id = e.child_id
                             AND s.rne = 'S' AND s.decom <= e.decom), e.decom) AS start_date,
                   e.ls AS legal_status, e.decom AS placement_start, e.place AS placement
            FROM cla_episode e JOIN child c USING (child_id)
            LEFT JOIN ({allocated}) t USING (child_id)
            WHERE e.decom <= $day AND (e.dec IS NULL OR e.dec > $day)
            QUALIFY row_number() OVER (PARTITION BY e.child_id ORDER BY e.decom DESC) = 1
            ORDER BY c.child_id"""),
    }
    looked_after = {r["child_id"] for r in lists[8]}
    on_lists = looked_after | {r["child_id"] for r in lists[7]}
    lists[6] = [r for r in rows(f"""
        SELECT {person}, min(coalesce(r.referral_date, a.open_date)) AS start_date,
               any_value(r.primary_need) AS primary_need
        FROM child c
        LEFT JOIN referral r ON r.child_id = c.child_id AND r.referral_date <= $day
             AND (r.closure_date IS NULL OR r.closure_date > $day) AND NOT r.nfa
        LEFT JOIN allocation a ON a.child_id = c.child_id AND a.case_type = 'CIN'
             AND a.open_date <= $day AND (a.close_date IS NULL OR a.close_date > $day)
        LEFT JOIN ({allocated}) t ON t.child_id = c.child_id
        WHERE r.referral_id IS NOT NULL OR a.case_id IS NOT NULL
        GROUP BY ALL ORDER BY c.child_id""")]
    for record in lists[6]:
        record["case_status"] = ("CLA" if record["child_id"] in looked_after
                                 else "CP" if record["child_id"] in on_lists else "CIN")
    for number in lists:           # the written list must hold every record a list needs
        lists[number] = [r for r in lists[number] if r.get("child_id")]
    return lists


def _missing(value) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _plain_value(value):
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item"):          # numpy scalars
        return value.item()
    return value
