"""Warm on start (fsdash.warm, run by `python -m fsdash serve` before its server takes a
visitor): the views a role lands on are built into the pages' own caches, so the Overview's and
At a glance's first run after it counts nothing; a missing or empty store, or no sign-in, warms
nothing and never stops the server starting."""

from __future__ import annotations

import pytest
import streamlit as st

from conftest import ROOT, new_app
from fsdash import metrics, serve, signin, store, warm
from fsdash.views import care, glance, overview
from streamlit_server import streamlit_server


@pytest.fixture()
def cold(demo_db, monkeypatch):
    """The demo store, with every Streamlit cache of this process emptied first."""
    monkeypatch.setenv("FSDASH_DB", str(demo_db))
    st.cache_data.clear()
    st.cache_resource.clear()
    return demo_db


def _never_again(monkeypatch) -> list[str]:
    """Make every view builder the two pages call fail if it runs; returns the calls."""
    calls = []
    for module, name in [(overview, "headline_cards"), (care, "target_section"),
                         (glance, "scan"), (glance, "heat_block")]:
        def built(*args, name=name, **kwargs):
            calls.append(name)
            raise AssertionError(f"{name} built again after warming")
        monkeypatch.setattr(module, name, built)
    return calls


def test_after_warming_the_overview_and_at_a_glance_open_without_building_a_view(cold,
                                                                                  monkeypatch):
    said = []
    warmed = warm.warm(say=said.append)
    assert not [line for line in said if "not built" in line or "stopped" in line], said
    scope_key = ("director", (), True)        # FSDASH_DEV_ROLE=director (tests/conftest.py)
    assert {f"{view} {scope_key}" for view in ("headline cards", "what changed",
                                               "under-12s and the target", "heat map")} \
        <= set(warmed)
    calls = _never_again(monkeypatch)
    app = new_app()
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.title[0].value == "Overview"
    assert len(app.metric) == len(metrics.HEADLINE)
    app.switch_page("pages/at_a_glance.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.title[0].value == "At a glance"
    assert calls == []
    # Only the scopes there are: a cabinet member's Overview is not the director's warmed one.
    monkeypatch.setenv("FSDASH_DEV_ROLE", "cabinet")
    new_app().run()
    assert "headline_cards" in calls


def test_the_scopes_warmed_are_the_development_role_or_those_the_access_file_gives(monkeypatch):
    monkeypatch.setenv("FSDASH_DEV_ROLE", "team_manager:FS01")
    assert warm.scope_keys() == [("team_manager", ("FS01",), False)]
    monkeypatch.setenv("FSDASH_DEV_ROLE", "")
    monkeypatch.setattr(signin, "sign_in_configured", lambda: False)
    assert warm.scope_keys() == []
    monkeypatch.setattr(signin, "sign_in_configured", lambda: True)
    assert warm.scope_keys() == [("cabinet", (), True), ("director", (), True),
                                 ("analyst", (), False), ("team_manager", ("FS01",), False)]


def test_a_missing_or_empty_store_warms_nothing_and_says_so(tmp_path, monkeypatch):
    said = []
    monkeypatch.setenv("FSDASH_DB", str(tmp_path / "none.duckdb"))
    assert warm.warm(say=said.append) == []
    assert f"no store at {tmp_path / 'none.duckdb'} yet" in said[0]
    empty = tmp_path / "empty.duckdb"
    store.connect(empty).close()
    monkeypatch.setenv("FSDASH_DB", str(empty))
    said.clear()
    assert warm.warm(say=said.append) == []
    assert said[0] == f"{empty}: The store holds no referrals or episodes yet. No views built."


def test_the_launcher_warms_after_reading_its_options_and_before_its_server(monkeypatch):
    from streamlit.web import bootstrap

    order = []
    monkeypatch.setattr(bootstrap, "run", lambda *args, **kwargs: order.append("server"))
    monkeypatch.setattr(warm, "warm", lambda: order.append("warm"))
    serve.warm_before_serving()
    bootstrap.run("app.py", False, [], {})
    assert order == ["warm", "server"]


def test_the_launcher_starts_on_a_missing_store_and_says_nothing_was_warmed(tmp_path):
    log = tmp_path / "server.log"
    with streamlit_server(ROOT / "app.py", tmp_path / "none.duckdb", log=log):
        said = log.read_text()
    assert f"fsdash warm-up: no store at {tmp_path / 'none.duckdb'} yet" in said
    assert "fsdash warm-up: 0 views built" in said
