"""Sign-in end to end: a real OpenID Connect provider on loopback (oidc-provider-mock), the app
under `streamlit run` with sign-in configured, and Debian's Chromium signing in as each role."""

import json
import os
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager

import pytest
from playwright.sync_api import expect, sync_playwright

from conftest import ROOT, small_adult_cohort
from streamlit_server import CHROMIUM, CHROMIUM_ARGS, READY, free_port, streamlit_server

pytestmark = pytest.mark.browser
OID = "5b0c3a1e-0000-4000-8000-00000000f5d1"
USERS = {
    "councillor": {"email": "councillor@example.org", "email_verified": True},
    "director": {"email": "director@example.org", "email_verified": True},
    "manager": {"email": "manager.fs01@example.org", "email_verified": True},
    "analyst": {"email": "someone.else@example.org", "email_verified": True,
                "groups": ["fsdash-analysts"]},
    "stranger": {"email": "stranger@example.org", "email_verified": True,
                 "groups": ["another-group"]},
    # The director's address, but the provider has not verified it; and only a username.
    "unverified": {"email": "director@example.org", "email_verified": False},
    "username": {"preferred_username": "director@example.org"},
    # Named in the test's access file by Entra ID's object ID, and by email (to be removed).
    "by-id": {"oid": OID, "email": "by-id@example.net", "email_verified": False},
    "leaver": {"email": "leaver@example.org", "email_verified": True},
}
TEST_USERS = f"""
[[users]]
id = "{OID}"
role = "director"
"""
LEAVER = """
[[users]]
email = "leaver@example.org"
role = "director"
"""


