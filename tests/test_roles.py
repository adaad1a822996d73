"""Roles and what each may see, enforced below the pages: the access configuration, the
development mode, pages with no sign-in, scoped figures and caches, team detail, the audit log."""

import datetime as dt
import json

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, small_adult_cohort
from fsdash import audit
from fsdash.access.roles import (
    AccessError,
    Identity,
    development_scope,
    load_access,
    scope_for_claims,
)

ACCESS = load_access(ROOT / "config" / "access.toml")
TEAMS = [f"FS{i:02d}" for i in range(1, 22)]


def _verified(email: str, **claims) -> dict:
    return {"email": email, "email_verified": True, **claims}


def test_named_users_come_before_groups_and_emails_match_without_case():
    scope = scope_for_claims(_verified("Manager.FS01@Example.org", groups=["fsdash-directors"]),
                             ACCESS)
    assert (scope.role, scope.teams, scope.suppress) == ("team_manager", ("FS01",), False)
    director = scope_for_claims(_verified("someone@example.org", groups=["x", "fsdash-directors"]),
                                ACCESS)
    assert (director.role, director.suppress) == ("director", True)
    assert scope_for_claims(_verified("a@example.org", groups="fsdash-cabinet"), ACCESS).role \
        == "cabinet"
    assert scope_for_claims(_verified("stranger@example.org"), ACCESS) is None
    assert scope_for_claims({"sub": "no-email"}, ACCESS) is None


def test_cabinet_members_always_have_small_numbers_hidden(tmp_path):
    path = tmp_path / "access.toml"
    path.write_text('[suppression]\nroles = []\n[[users]]\nemail = "c@example.org"\n'
                    'role = "cabinet"\n')
    assert scope_for_claims(_verified("c@example.org"), load_access(path)).suppress


def test_bad_access_configuration_and_development_roles_are_refused(tmp_path):
    path = tmp_path / "access.toml"
    path.write_text('[[users]]\nemail = "x@example.org"\nrole = "admin"\n')
    with pytest.raises(AccessError, match="unknown role 'admin'"):
        load_access(path)
    with pytest.raises(AccessError, match="must be one of"):
        development_scope("superuser", ACCESS, TEAMS)
    with pytest.raises(AccessError, match="team manager's teams"):
        development_scope("team_manager:FS99", ACCESS, TEAMS)
    assert development_scope("team_manager:FS01,FS02", ACCESS, TEAMS).teams == ("FS01", "FS02")


def test_scopes_key_caches_by_reach_never_by_person():
    first = ACCESS.scope("director", (), Identity("a@example.org", "a", "https://idp"))
    second = ACCESS.scope("director", (), Identity("b@example.org", "b", "https://idp"))
    assert first.key == second.key and first.key != ACCESS.scope("analyst").key


@pytest.fixture()
def app(demo_db, monkeypatch):
    monkeypatch.setenv("FSDASH_DB", str(demo_db))
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)


def _as(app, monkeypatch, role, page=None, **params):
    monkeypatch.setenv("FSDASH_DEV_ROLE", role)
    for name, value in params.items():
        app.query_params[name] = value
    if page:
        app.switch_page(page)
    app.run()
    assert not app.exception, app.exception
    return app


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/children_in_care.py",
                                  "pages/team.py", "pages/audit_log.py"])
def test_with_no_sign_in_and_no_development_role_no_page_shows_a_figure(app, monkeypatch, page):
    monkeypatch.delenv("FSDASH_DEV_ROLE")
    app.switch_page(page).run()
    assert not app.metric and not app.get("plotly_chart") and not app.dataframe
    assert any("Sign-in is not set up" in t.value for t in app.title)


def test_a_development_role_is_bannered(app, monkeypatch):
    _as(app, monkeypatch, "cabinet")
    assert any("Development mode" in w.value and "cabinet member" in w.value for w in app.warning)


