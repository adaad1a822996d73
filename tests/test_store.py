"""Schema migrations: a new store, an older one upgraded, a newer one refused."""

import duckdb
import pytest

from fsdash import store


def test_a_new_store_gets_every_migration(tmp_path):
    con = store.connect(tmp_path / "new.duckdb")
    assert store.schema_version(con) == store.LATEST_VERSION
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert {"cla_episode", "referral", "allocation", "adult_event", "load_audit"} <= tables
    assert con.execute("SELECT count(*) FROM ref_code WHERE list = 'LS'").fetchone()[0] == 13


def test_an_older_store_is_upgraded_when_opened(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    store.migrate(con, upto=1)
    con.execute("INSERT INTO locality VALUES ('N', 'North')")
    con.close()
    upgraded = store.connect_readonly(path)
    assert store.schema_version(upgraded) == store.LATEST_VERSION
    assert upgraded.execute("SELECT name FROM locality").fetchone()[0] == "North"
    assert upgraded.execute("SELECT count(*) FROM ref_code").fetchone()[0] > 100


def test_a_newer_store_is_refused_with_a_clear_message(tmp_path):
    path = tmp_path / "newer.duckdb"
    con = store.connect(path)
    con.execute("INSERT INTO schema_version (version) VALUES (?)", [store.LATEST_VERSION + 1])
    con.close()
    with pytest.raises(store.StoreVersionError, match="Upgrade fsdash"):
        store.connect_readonly(path)
    with pytest.raises(store.StoreVersionError, match=f"version {store.LATEST_VERSION + 1}"):
        store.connect(path)


def test_the_app_connection_is_read_only_and_cannot_reach_files(tmp_path):
    path = tmp_path / "app.duckdb"
    store.connect(path).close()
    con = store.connect_readonly(path)
    with pytest.raises(duckdb.Error):
        con.execute("INSERT INTO locality VALUES ('X', 'X')")
    with pytest.raises(duckdb.Error):
        con.execute("SELECT * FROM read_csv('/etc/passwd')")
    with pytest.raises(duckdb.Error):
        con.execute("SET enable_external_access = true")


def test_a_missing_store_says_how_to_build_one(tmp_path):
    with pytest.raises(FileNotFoundError, match="fsdash demo"):
        store.connect_readonly(tmp_path / "absent.duckdb")