@contextmanager
def identity_provider(token_max_age: int = 3600):
    """oidc-provider-mock on a free loopback port, with the test users."""
    port = free_port()
    claims = [f"--user-claims={json.dumps({'sub': sub, **c})}" for sub, c in USERS.items()]
    process = subprocess.Popen(
        [sys.executable, "-m", "oidc_provider_mock", "--port", str(port), "--host", "127.0.0.1",
         "--token-max-age", str(token_max_age), *claims],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{url}/.well-known/openid-configuration", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the identity provider did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def signed_in_app(demo_db, tmp_path, token_max_age=3600):
    """The app with sign-in configured against a fresh identity provider; yields its URL. Its
    access file (tmp_path/access.toml) is the council's example with the test's users added."""
    access = tmp_path / "access.toml"
    access.write_text((ROOT / "config" / "access.toml").read_text() + TEST_USERS + LEAVER)
    with identity_provider(token_max_age) as issuer:
        port = free_port()
        secrets = tmp_path / f"secrets-{port}.toml"
        secrets.write_text(f"""[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "{os.urandom(24).hex()}"
client_id = "fsdash-test"
client_secret = "fsdash-test-secret"
server_metadata_url = "{issuer}/.well-known/openid-configuration"
""")
        flags = ("--secrets.files", str(secrets))
        env = {"FSDASH_DEV_ROLE": "", "FSDASH_AUDIT_LOG": str(tmp_path / "audit.jsonl"),
               "FSDASH_ACCESS": str(access)}
        with streamlit_server(ROOT / "app.py", demo_db, flags, env, port) as (_, url):
            yield url


@pytest.fixture(scope="module")
def app_folder(tmp_path_factory):
    """The module's app's folder: its access file and audit log."""
    return tmp_path_factory.mktemp("signin")


@pytest.fixture(scope="module")
def app(demo_db, app_folder):
    with signed_in_app(demo_db, app_folder) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def sign_in(browser, url: str, sub: str):
    """A new browser context signed in as ``sub`` through the provider's form; its page."""
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.goto(url)
    page.get_by_role("button", name="Sign in").click(timeout=60_000)
    page.locator("input[name=sub]").fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{url}/**", timeout=60_000)
    page.wait_for_selector(READY, timeout=180_000)      # a role's first figures, on a busy machine
    return page


def _visit(page, url):
    page.goto(url)
    page.wait_for_selector(READY, timeout=90_000)
    expect(page.get_by_role("heading", level=1).first).to_be_visible(timeout=60_000)
    page.wait_for_selector(READY, timeout=90_000)


def test_before_sign_in_nothing_is_shown(app, browser):
    page = browser.new_page()
    page.goto(app)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=60_000)
    assert page.get_by_test_id("stMetric").count() == 0
    page.close()


def test_a_cabinet_member_sees_trends_with_small_numbers_hidden_and_no_team_detail(app, browser,
                                                                                 demo_db):
    month, district = small_adult_cohort(demo_db)
    page = sign_in(browser, app, "councillor")
    _visit(page, f"{app}/?as_at={month}&area={district}")
    expect(page.get_by_test_id("stMetric")).to_have_count(11)
    police = page.get_by_test_id("stMetric").filter(has_text="Adults' police contacts")
    expect(police.get_by_test_id("stMetricValue")).to_have_text("c")
    expect(page.get_by_role("link", name="Team caseloads")).to_have_count(0)
    expect(page.get_by_role("link", name="Audit log")).to_have_count(0)
    page.screenshot(path=str(ROOT / "test-results" / "signed-in-cabinet.png"))
    page.context.close()


def test_a_director_sees_any_team(app, browser):
    page = sign_in(browser, app, "director")
    _visit(page, f"{app}/team?team=FS05&as_at=2024-03")
    expect(page.get_by_role("heading", name="Fylde team")).to_be_visible()
    page.context.close()


def test_a_team_manager_sees_their_team_and_a_changed_address_is_refused(app, browser):
    page = sign_in(browser, app, "manager")
    _visit(page, f"{app}/team?team=FS01&as_at=2024-03")
    expect(page.get_by_role("heading", name="Lancaster North team")).to_be_visible()
    expect(page.get_by_role("heading", name="All teams")).to_have_count(0)
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible(timeout=60_000)
    _visit(page, f"{app}/team?team=FS02&as_at=2024-03")
    expect(page.get_by_text("You do not have access to that team's detail")).to_be_visible()
    expect(page.get_by_test_id("stDataFrame")).to_have_count(0)
    expect(page.get_by_text("Lancaster South")).to_have_count(0)
    page.context.close()


def test_a_user_with_no_role_gets_a_polite_refusal_and_nothing_else(app, browser):
    page = sign_in(browser, app, "stranger")
    expect(page.get_by_text("You do not have access to this dashboard")).to_be_visible()
    assert page.get_by_test_id("stMetric").count() == 0
    assert page.locator(".js-plotly-plot").count() == 0
    page.context.close()


def test_the_analyst_reads_the_audit_log_of_everyone_s_views(app, browser):
    page = sign_in(browser, app, "analyst")
    _visit(page, f"{app}/audit-log")
    expect(page.get_by_test_id("stDataFrame")).to_have_count(1)   # entries: checked below
    expect(page.get_by_text("newest first")).to_be_visible()
    page.context.close()


def _no_role(page):
    expect(page.get_by_text("You do not have access to this dashboard")).to_be_visible(
        timeout=60_000)
    assert page.get_by_test_id("stMetric").count() == 0


def test_an_unverified_email_or_a_username_alone_gives_no_role(app, browser):
    for sub in ("unverified", "username"):     # each claims the director's address
        page = sign_in(browser, app, sub)
        _no_role(page)
        page.context.close()


def test_a_stable_identifier_gives_a_role(app, browser):
    page = sign_in(browser, app, "by-id")
    expect(page.get_by_test_id("stMetric").first).to_be_visible(timeout=60_000)
    expect(page.get_by_text(f"Signed in as {OID}")).to_be_visible()
    page.context.close()


def _with_cookies(browser, cookies):
    """A fresh browser context holding copied cookies; its page."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_cookies(cookies)
    return context.new_page()


def test_a_cookie_copied_before_sign_out_stops_working(app, browser):
    page = sign_in(browser, app, "director")
    copied = page.context.cookies()
    thief = _with_cookies(browser, copied)
    _visit(thief, app)
    expect(thief.get_by_test_id("stMetric").first).to_be_visible(timeout=60_000)   # it works
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/end_session**", timeout=60_000)
    assert not any(c["name"].startswith("_streamlit_user") for c in page.context.cookies())
    for reused in (thief, _with_cookies(browser, copied)):   # its open page, and a fresh one
        reused.goto(f"{app}/children-in-care")
        expect(reused.get_by_text("You have signed out")).to_be_visible(timeout=60_000)
        assert reused.get_by_test_id("stMetric").count() == 0
        reused.context.close()
    page.context.close()


def test_someone_removed_from_the_access_file_is_refused_on_their_next_page(app, app_folder,
                                                                           browser):
    access = app_folder / "access.toml"
    page = sign_in(browser, app, "leaver")
    expect(page.get_by_test_id("stMetric").first).to_be_visible(timeout=60_000)
    before = access.read_text()
    try:
        access.write_text(before.replace(LEAVER, ""))
        page.get_by_role("link", name="Children in care").click()    # the same session
        _no_role(page)
    finally:
        access.write_text(before)
    page.context.close()


def test_a_long_crafted_address_value_is_logged_cut_and_clean(app, app_folder, browser):
    page = sign_in(browser, app, "manager")
    crafted = "FS02%0A%0D%1B%5B31m%00" + "x" * 5000
    _visit(page, f"{app}/team?team={crafted}&as_at=2024-03")
    expect(page.get_by_text("You do not have access to that team's detail")).to_be_visible()
    page.context.close()
    entries = [json.loads(line) for line in (app_folder / "audit.jsonl").read_text().splitlines()]
    logged = next(e["details"]["team"] for e in entries if e["details"].get("team", "")
                  .startswith("FS02["))
    assert logged.startswith("FS02[31mxxx") and logged.endswith("(cut from 5,008 characters)")
    assert len(logged) < 250 and not any(ord(c) < 32 for c in logged)


def test_the_audit_log_attributes_every_view_the_tests_made(app, app_folder):
    entries = [json.loads(line) for line in (app_folder / "audit.jsonl").read_text().splitlines()]
    seen = {(e["who"], e["page"], e["action"]) for e in entries}
    assert ("councillor@example.org", "Overview", "view") in seen
    assert ("director@example.org", "Team caseloads", "drill-down") in seen
    assert ("manager.fs01@example.org", "Team caseloads", "drill-down") in seen
    assert ("manager.fs01@example.org", "Team caseloads", "refused") in seen
    assert ("someone.else@example.org", "Audit log", "view") in seen
    assert ("director@example.org", "Sign-in", "signed out") in seen
    issuer = next(e["iss"] for e in entries if e["who"] == "councillor@example.org")
    assert issuer.startswith("http://127.0.0.1:")
    assert all(e["iss"] == issuer and e["sub"] for e in entries)
    refused = {(e["who"], e["sub"], e["details"]["reason"]) for e in entries
               if e["page"] == "Sign-in" and e["action"] == "refused"}
    assert {("stranger@example.org", "stranger", "no role"),   # a verified email is shown
            ("unverified", "unverified", "no role"),           # an unverified one never is
            ("username", "username", "no role"),
            ("leaver@example.org", "leaver", "no role"),
            ("director@example.org", "director", "signed out")} <= refused
    assert {e["action"] for e in entries if e["who"] == "stranger@example.org"} == {"refused"}


def test_an_expired_identity_token_means_signing_in_again(demo_db, tmp_path, browser):
    with signed_in_app(demo_db, tmp_path, token_max_age=8) as url:
        page = sign_in(browser, url, "director")
        expect(page.get_by_test_id("stMetric").first).to_be_visible(timeout=60_000)
        time.sleep(9)
        page.reload()
        expect(page.get_by_text("Your sign-in has expired")).to_be_visible(timeout=60_000)
        assert page.get_by_test_id("stMetric").count() == 0
        page.context.close()
    entries = [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text().splitlines()]
    assert any((e["who"], e["sub"], e["action"], e["details"]) == (
        "director@example.org", "director", "refused", {"reason": "sign-in expired"})
        for e in entries)