def test_figures_follow_the_role_and_caches_never_cross_roles(app, monkeypatch, demo_db):
    # Figures resting on a handful of adults are hidden from a director (small numbers hidden)
    # and shown to an analyst (not), in one server process.
    month, district = small_adult_cohort(demo_db)
    params = {"as_at": month, "area": district}
    director = _as(app, monkeypatch, "director", **params)
    shown_to_director = {m.label: m.value for m in director.metric}
    analyst = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    shown_to_analyst = {m.label: m.value for m in _as(analyst, monkeypatch, "analyst",
                                                        **params).metric}
    differing = {k for k in shown_to_director if shown_to_director[k] != shown_to_analyst[k]}
    assert differing and all(shown_to_director[k] == "c" for k in differing)
    assert all(v != "c" for v in shown_to_analyst.values())


def test_a_team_manager_sees_their_team_and_is_refused_another(app, monkeypatch):
    mine = _as(app, monkeypatch, "team_manager:FS01", "pages/team.py", team="FS01",
               as_at="2024-03")
    assert [h.value for h in mine.header] == ["Lancaster North team"]     # no all-teams view
    workers = _table_with(mine, "Worker")
    assert len(workers) >= 3
    other = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    refused = _as(other, monkeypatch, "team_manager:FS01", "pages/team.py", team="FS02",
                  as_at="2024-03")
    assert any("do not have access" in e.value for e in refused.error)
    assert not refused.dataframe and not refused.header


def test_a_director_sees_any_team_with_small_numbers_hidden(app, monkeypatch):
    view = _as(app, monkeypatch, "director", "pages/team.py", team="FS17", as_at="2024-03")
    for table in (_table_with(view, "Worker"), _table_with(view, "Team")):
        counts = [c for c in table["Children"] if c != "c"]
        assert all(not 1 <= int(c.replace(",", "")) <= 5 for c in counts)


def _table_with(app, column: str):
    """The page's table that has ``column`` and a Children column."""
    return next(t.value for t in app.dataframe
                if {column, "Children"} <= set(t.value.columns))


def test_the_audit_log_records_each_view_and_only_analysts_read_it(app, monkeypatch):
    _as(app, monkeypatch, "director", as_at="2025-06", area="EAST")
    _as(AppTest.from_file(str(ROOT / "app.py"), default_timeout=90), monkeypatch,
        "team_manager:FS01", "pages/team.py", team="FS02", as_at="2024-03")
    entries = [json.loads(line) for line in audit.log_path().read_text().splitlines()]
    assert any(e["who"] == "development (director)" and e["role"] == "director"
               and (e["page"], e["action"]) == ("Overview", "view")
               and e["details"] == {"as_at": str(dt.date(2025, 6, 30)), "area": "EAST"}
               and e["at"].startswith(str(dt.date.today().year)) for e in entries)
    assert any(e["action"] == "refused" and e["details"]["team"] == "FS02" for e in entries)
    analyst = _as(AppTest.from_file(str(ROOT / "app.py"), default_timeout=90), monkeypatch,
                  "analyst", "pages/audit_log.py")
    log = analyst.dataframe[0].value
    assert {"Overview", "Team caseloads"} <= set(log["page"])
    director = _as(AppTest.from_file(str(ROOT / "app.py"), default_timeout=90), monkeypatch,
                   "director", "pages/audit_log.py")
    assert not director.dataframe          # refused in the data layer, not only unlisted
    assert any("Only analysts" in e.value for e in director.error)


def test_a_cabinet_member_is_refused_team_detail(app, monkeypatch):
    refused = _as(app, monkeypatch, "cabinet", "pages/team.py", team="FS01")
    assert not refused.dataframe and any("do not have access" in e.value for e in refused.error)


def test_a_page_file_run_alone_checks_the_sign_in_again(demo_db, monkeypatch):
    """A bare `streamlit run` can run a page file without app.py in a server's first sessions:
    a scope kept from an earlier run is not trusted, the sign-in is checked on this one."""
    monkeypatch.setenv("FSDASH_DB", str(demo_db))
    monkeypatch.delenv("FSDASH_DEV_ROLE", raising=False)
    page = AppTest.from_file(str(ROOT / "pages" / "overview.py"), default_timeout=90)
    page.session_state["fsdash_scope"] = ACCESS.scope("analyst")    # signed in, runs ago
    page.run()
    assert not page.metric and not page.get("plotly_chart") and not page.dataframe
    assert any("Sign-in is not set up" in t.value for t in page.title)
