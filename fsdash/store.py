"""The DuckDB store: where the file lives, versioned schema migrations, connections.

The schema is a numbered series of SQL files in ``fsdash/migrations``. Opening an older
store upgrades it; opening a store written by a newer fsdash fails with a clear message.
Writers build a new file beside the old one and swap it in with ``os.replace``, so a
running app (which holds a read-only connection) never sees a half-written store.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
from contextlib import contextmanager
from pathlib import Path

import duckdb

from fsdash.config import REPO_ROOT

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
DEFAULT_DB = REPO_ROOT / "data" / "fsdash.duckdb"


class StoreVersionError(RuntimeError):
    """The store was written by a newer fsdash than this one."""


def db_path() -> Path:
    """The store file in force: ``FSDASH_DB`` or ``data/fsdash.duckdb``."""
    return Path(os.environ.get("FSDASH_DB", DEFAULT_DB))


def migrations() -> list[tuple[int, Path]]:
    """The schema migrations, as (version, file), in order."""
    found = []
    for path in MIGRATIONS_DIR.glob("*.sql"):
        match = re.match(r"(\d+)_", path.name)
        if match:
            found.append((int(match.group(1)), path))
    return sorted(found)


LATEST_VERSION = migrations()[-1][0]


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The store's schema version; 0 for an empty file."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchone()[0]
    if not exists:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]


def migrate(con: duckdb.DuckDBPyConnection, upto: int = LATEST_VERSION) -> int:
    """Apply the migrations the store lacks, each in its own transaction; return the version."""
    current = schema_version(con)
    if current > LATEST_VERSION:
        raise StoreVersionError(
            f"This store is at schema version {current}, but this fsdash knows versions up to "
            f"{LATEST_VERSION}. Upgrade fsdash (git pull, then make run) to open it."
        )
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version "
        "(version INTEGER PRIMARY KEY, applied_at TIMESTAMP DEFAULT current_timestamp)"
    )
    for version, path in migrations():
        if current < version <= upto:
            con.execute("BEGIN TRANSACTION")
            con.execute(path.read_text(encoding="utf-8"))
            con.execute("INSERT INTO schema_version (version) VALUES (?)", [version])
            con.execute("COMMIT")
            current = version
    return current


def connect(path: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """Open the store for writing, creating or upgrading its schema."""
    con = duckdb.connect(str(path or db_path()))
    migrate(con)
    return con


def connect_readonly(path: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """Open the store read-only and hardened, as the app does; upgrade it first if it is older.

    DuckDB shares one database instance per file within a process: close every connection
    to a store before opening it again after a load has swapped in a new file."""
    path = Path(path or db_path())
    if not path.exists():
        raise FileNotFoundError(
            f"No store at {path}. Build the demo with `python -m fsdash demo` or load extracts "
            "with `python -m fsdash load DIR`."
        )
    config = {"enable_external_access": False}
    con = duckdb.connect(str(path), read_only=True, config=config)
    version = schema_version(con)
    if version > LATEST_VERSION:
        con.close()
        raise StoreVersionError(
            f"The store {path} is at schema version {version}, but this fsdash knows versions "
            f"up to {LATEST_VERSION}. Upgrade fsdash (git pull, then make run) to open it."
        )
    if version < LATEST_VERSION:
        con.close()
        connect(path).close()
        con = duckdb.connect(str(path), read_only=True, config=config)
    if not con.execute("SELECT current_setting('lock_configuration')").fetchone()[0]:
        con.execute("SET enable_progress_bar = false")   # no progress bars in the server log
        con.execute("SET lock_configuration = true")
    return con


def connect_snapshot(path: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """Open the store file as it is now, read-only and hardened, in a database instance of its
    own (attached to an in-memory one), so that after a load swaps in a new file the old one
    stays readable by the queries still running on it while the new one is opened beside it
    (``connect_readonly`` shares DuckDB's one instance per path, which must be closed first).
    Take cursors with ``snapshot_cursor``."""
    connect_readonly(path).close()          # creates nothing; upgrades an older store first
    con = duckdb.connect(":memory:")
    con.execute("ATTACH ? AS store (READ_ONLY)", [str(path or db_path())])
    con.execute("USE store")
    con.execute("SET enable_external_access = false")
    con.execute("SET enable_progress_bar = false")
    con.execute("SET lock_configuration = true")
    return con


def snapshot_cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A cursor on a ``connect_snapshot`` connection that reads the store (a new cursor starts
    in the in-memory database)."""
    cursor = con.cursor()
    cursor.execute("USE store")
    return cursor


@contextmanager
def build_then_swap(target: Path | str):
    """Yield a connection to a new store beside ``target``; swap it in only if the block succeeds."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    building = target.with_name(f".{target.name}.building")
    for leftover in (building, building.with_name(building.name + ".wal")):
        leftover.unlink(missing_ok=True)
    con = connect(building)
    try:
        yield con
        con.execute("CHECKPOINT")
        con.close()
        os.replace(building, target)
    except BaseException:
        con.close()
        building.unlink(missing_ok=True)
        raise


class StoreChanged(RuntimeError):
    """The store was replaced (a load swapped in a new file) while a change was being made."""


@contextmanager
def copy_then_swap(target: Path | str):
    """Yield a connection to a copy of the store ``target``; swap it in only if the block
    succeeds and no one swapped in another file meanwhile. For small changes made beside the
    loads (the Data page's events): readers keep the file they opened, as after a load. One
    change at a time (a lock file beside the store)."""
    target = Path(target)
    changing = target.with_name(f".{target.name}.changing")
    with target.with_name(f".{target.name}.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        before = os.stat(target)
        for leftover in (changing, changing.with_name(changing.name + ".wal")):
            leftover.unlink(missing_ok=True)
        shutil.copyfile(target, changing)
        con = connect(changing)
        try:
            yield con
            con.execute("CHECKPOINT")
            con.close()
            now = os.stat(target)
            if (now.st_ino, now.st_mtime_ns) != (before.st_ino, before.st_mtime_ns):
                raise StoreChanged("The store was replaced by a load while this change was "
                                   "being made: nothing was changed. Make the change again.")
            os.replace(changing, target)
        except BaseException:
            con.close()
            changing.unlink(missing_ok=True)
            raise
