"""A page a role does not include (issue 25, item 8): a cabinet member opening /team, /data or
/audit-log, or a team manager opening /data or /audit-log, is told in plain words that their
role does not include it and which pages it does (linked), with no "Page not found" dialog and
nothing from the page itself; each refusal is in the audit log."""

import json

import pytest
from playwright.sync_api import expect

from conftest import ROOT
from streamlit_server import READY, launched_chromium, streamlit_server

pytestmark = pytest.mark.browser
WAIT = 120_000
TITLES = {"/team": "Team caseloads", "/data": "Data", "/audit-log": "Audit log"}
LACKING = {"cabinet": ("/team", "/data", "/audit-log"),
           "team_manager:FS01": ("/data", "/audit-log")}
ROLE_WORDS = {"cabinet": "a cabinet member", "team_manager:FS01": "a team manager"}


@pytest.fixture(scope="module")
def browser():
    with launched_chromium() as chromium:
        yield chromium


@pytest.mark.parametrize("role", LACKING)
def test_a_page_the_role_lacks_says_so_and_is_audited(role, demo_db, browser, tmp_path):
    log = tmp_path / "audit.jsonl"
    env = {"FSDASH_DEV_ROLE": role, "FSDASH_AUDIT_LOG": str(log)}
    with streamlit_server(ROOT / "app.py", demo_db, env=env) as (_, url):
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        for path in LACKING[role]:
            page.goto(url + path)
            title = TITLES[path]
            expect(page.get_by_role("heading", level=1).first).to_have_text(title, timeout=WAIT)
            page.wait_for_selector(READY, timeout=WAIT)
            main = page.get_by_test_id("stMain")
            expect(main.get_by_test_id("stAlert").filter(has_text="signed in as")
                   ).to_contain_text(
                f"You are signed in as {ROLE_WORDS[role]}, and that role does not include the "
                f"{title} page")
            expect(page.get_by_role("dialog")).to_have_count(0)          # no "Page not found"
            links = main.get_by_test_id("stPageLink")
            expect(links.first).to_contain_text("Overview")
            expect(links.filter(has_text=title)).to_have_count(0)
            expect(page.get_by_test_id("stTopNavLink").filter(has_text=title)).to_have_count(0)
            expect(main.locator('[data-testid="stFileUploader"], [data-testid="stDataFrame"]')
                   ).to_have_count(0)
        links.filter(has_text="Children in care").click()
        expect(page.get_by_role("heading", level=1).first).to_have_text("Children in care",
                                                                         timeout=WAIT)
        page.close()
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    refused = [e["page"] for e in entries if e["action"] == "refused" and e["role"] == role.partition(":")[0]]
    assert refused == [TITLES[p] for p in LACKING[role]]
